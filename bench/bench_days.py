"""Migration 0005 (``conversations.started_day``) and filters by day at a contact centre's scale.

Stores ``--conversations`` conversations as ``bench_store.py`` does (made from ../shared/data, 150 agents
in 12 teams, starts spread over 12 months), each start in one of the time zones of a centre serving
Tallinn, London and New York or without an offset, takes the database back to revision 0004 (the column
dropped) and times:

* the migration 0004 -> 0005 (add the column, fill it, index it; on SQLite with the foreign-key check
  every migration runs) and the Python memory it takes at its peak (``tracemalloc``);
* the back-fill alone (every day emptied and the index dropped, untimed, then the days filled again as
  the migration fills them), in batches of 5,000 and in one batch;
* a month by day (``started_day``, what every filter by day bounds now) against the same month as UTC
  moments on ``started_at`` (what filters by day bounded before), in the same run: the listing's first
  page with its total, ``Store.tallies`` of everyone and of one team, ``Store.results`` (reports) and
  the CSV export of the month;

and prints the query plans of a month by day. Each time is the fastest of ``--runs``; nothing is asserted.

    python bench/bench_days.py [--data ../shared/data] [--conversations 20000] [--runs 3] [--database URL]
"""

from __future__ import annotations

import importlib.util
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

from bench_store import AGENTS, best, emptied_store, store_arguments
from bench_store import fill as stored
from sqlalchemy import text

from servio.store import ConversationFilter, Store
from servio.store.engine import migrations_dir

#: offsets in minutes east of UTC (summer and winter time of each place) and None: a time without one
ZONES: list[int | None] = [180, 120, 60, 0, -240, -300, None]
MONTH = (date(2026, 3, 1), date(2026, 3, 31))


def fill(store: Store, data: Path, n: int, tagger: str) -> float:
    """Store ``n`` conversations made from the data's, their starts in :data:`ZONES`; seconds taken."""
    return stored(store, data, n, tagger, place=_in_zone)[0]


def _in_zone(i: int, when: datetime) -> datetime:
    """Conversation ``i``'s start in the zone :data:`ZONES` gives it (naive for None)."""
    offset = ZONES[i % len(ZONES)]
    if offset is None:
        return when.replace(tzinfo=None)
    return when.astimezone(timezone(timedelta(minutes=offset)))


def migration() -> ModuleType:
    """Migration 0005's module (for its back-fill alone)."""
    path = migrations_dir() / "versions" / "0005_conversation_started_day.py"
    spec = importlib.util.spec_from_file_location("servio_migration_0005", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"no migration at {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def timed_migration(store: Store) -> tuple[float, float]:
    """Seconds and peak Python memory (MB) of migrating ``store`` from 0004 to 0005."""
    tracemalloc.start()
    started = time.perf_counter()
    store.migrate()
    took = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return took, peak


def backfill(store: Store, batch: int, runs: int) -> float:
    """The fastest of ``runs`` back-fills, in milliseconds, each as the migration runs it: every day
    emptied and the index dropped first (not timed), then filled in batches of ``batch`` (timed), then
    indexed again (not timed)."""
    fill_days = migration().backfill
    times = []
    for _ in range(runs):
        with store.engine.begin() as conn:
            conn.execute(text("DROP INDEX ix_conversations_started_day"))
            conn.execute(text("UPDATE conversations SET started_day = NULL"))
        started = time.perf_counter()
        with store.engine.begin() as conn:
            fill_days(conn, batch)
        times.append((time.perf_counter() - started) * 1000)
        with store.engine.begin() as conn:
            conn.execute(text("CREATE INDEX ix_conversations_started_day ON conversations (started_day)"))
    return min(times)


def workloads(store: Store) -> dict[str, Callable[[], Any]]:
    first, last = MONTH
    day = {"date_from": first, "date_to": last}
    moment = {"date_from": datetime.combine(first, datetime.min.time(), tzinfo=UTC),
              "date_to": datetime.combine(last, datetime.max.time(), tzinfo=UTC)}
    team = AGENTS[0][1]
    out: dict[str, Callable[[], Any]] = {}
    for kind, bounds in (("by day", day), ("UTC moments", moment)):
        f = ConversationFilter(**bounds)  # type: ignore[arg-type]
        g = ConversationFilter(team=team, **bounds)  # type: ignore[arg-type]
        out[f"month {kind}: list, first page"] = lambda f=f: store.list_conversations(f)
        out[f"month {kind}: Store.tallies, everyone"] = lambda f=f: store.tallies(f)
        out[f"month {kind}: Store.tallies, one team"] = lambda g=g: store.tallies(g)
        out[f"month {kind}: Store.results"] = lambda f=f: store.results(f)
        out[f"month {kind}: CSV export"] = lambda f=f: sum(1 for _ in store.export_rows(f))
    return out


def plans(store: Store) -> list[str]:
    """The query plans of a month by day: a count, and the listing's first page."""
    first, last = MONTH
    explain = "EXPLAIN QUERY PLAN " if store.dialect == "sqlite" else "EXPLAIN "
    where = "started_day >= :first AND started_day <= :last"
    queries = [f"SELECT count(*) FROM conversations WHERE {where}",
               f"SELECT id FROM conversations WHERE {where} "
               "ORDER BY started_at IS NULL, started_at DESC, id LIMIT 50"]
    params: dict[str, Any] = {"first": first, "last": last}
    if store.dialect == "sqlite":
        params = {k: v.isoformat() for k, v in params.items()}
    out = []
    with store.engine.connect() as conn:
        for query in queries:
            out.append(query)
            rows = conn.execute(text(explain + query), params)
            out += ["    " + " ".join(str(x) for x in row) for row in rows]
    return out


def main() -> None:
    args = store_arguments(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        store = emptied_store(args.database, tmp)
        took = fill(store, args.data, args.conversations, args.tagger)
        print(f"store: {store.dialect}, {args.conversations} conversations stored in {took:.1f} s")
        store.downgrade("0004")
        seconds, peak = timed_migration(store)
        print(f"migration 0004 -> 0005: {seconds * 1000:.0f} ms, Python memory at its peak {peak:.1f} MB")
        times = {f"back-fill alone, batches of {batch}": backfill(store, batch, args.runs)
                 for batch in (5000, args.conversations + 1)}
        times.update({name: best(work, args.runs) for name, work in workloads(store).items()})
        shown = plans(store)
        store.close()
    width = max(len(name) for name in times)
    print(f"{'workload':<{width}}  {'ms':>9}")
    for name, ms in times.items():
        print(f"{name:<{width}}  {ms:9.1f}")
    print("\n".join(shown))


if __name__ == "__main__":
    main()
