"""``servio users``: users and tokens managed on the database itself, the way back in for a lost token."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from servio.cli import main
from servio.service.settings import DEFAULT_SECRET
from servio.store import Store

SECRET = "a-server-secret-of-at-least-32-characters"


@pytest.fixture(autouse=True)
def _no_service_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests choose every setting themselves."""
    for name in ("SERVIO_DATABASE_URL", "SERVIO_SECRET_KEY", "SERVIO_CONFIG_FILE", "SERVIO_MODE",
                 "SERVIO_HOST"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def database(tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated SQLite file holding the first admin, as ``servio serve`` leaves it."""
    path = tmp_path / "servio.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    with Store(url, pepper=DEFAULT_SECRET) as store:
        store.create_user("admin", "admin")
    return url


def _store(url: str, pepper: str = DEFAULT_SECRET) -> Store:
    return Store(url, pepper=pepper)


def _user(url: str, name: str) -> object:
    with _store(url) as store:
        return store.get_user(name=name)


def _users(args: list[str], url: str) -> int:
    return main(["users", *args, "--database", url])


def _add(url: str, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert _users(["add", *args], url) == 0
    return capsys.readouterr().out.strip()


def test_add_prints_only_the_token_on_stdout_and_the_token_works(
        database: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _users(["add", "kati", "--role", "agent", "--agent-id", "kati-7"], database) == 0
    out, err = capsys.readouterr()
    token = out.strip()
    assert out == token + "\n" and token.startswith("servio_")
    assert "kati" in err and "shown once" in err
    with _store(database) as store:
        user = store.user_by_token(token)
    assert user is not None and (user.name, user.role, user.agent_id) == ("kati", "agent", "kati-7")


def test_add_team_lead_keeps_the_team(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    token = _add(database, capsys, "lea", "--role", "team_lead", "--team", "Tartu")
    with _store(database) as store:
        user = store.user_by_token(token)
    assert user is not None and user.team == "Tartu"


@pytest.mark.parametrize("args,says", [
    (["kati", "--role", "agent"], "--agent-id"),
    (["lea", "--role", "team_lead"], "--team"),
    (["mari", "--role", "reviewer", "--team", "Tartu"], "only a team_lead"),
    (["bad\x07name", "--role", "reviewer"], "NAME: must not hold control characters"),
    (["c1\u009b2J\u007f", "--role", "reviewer"], "NAME: must not hold control characters"),  # DEL, C1 too
    (["kati", "--role", "agent", "--agent-id", "k\u0085"], "must not hold control characters"),
    (["x" * 256, "--role", "reviewer"], "NAME: String should have at most 255 characters"),
])
def test_add_refuses_what_the_api_refuses(database: str, capsys: pytest.CaptureFixture[str],
                                          args: list[str], says: str) -> None:
    assert _users(["add", *args], database) == 2
    out, err = capsys.readouterr()
    assert out == "" and says in err and "servio: error:" in err
    with _store(database) as store:
        assert [u.name for u in store.list_users()] == ["admin"]


def test_add_an_existing_name_is_refused(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _users(["add", "admin", "--role", "reviewer"], database) == 1
    out, err = capsys.readouterr()
    assert out == "" and "'admin' exists" in err
    with _store(database) as store:
        assert [(u.name, u.role) for u in store.list_users()] == [("admin", "admin")]


def test_the_role_choices_are_the_store_roles() -> None:
    from servio.cli_users import ROLE_CHOICES
    from servio.store.types import ROLES

    assert set(ROLE_CHOICES) == set(ROLES)


def test_list_shows_a_table_and_json(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    _add(database, capsys, "lea", "--role", "team_lead", "--team", "Tartu")
    _add(database, capsys, "kati", "--role", "agent", "--agent-id", "kati-7")
    assert _users(["disable", "kati"], database) == 0
    capsys.readouterr()
    assert _users(["list"], database) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["id", "name", "role", "team", "agent", "id", "active", "created", "(UTC)"]
    rows = {line.split()[1]: line.split() for line in lines[1:]}
    assert set(rows) == {"admin", "lea", "kati"}
    assert rows["lea"][2:5] == ["team_lead", "Tartu", "-"] and rows["lea"][5] == "yes"
    assert rows["kati"][2:6] == ["agent", "-", "kati-7", "no"]
    assert _users(["list", "--json"], database) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [u["name"] for u in listed] == ["admin", "lea", "kati"]
    assert listed[2] | {"created_at": None} == {"id": listed[2]["id"], "name": "kati", "role": "agent",
                                                "agent_id": "kati-7", "team": None, "active": False,
                                                "created_at": None}
    assert all("token" not in u for u in listed)
    assert all(u["created_at"].endswith("Z") for u in listed)  # as GET /users writes it, not "+00:00"


def test_token_issues_another_working_token(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    first = _add(database, capsys, "mari", "--role", "reviewer")
    assert _users(["token", "mari"], database) == 0
    out, err = capsys.readouterr()
    second = out.strip()
    assert out == second + "\n" and second != first and "mari" in err
    with _store(database) as store:
        assert store.user_by_token(second).name == "mari"  # type: ignore[union-attr]
        assert store.user_by_token(first) is not None  # older tokens keep working until revoked


def test_revoke_makes_every_old_token_fail(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    first = _add(database, capsys, "mari", "--role", "reviewer")
    assert _users(["token", "mari"], database) == 0
    second = capsys.readouterr().out.strip()
    assert _users(["revoke", "mari"], database) == 0
    assert "revoked 2 tokens of 'mari'" in capsys.readouterr().err
    with _store(database) as store:
        assert store.user_by_token(first) is None and store.user_by_token(second) is None
    assert _users(["revoke", "mari"], database) == 0
    assert "revoked 0 tokens" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["revoke", "disable"])
def test_revoke_and_disable_sign_the_user_out_of_the_dashboard(
        database: str, capsys: pytest.CaptureFixture[str], command: str) -> None:
    _add(database, capsys, "mari", "--role", "reviewer")
    with _store(database) as store:
        mari = store.get_user(name="mari")
        assert mari is not None
        session = store.start_session(mari.id)  # what signing in to the dashboard made
    assert _users([command, "mari"], database) == 0
    with _store(database) as store:
        assert store.user_by_session(session) is None


def test_revoking_an_admin_is_allowed_and_says_how_to_get_back_in(
        database: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _users(["revoke", "admin"], database) == 0
    err = capsys.readouterr().err
    assert "revoked 1 token of 'admin'" in err and "servio users token admin" in err


def test_disable_and_enable(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    token = _add(database, capsys, "mari", "--role", "reviewer")
    assert _users(["disable", "mari"], database) == 0
    assert "disabled 'mari'" in capsys.readouterr().err
    with _store(database) as store:
        assert store.user_by_token(token) is None
    assert _users(["enable", "mari"], database) == 0
    assert "enabled 'mari'" in capsys.readouterr().err
    with _store(database) as store:
        assert store.user_by_token(token) is not None


def test_the_last_active_admin_cannot_be_disabled(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _users(["disable", "admin"], database) == 1
    assert "last active admin" in capsys.readouterr().err
    assert _user(database, "admin").active  # type: ignore[attr-defined]
    _add(database, capsys, "root", "--role", "admin")
    assert _users(["disable", "root"], database) == 0  # another admin is still active
    capsys.readouterr()
    assert _users(["disable", "admin"], database) == 1  # root is disabled: admin is the last active one
    assert _user(database, "admin").active  # type: ignore[attr-defined]


def test_a_token_for_a_disabled_user_says_it_needs_enabling(
        database: str, capsys: pytest.CaptureFixture[str]) -> None:
    _add(database, capsys, "mari", "--role", "reviewer")
    assert _users(["disable", "mari"], database) == 0
    capsys.readouterr()
    assert _users(["token", "mari"], database) == 0
    assert "servio users enable mari" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["token", "revoke", "disable", "enable"])
def test_an_unknown_name_is_an_error_naming_it_and_the_database(
        database: str, capsys: pytest.CaptureFixture[str], command: str) -> None:
    assert _users([command, "nobody"], database) == 1
    out, err = capsys.readouterr()
    assert out == "" and "no user 'nobody'" in err and database in err


def test_a_missing_database_file_is_an_error_and_is_not_created(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "none.db"
    assert _users(["add", "root", "--role", "admin"], f"sqlite:///{missing}") == 2
    out, err = capsys.readouterr()
    assert out == "" and "no such database file" in err
    assert not missing.exists()


def test_a_database_without_servio_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import sqlite3

    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    assert _users(["list"], f"sqlite:///{other}") == 2
    assert "no servio database here" in capsys.readouterr().err
    with sqlite3.connect(other) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["t"]


def test_the_database_defaults_to_servio_database_url(database: str, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SERVIO_DATABASE_URL", database)
    assert main(["users", "list", "--json"]) == 0
    assert [u["name"] for u in json.loads(capsys.readouterr().out)] == ["admin"]


def test_tokens_are_peppered_with_the_service_secret_key(database: str, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SERVIO_SECRET_KEY", SECRET)
    assert _users(["token", "admin"], database) == 0
    token = capsys.readouterr().out.strip()
    with _store(database, SECRET) as store:
        assert store.user_by_token(token) is not None
    with _store(database) as store:
        assert store.user_by_token(token) is None  # another secret key: the token does not work


def test_the_config_file_gives_the_secret_key_and_the_database(
        database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "servio.toml"
    config.write_text(f'database_url = "{database}"\nsecret_key = "{SECRET}"\n', "utf-8")
    assert main(["users", "token", "admin", "--config", str(config)]) == 0
    token = capsys.readouterr().out.strip()
    with _store(database, SECRET) as store:
        assert store.user_by_token(token) is not None


def test_the_default_secret_key_is_named_on_stderr(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _users(["token", "admin"], database) == 0
    assert "SERVIO_SECRET_KEY is not set" in capsys.readouterr().err


def test_production_mode_with_the_default_secret_is_refused(
        database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SERVIO_MODE", "production")
    assert _users(["token", "admin"], database) == 2
    out, err = capsys.readouterr()
    assert out == "" and "SERVIO_SECRET_KEY" in err


def test_a_lost_admin_token_is_recovered_for_the_service(
        database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from fastapi.testclient import TestClient

    from servio.service import Settings, create_app

    monkeypatch.setenv("SERVIO_SECRET_KEY", SECRET)
    assert _users(["revoke", "admin"], database) == 0
    assert _users(["token", "admin"], database) == 0
    token = capsys.readouterr().out.strip()
    settings = Settings(database_url=database, secret_key=SECRET, live_warm_up=False, rate_limit_per_minute=0,
                        auth_cache_seconds=0)
    with TestClient(create_app(settings)) as client:
        answer = client.get("/users", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200 and [u["name"] for u in answer.json()] == ["admin"]


def test_no_action_names_the_actions_not_an_argparse_dest(capsys: pytest.CaptureFixture[str]) -> None:
    """Docs audit D18: 'the following arguments are required: users_command'."""
    assert main(["users"]) == 2
    err = capsys.readouterr().err
    assert "users_command" not in err
    assert "servio users: give an action: list, add, token, revoke, disable or enable" in err
