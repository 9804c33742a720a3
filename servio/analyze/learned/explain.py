"""Evidence for a learned tag: the features that pushed the stage's score up the most.

For a linear model a feature's contribution is its weight times its value; a
name that occurs more than once in a turn (a character n-gram shared by two
words) sums its occurrences among the strongest few.
First-pass contributions are scaled by the weight the second pass gives the
turn's own first-pass score, so they share one scale with the context
columns (the neighbours' probabilities and position flags).
"""

from __future__ import annotations

import numpy as np

from servio.analyze.learned.context import CONTEXT_NAMES
from servio.analyze.learned.features import TurnFeatures
from servio.analyze.learned.model import StageModel
from servio.results import Evidence


def explain(model: StageModel, features: TurnFeatures, context_row: np.ndarray, stage: int,
            top: int) -> tuple[Evidence, ...]:
    """The ``top`` positive contributions to ``stage`` (1..7) on one turn, largest first."""
    s = stage - 1
    scale = float(model.context_weights[s, s])
    totals: dict[str, float] = {}
    if len(features.indices):
        contrib = model.weights[features.indices, s] * features.values * scale
        keep = min(len(contrib), 4 * top)
        best_idx = np.argpartition(-contrib, keep - 1)[:keep] if keep < len(contrib) else range(len(contrib))
        names = features.names
        for k in best_idx:
            c = float(contrib[k])
            if c > 0:
                totals[names[k]] = totals.get(names[k], 0.0) + c
    ctx = model.context_weights[:, s] * context_row
    for k in np.flatnonzero(ctx > 0).tolist():
        if k != s:
            totals[CONTEXT_NAMES[k]] = float(ctx[k])
    best = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    if not best:
        best = [("bias", float(model.context_bias[s]))]
    return tuple(Evidence(kind="feature", cue=name, weight=round(c, 4)) for name, c in best)
