"""Fitting the two-pass stage model with scikit-learn (seeded, deterministic).

1. First pass: one L2 logistic regression per stage on the hashed features.
2. Out-of-fold first-pass scores (inner folds by conversation group) feed the
   second pass: one logistic regression per stage on
   :func:`~servio.analyze.learned.context.context_matrix` columns.
3. Per-stage thresholds maximise F1, averaged over neighbouring grid steps, on out-of-fold
   second-pass probabilities.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from servio.analyze.learned.context import CONTEXT_NAMES, N_STAGES, context_matrix, sigmoid
from servio.analyze.learned.features import FeatureSpec
from servio.analyze.learned.model import StageModel
from servio.train.corpus import Matrix
from servio.train.folds import assign_folds, usable_folds

_THRESHOLDS = np.round(np.arange(0.15, 0.86, 0.025), 3)


@dataclass(frozen=True, slots=True)
class FitParams:
    """Hyper-parameters: feature spec, regularisation of both passes, inner folds."""

    spec: FeatureSpec = field(default_factory=FeatureSpec)
    c: float = 4.0
    context_c: float = 1.0
    inner_folds: int = 4
    second_pass: bool = True
    balanced: bool = False


def fit_model(m: Matrix, convs: Sequence[int], groups: Sequence[str], strata: Sequence[str],
              params: FitParams, seed: int, meta: dict[str, Any] | None = None) -> StageModel:
    """Fit a :class:`StageModel` on the conversations ``convs`` of ``m`` (``groups``/``strata`` per conv)."""
    params = replace(params, inner_folds=usable_folds(params.inner_folds, [groups[c] for c in convs]))
    rows = m.rows(convs)
    W, b = fit_first_pass(m.X[rows], m.Y[rows], m.labelled[rows], params, seed)
    folds = assign_folds([groups[c] for c in convs], [strata[c] for c in convs], params.inner_folds, seed)
    oof = _oof_first_pass(m, convs, folds, params, seed)
    ctx = _context_rows(m, convs, oof)
    lab = m.labelled[rows]
    Y = m.Y[rows]
    if params.second_pass:
        V, c = fit_second_pass(ctx[lab], Y[lab], params.context_c, seed)
    else:
        V, c = _identity_second_pass()
    turn_fold = np.repeat(folds, np.diff(m.offsets)[list(convs)])
    if params.second_pass:
        probs = _oof_second_pass(ctx, Y, lab, turn_fold, params, seed)
    else:
        probs = sigmoid(ctx[:, :N_STAGES])
    thresholds = tune_thresholds(probs[lab], Y[lab])
    return StageModel(spec=params.spec, weights=W, bias=b, context_weights=V, context_bias=c,
                      thresholds=thresholds, meta=dict(meta or {}))


def fit_first_pass(X: Any, Y: np.ndarray, labelled: np.ndarray, params: FitParams,
                   seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-stage logistic regressions on labelled rows; weights rounded to float16 as stored."""
    W = np.zeros((X.shape[1], N_STAGES), dtype=np.float32)
    b = np.zeros(N_STAGES, dtype=np.float32)
    Xl, Yl = X[labelled], Y[labelled]
    for s in range(N_STAGES):
        coef, intercept = _logreg(Xl, Yl[:, s], params.c, seed, params.balanced)
        W[:, s] = coef
        b[s] = intercept
    return W.astype(np.float16).astype(np.float32), b


def fit_second_pass(Z: np.ndarray, Y: np.ndarray, c: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-stage logistic regressions on the context columns."""
    V = np.zeros((Z.shape[1], N_STAGES), dtype=np.float32)
    b = np.zeros(N_STAGES, dtype=np.float32)
    for s in range(N_STAGES):
        coef, intercept = _logreg(Z, Y[:, s], c, seed)
        V[:, s] = coef
        b[s] = intercept
    return V, b


def tune_thresholds(probs: np.ndarray, Y: np.ndarray, window: int = 2) -> np.ndarray:
    """Per stage, the threshold in 0.15..0.85 with the best F1, averaged over ``window`` grid steps on
    each side (ties: the one nearest 0.5).

    F1 is flat near its best, so its plain maximum jumps between thresholds far apart when a handful
    of out-of-fold probabilities move; the average over neighbouring thresholds picks the middle of
    the plateau, which stays put.
    """
    out = np.full(N_STAGES, 0.5, dtype=np.float32)
    for s in range(N_STAGES):
        gold = Y[:, s].astype(bool)
        if not gold.any():
            continue
        f1s = []
        for t in _THRESHOLDS:
            pred = probs[:, s] >= t
            tp = int(np.sum(pred & gold))
            f1s.append(2 * tp / (int(pred.sum()) + int(gold.sum())))
        best = (-1.0, 0.0)
        for i, t in enumerate(_THRESHOLDS):
            near = f1s[max(0, i - window):i + window + 1]
            key = (round(sum(near) / len(near), 6), -abs(float(t) - 0.5))
            if key > best:
                best, out[s] = key, t
    return out


def _logreg(X: Any, y: np.ndarray, c: float, seed: int, balanced: bool = False) -> tuple[np.ndarray, float]:
    if y.min() == y.max():  # one class only: a constant model
        return np.zeros(X.shape[1], dtype=np.float32), (8.0 if y.max() else -8.0)
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=c, solver="liblinear", dual=True, random_state=seed, max_iter=1000,
                             class_weight="balanced" if balanced else None)
    clf.fit(X, y)
    return clf.coef_[0].astype(np.float32), float(clf.intercept_[0])


def _oof_first_pass(m: Matrix, convs: Sequence[int], folds: Sequence[int], params: FitParams,
                    seed: int) -> np.ndarray:
    """Out-of-fold first-pass logits for every turn of ``convs`` (in ``m.rows(convs)`` order)."""
    rows = m.rows(convs)
    out = np.zeros((len(rows), N_STAGES), dtype=np.float32)
    turn_fold = np.repeat(folds, np.diff(m.offsets)[list(convs)])
    for k in range(params.inner_folds):
        test = turn_fold == k
        if not test.any():
            continue
        train = rows[~test]
        W, b = fit_first_pass(m.X[train], m.Y[train], m.labelled[train], params, seed)
        out[test] = m.X[rows[test]] @ W + b
    return out


def _oof_second_pass(ctx: np.ndarray, Y: np.ndarray, lab: np.ndarray, turn_fold: np.ndarray,
                     params: FitParams, seed: int) -> np.ndarray:
    out = np.zeros((len(ctx), N_STAGES), dtype=np.float32)
    for k in range(params.inner_folds):
        test = turn_fold == k
        train = ~test & lab
        if not test.any() or not train.any():
            continue
        V, c = fit_second_pass(ctx[train], Y[train], params.context_c, seed)
        out[test] = sigmoid(ctx[test] @ V + c)
    return out


def _context_rows(m: Matrix, convs: Sequence[int], logits: np.ndarray) -> np.ndarray:
    parts = []
    at = 0
    for c in convs:
        n = int(m.offsets[c + 1] - m.offsets[c])
        parts.append(context_matrix(logits[at:at + n], m.speakers[c], m.rules[m.offsets[c]:m.offsets[c + 1]]))
        at += n
    return np.concatenate(parts) if parts else np.zeros((0, len(CONTEXT_NAMES)), dtype=np.float32)


def _identity_second_pass() -> tuple[np.ndarray, np.ndarray]:
    V = np.zeros((len(CONTEXT_NAMES), N_STAGES), dtype=np.float32)
    V[:N_STAGES, :N_STAGES] = np.eye(N_STAGES, dtype=np.float32)
    return V, np.zeros(N_STAGES, dtype=np.float32)


def predict_convs(model: StageModel, m: Matrix, convs: Sequence[int]) -> np.ndarray:
    """Second-pass probabilities of every turn of ``convs`` (in ``m.rows(convs)`` order)."""
    rows = m.rows(convs)
    logits = np.asarray(m.X[rows] @ model.weights) + model.bias
    return sigmoid(model.second_pass(_context_rows(m, convs, logits)))
