"""Tagging metrics: how well predicted stage sets match gold stage sets, turn by turn.

Pure functions over plain data. A turn's label is a set of stage ids (1..7,
possibly empty); every (turn, stage) pair counts once:

- tp: the stage is in both gold and predicted sets of the turn;
- fp: predicted but not gold; fn: gold but not predicted.

Micro scores pool the counts of all stages; macro F1 is the mean per-stage
F1 over the stages that occur in gold or predictions (stages that occur in
neither are left out rather than counted as 0 or 1).

The **co-occurrence confusion** has one row per gold stage plus ``none``
(turns whose gold set is empty) and one column per predicted stage plus
``none`` (turns whose predicted set is empty). For every turn, every gold
stage (or ``none``) adds 1 to each predicted stage of the same turn (or to
``none``). The diagonal counts hits; row ``g``, column ``p != g`` shows what
was predicted where ``g`` was the truth; column ``none`` shows turns where
nothing was predicted at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from servio.model import Conversation
from servio.results import TaggedConversation

STAGE_IDS: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7)
#: Row and column labels of :attr:`TaggingMetrics.confusion`.
CONFUSION_LABELS: tuple[str, ...] = ("1", "2", "3", "4", "5", "6", "7", "none")


@dataclass(frozen=True, slots=True)
class StageMetrics:
    """Counts and scores of one stage."""

    stage: int
    tp: int
    fp: int
    fn: int

    @property
    def support(self) -> int:
        """Number of turns whose gold set holds the stage."""
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float:
        return _f1(self.tp, self.fp, self.fn)

    def to_dict(self) -> dict[str, Any]:
        return {"stage": self.stage, "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4), "support": self.support, "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass(frozen=True, slots=True)
class TaggingMetrics:
    """Per-stage and pooled scores of predicted stage sets against gold ones."""

    stages: tuple[StageMetrics, ...]
    turns: int
    exact: int
    confusion: tuple[tuple[int, ...], ...]

    @property
    def tp(self) -> int:
        return sum(s.tp for s in self.stages)

    @property
    def fp(self) -> int:
        return sum(s.fp for s in self.stages)

    @property
    def fn(self) -> int:
        return sum(s.fn for s in self.stages)

    @property
    def micro_precision(self) -> float:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def micro_recall(self) -> float:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def micro_f1(self) -> float:
        return _f1(self.tp, self.fp, self.fn)

    @property
    def macro_f1(self) -> float:
        """Mean F1 over the stages present in gold or predictions (0.0 if none are)."""
        used = [s.f1 for s in self.stages if s.tp + s.fp + s.fn > 0]
        return sum(used) / len(used) if used else 0.0

    @property
    def exact_match(self) -> float:
        """Share of turns whose predicted set equals the gold set."""
        return _ratio(self.exact, self.turns)

    def stage(self, stage: int) -> StageMetrics:
        """The metrics of one stage."""
        return self.stages[STAGE_IDS.index(stage)]

    def confusion_cell(self, gold: int | str, pred: int | str) -> int:
        """Count of row ``gold`` and column ``pred`` (stage ids or ``"none"``)."""
        return self.confusion[CONFUSION_LABELS.index(str(gold))][CONFUSION_LABELS.index(str(pred))]

    def to_dict(self) -> dict[str, Any]:
        return {
            "turns": self.turns,
            "micro": {"precision": round(self.micro_precision, 4), "recall": round(self.micro_recall, 4),
                      "f1": round(self.micro_f1, 4), "tp": self.tp, "fp": self.fp, "fn": self.fn},
            "macro_f1": round(self.macro_f1, 4),
            "exact_match": round(self.exact_match, 4),
            "stages": [s.to_dict() for s in self.stages],
            "confusion": {"labels": list(CONFUSION_LABELS), "rows": [list(r) for r in self.confusion]},
        }


def stage_metrics(gold: Sequence[Iterable[int]], pred: Sequence[Iterable[int]]) -> TaggingMetrics:
    """Compare gold and predicted stage sets, one pair per turn (same order, same length)."""
    if len(gold) != len(pred):
        raise ValueError(f"gold has {len(gold)} turns, predictions have {len(pred)}")
    counts = {s: [0, 0, 0] for s in STAGE_IDS}
    size = len(CONFUSION_LABELS)
    confusion = [[0] * size for _ in range(size)]
    exact = 0
    for i, (g_raw, p_raw) in enumerate(zip(gold, pred, strict=True)):
        g, p = _as_set(g_raw, "gold", i), _as_set(p_raw, "predicted", i)
        exact += g == p
        for s in STAGE_IDS:
            counts[s][0] += s in g and s in p
            counts[s][1] += s in p and s not in g
            counts[s][2] += s in g and s not in p
        rows = [s - 1 for s in sorted(g)] or [size - 1]
        cols = [s - 1 for s in sorted(p)] or [size - 1]
        for r in rows:
            for c in cols:
                confusion[r][c] += 1
    return TaggingMetrics(
        stages=tuple(StageMetrics(s, *counts[s]) for s in STAGE_IDS),
        turns=len(gold),
        exact=exact,
        confusion=tuple(tuple(r) for r in confusion),
    )


def paired_stages(gold_convs: Iterable[Conversation], tagged_convs: Iterable[TaggedConversation],
                  ) -> tuple[list[frozenset[int]], list[frozenset[int]]]:
    """Gold and predicted stage sets of every labelled turn, paired by conversation id and turn index.

    Turns without gold labels (``Turn.stages is None``) are skipped. A missing
    conversation or a different number of turns raises ``ValueError``.
    """
    tagged = {tc.conversation.id: tc for tc in tagged_convs}
    gold_sets: list[frozenset[int]] = []
    pred_sets: list[frozenset[int]] = []
    for conv in gold_convs:
        tc = tagged.get(conv.id)
        if tc is None:
            raise ValueError(f"no tagged conversation with id {conv.id!r}")
        if len(tc.turns) != len(conv.turns):
            raise ValueError(f"conversation {conv.id!r}: {len(conv.turns)} gold turns, "
                             f"{len(tc.turns)} tagged")
        for turn, tt in zip(conv.turns, tc.turns, strict=True):
            if turn.stages is not None:
                gold_sets.append(frozenset(turn.stages))
                pred_sets.append(tt.stages)
    return gold_sets, pred_sets


def compare_conversations(gold_convs: Iterable[Conversation],
                          tagged_convs: Iterable[TaggedConversation]) -> TaggingMetrics:
    """Metrics of tagged conversations against the gold labels of the same conversations."""
    return stage_metrics(*paired_stages(gold_convs, tagged_convs))


def _as_set(value: Iterable[int], what: str, index: int) -> frozenset[int]:
    out = frozenset(value)
    bad = [s for s in out if isinstance(s, bool) or not isinstance(s, int) or s not in STAGE_IDS]
    if bad:
        raise ValueError(f"{what} turn index {index}: stage(s) {sorted(map(str, bad))} not in 1..7")
    return out


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def _f1(tp: int, fp: int, fn: int) -> float:
    denom = 2 * tp + fp + fn
    return 2 * tp / denom if denom else 0.0
