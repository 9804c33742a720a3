"""What a killed import leaves behind (its raw upload, its job shown running) is tidied while serving."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servio.service import create_app
from servio.service.housekeeping import UPLOAD_MAX_AGE, sweep_uploads, tidy
from tests.service.conftest import make_settings


def _folder(root: Path, name: str, age: float) -> Path:
    folder = root / name
    folder.mkdir()
    (folder / "chats.jsonl").write_text('{"id": "x"}\n', encoding="utf-8")
    then = time.time() - age
    os.utime(folder, (then, then))
    return folder


def test_old_upload_folders_go_and_everything_else_stays(tmp_path: Path) -> None:
    old = _folder(tmp_path, "servio-upload-old", UPLOAD_MAX_AGE + 60)
    young = _folder(tmp_path, "servio-upload-young", 60)  # an import may still be reading it
    other = _folder(tmp_path, "someone-else", UPLOAD_MAX_AGE * 10)
    link = tmp_path / "servio-upload-link"
    link.symlink_to(other)
    assert sweep_uploads(tmp_path) == 1
    assert not old.exists() and young.exists() and other.exists() and link.is_symlink()


def test_a_sweep_fails_stale_jobs_and_names_what_it_did(tmp_path: Path,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    class Store:
        def fail_stale_import_jobs(self) -> int:
            return 2

    _folder(tmp_path, "servio-upload-a", UPLOAD_MAX_AGE + 60)
    assert tidy(Store(), tmp_path) == (2, 1)
    assert "2 import job(s)" in caplog.text and "removed 1 upload folder(s)" in caplog.text


def test_the_service_sweeps_at_start_up(store: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A server killed mid-import left the unredacted upload in the temporary directory for good: nothing
    but the process that ran the job ever removed it (security audit S5)."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    left = _folder(tmp_path, "servio-upload-killed", UPLOAD_MAX_AGE + 60)
    with TestClient(create_app(make_settings(), store=store)) as client:
        for _ in range(100):  # the sweep runs in the background: give it a moment
            if not left.exists():
                break
            client.get("/health")
            time.sleep(0.02)
    assert not left.exists()
