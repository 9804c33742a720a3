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

from servio.analyze.learned.context import CONTEXT_NAMES, N_STAGES
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
    if contributions is None and any(sizes):
        contributions = model.contributions(features)
    return explain_rows(model, [f.names for f in features], sizes, context, stages, top, contributions)


def explain_rows(model: StageModel, names: Sequence[Sequence[str]], sizes: Sequence[int], context: np.ndarray,
                 stages: Sequence[Sequence[int]], top: int,
                 contributions: np.ndarray | None) -> list[list[tuple[Evidence, ...]]]:
    """:func:`explain_turns` from each turn's feature names and how many they are, with the
    contributions of all turns' features one after the other (None when there are none).

    The same evidence as :func:`_one` per turn and stage (:func:`plain_rows`), for less: a turn's
    wanted stages share one scaling and one ``argpartition`` of their first-pass contributions (row by
    row, as for each stage alone), and the context columns of all of a conversation's tags are chosen
    at once (:func:`_context_columns`).
    """
    if top <= 0:
        return plain_rows(model, names, sizes, context, stages, top, contributions)
    tagged = [(i, s - 1) for i, wanted in enumerate(stages) for s in wanted]
    columns = iter(_context_columns(model, context, tagged, top))
    negated = -model.context_weights.diagonal()
    bias = model.context_bias.tolist()
    out: list[list[tuple[Evidence, ...]]] = []
    start = 0
    for turn_names, row, wanted, n in zip(names, context, stages, sizes, strict=True):
        if not wanted:
            out.append([])
            start += n
            continue
        cols = [s - 1 for s in wanted]
        own: list[tuple[list[int], list[float]]] | None = None
        if contributions is not None and n:
            own = _strongest_features(contributions[start:start + n, cols], negated[cols], top)
        evidence = []
        for j, s in enumerate(cols):
            totals: dict[str, float] = {}
            if own is not None:
                get = totals.get
                for k, c in zip(*own[j], strict=True):
                    if c > 0:
                        name = turn_names[k]
                        totals[name] = get(name, 0.0) + c
            chosen = next(columns)
            if chosen is None:  # a tie at the cut: the context columns argpartition would choose
                ctx = model.context_weights[:, s] * row
                chosen = _context_pairs(ctx, s, top)
            for k, c in chosen:
                totals[CONTEXT_NAMES[k]] = c
            evidence.append(_ranked(totals, top, bias[s]))
        out.append(evidence)
        start += n
    return out


_ROWS = np.arange(N_STAGES)[:, None]  # a row number per stage, for picking columns row by row


def _strongest_features(own: np.ndarray, negated: np.ndarray,
                        top: int) -> list[tuple[list[int], list[float]]]:
    """Per wanted stage, the features :func:`_one` ranks and their scaled contributions: the ``4 * top``
    largest, chosen by one ``argpartition`` over the stages' rows (row by row the same choice as one stage
    alone, ties included: -(a * b) is a * -b exactly). ``own``: the turn's contributions to the stages, a
    column each; ``negated``: minus the second-pass weight of each stage's own first-pass score."""
    n = len(own)
    scaled = negated[:, None] * own.T  # stages x features, minus the scaled contributions
    keep = min(n, 4 * top)
    if keep < n:
        best = scaled.argpartition(keep - 1, axis=1)[:, :keep]
        values = (-scaled[_ROWS[:len(scaled)], best]).tolist()  # np.take_along_axis, without its Python
        return list(zip(best.tolist(), values, strict=True))
    every = list(range(n))
    return [(every, values) for values in (-scaled).tolist()]


def _context_columns(model: StageModel, context: np.ndarray, tagged: Sequence[tuple[int, int]],
                     top: int) -> list[list[tuple[int, float]] | None]:
    """Per tag (turn, stage - 1), the context columns :func:`_context_pairs` gives and their values:
    the positive ones but the stage's own first-pass score, the ``top`` largest when there are more.
    Those are the same whichever way they are found unless the ``top``-th largest ties with the next
    one; such a tag gets None (its caller asks :func:`_context_pairs`, whose ``argpartition`` decides)."""
    if not tagged:
        return []
    turn = np.array([i for i, _ in tagged])
    stage = np.array([s for _, s in tagged])
    values = context[turn] * model.context_weights[:, stage].T  # tags x columns, as ``_one`` multiplies
    positive = values > 0
    positive[np.arange(len(tagged)), stage] = False
    chosen = positive
    tied: list[int] = []
    if top < values.shape[1] - 1:  # else every positive column is chosen
        masked = np.where(positive, values, -np.inf)
        ranked = -np.sort(-masked, axis=1)  # largest first
        many = positive.sum(axis=1) > top
        cut = ranked[:, top - 1]
        tied = (many & (cut == ranked[:, top])).nonzero()[0].tolist()
        chosen = positive & (~many[:, None] | (masked >= cut[:, None]))
    rows, cols = chosen.nonzero()
    found: list[list[tuple[int, float]]] = [[] for _ in tagged]
    for r, k, c in zip(rows.tolist(), cols.tolist(), values[rows, cols].tolist(), strict=True):
        found[r].append((k, c))
    out: list[list[tuple[int, float]] | None] = list(found)
    for r in tied:
        out[r] = None
    return out


def _ranked(totals: dict[str, float], top: int, bias: float) -> tuple[Evidence, ...]:
    """The ``top`` strongest of ``totals``, largest first and by name among equals (the bias when
    empty); sorted as (minus value, name) pairs, which compares in C."""
    best = sorted([(-c, name) for name, c in totals.items()])[:top]
    if not best:
        return (Evidence(kind="feature", cue="bias", weight=round(bias, 4)),)
    return tuple(Evidence(kind="feature", cue=name, weight=round(-c, 4)) for c, name in best)


def plain_rows(model: StageModel, names: Sequence[Sequence[str]], sizes: Sequence[int], context: np.ndarray,
               stages: Sequence[Sequence[int]], top: int,
               contributions: np.ndarray | None) -> list[list[tuple[Evidence, ...]]]:
    """:func:`explain_rows` one turn and stage at a time (:func:`_one`): the plain computation, which
    the tests hold the shortcuts to."""
    first = contributions if any(sizes) else None
    out: list[list[tuple[Evidence, ...]]] = []
    start = 0
    for turn_names, row, wanted, n in zip(names, context, stages, sizes, strict=True):
        if wanted:
            cols = [s - 1 for s in wanted]
            own = first[start:start + n] if first is not None and n else None
            ctx = model.context_weights[:, cols] * row[:, None]
            out.append([_one(model, turn_names, None if own is None else own[:, s], ctx[:, j], s, top)
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
    for k, c in _context_pairs(ctx, s, top):
        totals[CONTEXT_NAMES[k]] = c
    best_names = sorted(totals.items(), key=_strongest)[:top]
    if not best_names:
        best_names = [("bias", float(model.context_bias[s]))]
    return tuple(Evidence(kind="feature", cue=name, weight=round(c, 4)) for name, c in best_names)


def _context_pairs(ctx: np.ndarray, s: int, top: int) -> list[tuple[int, float]]:
    """The context columns that can make the cut of stage ``s`` (0-based), with their values: the
    positive ones but the turn's own first-pass score (shown through its features), and only the
    strongest ``top`` of them when there are more."""
    pos = (ctx > 0).nonzero()[0]
    pos = pos[pos != s]
    if 0 < top < len(pos):
        pos = pos[(-ctx[pos]).argpartition(top - 1)[:top]]
    return list(zip(pos.tolist(), ctx[pos].tolist(), strict=True))


def _strongest(item: tuple[str, float]) -> tuple[float, str]:
    return -item[1], item[0]
