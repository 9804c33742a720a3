"""Saving and reading conversations: exact round trips, idempotent upserts, deletes."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from servio.model import ContactType, Language, Speaker, Turn
from servio.store import ConversationFilter, Store, StoreError
from tests.store.helpers import EE, analyse, conversation


def test_a_saved_conversation_comes_back_equal(store: Store) -> None:
    conv = conversation(1, source="crm", tags=["a", "b"], nested={"k": 1})
    result = analyse(conv)
    assert store.save_result(conv, result) == "new"
    got = store.get_conversation("c1")
    assert got is not None
    back, back_result = got
    assert back == conv
    assert back_result == result
    assert back.started_at is not None and back.started_at.utcoffset() == EE.utcoffset(None)


def test_naive_times_gold_stages_and_turn_languages_survive(store: Store) -> None:
    base = conversation(2)
    turns = list(base.turns)
    turns[0] = replace(turns[0], timestamp=datetime(2026, 1, 5, 8, 30), stages=frozenset({1, 2}),
                       language=Language.EN)
    turns[1] = replace(turns[1], timestamp=None, stages=frozenset(), author="Mari")
    conv = replace(base, turns=tuple(turns), started_at=datetime(2026, 1, 5, 8, 30),
                   contact_type=ContactType.COMPLAINT)
    store.save_result(conv, analyse(conv))
    back, result = store.get_conversation("c2") or (None, None)
    assert back == conv
    assert result is not None and result.contact_type == "complaint"
    assert back.turns[0].timestamp == datetime(2026, 1, 5, 8, 30)  # still naive


def test_saving_the_same_content_again_changes_nothing(store: Store) -> None:
    conv = conversation(3)
    store.save_result(conv, analyse(conv))
    before = store.get_summary("c3")
    calls = []
    outcomes = store.save_results([conv], lambda c: calls.append(c) or analyse(c))
    assert outcomes == ["unchanged"]
    assert calls == []  # not analysed again
    assert store.get_summary("c3") == before


def test_changed_content_is_updated(store: Store) -> None:
    conv = conversation(4)
    store.save_result(conv, analyse(conv))
    first = store.get_summary("c4")
    shorter = conversation(4, turns=3)
    assert store.save_result(shorter, analyse(shorter)) == "updated"
    back, result = store.get_conversation("c4") or (None, None)
    assert back == shorter and result == analyse(shorter)
    summary = store.get_summary("c4")
    assert summary is not None and first is not None
    assert summary.turns == 3 and summary.imported_at == first.imported_at
    assert summary.updated_at >= first.updated_at


def test_another_tagger_counts_as_a_change(store: Store) -> None:
    conv = conversation(5)
    store.save_result(conv, analyse(conv), tagger="rules")
    assert store.save_result(conv, analyse(conv), tagger="other") == "updated"
    assert store.save_result(conv, analyse(conv), tagger="other") == "unchanged"


def test_a_batch_reports_each_outcome(store: Store) -> None:
    a, b = conversation(6), conversation(7)
    store.save_result(a, analyse(a))
    changed = conversation(6, extra="Also the wifi.")
    outcomes = store.save_results([changed, b, conversation(8)],
                                  lambda c: None if c.id == "c8" else analyse(c))
    assert outcomes == ["updated", "new", "failed"]
    assert store.get_conversation("c8") is None


def test_a_batch_with_a_repeated_id_is_refused(store: Store) -> None:
    conv = conversation(9)
    with pytest.raises(StoreError):
        store.save_results([conv, conv], analyse)


def test_a_result_of_another_conversation_is_refused(store: Store) -> None:
    with pytest.raises(StoreError):
        store.save_result(conversation(1), analyse(conversation(2)))


def test_a_failing_batch_stores_nothing(store: Store) -> None:
    good = conversation(10)

    def broken(conv):
        result = analyse(conv)
        return replace(result, stage_scores=result.stage_scores + result.stage_scores)  # duplicate keys

    with pytest.raises(Exception):  # noqa: B017 - the database's IntegrityError, whichever driver
        store.save_results([good, conversation(11)], lambda c: analyse(c) if c.id == "c10" else broken(c))
    assert store.get_conversation("c10") is None
    assert store.list_conversations().total == 0


def test_delete_removes_everything_of_a_conversation(store: Store) -> None:
    conv = conversation(12)
    store.save_result(conv, analyse(conv))
    store.correct_turn("c12", 0, [1], "mari")
    assert store.delete_conversation("c12") is True
    assert store.delete_conversation("c12") is False
    assert store.get_conversation("c12") is None
    assert store.corrections("c12") == []
    from sqlalchemy import func, select

    from servio.store.schema import StageScoreRow, StageTagRow, TurnRow

    with store.engine.connect() as conn:
        for model in (TurnRow, StageTagRow, StageScoreRow):
            assert conn.scalar(select(func.count()).select_from(model)) == 0


def test_agents_and_teams_are_recorded(store: Store) -> None:
    for n, (agent, team) in enumerate([("kati", "Tallinn"), ("tom", "Online"), ("kati", "Tartu")]):
        conv = conversation(20 + n, agent=agent, team=team)
        store.save_result(conv, analyse(conv))
    agents = {a.id: a for a in store.agents()}
    assert agents["kati"].conversations == 2 and agents["kati"].team == "Tartu"
    assert agents["tom"].team == "Online"
    assert {t.id: t.conversations for t in store.teams()} == {"Online": 1, "Tallinn": 1, "Tartu": 1}


def test_text_is_stored_as_given(store: Store) -> None:
    text = "Jõudsin koju 🙂 — \"quotes\", 'apostrophes', tabs\tand\nnew lines; 100% ☕"
    conv = replace(conversation(30), turns=(Turn(Speaker.CUSTOMER, text),) + conversation(30).turns[1:])
    store.save_result(conv, analyse(conv))
    back, _ = store.get_conversation("c30") or (None, None)
    assert back is not None and back.turns[0].text == text


def test_nul_characters_are_stored_as_replacement_characters(store: Store) -> None:
    turns = list(conversation(31).turns)
    turns[1] = replace(turns[1], text="broken \x00 export", author="a\x00b")
    conv = replace(conversation(31), turns=tuple(turns), metadata={"note": "x\x00y"})
    assert store.save_result(conv, analyse(conv)) == "new"
    back, _ = store.get_conversation("c31") or (None, None)
    assert back is not None
    assert back.turns[1].text == "broken \ufffd export" and back.turns[1].author == "a\ufffdb"
    assert back.metadata["note"] == "x\x00y"  # JSON holds it as \u0000
    assert store.save_result(conv, analyse(conv)) == "unchanged"


def test_lookups_and_filters_holding_nul_find_what_was_stored_under_its_replacement(store: Store) -> None:
    conv = replace(conversation(32, agent="a\x00b", team="t\x00"), id="c\x0032")
    store.save_result(conv, analyse(conv))
    found = store.get_conversation("c\x0032")
    assert found is not None and found[0].id == "c\ufffd32"
    page = store.list_conversations(ConversationFilter(agent_id="a\x00b", team="t\x00"))
    assert [s.id for s in page.items] == ["c\ufffd32"]
    assert store.profile("agent", "a\x00b") is not None


def test_conversations_are_deleted_together_with_everything_about_them(store: Store) -> None:
    convs = [conversation(n) for n in (20, 21, 22)]
    for conv in convs:
        store.save_result(conv, analyse(conv))
    store.correct_turn("c21", 0, [1], "mari")
    assert store.delete_conversations(["c20", "c21", "c21", "nope"]) == 2
    assert [s.id for s in store.list_conversations().items] == ["c22"]
    assert store.corrections("c21") == []
    assert store.delete_conversations([]) == 0


def test_a_retention_period_finds_what_started_before_it_or_was_imported_before_it(store: Store) -> None:
    from dataclasses import replace
    from datetime import UTC, date, datetime

    old = conversation(30, started=datetime(2024, 5, 1, 12, 0, tzinfo=UTC))
    new = conversation(31, started=datetime(2026, 5, 1, 12, 0, tzinfo=UTC))
    unknown = replace(conversation(32), started_at=None)
    for conv in (old, new, unknown):
        store.save_result(conv, analyse(conv))
    assert store.started_before(date(2025, 1, 1)) == ["c30"]
    # without a start time, the import time counts: imported just now, so kept until a cut-off after now
    assert store.started_before(datetime(2099, 1, 1)) == ["c30", "c31", "c32"]
    assert store.started_before(datetime(2024, 5, 1, 12, 0)) == []  # naive means UTC; "before" is strict
