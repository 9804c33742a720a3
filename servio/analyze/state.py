"""The working state of the rule tagger: per-turn evidence, what a rule can see, the settings.

:mod:`servio.analyze.context` holds the rules that read and extend this state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import NamedTuple

from servio.analyze.matching import Hit
from servio.analyze.views import Position, TurnView
from servio.results import Evidence, StageTag, TurnTags

_WEIGHT = attrgetter("weight")


@dataclass(frozen=True, slots=True)
class Settings:
    """Numbers the context rules use (from ``servio/data/cues/shared.toml``)."""

    threshold: float = 1.0
    end_window: int = 3
    substantive_words: int = 3
    restate_words: int = 14
    statement_words: int = 4
    closing_window: int = 4


@dataclass(slots=True)
class TurnState:
    """The evidence gathered for one turn while the tagger works (internal, mutable)."""

    view: TurnView
    position: Position
    hits: tuple[Hit, ...]
    evidence: dict[int, list[Evidence]] = field(default_factory=dict)
    signals: dict[str, Hit] = field(default_factory=dict)
    done: bool = False
    final: frozenset[int] | None = None  # the stages once all rules have run (later turns read these)
    #: (threshold, stages) as last computed; every change to ``evidence`` goes through
    #: add/drop/clear, which forget it, so rules that ask repeatedly do not recount.
    memo: tuple[float, frozenset[int]] | None = None
    residual: int | None = None  # words not covered by phrase hits (hits and words never change)

    def add(self, stage: int, kind: str, cue: str, match: str = "", weight: float = 1.0) -> None:
        """Add evidence for ``stage``."""
        self.memo = None
        found = self.evidence.get(stage)
        if found is None:
            self.evidence[stage] = [Evidence(kind, cue, match, weight)]
        else:
            found.append(Evidence(kind, cue, match, weight))

    def drop(self, *stages: int) -> None:
        """Remove all evidence for ``stages``."""
        self.memo = None
        for s in stages:
            self.evidence.pop(s, None)

    def clear(self) -> None:
        """Remove every stage and stop further rules."""
        self.memo = None
        self.evidence.clear()
        self.done = True

    def score(self, stage: int) -> float:
        return sum(map(_WEIGHT, self.evidence.get(stage, ())))

    def stages(self, threshold: float) -> frozenset[int]:
        memo = self.memo
        if memo is not None and memo[0] == threshold:
            return memo[1]
        found = frozenset([s for s, evs in self.evidence.items() if sum(map(_WEIGHT, evs)) >= threshold])
        self.memo = (threshold, found)
        return found

    def has(self, *signals: str) -> bool:
        found = self.signals
        for s in signals:
            if s in found:
                return True
        return False

    def to_turn_tags(self, threshold: float) -> TurnTags:
        tags = []
        for stage in sorted(self.stages(threshold)):
            evidence = self.evidence[stage]
            score = sum(map(_WEIGHT, evidence))
            tags.append(StageTag(stage, round(score / (score + 0.5), 4), tuple(evidence)))
        return TurnTags(self.view.turn_index, tuple(tags))


class Context(NamedTuple):
    """What a rule can see: this turn's state, earlier turns' states and the settings.

    A NamedTuple: immutable like a frozen dataclass, and several times cheaper to build (one per turn).
    """

    state: TurnState
    earlier: Sequence[TurnState]
    settings: Settings

    def stages(self) -> frozenset[int]:
        return self.state.stages(self.settings.threshold)

    def previous(self, speaker: str | None = None) -> TurnState | None:
        """The nearest earlier turn (of ``speaker`` if given)."""
        for st in reversed(self.earlier):
            if speaker is None or st.view.speaker == speaker:
                return st
        return None

    def stages_of(self, st: TurnState | None) -> frozenset[int]:
        if st is None:
            return frozenset()
        return st.final if st.final is not None else st.stages(self.settings.threshold)
