"""How the learned tagger carries over to a source it has not seen: leave one source out.

Cross-validation by conversation (``servio eval --cv``) trains on conversations
of the same sources it scores: the same channel, trade and writing style. A
contact centre's own chats are a new source. Here every file of the data
folder is a source; each source is held out in turn (a file of translations
goes out with the file of its originals), a model is fitted on all the other
files (plus the ``--train-also`` files, never scored), and the held-out
source is tagged. The rule tagger, which needs no training, is scored on the
same turns. Prints micro-F1 per held-out source and language, and pooled.
Nothing is asserted. Reads ../shared/data at run time.

Note: the rule tagger's cue files were written while looking at these
files, so its figures here are in-domain; the learned tagger's are not.

    python bench/bench_sources.py [--data ../shared/data] [--seed 13] \\
        [--train-also servio/examples/conversations.jsonl training/*.jsonl]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from servio.jobs import JobOptions, read
from servio.train.corpus import build_corpus, build_matrix
from servio.train.cv import rule_predictions
from servio.train.fit import FitParams, fit_model, predict_convs
from servio.train.folds import group_keys, strata_of

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data"


def source_of(paths: list[Path]) -> dict[str, str]:
    """Conversation id -> its source: the file name, or its original's file for a translation file."""
    convs = {p.name: list(read([p], JobOptions())) for p in paths}
    by_file = {c.id: name for name, cs in convs.items() for c in cs}
    merged: dict[str, str] = {name: name for name in convs}
    for name, cs in convs.items():
        for c in cs:
            source = str(c.metadata.get("source", ""))
            original = by_file.get(source.removeprefix("translated:")) if source.startswith("translated:") \
                else None
            if original is not None and original != name:
                merged[name] = merged[original]
    return {cid: merged[name] for cid, name in by_file.items()}


def micro_f1(gold: np.ndarray, pred: np.ndarray) -> float:
    tp = int(np.sum(gold & pred))
    denom = int(gold.sum() + pred.sum())
    return 2 * tp / denom if denom else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--train-also", nargs="*", default=[], metavar="PATH",
                    help="labelled files added to every training set, never scored")
    args = ap.parse_args()
    if not args.data.is_dir():
        raise SystemExit(f"no data folder at {args.data}")
    started = time.perf_counter()
    paths = sorted(args.data.glob("*.jsonl"))
    sources = source_of(paths)
    held = sorted(set(sources.values()))
    if len(held) < 2:
        raise SystemExit(f"{args.data}: leaving a source out needs at least two source files")
    corpus = build_corpus([*paths, *args.train_also])
    params = FitParams()
    m = build_matrix(corpus, params.spec)
    convs = corpus.conversations
    groups, strata = group_keys(convs, "parallel"), strata_of(convs)
    of_conv = [sources.get(c.id, "") for c in convs]  # "" for --train-also conversations
    pred = np.zeros(m.Y.shape, dtype=bool)
    for name in held:
        test = [i for i, s in enumerate(of_conv) if s == name]
        train = [i for i, s in enumerate(of_conv) if s != name]
        model = fit_model(m, train, groups, strata, params, args.seed)
        pred[m.rows(test)] = predict_convs(model, m, test) >= model.thresholds
        print(f"held out {name} ({len(test)} conversations, {time.perf_counter() - started:.0f} s)",
              flush=True)
    rules = rule_predictions(corpus).astype(bool)
    per_row = np.repeat(np.asarray(of_conv), np.diff(m.offsets))
    langs = np.repeat(np.asarray(corpus.languages), np.diff(m.offsets))
    gold = m.Y.astype(bool)
    print(f"\nleave one source out (seed {args.seed}): micro-F1 of the held-out source's labelled turns")
    print(f"{'held-out source':<40}{'lang':>6}{'turns':>7}{'learned':>9}{'rules':>8}")
    for name in [*held, "all sources"]:
        for lang in ("en", "et"):
            keep = m.labelled & (langs == lang) & ((per_row == name) if name in held else (per_row != ""))
            if keep.any():
                print(f"{name:<40}{lang:>6}{int(keep.sum()):>7}{micro_f1(gold[keep], pred[keep]):>9.3f}"
                      f"{micro_f1(gold[keep], rules[keep]):>8.3f}")


if __name__ == "__main__":
    main()
