"""A graceful stop (SIGTERM: ``systemctl restart``, a deploy) waits for a dashboard import as it waits for
an API import (audit 19b, m1): the job ends ``done`` with every conversation, and the upload folder (raw,
unredacted files) is gone when the process has exited. Before, the dashboard's import ran in a daemon
thread that the stop dropped within a second: the job stayed ``running`` for 15 minutes and the upload
stayed in the temporary folder for six hours."""

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


def test_sigterm_waits_for_a_dashboard_import_and_removes_its_upload(tmp_path: Path) -> None:
    proc, base, token, temp = _serve(tmp_path)
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    client.get("/health")
                    break
                except httpx.HTTPError:
                    time.sleep(0.3)
            assert client.post("/ui/login", data={"token": token}).status_code in (200, 303)
            answer = client.post("/ui/import", files={"files": ("big.jsonl", _records())},
                                 headers={"X-Servio": "1"})
            assert answer.status_code == 202, answer.text
            job_id = int(answer.json()["id"])
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and _job(tmp_path / "servio.db", job_id)[1] == 0:
            time.sleep(0.1)  # the first batch is stored: the import is under way
        status, read = _job(tmp_path / "servio.db", job_id)
        assert status == "running" and 0 < read < CONVERSATIONS, (status, read)
        assert any(p.name.startswith("servio-upload-") for p in temp.iterdir())
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=20)
    assert _job(tmp_path / "servio.db", job_id) == ("done", CONVERSATIONS)
    assert [p.name for p in temp.iterdir() if p.name.startswith("servio-upload-")] == []
