"""Agent and team profiles from the store equal those computed from the results directly."""

from __future__ import annotations

from datetime import date

from servio.evaluate.profiles import profile, profiles
from servio.store import Store
from tests.store.helpers import analyse, conversation


def _fill(store: Store) -> list:
    convs = [conversation(1, agent="kati"), conversation(2, agent="kati", turns=3),
             conversation(3, agent="kati", language="et"), conversation(4, agent="tom", team="Online"),
             conversation(5, agent="tom", team="Online", turns=4)]
    store.save_results(convs, analyse)
    return [analyse(c) for c in convs]


def test_an_agent_profile_matches_the_evaluate_profile(store: Store) -> None:
    results = _fill(store)
    got = store.profile("agent", "kati", language="en")
    expected = profile(results[:3], kind="agent", id="kati", language="en")
    assert got is not None
    assert got.to_dict() == expected.to_dict()


def test_a_period_narrows_the_profile(store: Store) -> None:
    results = _fill(store)
    got = store.profile("agent", "kati", date(2026, 3, 3), date(2026, 3, 4), language="en")
    assert got is not None and got.conversation_ids == ("c2", "c3")
    assert got.to_dict() == profile(results[1:3], kind="agent", id="kati", language="en").to_dict()
    assert store.profile("agent", "kati", date(2027, 1, 1)) is None
    assert store.profile("agent", "nobody") is None


def test_team_profiles_of_everyone(store: Store) -> None:
    results = _fill(store)
    got = store.profiles("team", language="en")
    expected = profiles(results, by="team", language="en")
    assert [p.to_dict() for p in got] == [p.to_dict() for p in expected]
    assert store.profile("team", "Online", language="en") == expected[0]


def test_conversations_without_an_agent_are_the_unknown_profile(store: Store) -> None:
    conv = conversation(9, agent="x")
    from dataclasses import replace

    conv = replace(conv, agent_id=None)
    store.save_result(conv, analyse(conv))
    got = store.profile("agent", "(unknown)")
    assert got is not None and got.conversation_ids == ("c9",)


def test_results_by_filter_are_the_stored_results_without_texts(store: Store) -> None:
    from servio.store.types import ConversationFilter

    results = _fill(store)
    got = store.results(ConversationFilter(agent_id="tom", limit=1))  # paging does not cut the results
    assert [r.conversation_id for r in got] == ["c4", "c5"]
    assert [r.to_dict()["overall"] for r in got] == [r.to_dict()["overall"] for r in results[3:]]
    assert [r.conversation_id for r in store.results()] == ["c1", "c2", "c3", "c4", "c5"]
    assert store.results(ConversationFilter(team="nobody")) == []
