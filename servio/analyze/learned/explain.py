"""Evidence for a learned tag: the features that pushed the stage's score up the most.

For a linear model a feature's contribution is its weight times its value.
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
        for name, c in zip(features.names, contrib.tolist(), strict=True):
            totals[name] = totals.get(name, 0.0) + c
    ctx = model.context_weights[:, s] * context_row
    for k, c in enumerate(ctx.tolist()):
        if k != s and c:
            totals[CONTEXT_NAMES[k]] = c
    best = sorted((item for item in totals.items() if item[1] > 0), key=lambda kv: (-kv[1], kv[0]))[:top]
    if not best:
        best = [("bias", float(model.context_bias[s]))]
    return tuple(Evidence(kind="feature", cue=name, weight=round(c, 4)) for name, c in best)
