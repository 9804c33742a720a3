"""Copying a whole servio database into another one: SQLite to PostgreSQL (the usual move, when a
trial on the embedded default becomes a deployment), PostgreSQL to SQLite, or either to itself.

Every table of the schema is copied row for row with its ids, so that conversations, their
analysis, people, users and their hashed API tokens, dashboard sessions, reviewer corrections
and import jobs are the same on the other side. Both databases are first brought to this
servio's schema (as ``servio import`` and ``servio serve`` do); the target must hold no servio
rows, so nothing there is overwritten or mixed in. The source is read in one snapshot (a
service writing meanwhile changes neither the copy nor the source's counts) and the target is
written in one transaction: a copy that fails part-way leaves the target as empty as it was.
After the rows, PostgreSQL's id sequences are moved past the copied ids, so that the next
user or correction made there does not collide with a copied one; and every table's row count
is checked against the source before the commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Table, func, select, text
from sqlalchemy.engine import URL

from servio.store import engine as engines
from servio.store.schema import Base
from servio.store.types import StoreError

if TYPE_CHECKING:
    from servio.store.store import Store

#: Rows read and written at a time (memory stays bounded whatever the database's size).
BATCH = 2_000
#: ``progress(table, rows copied of it so far, its rows in the source)``.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class CopiedTable:
    """One table of a copy: its name and the rows copied (as many as the source holds)."""

    name: str
    rows: int


@dataclass(frozen=True, slots=True)
class CopyReport:
    """What :func:`copy_database` did (URLs as messages may show them: passwords hidden)."""

    source: str
    target: str
    revision: str | None
    tables: tuple[CopiedTable, ...]

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


def tables() -> list[Table]:
    """The schema's tables, each after the tables it refers to (the order rows can be inserted in)."""
    return list(Base.metadata.sorted_tables)


def copy_database(source: Store, target: Store, *, batch: int = BATCH,
                  progress: Progress | None = None) -> CopyReport:
    """Copy every row of ``source`` into the empty database ``target`` (see the module's notes).

    Raises :class:`StoreError` when both name the same database, when the target already holds
    rows (naming the tables and their counts), or when the copy's counts do not add up; the
    target is then unchanged.
    """
    if batch < 1:
        raise ValueError("batch must be at least 1")
    if _same_database(source.engine.url, target.engine.url):
        raise StoreError(f"{target.url} is the database being copied: give another one to copy into")
    source.migrate()
    with target.engine.connect() as conn:  # before its schema is touched: a database still run by an
        _refuse_rows(target, conn)         # older servio must not be migrated under it
    target.migrate()
    revision = source.schema_revision()
    copied: list[CopiedTable] = []
    with _snapshot(source) as reader, _writer(target) as writer:
        _refuse_rows(target, writer)  # again, holding the write lock: rows may have come meanwhile
        for table in tables():
            total = _count(reader, table)
            done = _copy_table(reader, writer, table, total, batch, progress)
            written = _count(writer, table)
            if done != total or written != total:
                raise StoreError(f"copying {table.name}: the source holds {total} rows, {done} were read and "
                                 f"{written} written; nothing was copied")
            copied.append(CopiedTable(table.name, total))
        if writer.dialect.name == "postgresql":
            _move_sequences(writer)
    return CopyReport(source=source.url, target=target.url, revision=revision, tables=tuple(copied))


def _refuse_rows(target: Store, conn: Connection) -> None:
    """A :class:`StoreError` naming what the target holds, if any of servio's tables there has rows."""
    from sqlalchemy import inspect

    present = set(inspect(conn).get_table_names())
    held = [(t.name, n) for t in tables() if t.name in present and (n := _count(conn, t))]
    if held:
        listed = ", ".join(f"{name}: {n}" for name, n in held)
        raise StoreError(f"{target.url} already holds servio data ({listed}); copy into an empty "
                         "database (a new SQLite file, or a PostgreSQL database without servio's tables)")


def _copy_table(reader: Connection, writer: Connection, table: Table, total: int, batch: int,
                progress: Progress | None) -> int:
    """Copy ``table``'s rows in primary-key order, ``batch`` at a time; the number copied."""
    done = 0
    if progress is not None:
        progress(table.name, 0, total)
    if not total:
        return 0
    query = select(table).order_by(*table.primary_key.columns)
    result = reader.execution_options(stream_results=True, yield_per=batch).execute(query)
    for rows in result.mappings().partitions(batch):
        writer.execute(table.insert(), [dict(row) for row in rows])
        done += len(rows)
        if progress is not None:
            progress(table.name, done, total)
    return done


def _same_database(a: URL, b: URL) -> bool:
    """Whether two URLs name one database (a SQLite file by its resolved path; in-memory ones never)."""
    if a.get_backend_name() != b.get_backend_name():
        return False
    if a.get_backend_name() == "sqlite":
        files = [u.database for u in (a, b)]
        if any(f in (None, "", ":memory:") for f in files):
            return False
        return Path(str(files[0])).resolve() == Path(str(files[1])).resolve()
    return _server_database(a) == _server_database(b)


def _server_database(url: URL) -> tuple[str, int, str | None]:
    return url.host or "localhost", url.port or 5432, url.database


def _count(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _move_sequences(writer: Connection) -> None:
    """Set each integer id's PostgreSQL sequence to the largest copied id (the next id follows it)."""
    for table in tables():
        column = table.autoincrement_column
        if column is None:
            continue
        # names from servio's own schema, not from input; setval(NULL, ...) is NULL for a column
        # without a sequence
        writer.execute(text(
            f"SELECT setval(pg_get_serial_sequence(:table, :column), "  # noqa: S608
            f"COALESCE(MAX({column.name}), 1), MAX({column.name}) IS NOT NULL) FROM {table.name}"),
            {"table": table.name, "column": column.name})


@contextmanager
def _snapshot(store: Store) -> Iterator[Connection]:
    """A read-only connection that sees the source as it was when the copy began."""
    engine = store.engine
    if engine.dialect.name == "postgresql":
        engine = engine.execution_options(isolation_level="REPEATABLE READ")
    with engine.connect() as conn, conn.begin():  # SQLite: one read transaction is one snapshot (WAL)
        yield conn


@contextmanager
def _writer(store: Store) -> Iterator[Connection]:
    """One writing transaction on the target (SQLite: its write lock from the start)."""
    with store.engine.execution_options(**{engines.WRITE_OPTION: True}).connect() as conn, conn.begin():
        yield conn
