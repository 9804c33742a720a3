"""An incomplete conversation (records lost on reading) is stored as such on both backends: its
``unread`` comes back, the listing, export, filters and tallies see it, a re-import that reads it
completely clears it, and migration 0006 adds the columns to a database that had none."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy import inspect, text

from servio.model import Conversation
from servio.store import ConversationFilter, Store
from servio.store.importer import import_paths
from tests.store.helpers import analyse, conversation

LOST = ("chats.csv:4", "chats.csv:9")


def _incomplete(n: int) -> Conversation:
    return replace(conversation(n), unread=LOST)


def test_unread_round_trips_with_its_notice(store: Store) -> None:
    conv = _incomplete(1)
    store.save_results([conv, conversation(2)], analyse)
    back, result = store.get_conversation("c1") or (None, None)
    assert back is not None and result is not None
    assert back.unread == LOST and result.unread == LOST and result.incomplete
    assert result.feedback[0].kind == "incomplete" and "chats.csv:4, chats.csv:9" in result.feedback[0].text
    other = store.get_conversation("c2")
    assert other is not None and other[0].unread == () and other[1].unread == ()


def test_listing_filter_export_and_tallies_see_it(store: Store) -> None:
    store.save_results([_incomplete(1), conversation(2), conversation(3, agent="mari")], analyse)
    page = store.list_conversations(ConversationFilter(limit=10))
    assert {s.id: s.unread for s in page.items} == {"c1": 2, "c2": 0, "c3": 0}
    only = store.list_conversations(ConversationFilter(incomplete=True, limit=10))
    assert [s.id for s in only.items] == ["c1"]
    complete = store.list_conversations(ConversationFilter(incomplete=False, limit=10))
    assert sorted(s.id for s in complete.items) == ["c2", "c3"]
    assert {row["id"]: row["unread"] for row in store.export_rows()} == {"c1": 2, "c2": 0, "c3": 0}
    profiles = {p.id: p for p in store.profiles(by="agent")}
    assert (profiles["kati"].conversations, profiles["kati"].incomplete) == (2, 1)
    assert profiles["mari"].incomplete == 0
    tallies = store.tallies(by="team")
    assert tallies["Tallinn"].incomplete == 1
    found = {r.conversation_id: r.incomplete for r in store.results()}
    assert found == {"c1": True, "c2": False, "c3": False}


def test_a_re_import_read_completely_clears_the_mark(store: Store) -> None:
    assert store.save_results([_incomplete(1)], analyse) == ["new"]
    assert store.save_results([_incomplete(1)], analyse) == ["unchanged"]
    # the same turns, now read without a problem: a change, and the notice goes
    assert store.save_results([conversation(1)], analyse) == ["updated"]
    back = store.get_conversation("c1")
    assert back is not None and back[0].unread == () and not back[1].incomplete
    assert all(f.kind != "incomplete" for f in back[1].feedback)
    assert store.list_conversations(ConversationFilter(incomplete=True, limit=10)).total == 0


def test_a_correction_keeps_the_notice(store: Store) -> None:
    store.save_results([_incomplete(1)], analyse)
    store.correct_turn("c1", 0, [1], "rita")
    back = store.get_conversation("c1")
    assert back is not None and back[1].unread == LOST and back[1].feedback[0].kind == "incomplete"


def test_an_import_marks_the_conversation_that_lost_a_row(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "eesti.csv"
    path.write_text("Vestlus;Rääkija;Sõnum\nV-1;Klient;tere, arve on liiga suur\n"
                    "V-1;Teenindaja;Arve on õige; maksa ära.\nV-1;Klient;aga miks?\n"
                    "V-1;Teenindaja;Tere! Vaatan kohe, mis juhtus.\n", encoding="utf-8")
    report = import_paths(store, [path])
    assert report.skipped == 1
    back = store.get_conversation("V-1")
    assert back is not None and back[0].unread == (f"{path.name}:3",)
    assert back[1].feedback[0].text.startswith("Selle vestluse üks repliik jäi lugemata (eesti.csv:3)")
    path.write_text("Vestlus;Rääkija;Sõnum\nV-1;Klient;tere, arve on liiga suur\n"
                    "V-1;Teenindaja;\"Arve on õige; maksa ära.\"\nV-1;Klient;aga miks?\n"
                    "V-1;Teenindaja;Tere! Vaatan kohe, mis juhtus.\n", encoding="utf-8")
    again = import_paths(store, [path])
    assert (again.skipped, again.updated) == (0, 1)
    back = store.get_conversation("V-1")
    assert back is not None and back[0].unread == () and len(back[0].turns) == 4


def _columns(store: Store) -> set[str]:
    return {c["name"] for c in inspect(store.engine).get_columns("conversations")}


def test_migration_0006_adds_the_columns_and_going_back_drops_them(empty_url: str) -> None:
    with Store(empty_url) as store:
        store.migrate()
        store.save_results([conversation(1), conversation(2)], analyse)  # as a servio before 0006 stored them
        store.downgrade("0005")
        assert store.schema_revision() == "0005"
        assert not {"unread", "unread_count"} & _columns(store)
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM conversations")).scalar() == 2
        store.migrate()
        assert store.is_current() and {"unread", "unread_count"} <= _columns(store)
        # what an import skipped before the columns was not recorded: complete, until imported again
        page = store.list_conversations(ConversationFilter(limit=10))
        assert {s.id: s.unread for s in page.items} == {"c1": 0, "c2": 0}
        back = store.get_conversation("c1")
        assert back is not None and back[0].unread == ()
        assert store.save_results([_incomplete(1)], analyse) == ["updated"]
        assert store.list_conversations(ConversationFilter(incomplete=True, limit=10)).total == 1


def test_migration_0006_written_out_as_sql_adds_the_columns(tmp_path: Path) -> None:
    """``alembic upgrade 0005:0006 --sql`` (for a DBA to run) on a SQLite database at 0005: the columns come,
    and the conversations already there count as complete."""
    import io
    import sqlite3

    from alembic import command

    from servio.store.engine import alembic_config

    url = f"sqlite:///{tmp_path / 'servio.db'}"
    with Store(url) as store:
        store.migrate()
        store.save_results([conversation(1)], analyse)
        store.downgrade("0005")
    cfg = alembic_config()
    cfg.set_main_option("sqlalchemy.url", url)
    cfg.output_buffer = io.StringIO()
    command.upgrade(cfg, "0005:0006", sql=True)
    with sqlite3.connect(tmp_path / "servio.db") as conn:
        conn.executescript(cfg.output_buffer.getvalue())
    with Store(url) as store:
        assert store.is_current() and {"unread", "unread_count"} <= _columns(store)
        page = store.list_conversations(ConversationFilter(limit=10))
        assert [(s.id, s.unread) for s in page.items] == [("c1", 0)]


def test_the_same_file_read_again_from_elsewhere_is_unchanged_and_its_name_redacted(store: Store,
                                                                                     tmp_path: Path) -> None:
    # a conversation keeps its lost records by file name, not folder: the same file re-uploaded (another
    # temporary folder) or named by another path counted "updated" every time (audit 18b); and a file name
    # may hold a personal code, which redaction replaces there as in the text
    rows = ("Vestlus;Rääkija;Sõnum\nV-1;Teenindaja;Tere! Kuidas saan aidata?\nV-1;Tundmatu;arve on vale\n"
            "V-1;Teenindaja;Vaatan kohe.\n")
    first, second = tmp_path / "a", tmp_path / "b"
    for folder in (first, second):
        folder.mkdir()
        (folder / "kaebus 49001010001.csv").write_text(rows, encoding="utf-8")
    assert import_paths(store, [first / "kaebus 49001010001.csv"]).new == 1
    again = import_paths(store, [second / "kaebus 49001010001.csv"])
    assert (again.unchanged, again.updated) == (1, 0)
    back = store.get_conversation("V-1")
    assert back is not None and back[0].unread == ("kaebus REDACTED-IDCODE.csv:3",)
