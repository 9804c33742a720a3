"""An erased conversation leaves no readable copy of its text in a SQLite file or its write-ahead log.

SQLite keeps a deleted row's bytes in the file's free pages unless ``secure_delete`` is on, and
whether it is on by default depends on how the library was built (Debian's is, python.org's and
many others are not). A customer's erasure request must not depend on that; the store turns it on.
The test makes every new connection start with it off, as such a build does. The write-ahead log
holds the pages as they were written until a checkpoint empties it, so a deletion empties it.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from servio.model import Channel, ContactType, Conversation, Language, Speaker, Turn


def _chat(i: int) -> Conversation:
    turns = ((Speaker.AGENT, "Hello, this is Eva. How can I help?"),
             (Speaker.CUSTOMER, f"My name is Zorbalina{i:02d} Quux and I live at Tamme {i}."),
             (Speaker.AGENT, "Thank you, I have fixed it. Goodbye!"))
    return Conversation(id=f"e{i:02d}", turns=tuple(Turn(speaker=s, text=t) for s, t in turns),
                        language=Language.EN, channel=Channel.CHAT, agent_id="eva", team="North",
                        contact_type=ContactType.SUPPORT, started_at=datetime(2026, 9, 1, tzinfo=UTC))


def test_a_deleted_conversations_text_is_gone_from_the_sqlite_file(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from servio.analyze import analyze
    from servio.evaluate import evaluate
    from servio.store import Store

    plain_connect = sqlite3.connect

    def build_without_secure_delete(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = plain_connect(*args, **kwargs)
        conn.execute("PRAGMA secure_delete=OFF")
        return conn

    monkeypatch.setattr(sqlite3.dbapi2, "connect", build_without_secure_delete)  # what SQLAlchemy calls
    path = tmp_path / "erase.db"
    store = Store(f"sqlite:///{path}")
    store.migrate()
    convs = [_chat(i) for i in range(30)]
    store.save_results(convs, lambda c: evaluate(analyze(c), contact_type=c.contact_type))
    assert store.delete_conversation("e07")
    try:  # while the service runs: the file and its write-ahead log (which held the rows as written)
        for name in ("erase.db", "erase.db-wal"):
            data = (tmp_path / name).read_bytes() if (tmp_path / name).exists() else b""
            assert data.count(b"Zorbalina07") == 0, name
        assert store.get_conversation("e08") is not None
    finally:
        store.close()
    data = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("erase.db"))
    assert data.count(b"Zorbalina08") >= 1  # the others are there: the search would find it
    assert data.count(b"Zorbalina07") == 0


def test_a_deleted_import_jobs_problems_are_gone_from_the_sqlite_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An import job's problems quote a speaker label as typed (a customer's name, audit M3): deleting the
    job leaves no copy in the file or its write-ahead log either."""
    from servio.store import Store

    plain_connect = sqlite3.connect

    def build_without_secure_delete(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = plain_connect(*args, **kwargs)
        conn.execute("PRAGMA secure_delete=OFF")
        return conn

    monkeypatch.setattr(sqlite3.dbapi2, "connect", build_without_secure_delete)
    path = tmp_path / "erase.db"
    store = Store(f"sqlite:///{path}")
    store.migrate()
    ids = []
    for i in range(3):
        job = store.create_import_job([f"call-{i}.txt"])
        store.start_import_job(job.id)
        store.finish_import_job(job.id, problems=[f"unknown speaker 'Zorbalina{i:02d} Quux'"])
        ids.append(job.id)
    assert store.delete_import_job(ids[1])
    try:
        for name in ("erase.db", "erase.db-wal"):
            data = (tmp_path / name).read_bytes() if (tmp_path / name).exists() else b""
            assert data.count(b"Zorbalina01") == 0, name
    finally:
        store.close()
    data = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("erase.db"))
    assert data.count(b"Zorbalina02") >= 1  # the others are there: the search would find it
    assert data.count(b"Zorbalina01") == 0


def test_redacting_again_leaves_no_raw_value_in_the_sqlite_file_or_its_log(tmp_path: Path) -> None:
    """Data imported with redaction off, imported again with it on (privacy.md's remedy): the stored
    text is replaced, and the write-ahead log, which held the raw text as first written, is emptied as
    after a deletion (audit 19b, m2: the ID code stayed in ``-wal`` even after a checkpoint)."""
    from servio.redact import RedactionConfig
    from servio.store import Store, import_paths

    source = tmp_path / "in" / "rered.txt"
    source.parent.mkdir()
    source.write_text("# id: rr-1\n[10:00] Teenindaja: Tere, kuidas saan aidata?\n"
                      "[10:01] Klient: Minu isikukood on 49104150271 ja konto EE382200221020145685\n"
                      "[10:02] Teenindaja: Aitäh, head aega!\n", encoding="utf-8")
    store = Store(f"sqlite:///{tmp_path / 'f.db'}")
    store.migrate()
    try:
        import_paths(store, source, redact=RedactionConfig(enabled=False))
        assert b"49104150271" in (tmp_path / "f.db-wal").read_bytes()  # the raw import, as written
        again = import_paths(store, source)
        assert (again.updated, again.redacted) == (1, {"idcode": 1, "iban": 1})
        for name in ("f.db", "f.db-wal"):  # while the service runs
            data = (tmp_path / name).read_bytes() if (tmp_path / name).exists() else b""
            assert data.count(b"49104150271") == 0 and data.count(b"EE382200221020145685") == 0, name
        found = store.get_conversation("rr-1")
        assert found is not None and "REDACTED-IDCODE" in found[0].turns[1].text
    finally:
        store.close()
