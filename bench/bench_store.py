"""The store and the dashboard at a contact centre's scale: listings, profiles, pages and exports.

Reads ../shared/data at run time and analyses each conversation once; the results are then
stored ``--conversations`` times over (new ids, 150 agents in 12 teams, starts spread over 12
months) into a fresh SQLite file (or ``--database``, e.g. a PostgreSQL URL whose tables it
empties first), without analysing again. Then times, each the fastest of ``--runs``:

* baseline: the first page of the conversation list, no filter (what every visit does);
* listings filtered by a failure pattern, a missing stage, a team and a score range, the last page;
* ``Store.results`` of everyone (what reports read), ``Store.tallies`` of everyone (what the team page
  and the profiles read: counted by the database), every agent's profile, a team's profile;
* the dashboard's team page of everyone and of one team, and an agent's page;
* the CSV export of everything.

Prints milliseconds and the ratio to the baseline of the same run. Nothing is asserted.

    python bench/bench_store.py [--data ../shared/data] [--conversations 20000] [--runs 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from servio.jobs import JobOptions, read, score
from servio.store import ConversationFilter, Store
from servio.web import pages
from servio.web.store_backend import StoreBackend

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data"
TEAMS = [f"team-{c}" for c in "ABCDEFGHIJKL"]
AGENTS = [(f"agent{i:03d}", TEAMS[i % len(TEAMS)]) for i in range(150)]


def fill(store: Store, data: Path, n: int, tagger: str,
         place: Callable[[int, datetime], datetime] | None = None) -> tuple[float, str]:
    """Store ``n`` conversations made from the data's; seconds taken and a failure pattern seen.
    ``place(i, start)`` gives conversation ``i`` its start in another zone (bench_days.py); else UTC."""
    opts = JobOptions(tagger=tagger)
    analysed = list(score(read([data], opts), opts, evidence=False))
    if not analysed:
        raise SystemExit(f"no conversations in {data}")
    start, year = datetime(2025, 12, 1, tzinfo=UTC), 365 * 86400
    started = time.perf_counter()
    pattern = next((f.id for _, r in analysed for f in r.failures), "no_close")
    for first in range(0, n, 500):
        convs, results = [], {}
        for i in range(first, min(n, first + 500)):
            conv, result = analysed[i % len(analysed)]
            agent, team = AGENTS[(i * 7) % len(AGENTS)]
            when = start + timedelta(seconds=(i * 7919 * 3607) % year)
            if place is not None:
                when = place(i, when)
            convs.append(replace(conv, id=f"b{i:06d}", agent_id=agent, team=team, started_at=when))
            results[f"b{i:06d}"] = replace(result, conversation_id=f"b{i:06d}", agent_id=agent, team=team)
        store.save_results(convs, _by_id(results), tagger=tagger)
    return time.perf_counter() - started, pattern


def _by_id(results: dict[str, Any]) -> Callable[[Any], Any]:
    return lambda conv: results[conv.id]


def best(work: Callable[[], Any], runs: int) -> float:
    """The fastest of ``runs`` runs of ``work``, in milliseconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return min(times)


def workloads(store: Store, pattern: str) -> dict[str, Callable[[], Any]]:
    backend = StoreBackend(store)
    link: Callable[..., str] = lambda *a, **k: "/"  # noqa: E731 - the pages' links are not timed
    agent, team = AGENTS[0]
    last = max(0, store.list_conversations().total - 50)
    return {
        "baseline: conversation list, first page": lambda: store.list_conversations(),
        f"list ?failure={pattern}": lambda: store.list_conversations(ConversationFilter(failure=pattern)),
        f"list ?team=&failure={pattern}":
            lambda: store.list_conversations(ConversationFilter(team=team, failure=pattern)),
        "list ?missing_stage=4": lambda: store.list_conversations(ConversationFilter(missing_stage=4)),
        "list ?score_min=20&score_max=60&sort=-overall": lambda: store.list_conversations(
            ConversationFilter(score_min=20, score_max=60, sort="-overall")),
        "list, last page": lambda: store.list_conversations(ConversationFilter(offset=last)),
        "Store.results, everyone": lambda: store.results(),
        "Store.tallies, everyone": lambda: store.tallies(),
        "agent profiles, everyone": lambda: store.profiles("agent"),
        "team profile": lambda: store.profile("team", team),
        "team page, everyone": lambda: pages.team_page(backend, team=None, language="en", date_from=None,
                                                       date_to=None, link=link),
        "team page, one team": lambda: pages.team_page(backend, team=team, language="en", date_from=None,
                                                       date_to=None, link=link),
        "agent page": lambda: pages.profile_page(backend, kind="agent", id=agent, language="en",
                                                 date_from=None, date_to=None, link=link),
        "CSV export, everything": lambda: sum(1 for _ in store.export_rows()),
    }


def store_arguments(doc: str | None) -> argparse.Namespace:
    """The command line of a store bench (this one and bench_days.py): data, size, runs, tagger, database."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--conversations", type=int, default=20000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--tagger", default="rules", help="tags the data once (default: rules, the quicker)")
    ap.add_argument("--database", default=None, help="a database URL (emptied first) instead of SQLite")
    args = ap.parse_args()
    if not args.data.is_dir():
        raise SystemExit(f"no data folder at {args.data}")
    return args


def emptied_store(database: str | None, folder: str) -> Store:
    """The database given (emptied of conversations), else a new SQLite file in ``folder``, migrated."""
    store = Store(database or f"sqlite:///{Path(folder) / 'bench.db'}")
    store.migrate()
    store.delete_conversations(store.started_before(datetime(9999, 1, 1, tzinfo=UTC)))
    return store


def main() -> None:
    args = store_arguments(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        store = emptied_store(args.database, tmp)
        took, pattern = fill(store, args.data, args.conversations, args.tagger)
        print(f"store: {store.dialect}, {args.conversations} conversations stored in {took:.1f} s "
              f"({args.conversations / took:.0f}/s, analysis not included)")
        times = {name: best(work, args.runs) for name, work in workloads(store, pattern).items()}
        store.close()
    base = next(iter(times.values()))
    width = max(len(name) for name in times)
    print(f"{'workload':<{width}}  {'ms':>9}  {'x baseline':>10}")
    for name, ms in times.items():
        print(f"{name:<{width}}  {ms:9.1f}  {ms / base:10.1f}")


if __name__ == "__main__":
    main()
