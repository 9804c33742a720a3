"""How well live hints read the newest turn: the batch model against the live model, held out.

A live chat is tagged after every turn, and its newest turn has no later turn
to read. This cuts every conversation of ../shared/data (read at run time)
after each labelled turn and scores the stages given to that newest turn,
5-fold cross-validated by conversation (parallel split, as ``servio eval
--cv``): for each fold a batch model (``servio train``) and a live model
(``servio train --live``) are fitted on the other folds, with the files given
by ``--train-also`` in every training fold and never scored. Three ways of
tagging the newest turn are compared:

* batch: the batch model on the chat so far (what live hints did before the live model);
* live: the live model alone;
* servio: what a live session does (:func:`servio.analyze.learned.tagger.newest_turn_tags`:
  the live model, plus an agent's goodbye the batch model is nearly sure of).

Prints micro-F1 per language and speaker and per-stage F1 on agents' turns.
Nothing is asserted.

    python bench/bench_live_tags.py [--data ../shared/data] [--seed 13] \\
        [--train-also servio/examples/conversations.jsonl training/*.jsonl]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from servio.analyze.learned.tagger import GOODBYE_KEPT
from servio.train.corpus import build_corpus, build_matrix, prefix_corpus
from servio.train.fit import FitParams, fit_model, predict_convs
from servio.train.folds import assign_folds, group_keys, strata_of

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--train-also", nargs="*", default=[], metavar="PATH",
                    help="labelled files added to every training fold, never scored")
    args = ap.parse_args()
    if not args.data.is_dir():
        raise SystemExit(f"no data folder at {args.data}")
    started = time.perf_counter()
    params = FitParams()
    corpus = build_corpus([args.data, *args.train_also])
    prefixes, sources = prefix_corpus(corpus)
    print(f"{len(corpus.conversations)} conversations, {len(sources)} chats so far "
          f"({time.perf_counter() - started:.0f} s)", flush=True)
    whole, cut = build_matrix(corpus, params.spec), build_matrix(prefixes, params.spec)
    convs = corpus.conversations
    extra = _ids(args.train_also)
    scored = [i for i, c in enumerate(convs) if c.id not in extra]
    groups, strata = group_keys(convs, "parallel"), strata_of(convs)
    fold_of = np.full(len(convs), -1)
    fold_of[scored] = assign_folds([groups[i] for i in scored], [strata[i] for i in scored], args.folds,
                                   args.seed)
    src = np.asarray(sources)
    newest = cut.offsets[1:] - 1
    n = len(sources)
    batch_p, live_p = np.zeros((n, 7)), np.zeros((n, 7))
    batch_t, live_t = np.zeros((n, 7)), np.zeros((n, 7))
    for k in range(args.folds):
        train = [i for i in range(len(convs)) if fold_of[i] != k]
        cut_train = [j for j in range(n) if fold_of[src[j]] != k]
        test = [j for j in range(n) if fold_of[src[j]] == k]
        batch = fit_model(whole, train, groups, strata, params, args.seed)
        live = fit_model(cut, cut_train, [groups[s] for s in src], [strata[s] for s in src], params,
                         args.seed)
        at = np.searchsorted(cut.rows(test), newest[test])
        batch_p[test] = predict_convs(batch, cut, test)[at]
        live_p[test] = predict_convs(live, cut, test)[at]
        batch_t[test], live_t[test] = batch.thresholds, live.thresholds
        print(f"fold {k + 1}/{args.folds} ({time.perf_counter() - started:.0f} s)", flush=True)
    gold = cut.Y[newest].astype(bool)
    speakers = np.array([c.turns[-1].speaker.value for c in prefixes.conversations])
    languages = np.array([corpus.languages[s] for s in src])
    tested = fold_of[src] >= 0
    ways = {"batch": batch_p >= batch_t, "live": live_p >= live_t}
    servio = ways["live"].copy()
    # not on the agent's first turn, which opens a live chat (newest_turn_tags' first_agent_turn)
    first = np.array([all(t.speaker.value != "agent" for t in c.turns[:-1]) for c in prefixes.conversations])
    servio[:, 6] |= (batch_p[:, 6] >= GOODBYE_KEPT) & (speakers == "agent") & ~first
    ways["servio"] = servio
    report(ways, gold, tested, languages, speakers)


def report(ways: dict[str, np.ndarray], gold: np.ndarray, tested: np.ndarray, languages: np.ndarray,
           speakers: np.ndarray) -> None:
    print(f"\n{'newest turn':<10}" + "".join(f"{lang + ' ' + who:>15}" for lang in ("en", "et")
                                              for who in ("agent", "customer", "all")))
    for name, pred in ways.items():
        cells = []
        for lang in ("en", "et"):
            for who in ("agent", "customer", "all"):
                mask = tested & (languages == lang) & ((speakers == who) if who != "all" else True)
                cells.append(f"{_f1(gold[mask], pred[mask]):>15.3f}")
        print(f"{name:<10}" + "".join(cells))
    print("\nper-stage F1, agents' newest turns (both languages)")
    print(f"{'':<10}" + "".join(f"{s:>7}" for s in range(1, 8)))
    agents = tested & (speakers == "agent")
    for name, pred in ways.items():
        cells = [f"{_f1(gold[agents][:, s], pred[agents][:, s]):>7.3f}" for s in range(7)]
        print(f"{name:<10}" + "".join(cells))


def _f1(gold: np.ndarray, pred: np.ndarray) -> float:
    total = int(gold.sum() + pred.sum())
    return 2 * int((gold & pred).sum()) / total if total else float("nan")


def _ids(paths: list[str]) -> set[str]:
    out = set()
    for path in paths:
        for line in Path(path).read_text("utf-8").splitlines():
            if line.strip():
                out.add(json.loads(line)["id"])
    return out


if __name__ == "__main__":
    main()
