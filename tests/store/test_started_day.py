"""``conversations.started_day``: the day a conversation started on in its own time zone, kept by every write
and filled by migration 0005 from ``started_at`` (UTC) and ``started_offset``, on both backends."""

from __future__ import annotations

import importlib.util
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from types import ModuleType
from typing import Any

from sqlalchemy import inspect, text

from servio.model import Conversation, local_day
from servio.store import ConversationFilter, Store
from servio.store.engine import migrations_dir
from tests.store.helpers import analyse, conversation


def _zone(hours: int, minutes: int = 0) -> timezone:
    return timezone(timedelta(hours=hours, minutes=minutes))


#: start times at the edges of a day, each with the day it is in its own time zone
STARTS: list[tuple[datetime | None, date | None]] = [
    (datetime(2026, 10, 1, 1, 30, tzinfo=_zone(3)), date(2026, 10, 1)),  # Tallinn: 22:30 UTC on 30 Sep
    (datetime(2026, 9, 30, 21, 30, tzinfo=_zone(-4)), date(2026, 9, 30)),  # New York: 01:30 UTC on 1 Oct
    (datetime(2026, 10, 1, 23, 59, 59, 999999, tzinfo=UTC), date(2026, 10, 1)),  # a microsecond before 2 Oct
    (datetime(2026, 10, 1, 23, 59, 59, 999999, tzinfo=_zone(-5)), date(2026, 10, 1)),
    (datetime(2026, 10, 1, 0, 0, tzinfo=_zone(3)), date(2026, 10, 1)),  # midnight: 21:00 UTC the day before
    (datetime(2026, 1, 1, 0, 0, tzinfo=_zone(14)), date(2026, 1, 1)),  # Kiribati: 10:00 UTC on 31 Dec 2025
    (datetime(2026, 12, 31, 23, 59, tzinfo=_zone(-12)), date(2026, 12, 31)),  # 11:59 UTC on 1 Jan 2027
    (datetime(2026, 10, 1, 0, 10, tzinfo=_zone(5, 45)), date(2026, 10, 1)),  # Nepal, a quarter-hour offset
    (datetime(2026, 10, 1, 0, 30), date(2026, 10, 1)),  # naive: its own date
    (datetime(2026, 9, 30, 23, 59, 59, 999999), date(2026, 9, 30)),
    (None, None),  # no start, no day
]


def _conversations() -> list[Conversation]:
    return [replace(conversation(n), started_at=start) for n, (start, _) in enumerate(STARTS)]


def _days(store: Store) -> dict[str, date | None]:
    from sqlalchemy import select

    from servio.store.schema import ConversationRow

    with store.engine.connect() as conn:
        rows = conn.execute(select(ConversationRow.id, ConversationRow.started_day))
        return {cid: day for cid, day in rows}


def test_the_rule_is_the_date_in_the_own_time_zone() -> None:
    assert [local_day(start) for start, _ in STARTS] == [day for _, day in STARTS]


def test_every_write_keeps_the_day(store: Store) -> None:
    convs = _conversations()
    store.save_results(convs, analyse)
    assert _days(store) == {c.id: day for c, (_, day) in zip(convs, STARTS, strict=True)}
    moved = replace(convs[0], started_at=datetime(2026, 10, 2, 0, 30, tzinfo=_zone(3)),
                    turns=convs[0].turns[:-1])  # a re-import of changed content: the row is rewritten
    store.save_result(moved, analyse(moved))
    assert _days(store)["c0"] == date(2026, 10, 2)
    store.correct_turn("c0", 0, [1], "rita")  # a correction re-scores and keeps the day
    assert _days(store)["c0"] == date(2026, 10, 2)


def _old(store: Store) -> list[Conversation]:
    """``store`` at revision 0004 holding :data:`STARTS`' conversations (saved by this servio, then the
    column dropped by going back, as a database of the servio before it holds them)."""
    store.migrate()
    convs = _conversations()
    store.save_results(convs, analyse)
    store.downgrade("0004")
    assert store.schema_revision() == "0004"
    assert "started_day" not in {c["name"] for c in inspect(store.engine).get_columns("conversations")}
    return convs


def test_migration_0005_fills_the_days_from_utc_and_the_offset(empty_url: str) -> None:
    with Store(empty_url) as store:
        convs = _old(store)
        store.migrate()
        assert store.is_current()
        assert _days(store) == {c.id: local_day(c.started_at) for c in convs}
        assert _days(store)["c0"] == date(2026, 10, 1) and _days(store)["c1"] == date(2026, 9, 30)
        assert "ix_conversations_started_day" in {i["name"] for i in inspect(store.engine).get_indexes(
            "conversations")}
        october = ConversationFilter(date_from=date(2026, 10, 1), date_to=date(2026, 10, 1), limit=100)
        assert {s.id for s in store.list_conversations(october).items} == {
            c.id for c in convs if local_day(c.started_at) == date(2026, 10, 1)}


def _migration() -> ModuleType:
    path = migrations_dir() / "versions" / "0005_conversation_started_day.py"
    spec = importlib.util.spec_from_file_location("servio_migration_0005", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_backfill_goes_in_batches_and_misses_no_row(store: Store) -> None:
    """Batches of 2 over 11 conversations (one without a start): every batch's bounds, and the last one
    shorter, on both backends; ids that Python and the database order differently ("c10" < "c2")."""
    convs = _conversations()
    store.save_results(convs, analyse)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE conversations SET started_day = NULL"))
        given: Any = _migration().backfill(conn, batch=2)
    assert given == len([c for c in convs if c.started_at is not None])
    assert _days(store) == {c.id: local_day(c.started_at) for c in convs}
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE conversations SET started_day = NULL"))
        assert _migration().backfill(conn, batch=1000) == given  # one batch holding everything


def test_going_back_from_0005_drops_the_column_and_keeps_the_rows(empty_url: str) -> None:
    with Store(empty_url) as store:
        convs = _old(store)
        store.migrate()
        store.downgrade("0004")
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM conversations")).scalar() == len(convs)
        store.migrate()
        assert _days(store) == {c.id: local_day(c.started_at) for c in convs}


def test_the_migration_written_out_as_sql_fills_the_same_days(tmp_path: Any) -> None:
    """``alembic upgrade 0004:0005 --sql`` (for a DBA to run) fills the days with one UPDATE: run on a
    SQLite database at 0004, it gives what the migration gives."""
    import io
    import sqlite3

    from alembic import command

    from servio.store.engine import alembic_config

    url = f"sqlite:///{tmp_path / 'servio.db'}"
    with Store(url) as store:
        convs = _old(store)
    cfg = alembic_config()
    cfg.set_main_option("sqlalchemy.url", url)
    cfg.output_buffer = io.StringIO()
    command.upgrade(cfg, "0004:0005", sql=True)
    script = cfg.output_buffer.getvalue()
    assert "UPDATE conversations SET started_day" in script
    with sqlite3.connect(tmp_path / "servio.db") as conn:
        conn.executescript(script)
    with Store(url) as store:
        assert store.schema_revision() == "0005"  # where the script ends (later migrations come after it)
        assert _days(store) == {c.id: local_day(c.started_at) for c in convs}
