"""``servio delete --yes`` and ``servio users`` leave a ``servio.audit`` line, as the API and dashboard do.

Who ran them is the operating-system account (``os_user``); the line names the
database and the ids, never the text ``--imports-quoting`` looked for nor a
token. A command run without logging set up shows the line on stderr.
"""

from __future__ import annotations

import getpass
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from servio.cli import main
from servio.service.settings import DEFAULT_SECRET
from servio.store import Store

TRANSCRIPT = "Agent: Tere! Millega saan aidata?\nMari Maasikas: Tere, arve on liiga suur.\nAgent: Aitäh!\n"


@pytest.fixture(autouse=True)
def _no_service_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SERVIO_DATABASE_URL", "SERVIO_SECRET_KEY", "SERVIO_CONFIG_FILE", "SERVIO_MODE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def database(tmp_path: Path, sqlite_template: Path) -> str:
    path = tmp_path / "servio.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


def _records(caplog: pytest.LogCaptureFixture, action: str) -> list[dict[str, Any]]:
    return [r.audit for r in caplog.records  # type: ignore[attr-defined]
            if r.name == "servio.audit" and r.audit["action"] == action]  # type: ignore[attr-defined]


def test_delete_records_what_it_deleted_but_not_what_it_looked_for(
        database: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="servio.audit")
    path = tmp_path / "call-88.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    assert main(["import", str(path), "--database", database, "--no-progress"]) == 1  # a turn is skipped
    with Store(database) as store:
        job = store.list_import_jobs(limit=1)[0].id
    args = ["delete", "call-88-1", "--imports-quoting", "Mari Maasikas", "--database", database]
    assert main(args) == 0  # without --yes: nothing deleted, nothing recorded
    assert not _records(caplog, "conversation.delete") and not _records(caplog, "import_job.delete")
    assert main([*args, "--yes"]) == 0
    who = {"via": "cli", "os_user": getpass.getuser(), "database": database}
    [erased] = _records(caplog, "conversation.delete")
    assert erased.items() >= {**who, "conversations": ["call-88-1"], "deleted": 1}.items()
    [jobs] = _records(caplog, "import_job.delete")
    assert jobs.items() >= {**who, "import_jobs": [job], "deleted": 1}.items()
    assert not any("Maasikas" in r.getMessage() for r in caplog.records if r.name == "servio.audit")


def test_users_records_every_change_and_no_token(database: str, caplog: pytest.LogCaptureFixture,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    caplog.set_level(logging.INFO, logger="servio.audit")
    with Store(database, pepper=DEFAULT_SECRET) as store:
        store.create_user("root", "admin")  # so that eva is not the last active admin
    assert main(["users", "add", "eva", "--role", "admin", "--database", database]) == 0
    assert main(["users", "token", "eva", "--database", database]) == 0
    tokens = capsys.readouterr().out.split()
    assert main(["users", "disable", "eva", "--database", database]) == 0
    assert main(["users", "enable", "eva", "--database", database]) == 0
    assert main(["users", "revoke", "eva", "--database", database]) == 0
    assert main(["users", "list", "--database", database]) == 0  # reading is no change
    with Store(database, pepper=DEFAULT_SECRET) as store:
        eva = store.get_user(name="eva")
    assert eva is not None
    target = {"via": "cli", "os_user": getpass.getuser(), "target_user_id": eva.id, "target_user": "eva"}
    actions = [r.audit["action"] for r in caplog.records if r.name == "servio.audit"]  # type: ignore[attr-defined]
    assert actions == ["user.create", "token.issue", "user.deactivate", "user.activate", "tokens.revoke"]
    assert _records(caplog, "user.create")[0].items() >= {**target, "target_role": "admin"}.items()
    assert _records(caplog, "tokens.revoke")[0]["revoked"] == 2
    text = caplog.text
    assert len(tokens) == 2 and not any(t in text or t.split(".")[-1] in text for t in tokens)


def test_a_command_without_logging_set_up_shows_the_line_on_stderr(database: str) -> None:
    args = ["users", "add", "ott", "--role", "reviewer", "--database", database]
    code = f"from servio.cli import main; raise SystemExit(main({args!r}))"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SERVIO_")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    audit_lines = [line for line in done.stderr.splitlines() if line.startswith("servio: audit: ")]
    assert len(audit_lines) == 1, done.stderr
    assert audit_lines[0].startswith("servio: audit: action=user.create via=cli os_user=")
    assert "target_user=ott target_role=reviewer" in audit_lines[0]
    assert done.stdout.strip() not in done.stderr  # the token stays on stdout alone
