"""Reviewer corrections: re-scoring, the audit trail, survival across re-imports, the export format."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from servio.evaluate import evaluate
from servio.results import TaggedConversation
from servio.store import NotFound, Store, StoreError
from tests.store.helpers import analyse, conversation


@pytest.fixture
def saved(store: Store) -> Store:
    conv = conversation(1, turns=3)  # greeting, problem, needs question: no goodbye
    store.save_result(conv, analyse(conv))
    return store


def test_a_correction_rescores_the_conversation(saved: Store) -> None:
    conv, before = saved.get_conversation("c1") or (None, None)
    assert conv is not None and before is not None
    assert 7 not in before.turns[2].stages
    after = saved.correct_turn("c1", 2, [3, 7], "mari")
    assert after.turns[2].stages == {3, 7}
    assert after.score_of(7).present and not before.score_of(7).present
    turns = list(before.turns)
    turns[2] = after.turns[2]
    expected = evaluate(TaggedConversation(conv, tuple(turns)), contact_type=conv.contact_type)
    assert after.stage_scores == expected.stage_scores and after.overall == expected.overall
    stored = saved.get_conversation("c1")
    assert stored is not None and stored[1] == after
    assert after.turns[2].tags[0].evidence[0].kind == "reviewer"
    assert after.turns[2].tags[0].confidence == 1.0


def test_each_correction_is_an_audit_record(saved: Store) -> None:
    user, _token = saved.create_user("mari", "reviewer")
    before = (saved.get_conversation("c1") or (None, None))[1]
    assert before is not None
    first = saved.correct_turn("c1", 2, [3, 7], user)
    saved.correct_turn("c1", 0, [], "juhan")
    records = saved.corrections("c1")
    assert [r.turn_index for r in records] == [0, 2]  # newest first
    older = records[1]
    assert older.user_id == user.id and older.user_name == "mari"
    assert older.before == tuple(sorted(before.turns[2].stages)) and older.after == (3, 7)
    assert older.overall_before == before.overall and older.overall_after == first.overall
    assert records[0].user_id is None and records[0].after == ()
    assert saved.get_summary("c1").corrected  # type: ignore[union-attr]
    assert saved.corrections() == records


@pytest.mark.parametrize("index,stages", [(3, [1]), (-1, [1]), (0, [0]), (0, [8]), (0, ["3"]), (0, [True])])
def test_bad_turns_and_stages_are_refused(saved: Store, index: int, stages: list) -> None:
    with pytest.raises(StoreError):
        saved.correct_turn("c1", index, stages, "mari")
    assert saved.corrections() == []


def test_an_unknown_conversation_is_not_found(saved: Store) -> None:
    with pytest.raises(NotFound):
        saved.correct_turn("nope", 0, [1], "mari")


def test_corrections_survive_reimports_while_their_turn_is_unchanged(saved: Store) -> None:
    saved.correct_turn("c1", 2, [3, 7], "mari")
    same = conversation(1, turns=3)
    assert saved.save_result(same, analyse(same)) == "unchanged"
    changed_elsewhere = conversation(1, turns=3, extra="It is the white router.")  # turn 1 changes
    assert saved.save_result(changed_elsewhere, analyse(changed_elsewhere)) == "updated"
    result = (saved.get_conversation("c1") or (None, None))[1]
    assert result is not None and result.turns[2].stages == {3, 7} and result.score_of(7).present
    turns = list(changed_elsewhere.turns)
    turns[2] = replace(turns[2], text="Which devices lose the connection?")
    changed_turn = replace(changed_elsewhere, turns=tuple(turns))
    saved.save_result(changed_turn, analyse(changed_turn))
    result = (saved.get_conversation("c1") or (None, None))[1]
    assert result == analyse(changed_turn)  # the correction no longer applies
    assert len(saved.corrections("c1")) == 1  # but its record stays


def test_corrected_says_whether_a_correction_is_still_in_force(saved: Store) -> None:
    """D20: 'corrected' stayed true after a re-import changed the corrected turn (stages the tagger's)."""
    from servio.store import ConversationFilter

    saved.correct_turn("c1", 2, [3, 7], "mari")
    changed_elsewhere = conversation(1, turns=3, extra="It is the white router.")  # turn 1, not 2
    saved.save_result(changed_elsewhere, analyse(changed_elsewhere))
    summary = saved.get_summary("c1")
    assert summary is not None and summary.corrected
    assert (saved.get_reviewed("c1") or (None, None, None))[2] == {2}
    turns = list(changed_elsewhere.turns)
    turns[2] = replace(turns[2], text="Which devices lose the connection?")
    changed_turn = replace(changed_elsewhere, turns=tuple(turns))
    saved.save_result(changed_turn, analyse(changed_turn))
    summary = saved.get_summary("c1")
    assert summary is not None and not summary.corrected
    assert [s.corrected for s in saved.list_conversations(ConversationFilter()).items] == [False]
    assert (saved.get_reviewed("c1") or (None, None, None))[2] == frozenset()
    assert len(saved.corrections("c1")) == 1  # the audit trail keeps it


def test_export_uses_corrected_stages_where_corrected(saved: Store) -> None:
    other = conversation(2)
    saved.save_result(other, analyse(other))
    saved.correct_turn("c1", 2, [3, 7], "mari")
    records = list(saved.corrections_export())
    assert [r["id"] for r in records] == ["c1"]
    record = records[0]
    tagger = analyse(conversation(1, turns=3))
    assert [t["stages"] for t in record["turns"]] == [
        sorted(tagger.turns[0].stages), sorted(tagger.turns[1].stages), [3, 7]]
    assert record["corrected_turns"] == [2]
    assert record["language"] == "en" and record["agent_id"] == "kati"
    assert {t["speaker"] for t in record["turns"]} == {"agent", "customer"}
    json.dumps(record)
    assert [r["id"] for r in saved.corrections_export(everything=True)] == ["c1", "c2"]


def test_the_export_reads_back_as_labelled_conversations(saved: Store, tmp_path) -> None:
    from servio.ingest import read_all

    saved.correct_turn("c1", 2, [3, 7], "mari")
    path = tmp_path / "corrections.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in saved.corrections_export()),
                    encoding="utf-8")
    convs, report = read_all(path)
    assert report.skipped == 0
    assert [t.stages for t in convs[0].turns][2] == frozenset({3, 7})
