"""What analysis and evaluation produce: frozen data with ``to_dict``/``from_dict``.

The same objects serve the CLI, JSON output, storage and reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from servio.model import Conversation


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a stage was tagged: the cue that fired and where.

    ``kind`` is e.g. ``phrase``, ``lemma``, ``question``, ``position``,
    ``context`` or ``feature``; ``cue`` is the cue's id or text; ``match``
    the text that matched (may be empty for position rules).
    """

    kind: str
    cue: str
    match: str = ""
    weight: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "cue": self.cue, "match": self.match, "weight": self.weight}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Evidence:
        return cls(kind=d["kind"], cue=d["cue"], match=d.get("match", ""), weight=float(d.get("weight", 1.0)))


@dataclass(frozen=True, slots=True)
class StageTag:
    """One stage on one turn, with a confidence in [0, 1] and its evidence."""

    stage: int
    confidence: float
    evidence: tuple[Evidence, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "confidence": round(self.confidence, 4),
            "evidence": [e.to_dict() for e in self.evidence],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> StageTag:
        return cls(
            stage=int(d["stage"]),
            confidence=float(d["confidence"]),
            evidence=tuple(Evidence.from_dict(e) for e in d.get("evidence", ())),
        )


@dataclass(frozen=True, slots=True)
class TurnTags:
    """The stages of one turn (multi-label, possibly empty)."""

    index: int
    tags: tuple[StageTag, ...] = ()

    @property
    def stages(self) -> frozenset[int]:
        return frozenset(t.stage for t in self.tags)

    def get(self, stage: int) -> StageTag | None:
        for t in self.tags:
            if t.stage == stage:
                return t
        return None

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "stages": sorted(self.stages), "tags": [t.to_dict() for t in self.tags]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TurnTags:
        return cls(index=int(d["index"]), tags=tuple(StageTag.from_dict(t) for t in d.get("tags", ())))


@dataclass(frozen=True, slots=True)
class TaggedConversation:
    """A conversation with one :class:`TurnTags` per turn, in turn order."""

    conversation: Conversation
    turns: tuple[TurnTags, ...]
    tagger: str = ""

    def stages_of(self, index: int) -> frozenset[int]:
        return self.turns[index].stages


@dataclass(frozen=True, slots=True)
class StagedConversation:
    """A conversation with the stage set of every turn and nothing more (no confidences, no
    evidence): what ``servio tag`` writes and ``servio eval`` compares."""

    conversation: Conversation
    stages: tuple[frozenset[int], ...]
    tagger: str = ""

    def stages_of(self, index: int) -> frozenset[int]:
        return self.stages[index]


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One reviewer check of "What good looks like" (SERVICE_PROCESS.md)."""

    id: str
    stage: int
    passed: bool
    weight: float = 1.0
    turn: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "stage": self.stage,
            "passed": self.passed,
            "weight": self.weight,
            "turn": self.turn,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CheckResult:
        return cls(
            id=d["id"],
            stage=int(d["stage"]),
            passed=bool(d["passed"]),
            weight=float(d.get("weight", 1.0)),
            turn=d.get("turn"),
        )


@dataclass(frozen=True, slots=True)
class StageScore:
    """Score 0..100 of one stage in one conversation.

    ``present`` says whether the agent carried the stage at all; ``weight``
    is the stage's weight under the conversation's contact type (0 means
    not applicable); ``turns`` are the indexes of the turns that carry it.
    """

    stage: int
    score: float
    present: bool
    weight: float
    turns: tuple[int, ...] = ()
    checks: tuple[CheckResult, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "score": round(self.score, 1),
            "present": self.present,
            "weight": self.weight,
            "turns": list(self.turns),
            "checks": [c.to_dict() for c in self.checks],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> StageScore:
        return cls(
            stage=int(d["stage"]),
            score=float(d["score"]),
            present=bool(d["present"]),
            weight=float(d["weight"]),
            turns=tuple(d.get("turns", ())),
            checks=tuple(CheckResult.from_dict(c) for c in d.get("checks", ())),
        )


@dataclass(frozen=True, slots=True)
class FailurePattern:
    """A named failure of the process ("solution before needs"), where it shows."""

    id: str
    text: str
    turn: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "turn": self.turn}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FailurePattern:
        return cls(id=d["id"], text=d["text"], turn=d.get("turn"))


@dataclass(frozen=True, slots=True)
class Feedback:
    """One coaching item in the conversation's language.

    Points at a turn (``turn``) or at a missing stage (``turn`` is None).
    ``kind`` is ``praise``, ``improve`` or ``missing``; or ``incomplete``, with ``stage`` 0, for the
    notice that turns of the conversation could not be read (the first item, before any coaching).
    """

    stage: int
    kind: str
    text: str
    turn: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"stage": self.stage, "kind": self.kind, "text": self.text, "turn": self.turn}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Feedback:
        return cls(stage=int(d["stage"]), kind=d["kind"], text=d["text"], turn=d.get("turn"))


@dataclass(frozen=True, slots=True)
class ConversationResult:
    """Everything servio says about one conversation."""

    conversation_id: str
    language: str
    contact_type: str
    agent_id: str | None
    team: str | None
    turns: tuple[TurnTags, ...]
    stage_scores: tuple[StageScore, ...]
    overall: float
    failures: tuple[FailurePattern, ...] = ()
    feedback: tuple[Feedback, ...] = ()
    started_at: str | None = None
    #: where the records of the conversation a reader skipped are (``Conversation.unread``): scored without
    unread: tuple[str, ...] = ()

    @property
    def incomplete(self) -> bool:
        """True when records of the conversation could not be read: its scores may be wrong."""
        return bool(self.unread)

    def score_of(self, stage: int) -> StageScore:
        """The score of ``stage`` (1..7); KeyError for anything else."""
        for s in self.stage_scores:
            if s.stage == stage:
                return s
        raise KeyError(f"no stage {stage!r} in the result of {self.conversation_id!r} (stages are 1..7)")

    def to_dict(self) -> dict[str, Any]:
        return {
            "conversation_id": self.conversation_id,
            "language": self.language,
            "contact_type": self.contact_type,
            "agent_id": self.agent_id,
            "team": self.team,
            "started_at": self.started_at,
            "overall": round(self.overall, 1),
            "turns": [t.to_dict() for t in self.turns],
            "stage_scores": [s.to_dict() for s in self.stage_scores],
            "failures": [f.to_dict() for f in self.failures],
            "feedback": [f.to_dict() for f in self.feedback],
            "unread": list(self.unread),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ConversationResult:
        return cls(
            conversation_id=d["conversation_id"],
            language=d["language"],
            contact_type=d["contact_type"],
            agent_id=d.get("agent_id"),
            team=d.get("team"),
            started_at=d.get("started_at"),
            overall=float(d["overall"]),
            turns=tuple(TurnTags.from_dict(t) for t in d.get("turns", ())),
            stage_scores=tuple(StageScore.from_dict(s) for s in d["stage_scores"]),
            failures=tuple(FailurePattern.from_dict(f) for f in d.get("failures", ())),
            feedback=tuple(Feedback.from_dict(f) for f in d.get("feedback", ())),
            unread=tuple(str(w) for w in d.get("unread", ())),
        )


@dataclass(frozen=True, slots=True)
class StageProfile:
    """One stage across an agent's or team's conversations."""

    stage: int
    coverage: float  # share of conversations where the stage is present (0..1)
    mean_score: float  # mean 0..100 over conversations where the stage applies

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "coverage": round(self.coverage, 3),
            "mean_score": round(self.mean_score, 1),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> StageProfile:
        return cls(stage=int(d["stage"]), coverage=float(d["coverage"]), mean_score=float(d["mean_score"]))


@dataclass(frozen=True, slots=True)
class AgentProfile:
    """Per-stage picture of one agent or one team (``kind`` tells which)."""

    kind: str  # "agent" or "team"
    id: str
    team: str | None
    conversations: int
    overall: float
    stages: tuple[StageProfile, ...]
    strongest: int | None
    weakest: int | None
    failures: tuple[tuple[str, int], ...] = ()  # (pattern id, count), most frequent first
    summary: str = ""
    language: str = "en"
    conversation_ids: tuple[str, ...] = field(default=())
    incomplete: int = 0  # conversations counted whose reading skipped records (their scores may be wrong)

    @property
    def even(self) -> bool:
        """Every stage at the same mean: the summary says "even across the stages", and no stage is
        named strongest or weakest (both fields then hold the same stage)."""
        return self.strongest is not None and self.strongest == self.weakest

    @property
    def named_strongest(self) -> int | None:
        """The strongest stage as people are told it: None for an even profile."""
        return None if self.even else self.strongest

    @property
    def named_weakest(self) -> int | None:
        """The weakest stage as people are told it: None for an even profile."""
        return None if self.even else self.weakest

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "team": self.team,
            "conversations": self.conversations,
            "overall": round(self.overall, 1),
            "stages": [s.to_dict() for s in self.stages],
            "strongest": self.strongest,
            "weakest": self.weakest,
            "failures": [{"id": k, "count": n} for k, n in self.failures],
            "summary": self.summary,
            "language": self.language,
            "conversation_ids": list(self.conversation_ids),
            "incomplete": self.incomplete,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> AgentProfile:
        return cls(
            kind=d["kind"],
            id=d["id"],
            team=d.get("team"),
            conversations=int(d["conversations"]),
            overall=float(d["overall"]),
            stages=tuple(StageProfile.from_dict(s) for s in d["stages"]),
            strongest=d.get("strongest"),
            weakest=d.get("weakest"),
            failures=tuple((f["id"], int(f["count"])) for f in d.get("failures", ())),
            summary=d.get("summary", ""),
            language=d.get("language", "en"),
            conversation_ids=tuple(d.get("conversation_ids", ())),
            incomplete=int(d.get("incomplete", 0)),
        )
