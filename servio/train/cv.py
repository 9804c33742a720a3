"""Cross-validation of the learned tagger, side by side with the rule tagger on the same turns.

Folds are whole conversation groups (see :mod:`servio.train.folds`); each
outer fold trains a full model (with its own inner folds) on the others and
tags the held-out conversations. Scores are pooled over folds and reported
for all turns and per language.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from servio.train.corpus import Corpus, Matrix, Progress, _say, build_corpus, build_matrix
from servio.train.errors import TrainingError
from servio.train.fit import FitParams, fit_model, predict_convs
from servio.train.folds import SPLITS, assign_folds, group_keys, strata_of
from servio.train.scores import SetScores, score_set


@dataclass(frozen=True, slots=True)
class SplitReport:
    """Cross-validated scores under one fold split: learned and rules, all turns and per language."""

    split: str
    learned: tuple[SetScores, ...]
    rules: tuple[SetScores, ...]
    same_as: str = ""  # an earlier split that grouped the conversations the same way (the same folds)

    def scores(self, tagger: str, name: str) -> SetScores:
        """Scores of ``tagger`` (``learned``/``rules``) on set ``name`` (``all``, ``en``, ``et``)."""
        for s in self.learned if tagger == "learned" else self.rules:
            if s.name == name:
                return s
        raise KeyError(name)


@dataclass(frozen=True, slots=True)
class CVReport:
    """What :func:`cross_validate` measured."""

    folds: int
    seed: int
    conversations: int
    turns: int
    splits: tuple[SplitReport, ...]
    seconds: float = 0.0
    params: dict[str, Any] = field(default_factory=dict)

    def split(self, name: str) -> SplitReport:
        """The report of one split (``parallel`` or ``conversation``)."""
        for s in self.splits:
            if s.split == name:
                return s
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {"folds": self.folds, "seed": self.seed, "conversations": self.conversations,
                "turns": self.turns, "seconds": round(self.seconds, 1), "params": self.params,
                "splits": [{"split": s.split, "learned": [x.to_dict() for x in s.learned],
                            "rules": [x.to_dict() for x in s.rules],
                            **({"same_as": s.same_as} if s.same_as else {})} for s in self.splits]}


def cross_validate(paths: Sequence[str | Path], folds: int = 5, seed: int = 13, *,
                   splits: Sequence[str] = SPLITS, params: FitParams | None = None,
                   on_progress: Progress = None, read_options: dict[str, Any] | None = None,
                   train_also: Sequence[str | Path] = (), workers: int = 1) -> CVReport:
    """Cross-validated per-stage P/R/F1 (bootstrap 95 % CIs), micro/macro F1 and kappa, per language
    (``read_options``: how to read ``paths``, see :func:`~servio.train.corpus.read_labelled`).

    The conversations of ``train_also`` join every training fold and are never scored (the
    project's own training conversations, say): the figures are those of ``paths`` alone.
    ``workers`` > 1 fits that many folds at a time in worker processes (the same figures).
    """
    start = time.perf_counter()
    params = params or FitParams()
    corpus = build_corpus(paths, rules=True, on_progress=on_progress, read_options=read_options)
    scored = len(corpus.conversations)
    if train_also:
        corpus = _joined(corpus, build_corpus(train_also, rules=True, on_progress=on_progress))
    m = build_matrix(corpus, params.spec)
    reports: list[SplitReport] = []
    rules = _score(corpus, m, rule_predictions(corpus), seed, scored)
    for split in splits:
        same = next((r for r in reports if _same_groups(corpus, r.split, split)), None)
        if same is not None:  # the same groups give the same folds and, seeded, the same models
            _say(on_progress, f"{split} split: the same folds as the {same.split} split "
                              "(no translated pairs)")
            reports.append(SplitReport(split, same.learned, same.rules, same_as=same.same_as or same.split))
            continue
        pred = held_out_predictions(corpus, m, split, folds, seed, params, on_progress=on_progress,
                                    scored=scored, workers=workers)
        reports.append(SplitReport(split, _score(corpus, m, pred, seed, scored), rules))
    return CVReport(folds=folds, seed=seed, conversations=scored,
                    turns=int(m.labelled[: m.offsets[scored]].sum()), splits=tuple(reports),
                    seconds=time.perf_counter() - start,
                    params={"c": params.c, "context_c": params.context_c, "inner_folds": params.inner_folds,
                            "train_also": len(corpus.conversations) - scored})


def _same_groups(corpus: Corpus, one: str, other: str) -> bool:
    """Whether splits ``one`` and ``other`` put the conversations of ``corpus`` in the same groups."""
    return group_keys(corpus.conversations, one) == group_keys(corpus.conversations, other)


def _joined(scored: Corpus, extra: Corpus) -> Corpus:
    """``scored`` followed by ``extra``; a conversation in both would be trained on and scored."""
    both = {c.id for c in scored.conversations} & {c.id for c in extra.conversations}
    if both:
        raise TrainingError(f"{len(both)} conversation(s) are both evaluated and trained on only, e.g. "
                            f"{sorted(both)[0]!r}: give each file once")
    return Corpus(scored.conversations + extra.conversations, scored.analyses + extra.analyses,
                  scored.rule_tags + extra.rule_tags, scored.replaced + extra.replaced)


def held_out_predictions(corpus: Corpus, m: Matrix, split: str, folds: int, seed: int, params: FitParams, *,
                         on_progress: Progress = None, scored: int | None = None,
                         workers: int = 1) -> np.ndarray:
    """Held-out stage predictions (turn rows of ``m`` x 7, 0/1) of the first ``scored`` conversations
    (all when None); the others are in every training fold and their rows stay 0. The folds are fitted
    ``workers`` at a time, in worker processes when more than one (the same models: every fit is seeded).
    """
    from servio.parallel import ordered_map

    convs = corpus.conversations
    if scored is None:
        scored = len(convs)
    groups, strata = group_keys(convs, split), strata_of(convs)
    fold_of = assign_folds(groups[:scored], strata[:scored], folds, seed) + [-1] * (len(convs) - scored)
    jobs = [([i for i, f in enumerate(fold_of) if f != k], [i for i, f in enumerate(fold_of) if f == k])
            for k in range(folds)]
    pred = np.zeros(m.Y.shape, dtype=np.int8)
    at_a_time = f", {workers} at a time" if workers > 1 else ""
    _say(on_progress, f"{split} split: fitting {folds} folds{at_a_time}")
    held_out = partial(_held_out, m, groups, strata, params, seed)
    for k, ((_, test), found) in enumerate(zip(jobs, ordered_map(held_out, jobs, workers, chunk=1),
                                               strict=True)):
        pred[m.rows(test)] = found
        _say(on_progress, f"{split} split: fold {k + 1}/{folds} done")
    return pred


def _held_out(m: Matrix, groups: Sequence[str], strata: Sequence[str], params: FitParams, seed: int,
              job: tuple[list[int], list[int]]) -> np.ndarray:
    """The stage predictions (0/1 per turn row) of the ``job``'s test conversations by a model fitted on
    its training conversations."""
    train, test = job
    model = fit_model(m, train, groups, strata, params, seed)
    return (predict_convs(model, m, test) >= model.thresholds).astype(np.int8)


def rule_predictions(corpus: Corpus) -> np.ndarray:
    """The rule tagger's stages (turn rows x 7, 0/1) of every conversation of ``corpus``."""
    rows = [[int(s in tt.stages) for s in range(1, 8)] for tags in corpus.rule_tags for tt in tags]
    return np.asarray(rows, dtype=np.int8)


def _score(corpus: Corpus, m: Matrix, pred: np.ndarray, seed: int, scored: int) -> tuple[SetScores, ...]:
    """Scores of the first ``scored`` conversations, all and per language."""
    conv_of = np.repeat(np.arange(len(corpus.conversations)), np.diff(m.offsets))
    langs = np.repeat(np.asarray(corpus.languages), np.diff(m.offsets))
    out = []
    for name in ("all", *sorted(set(corpus.languages[:scored]))):
        keep = m.labelled & (conv_of < scored) & ((langs == name) if name != "all" else True)
        out.append(score_set(name, m.Y[keep], pred[keep], conv_of[keep].tolist(), seed=seed))
    return tuple(out)


def format_report(report: CVReport) -> str:
    """A plain-text table of a :class:`CVReport`: one block per split and language (all turns too when
    there is more than one language); a split with the same folds as an earlier one says so instead."""
    lines = [f"{report.folds}-fold cross-validation, seed {report.seed}: {report.conversations} "
             f"conversations, {report.turns} labelled turns ({report.seconds:.0f} s)"]
    for sp in report.splits:
        if sp.same_as:
            lines.append(f"\n[{sp.split} split] the same folds as the {sp.same_as} split (no conversation "
                         "has a translation among the others): the same figures")
            continue
        for learned in sp.learned:
            if learned.name == "all" and len(sp.learned) == 2:  # one language: its block says the same
                continue
            rules = sp.scores("rules", learned.name)
            lines.append(f"\n[{sp.split} split] {learned.name}: {learned.conversations} conversations, "
                         f"{learned.turns} turns")
            lines.append(f"  micro-F1 learned {learned.micro_f1}   rules {rules.micro_f1.value:.3f}")
            lines.append(f"  macro-F1 learned {learned.macro_f1}   rules {rules.macro_f1.value:.3f}")
            lines.append(f"  {'stage':<6}{'gold':>6}{'P':>7}{'R':>7}{'F1 [95% CI]':>24}"
                         f"{'kappa':>8}{'rules F1':>10}")
            for st, rs in zip(learned.stages, rules.stages, strict=True):
                lines.append(f"  {st.stage:<6}{st.support:>6}{st.precision.value:>7.3f}"
                             f"{st.recall.value:>7.3f}{str(st.f1):>24}{st.kappa:>8.3f}{rs.f1.value:>10.3f}")
    return "\n".join(lines)
