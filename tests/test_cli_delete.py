"""``servio delete``: a customer's erasure request by id, a retention period by day; nothing without --yes."""

from __future__ import annotations

from datetime import UTC, date, datetime
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


# -- import jobs: their problems quote speaker labels as typed (a customer's name), audit M3 --------------

TRANSCRIPT = "Agent: Tere! Millega saan aidata?\nMari Maasikas: Tere, arve on liiga suur.\nAgent: Aitäh!\n"


def _import_transcript(url: str, tmp_path: Path) -> int:
    """Import a transcript whose unknown speaker label is a customer's name; the job's id."""
    path = tmp_path / "call-88.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    assert main(["import", str(path), "--database", url, "--no-progress"]) == 1  # the name's turn is skipped
    with Store(url) as store:
        job = store.list_import_jobs(limit=1)[0]
        assert "Mari Maasikas" in str(job.problems)
        return int(job.id)


def _jobs(url: str) -> list[int]:
    with Store(url) as store:
        return sorted(j.id for j in store.list_import_jobs())


def test_import_jobs_quoting_a_name_are_named_first_and_deleted_with_yes(
        database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    quoting = _import_transcript(database, tmp_path)
    capsys.readouterr()
    before = _jobs(database)
    assert len(before) == 2
    assert main(["delete", "--imports-quoting", "mari MAASIKAS", "--database", database]) == 0
    err = capsys.readouterr().err
    assert f"would delete 1 import job: {quoting}; nothing was deleted: add --yes to delete" in err
    assert "conversation" not in err  # none were asked for
    assert _jobs(database) == before
    assert main(["delete", "call-88-1", "--imports-quoting", "Mari Maasikas", "--yes",
                 "--database", database]) == 0
    err = capsys.readouterr().err
    assert "deleted 1 conversation from" in err and "deleted 1 import job from" in err
    assert _jobs(database) == [j for j in before if j != quoting]
    assert "call-88-1" not in _ids(database)


def test_an_import_job_by_id_unknown_or_still_running_is_skipped(
        database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Store(database) as store:
        running = store.create_import_job(["chats.jsonl"]).id
        store.start_import_job(running)
        done = store.list_import_jobs(status="done")[0].id
    assert main(["delete", "--import-job", str(running), "--import-job", "999", "--import-job", str(done),
                 "--yes", "--database", database]) == 1
    err = capsys.readouterr().err
    assert f"skipped: import job {running} is running: it can be deleted once it has finished" in err
    assert "skipped: no import job 999 in sqlite:///" in err
    assert "deleted 1 import job from" in err
    assert _jobs(database) == [running]


def test_imports_before_a_day_are_those_that_finished_before_it(
        database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from sqlalchemy import update

    from servio.store.schema import ImportJobRow

    old = _jobs(database)[0]
    recent = _import_transcript(database, tmp_path)
    with Store(database) as store, store.engine.begin() as conn:
        then = datetime(2025, 1, 5, 23, 59, tzinfo=UTC)
        conn.execute(update(ImportJobRow).where(ImportJobRow.id == old)
                     .values(created_at=then, started_at=then, finished_at=then, updated_at=then))
    capsys.readouterr()
    assert main(["delete", "--imports-before", "2025-01-06", "--database", database]) == 0
    assert f"would delete 1 import job: {old};" in capsys.readouterr().err
    assert main(["delete", "--imports-before", "2025-01-05", "--database", database]) == 0
    assert "would delete 0 import jobs; nothing was deleted" in capsys.readouterr().err
    assert main(["delete", "--imports-before", "2025-01-06", "--yes", "--database", database]) == 0
    assert "deleted 1 import job from" in capsys.readouterr().err
    assert _jobs(database) == [recent]


@pytest.mark.parametrize("args,message", [(["--import-job", "abc"], "not an import job id"),
                                          (["--import-job", "0"], "not an import job id"),
                                          (["--imports-before", "5.1.2025"], "not a day")])
def test_bad_import_job_options_are_usage_errors(database: str, args: list[str], message: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:  # argparse's usage error, before the database is opened
        main(["delete", *args, "--database", database])
    assert stop.value.code == 2 and message in capsys.readouterr().err


def test_an_empty_text_to_look_for_is_a_usage_error(database: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["delete", "--imports-quoting", " ", "--database", database]) == 2
    assert "--imports-quoting needs a text to look for" in capsys.readouterr().err
