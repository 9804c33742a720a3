"""Throughput of ``servio tag`` and ``servio analyze`` against baselines, in one run.

Reads ../shared/data at run time, repeats it to a few thousand conversations
and times whole child processes, start-up included, each pinned to one core:

* baseline: read the JSON and tokenise every turn with a regular expression (the limit);
* servio tag (the default, learned tagger, and --tagger rules) and servio analyze --json,
  on everything and on Estonian alone;
* servio tag --workers N on every core of the machine (not pinned: the one-core figures
  above are the targets; this line shows what a machine's other cores add);
* EstNLTK's Text morphological pipeline per conversation (Estonian alone).

Prints conversations per second, ratios against the baseline of the same run,
and each child's peak memory. Each workload runs ``--runs`` times (the slow
EstNLTK one once) and the fastest run counts, with the slowest shown beside
it: on a shared machine a single run can be off by a quarter. Nothing is
asserted: the figures are for reading.

servio's modules are byte-compiled first, as installing a wheel does: with an editable install
and ``PYTHONDONTWRITEBYTECODE`` set, every child would otherwise compile them from source at
start-up (about 0.05 s a run), which no installed servio does.

    python bench/bench_throughput.py [--data ../shared/data] [--repeat 8] [--runs 3]
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data"


def load(data: Path, language: str | None) -> list[str]:
    lines = []
    for path in sorted(data.glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            if line.strip() and (language is None or json.loads(line)["language"] == language):
                lines.append(line)
    return lines


def write_corpus(lines: list[str], repeat: int, folder: Path, name: str) -> tuple[Path, int]:
    path = folder / f"{name}.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for r in range(repeat):
            for line in lines:
                conv = json.loads(line)
                conv["id"] = f"{conv['id']}-r{r}"
                fh.write(json.dumps(conv, ensure_ascii=False) + "\n")
    return path, len(lines) * repeat


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run_child(cmd: list[str]) -> tuple[float, float]:
    """Seconds and peak RSS (MiB, of its largest process) of one child process, pinned to one core
    unless it runs ``--workers``."""

    def pin() -> None:
        if hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            preexec_fn=None if "--workers" in cmd else pin)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.returncode not in (0, 1):
        raise SystemExit(f"benchmark child failed ({proc.returncode}): {' '.join(cmd)}\n{err[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--repeat", type=int, default=8, help="copies of the data set (default 8)")
    ap.add_argument("--runs", type=int, default=3,
                    help="timed runs per workload; the fastest counts (default 3)")
    ap.add_argument("--skip-estnltk", action="store_true", help="leave out the slow EstNLTK Text run")
    args = ap.parse_args()
    if not args.data.is_dir():
        raise SystemExit(f"no data folder at {args.data}")
    py = sys.executable
    import servio

    compileall.compile_dir(str(Path(servio.__file__).parent), quiet=2)  # a read-only tree: as before
    servio = [py, "-m", "servio.cli"]
    child = [py, str(HERE / "_children.py")]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        all_path, n_all = write_corpus(load(args.data, None), args.repeat, folder, "all")
        et_path, n_et = write_corpus(load(args.data, "et"), args.repeat, folder, "et")
        out = str(folder / "out.jsonl")
        runs: list[tuple[str, int, list[str], int]] = []
        for scope, path, n in (("all", all_path, n_all), ("et", et_path, n_et)):
            runs += [
                (f"baseline: read + regex tokenise ({scope})", n, child + ["baseline", str(path)], args.runs),
                (f"servio tag, default learned ({scope})", n,
                 servio + ["tag", str(path), "-o", out, "--no-progress"], args.runs),
                (f"servio tag --tagger rules ({scope})", n,
                 servio + ["tag", str(path), "-o", out, "--no-progress", "--tagger", "rules"], args.runs),
                (f"servio analyze --json ({scope})", n,
                 servio + ["analyze", str(path), "--json", "--no-progress"], args.runs),
            ]
            if cores() > 1:
                runs.append((f"servio tag --workers {cores()}, {cores()} cores ({scope})", n,
                             servio + ["tag", str(path), "-o", out, "--no-progress", "--workers", "0"],
                             args.runs))
        if not args.skip_estnltk:
            runs.append(("EstNLTK Text morph pipeline (et)", n_et, child + ["estnltk", str(et_path)], 1))
        report(runs)


def report(runs: list[tuple[str, int, list[str], int]]) -> None:
    print(f"{'workload':<44}{'convs':>7}{'seconds':>9}{'conv/s':>9}{'slowest':>9}{'× baseline':>12}"
          f"{'peak MiB':>10}")
    baselines: dict[str, float] = {}
    for name, n, cmd, times in runs:
        timed = [run_child(cmd) for _ in range(max(times, 1))]
        seconds, mib = min(timed)
        slowest = n / max(t for t, _ in timed)
        rate = n / seconds
        scope = name.rsplit("(", 1)[-1]
        if name.startswith("baseline"):
            baselines[scope] = rate
        ratio = rate / baselines[scope] if scope in baselines else float("nan")
        print(f"{name:<44}{n:>7}{seconds:>9.2f}{rate:>9.0f}{slowest:>9.0f}{ratio:>12.3f}{mib:>10.0f}",
              flush=True)


if __name__ == "__main__":
    main()
