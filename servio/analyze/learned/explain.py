"""Evidence for a learned tag: the features that pushed the stage's score up the most.

For a linear model a feature's contribution is its weight times its value; a
name that occurs more than once in a turn (a character n-gram shared by two
words) sums its occurrences among the strongest few.
First-pass contributions are scaled by the weight the second pass gives the
turn's own first-pass score, so they share one scale with the context
columns (the neighbours' probabilities and position flags).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from servio.analyze.learned.context import CONTEXT_NAMES
from servio.analyze.learned.features import TurnFeatures
from servio.analyze.learned.model import StageModel
from servio.results import Evidence


def explain(model: StageModel, features: TurnFeatures, context_row: np.ndarray, stage: int,
            top: int) -> tuple[Evidence, ...]:
    """The ``top`` positive contributions to ``stage`` (1..7) on one turn, largest first."""
    return explain_turns(model, [features], context_row[None, :], [[stage]], top)[0][0]


def explain_turns(model: StageModel, features: Sequence[TurnFeatures], context: np.ndarray,
                  stages: Sequence[Sequence[int]], top: int,
                  contributions: np.ndarray | None = None) -> list[list[tuple[Evidence, ...]]]:
    """:func:`explain` for the predicted ``stages`` of every turn of a conversation (``context``: the
    second-pass input rows; ``contributions``: :meth:`StageModel.contributions` of ``features``, looked
    up here when not given)."""
    sizes = [len(f.indices) for f in features]
    first: np.ndarray | None = None
    if any(sizes):
        first = model.contributions(features) if contributions is None else contributions
    out: list[list[tuple[Evidence, ...]]] = []
    start = 0
    for feats, row, wanted, n in zip(features, context, stages, sizes, strict=True):
        if wanted:
            cols = [s - 1 for s in wanted]
            own = first[start:start + n] if first is not None and n else None
            ctx = model.context_weights[:, cols] * row[:, None]
            out.append([_one(model, feats.names, None if own is None else own[:, s], ctx[:, j], s, top)
                        for j, s in enumerate(cols)])
        else:
            out.append([])
        start += n
    return out


def _one(model: StageModel, names: Sequence[str], first: np.ndarray | None, ctx: np.ndarray, s: int,
         top: int) -> tuple[Evidence, ...]:
    totals: dict[str, float] = {}
    if first is not None:
        contrib = first * float(model.context_weights[s, s])
        keep = min(len(contrib), 4 * top)
        pairs: Iterable[tuple[int, float]]
        if keep < len(contrib):
            best = (-contrib).argpartition(keep - 1)[:keep]  # the method: no dispatch through np.*
            pairs = zip(best.tolist(), contrib[best].tolist(), strict=True)
        else:
            pairs = enumerate(contrib.tolist())
        get = totals.get
        for k, c in pairs:
            if c > 0:
                name = names[k]
                totals[name] = get(name, 0.0) + c
    pos = (ctx > 0).nonzero()[0]
    pos = pos[pos != s]  # the turn's own first-pass score is shown through its features above
    if 0 < top < len(pos):  # only the strongest ``top`` context columns can make the cut
        pos = pos[(-ctx[pos]).argpartition(top - 1)[:top]]
    for k, c in zip(pos.tolist(), ctx[pos].tolist(), strict=True):
        totals[CONTEXT_NAMES[k]] = c
    best_names = sorted(totals.items(), key=_strongest)[:top]
    if not best_names:
        best_names = [("bias", float(model.context_bias[s]))]
    return tuple(Evidence(kind="feature", cue=name, weight=round(c, 4)) for name, c in best_names)


def _strongest(item: tuple[str, float]) -> tuple[float, str]:
    return -item[1], item[0]
