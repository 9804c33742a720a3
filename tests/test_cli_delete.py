"""``servio delete``: a customer's erasure request by id, a retention period by day; nothing without --yes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from servio.cli import main
from servio.examples import example_paths
from servio.store import Store


@pytest.fixture
def database(tmp_path: Path) -> str:
    """A SQLite database holding the bundled example conversations (they start in September and
    October 2026)."""
    url = f"sqlite:///{tmp_path / 'servio.db'}"
    jsonl = [str(p) for p in example_paths() if p.suffix == ".jsonl"]
    assert main(["import", *jsonl, "--database", url, "--no-progress"]) == 0
    return url


def _ids(url: str) -> set[str]:
    with Store(url) as store:
        return {s.id for s in store.list_conversations().items}


def test_without_yes_nothing_is_deleted_and_servio_says_what_would_be(
        database: str, capsys: pytest.CaptureFixture[str]) -> None:
    before = _ids(database)
    assert main(["delete", "ex-et-01", "--before", "2026-09-10", "--database", database]) == 0
    err = capsys.readouterr().err
    assert "would delete" in err and "ex-et-01" in err and "ex-et-05" in err and "add --yes" in err
    assert _ids(database) == before


def test_yes_deletes_by_id_and_by_day(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    with Store(database) as store:
        early = set(store.started_before(date(2026, 9, 10)))
    assert {"ex-et-01", "ex-et-05"} <= early and "ex-et-03" not in early
    before = _ids(database)
    assert main(["delete", "ex-et-03", "--before", "2026-09-10", "--yes", "--database", database]) == 0
    assert f"deleted {len(early) + 1} conversations" in capsys.readouterr().err
    assert _ids(database) == before - early - {"ex-et-03"}


def test_an_unknown_id_is_reported_and_the_others_are_deleted(database: str,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["delete", "nope", "ex-et-02", "--yes", "--database", database]) == 1
    err = capsys.readouterr().err
    assert "no conversation 'nope'" in err and "deleted 1 conversation " in err
    assert "ex-et-02" not in _ids(database)


def test_a_missing_database_is_an_error_and_is_not_created(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "none.db"
    assert main(["delete", "x", "--yes", "--database", f"sqlite:///{missing}"]) == 2
    assert "no such database file" in capsys.readouterr().err
    assert not missing.exists()


def test_nothing_chosen_is_a_usage_error(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["delete", "--yes", "--database", database]) == 2
    assert "give conversation ids" in capsys.readouterr().err



@pytest.mark.parametrize("command", [["import", "--no-progress"], ["delete", "c1"], ["users", "list"]])
def test_a_database_password_never_shows_in_messages(command: list[str], capsys: pytest.CaptureFixture[str],
                                                    tmp_path: Path) -> None:
    """The URL of a database that cannot be opened is named in the error, its password masked (terminal
    output ends up in CI logs and tickets)."""
    from servio.examples import example_gold_path

    url = "postgresql://servio:s3cret-pw@127.0.0.1:1/servio"
    args = [command[0], *([str(example_gold_path())] if command[0] == "import" else []), *command[1:],
            "--database", url]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "cannot use the database postgresql://servio:***@127.0.0.1:1/servio" in err
    assert "s3cret-pw" not in err


def test_an_unparsable_url_is_masked_too() -> None:
    from servio.store.engine import normalise_url, shown_url
    from servio.store.types import StoreError

    assert shown_url("postgresql://a:pw@h/db") == "postgresql://a:***@h/db"
    with pytest.raises(StoreError) as info:
        normalise_url("postgresql://a:pw@h:notaport/db")
    assert "pw@" not in str(info.value)
