"""Profiles and the team page from the store's tallies (counted by the database) are exactly those
computed from every stored result: for everyone, per team, per agent, under filters, and after
corrections, erasure and re-imports. The reference is the computation the store and the team page
used before (kept below as it was), over :meth:`Store.results`."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from servio.evaluate.profiles import UNKNOWN, majority_language, profile, profiles
from servio.evaluate.tally import applicable_and_missing_of, combined, profile_of, stage_values_of
from servio.examples import example_paths
from servio.model import Conversation
from servio.report import summary
from servio.results import ConversationResult, FailurePattern
from servio.stages import ALL_STAGES, info
from servio.store import ConversationFilter, Store
from servio.web import pages
from servio.web.backend import MemoryBackend
from servio.web.store_backend import StoreBackend

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ingest"
AGENTS = ["kati", "marko", "liis", "tom", "priya", None]
TEAMS = ["Tallinn", "Tartu", "Online", None]
START = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def analysed() -> list[tuple[Conversation, ConversationResult]]:
    """The project's example and fixture conversations, each analysed once (rule tagger: quicker)."""
    from servio.ingest import read_conversations
    from servio.store.importer import analyser

    analyse = analyser("rules")
    convs = [c for c in read_conversations([*example_paths(), FIXTURES]) if c.turns]
    return [(c, analyse(c)) for c in convs]


def _awkward(rng: random.Random, result: ConversationResult) -> ConversationResult:
    """``result`` with scores whose float sum depends on the order of adding them, and a pattern twice."""
    scores = tuple(replace(s, score=rng.choice([100 / 3, 200 / 7, 0.1, rng.uniform(0, 100)]))
                   for s in result.stage_scores)
    twice = (FailurePattern("no_close", "twice", None), FailurePattern("no_close", "", 1))
    failures = (*result.failures, *twice)
    return replace(result, stage_scores=scores, overall=rng.uniform(0, 100), failures=failures)


def _varied(analysed: list[tuple[Conversation, ConversationResult]], n: int = 300
            ) -> list[tuple[Conversation, ConversationResult]]:
    """``n`` conversations made of the analysed ones: agents in several teams (some as often in two:
    ties), no agent or team for some, starts over four months (none for some), awkward scores."""
    rng = random.Random(7)
    out = []
    for i in range(n):
        conv, result = analysed[i % len(analysed)]
        agent, team = AGENTS[i % len(AGENTS)], TEAMS[(i // 2) % len(TEAMS)]
        started = None if i % 23 == 0 else START + timedelta(hours=9 * i + rng.randrange(9))
        cid = f"t{rng.randrange(10**6):06d}-{i}"  # ids not in the order of writing
        unread = (f"chats.csv:{i}",) if i % 7 == 0 else ()  # some lost a row on reading: incomplete
        conv = replace(conv, id=cid, agent_id=agent, team=team, started_at=started, unread=unread)
        result = replace(result, conversation_id=cid, agent_id=agent, team=team)
        out.append((conv, _awkward(rng, result) if i % 3 == 0 else result))
    return out


def _fill(store: Store, items: list[tuple[Conversation, ConversationResult]]) -> None:
    store.migrate()
    found = {conv.id: result for conv, result in items}
    store.save_results([conv for conv, _ in items], lambda conv: found[conv.id], tagger="rules")


# -- the reference: profiles and the team page as computed before, from every result ---------------

def reference_team_page(results: list[ConversationResult], teams: Any, *, team: str | None, language: str,
                        date_from: date | None, date_to: date | None, link: Any) -> dict[str, Any]:
    """servio.web.pages.team_page as it was: a result per conversation, grouped in Python."""
    groups: dict[str, list[ConversationResult]] = {}
    for r in results:
        groups.setdefault(r.agent_id or "", []).append(r)
    dates = {"date_from": date_from, "date_to": date_to}
    rows = []
    for agent, mine in sorted(groups.items(), key=lambda kv: (kv[0] == "", kv[0])):
        values, _ = summary.stage_values(mine)
        _, missing = pages.applicable_and_missing(mine)
        zero = _reference_zero(mine)
        prof = profile(mine, kind="agent", id=agent or "?", language=language)
        cells = [dict(_cell(values.get(int(s)),
                            (link("conversations", agent_id=agent, team=team, missing_stage=int(s), **dates)
                             if missing[int(s)] else
                             link("conversations", agent_id=agent, team=team, sort="overall", **dates))
                            if agent else None), missing=missing[int(s)], zero=zero[int(s)], n=len(mine))
                 for s in ALL_STAGES]
        rows.append({"agent": agent, "n": len(mine), "cells": cells, "overall": _cell(prof.overall, None),
                     "agent_link": link("agent", id=agent) if agent else None, "team": prof.team,
                     "team_link": link("team", team=prof.team, **dates) if prof.team else None,
                     "list_link": link("conversations", agent_id=agent, team=team, **dates)
                     if agent else None})
    return {"team": team, "rows": rows, "teams": teams, "n": len(results),
            "total": _reference_total(results, team=team, language=language, dates=dates, link=link)}


def _reference_total(results: list[ConversationResult], *, team: str | None, language: str,
                     dates: dict[str, date | None], link: Any) -> dict[str, Any] | None:
    if not results:
        return None
    prof = profile(results, kind="team", id=team or "", language=language)
    values, _ = summary.stage_values(results)
    _, missing = pages.applicable_and_missing(results)

    def stage_link(s: int) -> str:
        return (link("conversations", team=team, missing_stage=s, **dates) if missing[s]
                else link("conversations", team=team, sort="overall", **dates))

    zero = _reference_zero(results)
    cells = [dict(_cell(values.get(int(s)), stage_link(int(s))), missing=missing[int(s)], zero=zero[int(s)],
                  n=len(results)) for s in ALL_STAGES]
    weakest = info(prof.weakest) if prof.weakest else None
    return {"overall": _cell(prof.overall, link("conversations", team=team, sort="overall", **dates)),
            "n": len(results), "cells": cells, "list_link": link("conversations", team=team, **dates),
            "incomplete": sum(1 for r in results if r.incomplete),
            "incomplete_link": link("conversations", team=team, incomplete=1, **dates),
            "weakest": weakest, "weakest_link": stage_link(int(weakest.stage)) if weakest else None}


def _reference_zero(results: list[ConversationResult]) -> dict[int, int]:
    """Per stage, the conversations where it applies, was carried and shows 0 (the conversation page's
    "present, but"), counted from every result."""
    return {int(s): sum(1 for r in results for sc in r.stage_scores
                        if sc.stage == int(s) and sc.weight > 0 and sc.present and f"{sc.score:.0f}" == "0")
            for s in ALL_STAGES}


_cell = pages._cell


def link(name: str, **params: Any) -> str:
    return pages.query(f"/{name}", **params)


# -- the checks ------------------------------------------------------------------------------------

PERIODS = [(None, None), (date(2026, 1, 20), date(2026, 2, 28)), (date(2026, 3, 1), None),
           (None, date(2026, 1, 31)), (date(2027, 1, 1), None)]
FILTERS = [ConversationFilter(), ConversationFilter(team="Tartu"),
           ConversationFilter(contact_type="complaint"), ConversationFilter(channel="phone"),
           ConversationFilter(language="et"),
           ConversationFilter(failure="no_close"), ConversationFilter(missing_stage=7),
           ConversationFilter(score_min=20, score_max=70), ConversationFilter(agent_id="tom"),
           ConversationFilter(team="Online", date_from=date(2026, 2, 1), channel="chat")]


def check_tallies(store: Store, f: ConversationFilter) -> None:
    """Every group's tally under ``f`` gives the numbers of its results."""
    results = store.results(f)
    for by in ("agent", "team"):
        groups: dict[str | None, list[ConversationResult]] = {}
        for r in results:
            groups.setdefault(r.agent_id if by == "agent" else r.team, []).append(r)
        found = store.tallies(f, by, ids=True)
        assert set(found) == set(groups), f
        for key, mine in groups.items():
            t = found[key]
            language = majority_language(mine)
            assert profile_of(t, kind=by, id=key or UNKNOWN, language=language) == profile(
                mine, kind=by, id=key or UNKNOWN, language=language), (f, by, key)
            assert stage_values_of(t) == summary.stage_values(mine)
            assert applicable_and_missing_of(t) == pages.applicable_and_missing(mine)
        if results:
            everyone = combined(found.values())
            assert profile_of(everyone, kind="team", id="all", language="en") == profile(
                results, kind="team", id="all", language="en")


def check_profiles(store: Store) -> None:
    """Store.profile and Store.profiles as computed from Store.results before."""
    for date_from, date_to in PERIODS:
        results = store.results(ConversationFilter(date_from=date_from, date_to=date_to))
        for by in ("agent", "team"):
            for language in (None, "et"):
                expected = profiles(results, by=by, language=language)
                assert store.profiles(by, date_from, date_to, language=language) == expected
                for p in expected:
                    assert store.profile(by, p.id, date_from, date_to, language=language) == p
        for team in ("Tallinn", "Online"):  # a team lead's view of an agent: that team's conversations
            mine = [r for r in results if r.team == team and r.agent_id == "kati"]
            got = store.profile("agent", "kati", date_from, date_to, team=team)
            assert got == (profile(mine, kind="agent", id="kati", language=majority_language(mine))
                           if mine else None)


def check_team_pages(store: Store) -> None:
    backend = StoreBackend(store)
    for team in (None, "Tallinn", "Tartu", "nobody"):
        for date_from, date_to in PERIODS:
            results = store.results(ConversationFilter(team=team, date_from=date_from, date_to=date_to))
            for language in ("en", "et"):
                args = {"team": team, "language": language, "date_from": date_from, "date_to": date_to,
                        "link": link}
                assert pages.team_page(backend, **args) == reference_team_page(
                    results, backend.teams(), **args), (team, date_from, date_to)


def check_everything(store: Store) -> None:
    for f in FILTERS:
        check_tallies(store, f)
    check_profiles(store)
    check_team_pages(store)


def test_tallies_profiles_and_team_pages_equal_those_from_every_result(
        store: Store, analysed: list[tuple[Conversation, ConversationResult]]) -> None:
    _fill(store, _varied(analysed))
    results = store.results()
    assert len(results) == 300 and any(r.agent_id is None for r in results)
    assert any(s.weight == 0 for r in results for s in r.stage_scores)  # a stage that does not apply
    assert len({r.contact_type for r in results}) > 2 and len({r.language for r in results}) == 2
    check_everything(store)


def test_tallies_follow_corrections_erasure_and_reimports(
        store: Store, analysed: list[tuple[Conversation, ConversationResult]]) -> None:
    items = _varied(analysed, 120)
    _fill(store, items)
    ids = sorted(conv.id for conv, _ in items)

    def kati() -> Any:
        return store.profile("agent", "kati", language="en")

    before = kati()
    assert before is not None
    mine = [cid for cid in ids if cid in before.conversation_ids]
    for cid in mine[:3]:  # a reviewer says the agent's first turn carried every stage
        store.correct_turn(cid, next(i for i, t in enumerate(store.get_conversation(cid)[0].turns)
                                     if str(t.speaker) == "agent"), [1, 2, 3, 4, 5, 6, 7], "reviewer")
    corrected = kati()
    assert corrected != before and corrected is not None and corrected.conversations == before.conversations
    check_everything(store)

    assert store.delete_conversations(mine[3:6]) == 3  # erasure
    erased = kati()
    assert erased is not None and erased.conversations == before.conversations - 3
    check_everything(store)

    from servio.store.importer import analyser

    conv = next(c for c, _ in items if c.id == mine[0])  # imported again: another agent and team
    moved = replace(conv, agent_id="marko", team="Tartu", turns=conv.turns[:-1])
    assert store.save_results([moved], analyser("rules"), tagger="rules") == ["updated"]
    again = kati()
    assert again is not None and mine[0] not in again.conversation_ids
    assert again.conversations == before.conversations - 4
    marko = store.profile("agent", "marko", language="en")
    assert marko is not None and mine[0] in marko.conversation_ids
    check_everything(store)


def test_the_memory_backend_team_page_equals_the_reference(
        analysed: list[tuple[Conversation, ConversationResult]]) -> None:
    backend = MemoryBackend()
    backend.add(_varied(analysed, 150))
    for team in (None, "Tartu"):
        for date_from, date_to in PERIODS:
            args = {"team": team, "language": "en", "date_from": date_from, "date_to": date_to, "link": link}
            results = backend.results(team=team, date_from=date_from, date_to=date_to)
            assert pages.team_page(backend, **args) == reference_team_page(results, backend.teams(), **args)


def test_tallies_are_by_agent_or_team(store: Store) -> None:
    from servio.store import StoreError

    store.migrate()
    with pytest.raises(StoreError, match="by 'agent' or 'team'"):
        store.tallies(by="channel")
    assert store.tallies() == {} and store.profiles() == []
    assert store.profile("agent", "nobody") is None
    assert pages.team_page(StoreBackend(store), team=None, language="en", date_from=None, date_to=None,
                           link=link)["total"] is None


def test_stage_scores_are_grouped_by_the_database_not_read_one_by_one(
        store: Store, analysed: list[tuple[Conversation, ConversationResult]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Three statements whatever the number of conversations, and a grouped row per agent, stage and
    score instead of a row per stored stage score."""
    from sqlalchemy import event

    from servio.evaluate.tally import TallyBuilder

    plain = [(c, r) for c, r in _varied(analysed, 600) if r.overall == analysed_overall(analysed, c)]
    _fill(store, plain)
    stage_rows = [0]
    stage = TallyBuilder.stage

    def counted(self: TallyBuilder, *args: Any) -> None:
        stage_rows[0] += 1
        stage(self, *args)

    monkeypatch.setattr(TallyBuilder, "stage", counted)
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", seen)
    try:
        found = store.tallies()
    finally:
        event.remove(store.engine, "before_cursor_execute", seen)
    scores = sum(len(r.stage_scores) for _, r in plain)
    assert sum(t.conversations for t in found.values()) == len(plain) == 400
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 3
    assert 0 < stage_rows[0] < scores / 2, f"{stage_rows[0]} rows for {scores} stage scores"


def analysed_overall(analysed: list[tuple[Conversation, ConversationResult]], conv: Conversation) -> float:
    """The overall score the analysis gave the conversation ``conv`` was made of (by its turns)."""
    return next(r.overall for c, r in analysed if c.turns == conv.turns)
