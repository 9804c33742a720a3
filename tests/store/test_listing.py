"""Listing with filters, sorting and pages; CSV export rows."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest

from servio.model import ContactType
from servio.store import ConversationFilter, Store, StoreError
from servio.store.export import CSV_COLUMNS, write_csv
from tests.store.helpers import EE, analyse, conversation


@pytest.fixture
def filled(store: Store) -> Store:
    """Six conversations: two agents, two teams, two languages, March 2..7 2026, one short (no close)."""
    specs = [
        dict(n=1, agent="kati", team="Tallinn"),
        dict(n=2, agent="kati", team="Tallinn", language="et"),
        dict(n=3, agent="tom", team="Online", turns=3),
        dict(n=4, agent="tom", team="Online", contact_type=ContactType.COMPLAINT),
        dict(n=5, agent="liis", team=None, language="et"),
        dict(n=6, agent="tom", team="Online"),
    ]
    convs = [conversation(**spec) for spec in specs]  # type: ignore[arg-type]
    store.save_results(convs, analyse)
    return store


def ids(store: Store, **kw: object) -> list[str]:
    return [s.id for s in store.list_conversations(ConversationFilter(sort="id", **kw)).items]  # type: ignore[arg-type]


def test_filters_by_agent_team_language_channel_and_contact_type(filled: Store) -> None:
    assert ids(filled, agent_id="kati") == ["c1", "c2"]
    assert ids(filled, team="Online") == ["c3", "c4", "c6"]
    assert ids(filled, language="et") == ["c2", "c5"]
    assert ids(filled, channel="email") == []
    assert ids(filled, contact_type="complaint") == ["c4"]
    assert ids(filled, agent_id="tom", contact_type="complaint") == ["c4"]


def test_filters_by_date_range(filled: Store) -> None:
    # c<n> starts 2026-03-01 09:00+03:00 plus n days, i.e. 06:00 UTC
    assert ids(filled, date_from=date(2026, 3, 3), date_to=date(2026, 3, 4)) == ["c2", "c3"]
    assert ids(filled, date_from=datetime(2026, 3, 6, 6, 0, tzinfo=UTC)) == ["c5", "c6"]
    assert ids(filled, date_to=datetime(2026, 3, 2, 9, 0, tzinfo=EE)) == ["c1"]
    assert ids(filled, date_to=datetime(2026, 3, 2, 5, 59)) == []  # naive means UTC


def test_a_reversed_date_range_is_refused() -> None:
    with pytest.raises(StoreError):
        ConversationFilter(date_from=date(2026, 3, 4), date_to=date(2026, 3, 3))


def test_filters_by_missing_stage_failure_and_score(filled: Store) -> None:
    results = {c: analyse(conversation(n, **kw)) for c, n, kw in [  # type: ignore[arg-type]
        ("c3", 3, {"agent": "tom", "team": "Online", "turns": 3})]}
    short = results["c3"]
    missing = [s.stage for s in short.stage_scores if not s.present and s.weight > 0]
    assert 7 in missing
    assert "c3" in ids(filled, missing_stage=7)
    assert "c1" not in ids(filled, missing_stage=7)
    failure = short.failures[0].id
    assert "c3" in ids(filled, failure=failure)
    assert ids(filled, failure="no-such-pattern") == []
    everything = filled.list_conversations(ConversationFilter(limit=100)).items
    low = min(s.overall for s in everything)
    assert ids(filled, score_max=low) == [s.id for s in everything if s.overall == low]
    assert set(ids(filled, score_min=low + 0.001)) == {s.id for s in everything if s.overall > low}


def test_summaries_say_what_is_missing_and_what_failed(filled: Store) -> None:
    summary = filled.get_summary("c3")
    result = analyse(conversation(3, agent="tom", team="Online", turns=3))
    assert summary is not None
    missing = tuple(s.stage for s in result.stage_scores if not s.present and s.weight > 0)
    assert summary.missing_stages == missing
    assert summary.failures == tuple(f.id for f in result.failures)
    assert summary.turns == 3 and summary.agent_id == "tom" and summary.corrected is False
    assert summary.to_dict()["started_at"] == "2026-03-04T06:00:00+00:00"


def test_pages_sorting_and_totals(filled: Store) -> None:
    page = filled.list_conversations(ConversationFilter(limit=2, offset=2))
    assert page.total == 6 and page.limit == 2 and page.offset == 2
    newest_first = [s.id for s in filled.list_conversations().items]
    assert newest_first == ["c6", "c5", "c4", "c3", "c2", "c1"]
    assert [s.id for s in page.items] == ["c4", "c3"]
    by_score = filled.list_conversations(ConversationFilter(sort="overall")).items
    assert [s.overall for s in by_score] == sorted(s.overall for s in by_score)


@pytest.mark.parametrize("bad", [dict(limit=0), dict(limit=5000), dict(offset=-1), dict(sort="text"),
                                 dict(missing_stage=8), dict(offset=10**20)])
def test_bad_filters_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(StoreError):
        ConversationFilter(**bad)  # type: ignore[arg-type]


def test_export_has_one_row_per_conversation(filled: Store) -> None:
    rows = list(filled.export_rows(ConversationFilter(team="Online", sort="id", limit=1)))
    assert [r["id"] for r in rows] == ["c3", "c4", "c6"]  # limit does not cut an export
    result = analyse(conversation(4, agent="tom", team="Online", contact_type=ContactType.COMPLAINT))
    row = rows[1]
    assert row["overall"] == round(result.overall, 1)
    for score in result.stage_scores:
        expected = round(score.score, 1) if score.weight > 0 else ""
        assert row[f"stage_{score.stage}"] == expected
    out = io.StringIO()
    assert write_csv(rows, out) == 3
    parsed = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert tuple(parsed[0]) == CSV_COLUMNS
    assert parsed[0]["id"] == "c3" and parsed[0]["agent_id"] == "tom"


@pytest.mark.parametrize("sort", ["id", "-overall", "started_at", "-updated_at"])
def test_an_export_read_a_few_at_a_time_keeps_the_listing_order(filled: Store, sort: str,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The export holds only the matches' ids and reads their rows a part at a time (2 here), in the
    listing's order and with the listing's values."""
    from servio.store import store as store_module

    monkeypatch.setattr(store_module, "EXPORT_PART", 2)
    listed = filled.list_conversations(ConversationFilter(sort=sort)).items
    rows = list(filled.export_rows(ConversationFilter(sort=sort)))
    assert [r["id"] for r in rows] == [s.id for s in listed] and len(rows) == 6
    for row, summary in zip(rows, listed, strict=True):
        assert (row["agent_id"], row["team"], row["turns"], row["overall"], row["channel"]) == (
            summary.agent_id, summary.team or "", summary.turns, round(summary.overall, 1), summary.channel)
        assert row["missing_stages"] == ";".join(str(s) for s in summary.missing_stages)
