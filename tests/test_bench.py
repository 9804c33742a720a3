"""The benchmarks run: each script of bench/ on a small folder of the bundled examples.

The benchmarks read ../shared/data, so nothing else runs them; a library change that breaks one
(a renamed function, a new required argument) would only show at the next measurement. Figures are
not checked here (speed is never asserted in tests), only that each run ends well and prints its table.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from servio.examples import example_gold_path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The examples as a data folder, one file per language like ../shared/data."""
    folder = tmp_path_factory.mktemp("bench-data")
    rows = [json.loads(line) for line in example_gold_path().read_text("utf-8").splitlines() if line.strip()]
    for lang in ("en", "et"):
        mine = [r for r in rows if r["language"] == lang]
        assert mine, lang
        (folder / f"{lang}_examples.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in mine), "utf-8")
    return folder


def run_bench(script: str, *args: str) -> str:
    proc = subprocess.run([sys.executable, str(BENCH / script), *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def test_throughput_bench_prints_every_workload(data: Path) -> None:
    out = run_bench("bench_throughput.py", "--data", str(data), "--repeat", "1", "--runs", "1",
                    "--skip-estnltk")
    for scope in ("all", "et"):
        for workload in ("baseline: read + regex tokenise", "servio tag, default learned",
                         "servio tag --tagger rules", "servio analyze --json"):
            assert f"{workload} ({scope})" in out


def test_tagger_bench_compares_rules_and_learned_on_the_same_folds(data: Path) -> None:
    out = run_bench("bench_taggers.py", "--data", str(data), "--folds", "2", "--repeat", "1",
                    "--skip-embed")
    lines = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.strip()}
    for tagger in ("rules", "learned"):
        f1_en, f1_et = (float(x) for x in lines[tagger][:2])
        assert 0.0 < f1_en <= 1.0 and 0.0 < f1_et <= 1.0
    assert "e5" not in lines


def test_live_tag_bench_scores_the_newest_turn(data: Path) -> None:
    out = run_bench("bench_live_tags.py", "--data", str(data), "--folds", "2")
    assert "servio" in out and "live" in out and "batch" in out


def test_live_bench_runs_in_process(data: Path) -> None:
    out = run_bench("bench_live.py", "--data", str(data), "--sessions", "4", "--turns", "4",
                    "--skip-network")
    assert "live hints: 4 concurrent sessions" in out


def test_source_bench_holds_out_each_file(data: Path) -> None:
    out = run_bench("bench_sources.py", "--data", str(data))
    assert "held out en_examples.jsonl" in out and "held out et_examples.jsonl" in out
    rows = [line.split() for line in out.splitlines() if line.startswith(("en_examples", "et_examples"))]
    assert {r[1] for r in rows} == {"en", "et"}
    for row in rows:
        assert 0.0 <= float(row[3]) <= 1.0 and 0.0 < float(row[4]) <= 1.0


def test_store_bench_times_every_workload_against_the_first_page(data: Path) -> None:
    out = run_bench("bench_store.py", "--data", str(data), "--conversations", "120", "--runs", "1")
    assert "120 conversations stored" in out
    for workload in ("baseline: conversation list, first page", "list ?missing_stage=4",
                     "Store.results, everyone", "Store.tallies, everyone", "agent profiles, everyone",
                     "team page, everyone", "agent page",
                     "CSV export, everything"):
        assert workload in out


def test_days_bench_times_the_migration_and_both_kinds_of_month(data: Path) -> None:
    out = run_bench("bench_days.py", "--data", str(data), "--conversations", "120", "--runs", "1")
    assert "120 conversations stored" in out and "migration 0004 -> 0005:" in out
    for workload in ("back-fill alone, batches of 5000", "month by day: list, first page",
                     "month UTC moments: Store.tallies, one team", "month by day: CSV export"):
        assert workload in out
    assert "started_day" in out.split("month UTC moments: CSV export")[1]  # the plans follow the table
