"""Dev tool: score the rule tagger on the annotated development data and show its worst errors.

Reads ``../shared/data/*.jsonl`` at run time (never copy that data into the
repository). Prints per-stage precision/recall/F1 per language, micro and
macro F1, the co-occurrence confusion, throughput, and the turns where the
tagger is furthest from the gold labels, with the evidence it used.

    .venv/bin/python tools/tune_tagger.py                 # all files, both languages
    .venv/bin/python tools/tune_tagger.py --lang et --errors 40 --stage 5
    .venv/bin/python tools/tune_tagger.py --file et_written_dev2 --errors 20 --speaker agent
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from servio.model import Channel, Conversation, Language, Speaker, Turn  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data"


def read_jsonl(path: Path) -> Iterator[Conversation]:
    """Annotated conversations of one file (gold stages kept on the turns)."""
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        turns = tuple(Turn(speaker=Speaker(t["speaker"]), text=t["text"],
                           stages=frozenset(t.get("stages", ()))) for t in d["turns"])
        channel = d.get("channel", "chat")
        known = channel in {c.value for c in Channel}
        yield Conversation(id=d["id"], turns=turns, language=Language(d["language"]),
                           channel=Channel(channel) if known else Channel.OTHER,
                           metadata={"file": path.stem})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--lang", choices=["et", "en", "all"], default="all")
    ap.add_argument("--file", default="", help="only files whose name contains this")
    ap.add_argument("--errors", type=int, default=15, help="how many worst turns to show per language")
    ap.add_argument("--stage", type=int, default=0, help="only show errors involving this stage")
    ap.add_argument("--speaker", default="", help="only show errors of this speaker")
    ap.add_argument("--kind", choices=["fp", "fn", "any"], default="any")
    ap.add_argument("--shuffle", type=int, default=0, help="shuffle shown errors with this seed")
    ap.add_argument("--no-confusion", action="store_true")
    ap.add_argument("--cues", type=int, default=0,
                    help="show the N least precise cue patterns (share of firings where the stage is gold)")
    args = ap.parse_args(argv)
    if not args.data.is_dir():
        print(f"no data folder at {args.data}", file=sys.stderr)
        return 2
    from servio.analyze import analyze, prepare
    from servio.analyze.pipeline import resolve_tagger
    from servio.evaluate.metrics import compare_conversations

    tagger = resolve_tagger("rules")
    langs = ["en", "et"] if args.lang == "all" else [args.lang]
    for lang in langs:
        files = sorted(p for p in args.data.glob(f"{lang}_*.jsonl") if args.file in p.stem)
        convs = [c for p in files for c in read_jsonl(p)]
        if not convs:
            continue
        analyze(convs[0], tagger=tagger)  # warm-up: load cues and morphology once
        t0 = time.process_time()  # CPU time of this process: the machine may be shared
        prepared = [prepare(c) for c in convs]
        t1 = time.process_time()
        tagged_turns = [tagger.tag(p) for p in prepared]
        t2 = time.process_time()
        from servio.results import TaggedConversation

        tagged = [TaggedConversation(conversation=c, turns=t, tagger="rules")
                  for c, t in zip(convs, tagged_turns, strict=True)]
        m = compare_conversations(convs, tagged)
        names = ", ".join(p.stem for p in files)
        print(f"\n=== {lang}: {len(convs)} conversations, {m.turns} turns ({names})")
        _print_table(m)
        if not args.no_confusion:
            _print_confusion(m)
        n = len(convs)
        print(f"speed (CPU time, one core, first pass): end to end {n / (t2 - t0):.0f} conv/s  "
              f"(text analysis {n / (t1 - t0):.0f} conv/s, tagging {n / (t2 - t1):.0f} conv/s)")
        t3 = time.process_time()
        for c in convs:
            analyze(c, tagger=tagger)
        t4 = time.process_time()
        print(f"speed (CPU time, second pass, warm caches): end to end {n / (t4 - t3):.0f} conv/s")
        _print_errors(convs, tagged, args)
        if args.cues:
            _print_cue_precision(convs, prepared, tagger, args.cues)
    return 0


def _print_cue_precision(convs: list[Conversation], prepared: list, tagger: object, n: int) -> None:
    """Per cue pattern: fires, and how often each stage it gives is in the gold set of the turn."""
    from collections import Counter

    from servio.analyze.matching import match_turn
    from servio.analyze.rules import RuleTagger, load_settings
    from servio.analyze.views import build_view, positions

    assert isinstance(tagger, RuleTagger)  # noqa: S101 - dev tool
    fired: Counter[tuple[str, str, int]] = Counter()
    right: Counter[tuple[str, str, int]] = Counter()
    for conv, prep in zip(convs, prepared, strict=True):
        where = positions(prep, load_settings().end_window)
        for turn, pos, gold in zip(prep.turns, where, conv.turns, strict=True):
            cues = tagger.cue_set(turn.language.value)
            view = build_view(turn, cues.question_starters, with_lemmas=cues.uses_lemmas)
            for hit in match_turn(cues, view, pos):
                for stage in hit.cue.stages:
                    key = (hit.cue.id, hit.pattern, stage)
                    fired[key] += 1
                    right[key] += stage in (gold.stages or ())
    rows = sorted(fired, key=lambda k: (right[k] / fired[k], -fired[k]))
    print(f"least precise cue patterns (fires >= 3), of {len(rows)}:")
    shown = 0
    for key in rows:
        if fired[key] < 3:
            continue
        share = right[key] / fired[key]
        print(f"  {share:5.2f} {right[key]:4d}/{fired[key]:<4d} stage {key[2]} {key[0]}: {key[1][:90]}")
        shown += 1
        if shown >= n:
            break


def _print_table(m: object) -> None:
    from servio.evaluate.metrics import TaggingMetrics

    assert isinstance(m, TaggingMetrics)  # noqa: S101 - dev tool
    print(f"{'stage':>6} {'P':>6} {'R':>6} {'F1':>6} {'supp':>6} {'tp':>5} {'fp':>5} {'fn':>5}")
    for s in m.stages:
        print(f"{s.stage:>6} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.support:6d} "
              f"{s.tp:5d} {s.fp:5d} {s.fn:5d}")
    print(f"{'micro':>6} {m.micro_precision:6.3f} {m.micro_recall:6.3f} {m.micro_f1:6.3f}   "
          f"macro F1 {m.macro_f1:.3f}   exact match {m.exact_match:.3f}")


def _print_confusion(m: object) -> None:
    from servio.evaluate.metrics import CONFUSION_LABELS, TaggingMetrics

    assert isinstance(m, TaggingMetrics)  # noqa: S101 - dev tool
    print("confusion (rows gold, columns predicted on the same turns):")
    print("      " + " ".join(f"{c:>5}" for c in CONFUSION_LABELS))
    for label, row in zip(CONFUSION_LABELS, m.confusion, strict=True):
        print(f"{label:>5} " + " ".join(f"{v:5d}" for v in row))


def _print_errors(convs: list[Conversation], tagged: list, args: argparse.Namespace) -> None:
    rows = []
    for conv, tc in zip(convs, tagged, strict=True):
        for i, (turn, tt) in enumerate(zip(conv.turns, tc.turns, strict=True)):
            gold, pred = turn.stages or frozenset(), tt.stages
            fp, fn = pred - gold, gold - pred
            if not fp and not fn:
                continue
            if args.stage and args.stage not in fp | fn:
                continue
            if args.kind == "fp" and not fp or args.kind == "fn" and not fn:
                continue
            if args.speaker and turn.speaker.value != args.speaker:
                continue
            rows.append((len(fp) + len(fn), conv, i, turn, gold, pred, tt))
    if args.shuffle:
        random.Random(args.shuffle).shuffle(rows)
    else:
        rows.sort(key=lambda r: -r[0])
    print(f"errors shown: {min(args.errors, len(rows))} of {len(rows)} wrong turns")
    for _, conv, i, turn, gold, pred, tt in rows[: args.errors]:
        prev = conv.turns[i - 1] if i else None
        if prev is not None:
            print(f"   prev {prev.speaker.value[0]} {sorted(prev.stages or ())}: {prev.text[:150]!r}")
        ev = "; ".join(f"{t.stage}<-{','.join(e.cue for e in t.evidence)}" for t in tt.tags)
        print(f"{conv.id}#{i} {turn.speaker.value} gold {sorted(gold)} pred {sorted(pred)}  [{ev}]")
        print(f"   {turn.text[:400]!r}")


if __name__ == "__main__":
    raise SystemExit(main())
