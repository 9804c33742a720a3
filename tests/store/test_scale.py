"""Listings stay bounded as a store grows: work that grows with the square of its size is a defect.

SQLite's virtual-machine steps are counted (deterministic, unlike a clock): doubling the
conversations may double a listing's work, never quadruple it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from servio.model import ContactType
from servio.results import ConversationResult, FailurePattern
from servio.store import ConversationFilter, Store
from tests.store.helpers import analyse, conversation


@pytest.fixture(scope="module")
def template() -> ConversationResult:
    """One analysed conversation whose result every stored conversation reuses (no analysis per row): a
    sale, where options apply and this chat has none (the missing-stage listing finds every row)."""
    return analyse(conversation(0, contact_type=ContactType.SALES))


def _filled(path: Path, template: ConversationResult, n: int) -> Store:
    store = Store(f"sqlite:///{path}")
    failures = (FailurePattern("no_close", "no goodbye", None),)
    convs = [conversation(i, agent=f"a{i % 3}", team="Tallinn") for i in range(n)]
    store.save_results(convs, lambda c: replace(template, conversation_id=c.id, agent_id=c.agent_id,
                                                failures=failures if int(c.id[1:]) % 2 else ()))
    return store


@pytest.fixture
def sized(sqlite_template: Path, tmp_path: Path, template: ConversationResult) -> Iterator[Any]:
    """``sized(n)``: a SQLite store of ``n`` conversations, every second one showing ``no_close``."""
    stores: list[Store] = []

    def make(n: int) -> Store:
        path = tmp_path / f"s{n}.db"
        shutil.copyfile(sqlite_template, path)
        stores.append(_filled(path, template, n))
        return stores[-1]

    yield make
    for s in stores:
        s.close()


def steps(store: Store, f: ConversationFilter) -> int:
    """SQLite virtual-machine steps (in tens) of listing one page for ``f``."""
    count = [0]

    def tick() -> int:
        count[0] += 1
        return 0

    def count_on(conn: Any, *_: Any) -> None:
        conn.connection.dbapi_connection.set_progress_handler(tick, 10)

    event.listen(store.engine, "before_cursor_execute", count_on)
    try:
        page = store.list_conversations(f)
    finally:
        event.remove(store.engine, "before_cursor_execute", count_on)
    assert page.total > 0
    return count[0]


@pytest.mark.parametrize("f", [ConversationFilter(failure="no_close"),
                               ConversationFilter(failure="no_close", team="Tallinn", sort="-overall"),
                               ConversationFilter(missing_stage=5)],
                         ids=["failure", "failure-team", "missing-stage"])
def test_a_filtered_listing_grows_with_the_store_not_its_square(sized: Any, f: ConversationFilter) -> None:
    small, large = steps(sized(60), f), steps(sized(240), f)
    assert large < 6 * small, f"4x the conversations cost {large / small:.1f}x the work"


def test_exporting_every_conversation_for_retraining_reads_in_batches(sized: Any) -> None:
    """Seven queries per conversation: a year's 20,000 took 40 s to export."""
    store = sized(60)
    statements = [0]

    def count(*_: Any) -> None:
        statements[0] += 1

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        records = list(store.corrections_export(everything=True))
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    assert [r["id"] for r in records] == sorted(f"c{i}" for i in range(60))
    assert statements[0] < 20, f"{statements[0]} queries to export 60 conversations"
