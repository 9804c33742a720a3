"""Several worker processes: the same results in the same order as one, errors and stops passed on."""

from __future__ import annotations

import json
import os
import pickle
from datetime import UTC, datetime
from pathlib import Path

import pytest

from servio.cli import main
from servio.examples import example_paths
from servio.model import Conversation, Speaker, Turn
from servio.parallel import WorkerError, Workers, ordered_map, resolve_workers


def _square(x: int) -> int:
    return x * x


def _fails_on_seven(x: int) -> int:
    if x == 7:
        raise ValueError("seven is not allowed")
    return x


def test_ordered_map_keeps_the_input_order_across_workers() -> None:
    assert list(ordered_map(_square, range(100), workers=2, chunk=3)) == [x * x for x in range(100)]


def _pid(_: int) -> int:
    return os.getpid()


def test_workers_keep_their_processes_across_maps() -> None:
    with Workers(2) as pool:
        assert list(pool.map(_square, range(10), chunk=2)) == [x * x for x in range(10)]
        pids = set(pool.map(_pid, range(40), chunk=2)) | set(pool.map(_pid, range(40), chunk=2))
    assert len(pids) <= 2 and os.getpid() not in pids


def test_one_worker_maps_in_this_process_item_by_item() -> None:
    seen: list[int] = []

    def remember(x: int) -> int:  # not picklable: one worker must not need a pool
        seen.append(x)
        return x

    results = ordered_map(remember, range(5), workers=1)
    assert next(results) == 0 and seen == [0]


def test_a_worker_error_comes_after_the_results_before_its_chunk() -> None:
    results = ordered_map(_fails_on_seven, range(20), workers=2, chunk=4)
    assert [next(results) for _ in range(4)] == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="seven"):
        list(results)


def _dies_on_three(x: int) -> int:
    if x == 3:
        os._exit(1)  # a worker killed (out of memory, kill -9) sends no exception back
    return x


def test_a_worker_that_dies_is_a_clear_error() -> None:
    with pytest.raises(WorkerError, match="fewer workers"):
        list(ordered_map(_dies_on_three, range(8), workers=2, chunk=2))


def test_an_input_error_stops_the_workers() -> None:
    def items():
        yield from range(10)
        raise OSError("the file went away")

    with pytest.raises(OSError, match="went away"):
        list(ordered_map(_square, items(), workers=2, chunk=2))


def test_workers_zero_means_every_core_and_negative_is_refused() -> None:
    assert resolve_workers(0) >= 1
    assert resolve_workers(3) == 3
    with pytest.raises(ValueError):
        resolve_workers(-1)


def test_a_conversation_survives_pickling_frozen() -> None:
    conv = Conversation(id="p-1", turns=(Turn(Speaker.AGENT, "Tere!", stages=frozenset({1})),),
                        started_at=datetime(2026, 1, 2, tzinfo=UTC), metadata={"queue": "arved"})
    back = pickle.loads(pickle.dumps(conv))
    assert back == conv
    with pytest.raises(TypeError):
        back.metadata["queue"] = "other"  # type: ignore[index]


@pytest.mark.parametrize("command", [["tag", "-o", "-"], ["analyze", "--json"], ["agents", "--json"],
                                     ["eval", "--json", "--tagger", "rules"]])
def test_the_cli_writes_the_same_with_two_workers(command: list[str], capsys: pytest.CaptureFixture[str],
                                                  tmp_path: Path) -> None:
    paths = [str(p) for p in example_paths()]
    if command[0] == "eval":  # gold labels: the bundled examples tagged by the rules, as a gold file
        gold = tmp_path / "gold.jsonl"
        main(["tag", "--tagger", "rules", *paths, "-o", str(gold), "--no-progress"])
        paths = [str(gold)]
    capsys.readouterr()
    outputs = []
    for workers in ("1", "2"):
        assert main([*command, *paths, "--workers", workers, "--no-progress"]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    assert outputs[0].strip()
    if command[0] == "tag":
        assert len([json.loads(line) for line in outputs[0].splitlines()]) >= 20


def test_a_negative_worker_count_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", "--examples", "--workers", "-2"]) == 2
    assert "--workers" in capsys.readouterr().err


def test_servio_import_with_two_workers_stores_what_one_does(tmp_path: Path) -> None:
    from servio.store import Store

    paths = [str(p) for p in example_paths()]
    urls = [f"sqlite:///{tmp_path / f'w{n}.db'}" for n in (1, 2)]
    for url, workers in zip(urls, ("1", "2"), strict=True):
        assert main(["import", *paths, "--database", url, "--workers", workers, "--no-progress"]) == 0
    stored = []
    for url in urls:
        with Store(url) as store:
            ids = [s.id for s in store.list_conversations().items]
            stored.append({i: store.get_conversation(i) for i in ids})
    assert len(stored[0]) >= 20 and stored[0] == stored[1]


def test_ctrl_c_stops_the_workers_and_leaves_no_output(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    lines = [x for p in example_paths() if p.suffix == ".jsonl" for x in p.read_text("utf-8").splitlines()]
    big = tmp_path / "big.jsonl"
    big.write_text("\n".join(json.dumps({**json.loads(x), "id": f"{json.loads(x)['id']}-{n}"})
                             for n in range(400) for x in lines if x.strip()) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "servio.cli", "tag", str(big), "-o", str(out), "--workers", "2"]
    proc = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while (not any(p.stat().st_size for p in tmp_path.glob("out.jsonl.*.part"))
           and time.monotonic() < deadline):
        time.sleep(0.05)  # until the workers' first results are written
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "servio: interrupted" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == [big]  # neither the output nor its .part file
