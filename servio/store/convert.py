"""Between servio's frozen objects and table rows, both ways; content hashes.

Rows are plain dicts (for bulk ``INSERT``) on the way in; on the way out the
ORM rows are turned back into :class:`~servio.model.Conversation` and
:class:`~servio.results.ConversationResult` that equal what was saved.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any

from servio.ingest.said import Said
from servio.model import Channel, ContactType, Conversation, Language, Speaker, Turn, local_day
from servio.results import (
    CheckResult,
    ConversationResult,
    Evidence,
    FailurePattern,
    Feedback,
    StageScore,
    StageTag,
    TurnTags,
)
from servio.store.schema import (
    ID,
    ConversationRow,
    FailureRow,
    FeedbackRow,
    StageScoreRow,
    StageTagRow,
    TurnRow,
)


def jsonable(value: Any) -> Any:
    """``value`` made of JSON types only (anything else becomes its string)."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _clean(value: str | None) -> str | None:
    return value.replace("\x00", "\ufffd") if value is not None and "\x00" in value else value


def storable(conv: Conversation) -> Conversation:
    """``conv`` with NUL characters (which PostgreSQL text cannot hold) as U+FFFD, on every backend."""
    fields = (conv.id, conv.agent_id, conv.team, *(x for t in conv.turns for x in (t.text, t.author)))
    if not any(v and "\x00" in v for v in fields):
        return conv
    turns = tuple(replace(t, text=_clean(t.text) or "", author=_clean(t.author)) for t in conv.turns)
    return replace(conv, id=_clean(conv.id) or "", agent_id=_clean(conv.agent_id), team=_clean(conv.team),
                   turns=turns)


def unstorable(conv: Conversation) -> str | None:
    """Why ``conv`` cannot be stored (an id, team or author longer than the schema allows), or None."""
    reason = unstorable_said(conv)
    return None if reason is None else str(reason)


def unstorable_said(conv: Conversation) -> Said | None:
    """:func:`unstorable` as a message to say in another language (:mod:`servio.ingest.said`)."""
    named = [(Said("store.what_id"), conv.id), (Said("store.what_agent"), conv.agent_id),
             (Said("store.what_team"), conv.team)]
    named += [(Said("store.what_author", {"index": i}), t.author) for i, t in enumerate(conv.turns)]
    for what, value in named:
        if value is not None and len(value) > ID:
            return Said("store.too_long", {"id": repr(conv.id[:40]), "what": what, "limit": ID})
    if not conv.id:
        return Said("store.no_id")
    return None


def storable_result(result: ConversationResult) -> ConversationResult:
    """``result`` with its ids cleaned as :func:`storable` cleans the conversation's."""
    return replace(result, conversation_id=_clean(result.conversation_id) or "",
                   agent_id=_clean(result.agent_id), team=_clean(result.team))


def content_hash(conv: Conversation) -> str:
    """SHA-256 of everything a conversation says (ids, metadata, turns, and the records of it that could
    not be read, when there are any); equal content, equal hash. A re-import of the same turns that now
    reads completely is a change, so the stored conversation loses its mark."""
    body: dict[str, Any] = {
        "id": conv.id, "language": conv.language and str(conv.language), "channel": str(conv.channel),
        "agent_id": conv.agent_id, "team": conv.team,
        "contact_type": conv.contact_type and str(conv.contact_type),
        "started_at": _iso(conv.started_at), "metadata": jsonable(dict(conv.metadata)),
        "turns": [
            [str(t.speaker), t.text, t.author, _iso(t.timestamp),
             sorted(t.stages) if t.stages is not None else None, t.language and str(t.language)]
            for t in conv.turns
        ],
    }
    if conv.unread:  # only then: the hash of every complete conversation is what it was before
        body["unread"] = list(conv.unread)
    raw = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def turn_hash(turn: Turn) -> str:
    """SHA-256 of a turn's speaker and text: a correction applies while these stay the same."""
    return hashlib.sha256(f"{turn.speaker}\x00{turn.text}".encode()).hexdigest()


def _offset(value: datetime | None) -> int | None:
    """Minutes east of UTC of an aware datetime; None for a naive one."""
    if value is None or value.tzinfo is None:
        return None
    delta = value.utcoffset()
    return int(delta.total_seconds() // 60) if delta is not None else None


def restore_time(value: datetime | None, offset: int | None) -> datetime | None:
    """The stored UTC moment back in its source offset (naive when it came naive)."""
    if value is None:
        return None
    if offset is None:
        return value.replace(tzinfo=None)
    return value.astimezone(timezone(timedelta(minutes=offset)))


def conversation_row(conv: Conversation, result: ConversationResult, *, digest: str, tagger: str,
                     now: datetime) -> dict[str, Any]:
    """The ``conversations`` row of a conversation and its result."""
    return {
        "id": conv.id, "language": result.language or (conv.language and str(conv.language)) or "en",
        "channel": str(conv.channel), "agent_id": conv.agent_id, "team": conv.team,
        "contact_type": result.contact_type,
        "declared_contact_type": str(conv.contact_type) if conv.contact_type is not None else None,
        "started_at": conv.started_at, "started_offset": _offset(conv.started_at),
        "started_day": local_day(conv.started_at),
        "meta": jsonable(dict(conv.metadata)), "content_hash": digest, "tagger": tagger,
        "overall": float(result.overall), "turn_count": len(conv.turns),
        "unread_count": len(conv.unread), "unread": list(conv.unread) or None,
        "imported_at": now, "updated_at": now,
    }


def turn_rows(conv: Conversation) -> list[dict[str, Any]]:
    """One ``turns`` row per turn."""
    return [
        {"conversation_id": conv.id, "idx": i, "speaker": str(t.speaker), "author": t.author,
         "timestamp": t.timestamp, "timestamp_offset": _offset(t.timestamp),
         "language": str(t.language) if t.language is not None else None,
         "gold_stages": sorted(t.stages) if t.stages is not None else None, "text": t.text}
        for i, t in enumerate(conv.turns)
    ]


def tag_rows(conv_id: str, turns: Iterable[TurnTags], reviewed: frozenset[int] = frozenset()
             ) -> list[dict[str, Any]]:
    """One ``stage_tags`` row per stage of each turn; turns in ``reviewed`` are marked as the reviewer's."""
    return [
        {"conversation_id": conv_id, "turn_index": tt.index, "stage": tag.stage,
         "confidence": float(tag.confidence), "evidence": [e.to_dict() for e in tag.evidence],
         "source": "reviewer" if tt.index in reviewed else "tagger"}
        for tt in turns for tag in tt.tags
    ]


def result_rows(conv_id: str, result: ConversationResult) -> dict[type, list[dict[str, Any]]]:
    """Rows of the scores, failure patterns and feedback of a result, by table model."""
    scores = [
        {"conversation_id": conv_id, "stage": s.stage, "score": float(s.score), "present": s.present,
         "weight": float(s.weight), "turns": list(s.turns), "checks": [c.to_dict() for c in s.checks]}
        for s in result.stage_scores
    ]
    failures = [
        {"conversation_id": conv_id, "position": n, "pattern": f.id, "text": f.text, "turn": f.turn}
        for n, f in enumerate(result.failures)
    ]
    feedback = [
        {"conversation_id": conv_id, "position": n, "stage": f.stage, "kind": f.kind, "text": f.text,
         "turn": f.turn}
        for n, f in enumerate(result.feedback)
    ]
    return {StageScoreRow: scores, FailureRow: failures, FeedbackRow: feedback}


def _enum(kind: type, value: str | None) -> Any:
    if value is None:
        return None
    try:
        return kind(value)
    except ValueError:
        return None


def conversation_of(row: ConversationRow, turns: Sequence[TurnRow]) -> Conversation:
    """The conversation stored in ``row`` and its turn rows."""
    return Conversation(
        id=row.id,
        turns=tuple(
            Turn(speaker=Speaker(t.speaker), text=t.text, author=t.author,
                 timestamp=restore_time(t.timestamp, t.timestamp_offset),
                 stages=frozenset(t.gold_stages) if t.gold_stages is not None else None,
                 language=_enum(Language, t.language))
            for t in sorted(turns, key=lambda t: t.idx)
        ),
        language=_enum(Language, row.language),
        channel=_enum(Channel, row.channel) or Channel.OTHER,
        agent_id=row.agent_id,
        team=row.team,
        contact_type=_enum(ContactType, row.declared_contact_type),
        started_at=restore_time(row.started_at, row.started_offset),
        metadata=row.meta or {},
        unread=tuple(row.unread or ()),
    )


def turn_tags_of(turn_count: int, tags: Iterable[StageTagRow]) -> tuple[TurnTags, ...]:
    """Per-turn tags (one :class:`TurnTags` for every turn, in order) from tag rows."""
    by_turn: dict[int, list[StageTag]] = {i: [] for i in range(turn_count)}
    for tag in sorted(tags, key=lambda t: (t.turn_index, t.id)):
        evidence = tuple(Evidence.from_dict(e) for e in tag.evidence or ())
        by_turn.setdefault(tag.turn_index, []).append(StageTag(tag.stage, tag.confidence, evidence))
    return tuple(TurnTags(index=i, tags=tuple(by_turn[i])) for i in sorted(by_turn))


def stage_score_of(row: StageScoreRow) -> StageScore:
    """A stage score from its row."""
    return StageScore(stage=row.stage, score=row.score, present=row.present, weight=row.weight,
                      turns=tuple(row.turns or ()),
                      checks=tuple(CheckResult.from_dict(c) for c in row.checks or ()))


def result_of(row: ConversationRow, turns: tuple[TurnTags, ...], scores: Iterable[StageScoreRow],
              failures: Iterable[FailureRow], feedback: Iterable[FeedbackRow]) -> ConversationResult:
    """The result stored for a conversation."""
    return ConversationResult(
        conversation_id=row.id, language=row.language, contact_type=row.contact_type,
        agent_id=row.agent_id, team=row.team, turns=turns,
        stage_scores=tuple(stage_score_of(s) for s in sorted(scores, key=lambda s: s.stage)),
        overall=row.overall,
        failures=tuple(FailurePattern(f.pattern, f.text, f.turn)
                       for f in sorted(failures, key=lambda f: f.position)),
        feedback=tuple(Feedback(f.stage, f.kind, f.text, f.turn)
                       for f in sorted(feedback, key=lambda f: f.position)),
        started_at=_iso(restore_time(row.started_at, row.started_offset)),
        unread=tuple(row.unread or ()),
    )


def problem_dict(problem: Any) -> dict[str, Any]:
    """A reader problem (or any message) as the dict stored in an import job; with ``said`` when the
    problem has its message as a code and values (:mod:`servio.ingest.said`), to show in another language."""
    keys = ("path", "line", "offset", "message")
    if isinstance(problem, Mapping):
        out, said = {k: problem.get(k) for k in keys}, problem.get("said")
    elif all(hasattr(problem, k) for k in keys):
        out, said = {k: getattr(problem, k) for k in keys}, getattr(problem, "said", None)
    else:
        return {"path": None, "line": None, "offset": None, "message": str(problem)}
    if isinstance(said, Said):
        out["said"] = said.to_json()
    elif isinstance(said, Mapping):
        out["said"] = dict(said)
    return out
