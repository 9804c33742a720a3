"""Database URLs, engines and migrations.

``postgresql://`` and ``postgres://`` URLs use the psycopg 3 driver;
SQLite files get foreign keys, WAL journaling and a busy timeout so that
readers (the API) and one writer (an import) can share a file.
"""

from __future__ import annotations

import os
import re
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import StaticPool

from servio.store.types import StoreError

#: Key of the PostgreSQL advisory lock held while migrating (one migrator at a time).
MIGRATION_LOCK = 0x5E7210
SQLITE_BUSY_MS = 30_000
#: How long emptying the write-ahead log after a deletion waits for other connections (ms).
CHECKPOINT_WAIT_MS = 1_000
#: Execution option marking a connection that will write (SQLite: ``BEGIN IMMEDIATE``).
WRITE_OPTION = "servio_write"


def normalise_url(url: str | URL) -> URL:
    """The SQLAlchemy URL servio uses for ``url`` (PostgreSQL through psycopg 3).

    Raises :class:`StoreError` for a malformed URL or a database other than
    SQLite or PostgreSQL.
    """
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except Exception as exc:  # sqlalchemy raises ArgumentError; keep the message, not the type
        raise StoreError(f"not a database URL: {_masked(str(exc))}") from None
    backend = parsed.get_backend_name()
    if backend in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        return parsed
    raise StoreError(f"unsupported database {backend!r}: use sqlite:///FILE or postgresql://...")


#: ``scheme://user:`` and everything up to the last ``@`` after it (a password may hold an unescaped ``@``).
_PASSWORD = re.compile(r"(://[^:/@\s]*:)\S*@")
#: The same without a scheme (``user:password@host/db``, which no driver takes but a user may type).
_BARE_PASSWORD = re.compile(r"(?:^|(?<=\s))([^:/@\s]+:)\S*@")


def shown_url(url: str | URL) -> str:
    """``url`` as messages and logs may show it: any password replaced by ``***``; a SQLite file's
    name as typed (``sqlite:///:memory:``, not ``%3Amemory%3A``)."""
    if isinstance(url, str) and url.split("://", 1)[-1].split("/", 1)[0].count("@") > 1:
        return _masked(url)  # an unescaped '@' in the password: SQLAlchemy would take its rest for the host
    try:
        parsed = url if isinstance(url, URL) else make_url(url)
    except Exception:  # noqa: BLE001 - not a URL SQLAlchemy can parse: mask what looks like a password
        return _masked(str(url))
    text = parsed.render_as_string(hide_password=True)
    # a SQLite URL holds no password; SQLAlchemy percent-encodes the ':' and '@' of its file name
    return unquote(text) if parsed.get_backend_name() == "sqlite" else text


def _masked(text: str) -> str:
    """``text`` with any password of a URL in it replaced by ``***`` (more, rather than less, when unsure)."""
    if "://" in text:
        return _PASSWORD.sub(r"\1***@", text)
    return _BARE_PASSWORD.sub(r"\1***@", text)


def sqlite_url(path: str | Path) -> str:
    """The URL of a SQLite file."""
    return f"sqlite:///{Path(path)}"


def make_engine(url: str | URL, *, echo: bool = False) -> Engine:
    """A new engine for ``url`` with servio's connection settings."""
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = _sqlite_engine(parsed, echo)
    else:
        engine = create_engine(parsed, echo=echo, pool_pre_ping=True, future=True)
    event.listen(engine, "before_cursor_execute", _nul_free, retval=True)
    return engine


def _nul_free(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
              executemany: bool) -> tuple[str, Any]:
    """Every query parameter with NUL as U+FFFD, as ids and texts are stored (PostgreSQL text cannot
    hold NUL: a lookup or filter holding one failed there instead of finding nothing or the stored row)."""
    return statement, _clean_params(parameters)


def _clean_params(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd") if "\x00" in value else value
    if isinstance(value, dict):
        return {k: _clean_params(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_clean_params(v) for v in value)
    return value


def _sqlite_engine(url: URL, echo: bool) -> Engine:
    memory = url.database in (None, "", ":memory:")
    kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": SQLITE_BUSY_MS / 1000}}
    if memory:
        kwargs["poolclass"] = StaticPool
    engine = create_engine(url, echo=echo, **kwargs)

    if not memory and not url.query.get("uri"):
        @event.listens_for(engine, "do_connect")
        def _private_file(*_args: Any) -> None:
            create_private(Path(str(url.database)))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # pysqlite's own transaction handling is switched off and BEGIN issued
        # below, so that SQLAlchemy controls transactions (SAVEPOINT works).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        # deleted rows are overwritten with zeros, whatever the library's build chose: an erased
        # conversation's text must not stay readable in the file's free pages
        cur.execute("PRAGMA secure_delete=ON")
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A writing transaction takes the write lock at once, so that two
        # writers queue on busy_timeout instead of failing on lock upgrade.
        immediate = conn.get_execution_options().get(WRITE_OPTION)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def create_private(path: Path) -> bool:
    """Create the SQLite file ``path`` readable and writable by its owner only (0600), when it does not
    exist yet; True if it was made here. SQLite gives the write-ahead log and shared-memory files it makes
    beside it the file's permissions, so they are private too. A file that exists keeps the permissions
    its owner gave it (docs/storage.md)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    except OSError:  # no such folder, no permission: SQLite says so in its own words
        return False
    os.close(fd)  # an empty file is an empty SQLite database
    return True


def migrations_dir() -> Path:
    """The folder holding Alembic's ``env.py`` and ``versions/``."""
    return Path(str(files("servio.store").joinpath("migrations")))


def alembic_config(engine: Engine | None = None) -> Any:
    """An Alembic ``Config`` for servio's migrations (no ``alembic.ini`` needed)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False)
                            .replace("%", "%%"))
    return cfg


def migrate(engine: Engine, revision: str = "head", *, downgrade: bool = False) -> None:
    """Upgrade (or downgrade) the database to ``revision`` in one transaction.

    One migrator at a time: PostgreSQL takes an advisory lock, SQLite its write
    lock, so processes starting together wait for each other instead of both
    creating the tables.

    On SQLite, foreign keys are off while migrating, as SQLite's documentation
    asks for a table rebuilt by copy, drop and rename (Alembic's batch mode):
    with them on, dropping the old ``users`` table would delete every API token
    and blank the user of every correction. ``PRAGMA foreign_key_check`` runs
    before the commit, so a migration cannot leave a dangling reference.
    """
    from alembic import command

    cfg = alembic_config(engine)
    sqlite = engine.dialect.name == "sqlite"
    with engine.execution_options(**{WRITE_OPTION: True}).connect() as conn:
        if sqlite:  # only outside a transaction; on the DB-API connection, so no BEGIN comes first
            _sqlite_pragma(conn, "foreign_keys=OFF")
        try:
            with conn.begin():
                if engine.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
                cfg.attributes["connection"] = conn
                (command.downgrade if downgrade else command.upgrade)(cfg, revision)
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise StoreError(f"the migration to {revision} would leave {len(broken)} rows "
                                         f"pointing at rows that do not exist (first: {tuple(broken[0])}); "
                                         "nothing changed")
        finally:
            if sqlite:
                _sqlite_pragma(conn, "foreign_keys=ON")


def empty_wal(engine: Engine) -> None:
    """SQLite: copy the write-ahead log into the file and empty it (a ``TRUNCATE`` checkpoint).

    The log keeps the pages as they were written until then, so rows just deleted (an erasure)
    could still be read from it. Best effort: while another connection reads or writes, the
    checkpoint waits :data:`CHECKPOINT_WAIT_MS` at most (not the busy timeout: the deletion's
    caller would wait as long) and leaves the rest of the log to a later checkpoint.
    """
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:  # outside a transaction: a checkpoint cannot run inside one
        _sqlite_pragma(conn, f"busy_timeout={CHECKPOINT_WAIT_MS}")
        try:
            _sqlite_pragma(conn, "wal_checkpoint(TRUNCATE)")
        finally:
            _sqlite_pragma(conn, f"busy_timeout={SQLITE_BUSY_MS}")


def _sqlite_pragma(conn: Any, pragma: str) -> None:
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA {pragma}")
    finally:
        cursor.close()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    """The newest revision shipped with this version of servio."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()
