"""Evidence for a learned tag: the features that pushed the stage's score up the most.

For a linear model a feature's contribution is its weight times its value; a
name that occurs more than once in a turn (a character n-gram shared by two
words) sums its occurrences among the strongest few.
First-pass contributions are scaled by the weight the second pass gives the
turn's own first-pass score, so they share one scale with the context
columns (the neighbours' probabilities and position flags).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from servio.analyze.learned.context import CONTEXT_NAMES
from servio.analyze.learned.features import TurnFeatures
from servio.analyze.learned.model import StageModel
from servio.results import Evidence


def explain(model: StageModel, features: TurnFeatures, context_row: np.ndarray, stage: int,
            top: int) -> tuple[Evidence, ...]:
    """The ``top`` positive contributions to ``stage`` (1..7) on one turn, largest first."""
    return explain_stages(model, features, context_row, [stage], top)[0]


def explain_stages(model: StageModel, features: TurnFeatures, context_row: np.ndarray,
                   stages: Sequence[int], top: int) -> list[tuple[Evidence, ...]]:
    """:func:`explain` for several stages of one turn, sharing the weight lookup."""
    if not stages:
        return []
    cols = [s - 1 for s in stages]
    first: np.ndarray | None = None
    if len(features.indices):
        first = model.weights[features.indices][:, cols] * features.values[:, None]
    ctx = model.context_weights[:, cols] * context_row[:, None]
    return [_one(model, features.names, None if first is None else first[:, j], ctx[:, j], s, top)
            for j, s in enumerate(cols)]


def _one(model: StageModel, names: Sequence[str], first: np.ndarray | None, ctx: np.ndarray, s: int,
         top: int) -> tuple[Evidence, ...]:
    totals: dict[str, float] = {}
    if first is not None:
        contrib = first * float(model.context_weights[s, s])
        keep = min(len(contrib), 4 * top)
        best_idx = np.argpartition(-contrib, keep - 1)[:keep] if keep < len(contrib) else range(len(contrib))
        for k in best_idx:
            c = float(contrib[k])
            if c > 0:
                totals[names[k]] = totals.get(names[k], 0.0) + c
    ctx = ctx.copy()
    ctx[s] = 0.0  # the turn's own first-pass score is shown through its features above
    pos = np.flatnonzero(ctx > 0)
    if 0 < top < len(pos):  # only the strongest ``top`` context columns can make the cut
        pos = pos[np.argpartition(-ctx[pos], top - 1)[:top]]
    for k in pos.tolist():
        totals[CONTEXT_NAMES[k]] = float(ctx[k])
    best = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    if not best:
        best = [("bias", float(model.context_bias[s]))]
    return tuple(Evidence(kind="feature", cue=name, weight=round(c, 4)) for name, c in best)
