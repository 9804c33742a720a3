"""Scores of predicted against gold stage sets: per-stage P/R/F1 with bootstrap CIs, kappa, micro/macro.

Confidence intervals resample whole conversations (a cluster bootstrap:
turns of one conversation are not independent), seeded, percentile 95 %.
A resample in which a ratio is undefined (a stage neither gold nor
predicted in it, for F1) is left out of that ratio's interval, as such a
stage is left out of the macro average.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

N_STAGES = 7


@dataclass(frozen=True, slots=True)
class Interval:
    """A point estimate with its 95 % bootstrap interval."""

    value: float
    low: float
    high: float

    def __str__(self) -> str:
        return f"{self.value:.3f} [{self.low:.3f}, {self.high:.3f}]"


@dataclass(frozen=True, slots=True)
class StageScores:
    """One stage: support (gold turns), precision, recall, F1 (with CIs) and Cohen's kappa."""

    stage: int
    support: int
    predicted: int
    precision: Interval
    recall: Interval
    f1: Interval
    kappa: float


@dataclass(frozen=True, slots=True)
class SetScores:
    """All stages of one set of turns (a language, or everything)."""

    name: str
    conversations: int
    turns: int
    micro_f1: Interval
    macro_f1: Interval
    stages: tuple[StageScores, ...]

    def stage(self, stage: int) -> StageScores:
        """The scores of one stage."""
        return self.stages[stage - 1]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def counts(gold: np.ndarray, pred: np.ndarray, conv_of: np.ndarray, n_convs: int) -> np.ndarray:
    """Per-conversation (tp, fp, fn, tn) of every stage: shape (n_convs, 7, 4)."""
    g, p = gold.astype(bool), pred.astype(bool)
    kinds = np.stack([g & p, ~g & p, g & ~p, ~g & ~p], axis=-1).astype(np.int64)  # (turns, 7, 4)
    out = np.zeros((n_convs, N_STAGES, 4), dtype=np.int64)
    np.add.at(out, conv_of, kinds)
    return out


def score_set(name: str, gold: np.ndarray, pred: np.ndarray, conv_of: Sequence[int], *,
              seed: int = 13, rounds: int = 1000) -> SetScores:
    """Scores of 0/1 arrays ``gold`` and ``pred`` (turns x 7); ``conv_of``: the conversation of each turn."""
    _, conv_index = np.unique(np.asarray(conv_of), return_inverse=True)
    n_convs = int(conv_index.max()) + 1 if len(conv_index) else 0
    per_conv = counts(gold, pred, conv_index, n_convs)
    total = per_conv.sum(axis=0)  # (7, 4)
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(n_convs, np.full(n_convs, 1.0 / n_convs), size=rounds) if n_convs else None
    boot = np.einsum("bc,csk->bsk", draws, per_conv) if draws is not None else np.zeros((1, N_STAGES, 4))
    stages = tuple(_stage(s, total[s], boot[:, s, :]) for s in range(N_STAGES))
    micro = _interval(_f1(*total[:, :3].sum(axis=0)), _f1_arr(boot[:, :, :3].sum(axis=1)))
    used = [s for s in range(N_STAGES) if total[s, :3].sum() > 0]
    macro_point = float(np.mean([stages[s].f1.value for s in used])) if used else 0.0
    macro_boot = _nanmean([_f1_arr(boot[:, s, :3]) for s in used]) if used else np.zeros(1)
    return SetScores(name=name, conversations=n_convs, turns=len(gold), micro_f1=micro,
                     macro_f1=_interval(macro_point, macro_boot), stages=stages)


def kappa(tp: int, fp: int, fn: int, tn: int) -> float:
    """Cohen's kappa of two binary raters from their 2x2 table (0.0 when undefined)."""
    n = tp + fp + fn + tn
    if n == 0:
        return 0.0
    po = (tp + tn) / n
    pe = ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / (n * n)
    return 0.0 if pe >= 1.0 else (po - pe) / (1.0 - pe)


def _stage(s: int, t: np.ndarray, boot: np.ndarray) -> StageScores:
    tp, fp, fn, tn = (int(v) for v in t)
    return StageScores(
        stage=s + 1, support=tp + fn, predicted=tp + fp,
        precision=_interval(_ratio(tp, tp + fp), _ratio_arr(boot[:, 0], boot[:, 0] + boot[:, 1])),
        recall=_interval(_ratio(tp, tp + fn), _ratio_arr(boot[:, 0], boot[:, 0] + boot[:, 2])),
        f1=_interval(_f1(tp, fp, fn), _f1_arr(boot[:, :3])),
        kappa=round(kappa(tp, fp, fn, tn), 4),
    )


def _interval(value: float, samples: np.ndarray) -> Interval:
    samples = samples[~np.isnan(samples)]  # resamples in which the ratio is undefined say nothing
    low, high = np.percentile(samples, [2.5, 97.5]) if len(samples) else (value, value)
    return Interval(round(float(value), 4), round(float(low), 4), round(float(high), 4))


def _ratio(a: float, b: float) -> float:
    return float(a / b) if b else 0.0


def _ratio_arr(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a / b per resample; NaN where b is 0 (undefined there)."""
    return np.divide(a, b, out=np.full(len(a), np.nan), where=b > 0)


def _nanmean(rows: list[np.ndarray]) -> np.ndarray:
    """Per resample, the mean of the values defined in it (NaN where none is)."""
    stacked = np.asarray(rows, dtype=float)
    defined = ~np.isnan(stacked)
    total = np.where(defined, stacked, 0.0).sum(axis=0)
    n = defined.sum(axis=0)
    return np.divide(total, n, out=np.full(stacked.shape[1], np.nan), where=n > 0)


def _f1(tp: float, fp: float, fn: float) -> float:
    d = 2 * tp + fp + fn
    return float(2 * tp / d) if d else 0.0


def _f1_arr(tpfpfn: np.ndarray) -> np.ndarray:
    tp, fp, fn = tpfpfn[:, 0], tpfpfn[:, 1], tpfpfn[:, 2]
    return _ratio_arr(2 * tp, 2 * tp + fp + fn)
