"""Uploaded files (a customer's conversations, not yet redacted) never outlive a failed import.

Both ways in are checked, the API's ``POST /imports`` and the dashboard's
``POST /ui/import``, when the store cannot take the job and when writing the
upload to disk fails. The records are invented.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servio.service import create_app
from servio.store.types import StoreError
from tests.service.conftest import Users, make_settings
from tests.web.conftest import sign_in

RECORD = json.dumps({"id": "up-1", "language": "et", "turns": [
    {"speaker": "customer", "text": "Minu isikukood on 38001010000, helistage 5551234."}]}) + "\n"


@pytest.fixture
def temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private temporary folder for everything ``tempfile`` makes in this test."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def _left(temp: Path) -> list[str]:
    return sorted(p.name for p in temp.iterdir() if p.name.startswith("servio-upload-"))


class JobsDown:
    """A store that works except that it cannot record an import job (its database went away)."""

    def __init__(self, store: Any) -> None:
        self._store = store

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def create_import_job(self, *args: Any, **kwargs: Any) -> Any:
        raise StoreError("the database is unreachable")


@pytest.fixture
def broken(filled_store: Any, users: Users) -> Iterator[TestClient]:
    app = create_app(make_settings(), store=JobsDown(filled_store))  # type: ignore[arg-type]
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_the_api_removes_the_upload_when_the_job_cannot_be_recorded(broken: TestClient, users: Users,
                                                                    temp: Path) -> None:
    answer = broken.post("/imports", files=[("files", ("chats.jsonl", RECORD.encode()))],
                         headers=users.headers("admin"))
    assert answer.status_code == 400, answer.text
    assert _left(temp) == []


def test_the_dashboard_removes_the_upload_when_the_job_cannot_be_recorded(broken: TestClient, users: Users,
                                                                          temp: Path) -> None:
    sign_in(broken, users.tokens["admin"])
    answer = broken.post("/ui/import", files=[("files", ("chats.jsonl", RECORD.encode()))],
                         headers={"X-Servio": "1"})
    assert answer.status_code >= 400, answer.text
    assert _left(temp) == []


class DiskFull:
    """An upload whose copy to disk fails half-way."""

    filename = "chats.jsonl"

    def __init__(self) -> None:
        self.calls = 0

    async def read(self, size: int = -1) -> bytes:
        self.calls += 1
        if self.calls > 1:
            raise OSError(28, "No space left on device")
        return RECORD.encode()


def test_a_dashboard_upload_that_fails_to_save_leaves_nothing(temp: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from servio.web.uploads import save_uploads

    # a thread of its own: a browser test run before this one can leave an event loop running here
    with pytest.raises(OSError), ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, save_uploads([DiskFull()])).result()
    assert _left(temp) == []
