"""Crash safety: an import killed with SIGKILL loses nothing it had committed, and a re-run completes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from servio.store import Store, import_paths
from servio.store.schema import StageScoreRow, TurnRow
from tests.store.helpers import analyse, conversation, write_jsonl

TOTAL = 300
BATCH = 10
IMPORT = """
import sys
from servio.store import Store, import_paths
store = Store(sys.argv[1])
import_paths(store, [sys.argv[2]], batch_size=int(sys.argv[3]))
print("finished", flush=True)
"""

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def _conversations() -> list:
    agents = ("kati", "tom", "liis")
    return [conversation(n, agent=agents[n % 3], turns=4 + n % 6) for n in range(TOTAL)]


def _kill_mid_import(url: str, path: Path, store: Store) -> int:
    """Start an import in a subprocess, SIGKILL it after two committed batches; the job id."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen([sys.executable, "-c", IMPORT, url, str(path), str(BATCH)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            jobs = store.list_import_jobs()
            if jobs and jobs[0].read >= 2 * BATCH:
                break
            if proc.poll() is not None:
                pytest.fail(f"import ended before it could be killed: {proc.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            time.sleep(0.01)
        else:
            pytest.fail("import made no progress")
        assert proc.poll() is None, "the import finished before the kill"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
        proc.stdout.close()  # type: ignore[union-attr]
        proc.stderr.close()  # type: ignore[union-attr]
    assert proc.returncode == -signal.SIGKILL
    return jobs[0].id


def _count(store: Store, model: type) -> int:
    with store.engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(model)) or 0)


def test_a_killed_import_keeps_what_it_committed_and_a_rerun_completes_it(
        store: Store, store_url: str, tmp_path: Path) -> None:
    convs = _conversations()
    path = write_jsonl(tmp_path / "big.jsonl", convs)
    job_id = _kill_mid_import(store_url, path, store)

    job = store.get_import_job(job_id)
    assert job is not None and job.status == "running" and job.finished_at is None  # it never finished
    stored = store.list_conversations().total
    assert 2 * BATCH <= stored < TOTAL
    assert job.read == job.new == stored and stored % BATCH == 0  # acknowledged == committed, whole batches
    ids = [row["id"] for row in store.export_rows()]
    by_id = {c.id: c for c in convs}
    assert _count(store, TurnRow) == sum(len(by_id[i].turns) for i in ids)
    assert _count(store, StageScoreRow) == 7 * stored
    for cid in ids[:: max(1, stored // 5)]:
        got = store.get_conversation(cid)
        assert got is not None and got[0] == by_id[cid] and got[1] == analyse(by_id[cid])

    report = import_paths(store, [path], batch_size=BATCH)
    assert (report.read, report.unchanged, report.new, report.updated) == (TOTAL, stored, TOTAL - stored, 0)
    assert store.list_conversations().total == TOTAL
    assert _count(store, TurnRow) == sum(len(c.turns) for c in convs)
    assert _count(store, StageScoreRow) == 7 * TOTAL
    last = convs[-1]
    assert store.get_conversation(last.id) == (last, analyse(last))
    done = store.get_import_job(report.job_id)
    assert done is not None and done.status == "done" and done.new == TOTAL - stored
