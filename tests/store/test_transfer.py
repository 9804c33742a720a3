"""Copying a whole database into another (``servio database copy``): every backend pair, ids and all."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from servio.cli import main
from servio.store import Store, StoreError
from servio.store.engine import head_revision
from servio.store.schema import Base
from servio.store.transfer import copy_database, tables
from tests.store.helpers import analyse, conversation

PEPPER = "the service's secret key"


def _fill(store: Store) -> dict[str, Any]:
    """A database with a row in every table: conversations, people, users, tokens, a session, a
    correction and an import job."""
    store.migrate()
    for n, (agent, team, language) in enumerate([("kati", "Tallinn", "et"), ("mari", "Tartu", "en"),
                                                   ("kati", "Tallinn", "et"), ("jaan", None, "en")]):
        conv = conversation(n, agent=agent, team=team, language=language, turns=3 if n == 3 else None)
        store.save_result(conv, analyse(conv))  # c3 stops after three turns: failure patterns too
    admin, admin_token = store.create_user("admin", "admin")
    lead, _ = store.create_user("lead", "team_lead", team="Tallinn")
    store.revoke_tokens(lead.id)
    store.issue_token(lead.id)
    session = store.start_session(admin.id, timedelta(hours=1))
    store.correct_turn("c1", 2, [3, 4], admin)
    job = store.create_import_job(["chats.csv"])
    store.start_import_job(job.id)
    store.finish_import_job(job.id, "done")
    return {"token": admin_token, "session": session, "admin": admin}


def _rows(store: Store) -> dict[str, list[dict[str, Any]]]:
    with store.engine.connect() as conn:
        return {t.name: [dict(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns)).mappings()]
                for t in tables()}


@pytest.fixture
def source(store_url: str) -> Any:
    with Store(store_url, pepper=PEPPER) as store:
        yield store


@pytest.fixture
def target(empty_url: str) -> Any:
    with Store(empty_url, pepper=PEPPER) as store:
        yield store


def test_every_row_of_every_table_arrives_with_its_ids(source: Store, target: Store) -> None:
    made = _fill(source)
    report = copy_database(source, target)

    before, after = _rows(source), _rows(target)
    assert after == before
    assert {t.name for t in Base.metadata.sorted_tables} == set(before)
    assert all(before[name] for name in before), "the fixture leaves no table empty"
    assert [(t.name, t.rows) for t in report.tables] == [(name, len(before[name])) for name in
                                                          (t.name for t in tables())]
    assert report.rows == sum(map(len, before.values()))
    assert report.revision == target.schema_revision() == source.schema_revision()

    # what people use works on the copy as it did on the source
    assert target.user_by_token(made["token"]) == source.user_by_token(made["token"]) == made["admin"]
    assert target.user_by_session(made["session"]) == made["admin"]
    assert target.results() == source.results()
    assert target.profiles("agent") == source.profiles("agent")
    assert target.corrections() == source.corrections()
    assert target.list_import_jobs() == source.list_import_jobs()


def test_new_rows_on_the_copy_take_new_ids(source: Store, target: Store) -> None:
    made = _fill(source)
    copy_database(source, target)
    largest = max(u.id for u in source.list_users())

    user, token = target.create_user("new", "reviewer")  # PostgreSQL: the id sequence was moved on
    assert user.id == largest + 1
    assert target.user_by_token(token) == user
    target.correct_turn("c2", 1, [3], made["admin"])
    assert len(target.corrections()) == len(source.corrections()) + 1
    job = target.create_import_job(["more.csv"])
    assert job.id == max(j.id for j in source.list_import_jobs()) + 1


def test_a_target_holding_data_is_refused_and_left_alone(source: Store, target: Store) -> None:
    _fill(source)
    target.migrate()
    target.create_user("someone", "admin")
    before = _rows(target)

    with pytest.raises(StoreError, match=r"already holds servio data \(users: 1, api_tokens: 1\)"):
        copy_database(source, target)
    assert _rows(target) == before


def test_a_target_of_an_older_schema_holding_data_is_refused_before_it_is_migrated(source: Store,
                                                                                   target: Store) -> None:
    """A --to that names a database still run by an older servio must not be migrated under it."""
    from sqlalchemy import text

    _fill(source)
    target.migrate("0003")
    with target.engine.begin() as conn:
        conn.execute(text("INSERT INTO teams (id, created_at) VALUES ('Tartu', CURRENT_TIMESTAMP)"))
    with pytest.raises(StoreError, match=r"already holds servio data \(teams: 1\)"):
        copy_database(source, target)
    assert target.schema_revision() == "0003"


def test_a_copy_that_fails_part_way_leaves_the_target_empty(source: Store, target: Store) -> None:
    _fill(source)

    def progress(table: str, done: int, total: int) -> None:
        if table == "turns" and done:
            raise RuntimeError("the disk is full")

    with pytest.raises(RuntimeError, match="disk is full"):
        copy_database(source, target, batch=3, progress=progress)
    assert not any(_rows(target).values())


def test_rows_go_in_batches_with_progress(source: Store, target: Store) -> None:
    _fill(source)
    seen: list[tuple[str, int, int]] = []
    copy_database(source, target, batch=5, progress=lambda *step: seen.append(step))

    turns = [(done, total) for table, done, total in seen if table == "turns"]
    total = turns[0][1]
    assert total > 10
    assert turns == [(0, total)] + [(min(n, total), total) for n in range(5, total + 5, 5)]


def test_the_database_itself_is_refused_as_the_target(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path / 'a.db'}") as store:
        store.migrate()
        other_spelling = Store(f"sqlite:///{tmp_path / 'x' / '..' / 'a.db'}")
        with pytest.raises(StoreError, match="is the database being copied"):
            copy_database(store, other_spelling)


def test_cli_copies_and_then_refuses_a_second_copy(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    source, target = f"sqlite:///{tmp_path / 'trial.db'}", f"sqlite:///{tmp_path / 'copy.db'}"
    with Store(source) as store:
        _fill(store)
        counts = {name: len(rows) for name, rows in _rows(store).items()}

    assert main(["database", "copy", "--database", source, "--to", target]) == 0
    out, err = capsys.readouterr()
    listed = dict(line.split() for line in out.splitlines())
    assert {name: int(n.replace(",", "")) for name, n in listed.items()} == counts
    assert f"servio: copying {source} into {target}" in err
    assert f"copied {sum(counts.values()):,} rows of {len(counts)} tables into {target}" in err

    assert main(["database", "copy", "--database", source, "--to", target]) == 2
    assert "already holds servio data" in capsys.readouterr().err


def test_cli_names_a_missing_source_and_hides_passwords(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    missing = f"sqlite:///{tmp_path / 'nope.db'}"
    assert main(["database", "copy", "--database", missing, "--to", f"sqlite:///{tmp_path / 'b.db'}"]) == 2
    assert f"{missing}: no such database file" in capsys.readouterr().err
    assert not (tmp_path / "nope.db").exists()

    source = f"sqlite:///{tmp_path / 'trial.db'}"
    with Store(source) as store:
        store.migrate()
    target = "postgresql://u:hunter2@127.0.0.1:1/x"  # nothing listens there
    assert main(["database", "copy", "--database", source, "--to", target]) == 2
    err = capsys.readouterr().err
    assert "postgresql://u:***@127.0.0.1:1/x" in err
    assert "hunter2" not in err


def test_cli_without_an_action_says_what_to_give(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["database"]) == 2
    assert "give an action: copy" in capsys.readouterr().err


def test_a_source_at_0004_is_brought_to_this_schema_first_and_its_days_come_along(source: Store,
                                                                                    target: Store) -> None:
    """copy_database migrates the source before reading it (as import and serve would): a database of the
    servio before started_day is filled by migration 0005 there, and its days arrive with the rows."""
    from datetime import date

    from servio.model import local_day
    from servio.store import ConversationFilter

    _fill(source)
    try:
        source.downgrade("0004")
        assert source.schema_revision() == "0004"
        report = copy_database(source, target)
    finally:
        source.migrate()  # the session's PostgreSQL database is shared by the tests after this one
    assert report.revision == source.schema_revision() == target.schema_revision() == head_revision()
    assert _rows(target) == _rows(source)
    days = {r["id"]: r["started_day"] for r in _rows(target)["conversations"]}
    starts = {cid: found[0].started_at for cid in days if (found := source.get_conversation(cid)) is not None}
    assert days == {cid: local_day(start) for cid, start in starts.items()}
    assert None not in days.values()
    first = min(days.values())
    assert isinstance(first, date)
    chosen = target.list_conversations(ConversationFilter(date_from=first, date_to=first)).items
    assert [s.id for s in chosen] == [cid for cid, day in days.items() if day == first]
