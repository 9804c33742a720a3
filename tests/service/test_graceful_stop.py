"""A graceful stop (SIGTERM: ``systemctl restart``, a deploy; Ctrl-C) stops a running import at its next
batch, the dashboard's as the API's, as a Ctrl-C stops ``servio import``: the job fails as interrupted with
the counts of what was stored, every stored conversation is whole, the upload folder (raw, unredacted
files) is gone when the process has exited, and importing the same file again stores the rest.

Before: the dashboard's import ran in a daemon thread that the stop dropped within a second, leaving the job
``running`` for 15 minutes and the upload for six hours (audit 19b, m1); the API's import was waited for to
its end, minutes for a big upload, while the server had already stopped answering (audit 19c, M1)."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.service.test_run import _free_port

CONVERSATIONS = 2000


def _records() -> bytes:
    lines = []
    for i in range(CONVERSATIONS):
        turns = [{"speaker": "agent", "text": "Tere! Kuidas saan aidata?"},
                 {"speaker": "customer", "text": f"Mu arve number {i} on liiga suur, miks nii?"},
                 {"speaker": "agent", "text": "Vaatan kohe järele. Kas see on eelmise kuu arve?"},
                 {"speaker": "customer", "text": "Jah, oktoobri oma."},
                 {"speaker": "agent", "text": "Parandasin arve ära. Kas saan veel aidata? Head aega!"}]
        lines.append(json.dumps({"id": f"g-{i}", "language": "et", "agent_id": "kati", "turns": turns}))
    return ("\n".join(lines) + "\n").encode()


def _serve(tmp_path: Path) -> tuple[subprocess.Popen[str], str, str, Path]:
    port, temp = _free_port(), tmp_path / "tmp"
    temp.mkdir()
    env = dict(os.environ, SERVIO_DATABASE_URL=f"sqlite:///{tmp_path / 'servio.db'}", SERVIO_PORT=str(port),
               SERVIO_LIVE_WARM_UP="false", SERVIO_TAGGER="rules", TMPDIR=str(temp))
    code = "from servio.service import load_settings, run; run(load_settings(), log_level='warning')"
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    seen = ""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and "lost it?" not in seen:
        line = proc.stderr.readline()
        if not line:
            break
        seen += line
    token = re.search(r"\n  (servio_\S+)\n", seen)
    assert token, seen
    return proc, f"http://127.0.0.1:{port}", token.group(1), temp


def _job(db: Path, job_id: int) -> tuple[str, int]:
    with sqlite3.connect(db) as conn:
        status, read = conn.execute("SELECT status, read FROM import_jobs WHERE id = ?", (job_id,)).fetchone()
    return str(status), int(read)


@pytest.mark.parametrize("route", ["/ui/import", "/imports"])
def test_sigterm_stops_an_import_at_a_batch_and_removes_its_upload(tmp_path: Path, route: str) -> None:
    proc, base, token, temp = _serve(tmp_path)
    db = tmp_path / "servio.db"
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    client.get("/health")
                    break
                except httpx.HTTPError:
                    time.sleep(0.3)
            if route == "/ui/import":
                assert client.post("/ui/login", data={"token": token}).status_code in (200, 303)
                headers = {"X-Servio": "1"}
            else:
                headers = {"Authorization": f"Bearer {token}"}
            answer = client.post(route, files={"files": ("big.jsonl", _records())}, headers=headers)
            assert answer.status_code == 202, answer.text
            job_id = int(answer.json()["id"])
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and _job(db, job_id)[1] == 0:
            time.sleep(0.1)  # the first batch is stored: the import is under way
        status, read = _job(db, job_id)
        assert status == "running" and 0 < read < CONVERSATIONS, (status, read)
        assert any(p.name.startswith("servio-upload-") for p in temp.iterdir())
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=20)
    status, read = _job(db, job_id)
    assert status == "failed" and read < CONVERSATIONS, (status, read)  # stopped, not run to its end
    with sqlite3.connect(db) as conn:
        error = conn.execute("SELECT error FROM import_jobs WHERE id = ?", (job_id,)).fetchone()[0]
        stored = conn.execute("SELECT COUNT(*) FROM conversations").fetchone()[0]
        short = conn.execute("SELECT COUNT(*) FROM conversations c WHERE (SELECT COUNT(*) FROM turns t "
                             "WHERE t.conversation_id = c.id) != 5").fetchone()[0]
    assert error.startswith("interrupted: the counts are what was stored; import the same files again")
    assert stored == read and short == 0  # what the job counts is stored, each conversation whole
    assert [p.name for p in temp.iterdir() if p.name.startswith("servio-upload-")] == []
    again = tmp_path / "big.jsonl"
    again.write_bytes(_records())
    from servio.store import Store, import_paths

    store = Store(f"sqlite:///{db}")
    try:
        report = import_paths(store, [str(again)], tagger="rules")
    finally:
        store.close()
    assert (report.new, report.unchanged) == (CONVERSATIONS - read, read)  # the rest, nothing twice
