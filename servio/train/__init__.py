"""Training and cross-validating the learned stage tagger.

``train_model(paths, output)`` reads labelled JSON Lines files (the annotated
corpora, the examples, reviewer-corrected files: a later file replaces an
earlier conversation with the same id), fits the two-pass model with a fixed
seed and writes the model file. ``cross_validate(paths)`` measures it on
held-out folds next to the rule tagger. scikit-learn is imported only here.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from servio.analyze.learned.model import fingerprint
from servio.train.corpus import Progress, _say, build_corpus, build_matrix, prefix_corpus
from servio.train.cv import CVReport, SplitReport, cross_validate, format_report
from servio.train.errors import TrainingError
from servio.train.fit import FitParams, fit_model
from servio.train.folds import group_keys, strata_of, usable_folds
from servio.train.scores import Interval, SetScores, StageScores

__all__ = [
    "CVReport",
    "FitParams",
    "Interval",
    "SetScores",
    "SplitReport",
    "StageScores",
    "TrainReport",
    "TrainingError",
    "cross_validate",
    "format_report",
    "train_model",
]


#: Below this many gold turns a stage's threshold and figures rest on too few examples (the model card
#: holds per-stage F1 to its target only from this many).
FEW_GOLD = 20


@dataclass(frozen=True, slots=True)
class TrainReport:
    """What :func:`train_model` did: the data it used, the model it wrote."""

    output: Path
    seed: int
    conversations: int
    turns: int
    languages: dict[str, int]
    labels: dict[int, int]
    replaced: int
    thresholds: tuple[float, ...]
    size_bytes: int
    sha256: str
    seconds: float
    params: dict[str, Any] = field(default_factory=dict)
    kind: str = "stages"  # or "live": the model of the newest turn of a chat in progress

    def to_dict(self) -> dict[str, Any]:
        return {"output": str(self.output), "seed": self.seed, "conversations": self.conversations,
                "turns": self.turns, "languages": self.languages, "labels": self.labels,
                "replaced": self.replaced, "thresholds": list(self.thresholds),
                "size_bytes": self.size_bytes, "sha256": self.sha256, "seconds": round(self.seconds, 1),
                "params": self.params, "kind": self.kind}

    def summary(self) -> str:
        """What a person reads after ``servio train``: the file written, the data it learnt from and the
        stages with too few gold turns to trust (``to_dict`` has the rest)."""
        model = "live model" if self.kind == "live" else "stage model"
        languages = ", ".join(f"{lang} {n}" for lang, n in self.languages.items())
        few = [s for s in range(1, 8) if self.labels.get(s, 0) < FEW_GOLD]
        lines = [
            f"wrote the {model} {self.output} ({self.size_bytes / 1024:.0f} KiB, sha256 {self.sha256[:12]}) "
            f"in {self.seconds:.0f} s",
            f"  learnt from {self.conversations} conversation{'' if self.conversations == 1 else 's'} "
            f"({languages}), {self.turns} labelled turns, "
            f"seed {self.seed}" + (f"; {self.replaced} replaced by a later file" if self.replaced else ""),
            "  gold turns per stage: " + "  ".join(f"{s}: {self.labels.get(s, 0)}" + ("*" if s in few else "")
                                                   for s in range(1, 8)),
            "  thresholds:           " + "  ".join(f"{s}: {t:.3f}" for s, t in enumerate(self.thresholds, 1)),
        ]
        if few:
            lines.append(f"  * fewer than {FEW_GOLD} gold turns: the model knows these stages from few "
                         "examples; label more of them")
        lines.append(f"  measure it: servio eval --cv 5 DATA...; use it: servio tag IN -o OUT.jsonl "
                     f"--model {self.output}")
        return "\n".join(lines)


def train_model(paths: Sequence[str | Path], output: Path, *, seed: int = 13,
                on_progress: Progress = None, params: FitParams | None = None,
                live: bool = False) -> TrainReport:
    """Train the stage model on the labelled conversations in ``paths`` and write it to ``output``.

    ``live``: train the live model instead, on every chat so far that ends in a labelled turn, scored
    on that newest turn only (see :func:`~servio.train.corpus.prefix_corpus`)."""
    start = time.perf_counter()
    params = params or FitParams()
    corpus = build_corpus(paths, rules=params.spec.rules, on_progress=on_progress)
    convs = corpus.conversations
    groups, strata = group_keys(convs, "parallel"), strata_of(convs)
    sources: tuple[int, ...] = tuple(range(len(convs)))
    material = corpus
    if live:
        _say(on_progress, "cutting every conversation after each labelled turn (the live model)")
        material, sources = prefix_corpus(corpus, rules=params.spec.rules)
    m = build_matrix(material, params.spec)
    labelled = m.labelled
    labels = Counter(int(s) + 1 for row in m.Y[labelled] for s in row.nonzero()[0])
    languages = dict(sorted(Counter(corpus.languages).items()))
    fit_params = {"c": params.c, "context_c": params.context_c,
                  "inner_folds": usable_folds(params.inner_folds, groups),
                  "second_pass": params.second_pass}
    meta = {"seed": seed, "conversations": len(convs), "turns": int(labelled.sum()),
            "languages": languages, "labels": {str(k): v for k, v in sorted(labels.items())},
            "params": fit_params, "fingerprints": sorted({fingerprint(c) for c in convs}),
            "made_with": made_with()}
    if live:
        meta["kind"] = "live"
    _say(on_progress, f"fitting on {len(convs)} conversations, {int(labelled.sum())} labelled turns")
    model = fit_model(m, list(range(len(sources))), [groups[k] for k in sources],
                      [strata[k] for k in sources], params, seed, meta)
    output = Path(output)
    model.save(output)
    data = output.read_bytes()
    return TrainReport(output=output, seed=seed, conversations=len(convs), turns=int(labelled.sum()),
                       languages=languages, labels=dict(sorted(labels.items())), replaced=corpus.replaced,
                       thresholds=tuple(round(float(t), 4) for t in model.thresholds),
                       size_bytes=len(data), sha256=hashlib.sha256(data).hexdigest(),
                       seconds=time.perf_counter() - start, params=fit_params,
                       kind="live" if live else "stages")


def made_with() -> dict[str, str]:
    """The versions of the libraries a fit's numbers depend on (``major.minor``): the same data, seed and
    versions give the same model bytes; other versions may round differently."""
    import numpy
    import scipy
    import sklearn

    return {name: ".".join(module.__version__.split(".")[:2])
            for name, module in (("numpy", numpy), ("scikit-learn", sklearn), ("scipy", scipy))}
