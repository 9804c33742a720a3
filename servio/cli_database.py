"""``servio database``: work on a whole servio database; ``copy`` moves one into another, e.g. a trial on
the embedded SQLite default into the PostgreSQL database of a deployment, with nothing left behind.

Exit status: 0 copied; 2 a usage error, a database that cannot be used, or a target that already holds
servio data (nothing was copied).
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from servio.cli_service import DEFAULT_DATABASE, _clock, _database, _database_errors, existing_store

_EPILOG = """\
examples:
  servio database copy --to postgresql://servio:PASSWORD@db/servio    ./servio.db into PostgreSQL
  servio database copy --database sqlite:///qa.db --to sqlite:///qa-copy.db

Every table is copied with its ids: conversations and their analysis, agents and teams, users with
their API tokens and dashboard sessions, reviewer corrections and import jobs. The target must hold no
servio data (a new SQLite file, or an empty PostgreSQL database); the copy is one transaction, so one
that fails or is interrupted leaves nothing half-copied. Tokens and sessions stay valid when the
service on the new database has the same SERVIO_SECRET_KEY: they are kept as hashes made with it.
"""


def add_parser(sub: Any) -> None:
    """Add ``database`` with its action ``copy``."""
    p = sub.add_parser(
        "database", help="copy a whole servio database into another (SQLite to PostgreSQL)",
        description="Work on a whole servio database. copy: every row of one database into another, empty "
        "one, e.g. from the embedded SQLite default into PostgreSQL.",
        epilog=_EPILOG)
    actions = p.add_subparsers(dest="database_command", title="actions")
    copy = actions.add_parser(
        "copy", help="copy every row into another, empty database",
        description="Copy every row of the database (--database) into another, empty one (--to), ids and "
        "all, in one transaction; both are brought to this servio's schema first.",
        epilog=_EPILOG)
    copy.add_argument("--to", required=True, metavar="URL",
                      help="the database to copy into: a new SQLite file (sqlite:///FILE) or an empty "
                      "PostgreSQL database (postgresql://USER:PASSWORD@HOST/NAME)")
    copy.add_argument("--database", default=None, metavar="URL",
                      help=f"the database to copy (default: $SERVIO_DATABASE_URL or {DEFAULT_DATABASE})")
    copy.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")


def cmd_database(args: argparse.Namespace) -> int:
    """``servio database ACTION``."""
    from servio.cli import EXIT_OK, UsageError

    if args.database_command != "copy":
        raise UsageError("servio database: give an action: copy")
    from servio.store import Store, StoreError
    from servio.store.engine import shown_url
    from servio.store.transfer import copy_database

    source_url = _database(args)
    with _database_errors(source_url):
        source = existing_store(source_url)  # a mistyped SQLite path is an error, not a new empty file
    print(f"servio: copying {source.url} into {shown_url(args.to)}", file=sys.stderr)
    started = time.monotonic()
    bar = _Bar(enabled=sys.stderr.isatty() and not args.no_progress)
    with _database_errors(args.to):
        target = Store(args.to)
        try:
            report = copy_database(source, target, progress=bar.update)
        except StoreError as exc:
            raise UsageError(str(exc)) from None
        finally:
            bar.close()
    width = max(len(t.name) for t in report.tables)
    for table in report.tables:
        print(f"{table.name:<{width}}  {table.rows:>10,}")
    print(f"servio: copied {report.rows:,} rows of {len(report.tables)} tables into {shown_url(args.to)} in "
          f"{_clock(time.monotonic() - started)} (schema revision {report.revision}); API tokens and "
          "dashboard sessions work there with the same SERVIO_SECRET_KEY", file=sys.stderr)
    return EXIT_OK


class _Bar:
    """A progress bar per table on stderr (a terminal only)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._bar: Any = None
        self._table = ""

    def update(self, table: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if table != self._table:
            self.close()
            from tqdm import tqdm

            self._table = table
            self._bar = tqdm(total=total, unit=" rows", desc=table, file=sys.stderr, leave=False,
                             dynamic_ncols=True)
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
