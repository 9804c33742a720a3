"""The SQLite file servio creates, and its write-ahead log and shared-memory file, are private (0600):
they hold conversation text, import problems, token hashes and the audit trail (audit 19b, m7). A file
that exists already keeps the permissions its owner gave it."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from servio.store import Store
from tests.store.helpers import analyse, conversation


@pytest.fixture
def usual_umask() -> Iterator[None]:
    old = os.umask(0o022)  # the usual one, which made the files -rw-r--r--
    try:
        yield
    finally:
        os.umask(old)


def _modes(folder: Path, name: str) -> dict[str, int]:
    return {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir() if p.name.startswith(name)}


@pytest.mark.usefixtures("usual_umask")
def test_a_new_database_and_its_log_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'servio.db'}")
    assert not (tmp_path / "servio.db").exists()  # Store() touches nothing until first used
    try:
        store.migrate()
        store.save_results([conversation(1)], analyse)
        modes = _modes(tmp_path, "servio.db")
        assert set(modes) == {"servio.db", "servio.db-wal", "servio.db-shm"}
        assert modes == dict.fromkeys(modes, 0o600)
    finally:
        store.close()


@pytest.mark.usefixtures("usual_umask")
def test_a_database_the_owner_made_keeps_its_permissions(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    sqlite3.connect(path).close()
    path.chmod(0o640)  # e.g. a group of operators that reads backups
    store = Store(f"sqlite:///{path}")
    try:
        store.migrate()
        assert _modes(tmp_path, "shared.db")["shared.db"] == 0o640
    finally:
        store.close()
