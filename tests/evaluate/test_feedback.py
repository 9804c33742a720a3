"""Coaching feedback: the conversation's language, the right turn, praise first, by importance."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from servio.evaluate import evaluate, load_scorecard
from servio.evaluate.feedback import check_text, texts
from servio.evaluate.registry import registered_checks, registered_patterns
from servio.stages import Stage
from tests.evaluate.build import EN_GOOD, EN_WEAK, ET_GOOD, ET_WEAK, A, C, convo


def test_estonian_conversation_gets_estonian_coaching() -> None:
    fb = evaluate(ET_WEAK).feedback
    et = texts("et")
    known = {v for table in ("check", "stage") for entry in et[table].values() for v in entry.values()}
    assert fb and all(item.text in known for item in fb)
    assert any("tervitusega" in item.text for item in fb)


def test_english_conversation_gets_english_coaching() -> None:
    fb = evaluate(EN_WEAK).feedback
    en = texts("en")
    known = {v for table in ("check", "stage") for entry in en[table].values() for v in entry.values()}
    assert fb and all(item.text in known for item in fb)


def test_improvement_points_at_the_turn_where_it_shows() -> None:
    fb = evaluate(EN_WEAK).feedback
    acceptance = next(f for f in fb if f.text == texts("en")["check"]["acceptance_sought"]["improve"])
    assert (acceptance.kind, acceptance.stage, acceptance.turn) == ("improve", Stage.SOLUTION, 3)
    wanted = texts("en")["check"]["open_question_before_solution"]["improve"]
    question = next(f for f in fb if f.text == wanted)
    assert question.turn == 3


def test_missing_stage_points_at_the_stage_not_a_turn() -> None:
    fb = evaluate(ET_WEAK).feedback
    missing = [f for f in fb if f.kind == "missing"]
    assert missing and all(f.turn is None for f in missing)
    assert any(f.stage == Stage.ATTUNEMENT and f.text == texts("et")["stage"]["attunement"]["missing"]
               for f in missing)


def test_missing_stage_replaces_its_check_items() -> None:
    fb = evaluate(ET_WEAK).feedback
    assert not [f for f in fb if f.stage == Stage.ATTUNEMENT and f.kind == "improve"]


def test_praise_for_good_work_at_most_two_and_pointing_at_a_turn() -> None:
    fb = evaluate(ET_GOOD).feedback
    praise = [f for f in fb if f.kind == "praise"]
    assert len(praise) == 2 and fb[:2] == tuple(praise)
    assert all(f.turn is not None for f in praise)
    # the heaviest stages of a sales contact come first: needs and values (1.5 each), then solution
    assert [f.stage for f in praise] == [Stage.NEEDS, Stage.VALUES]
    assert praise[0].text == texts("et")["check"]["open_question_before_solution"]["praise"]
    assert praise[0].turn == 2


def test_no_praise_for_a_weak_conversation() -> None:
    assert not [f for f in evaluate(ET_WEAK).feedback if f.kind == "praise"]


def test_improvements_ordered_by_weight_times_gap() -> None:
    result = evaluate(ET_WEAK)
    card = load_scorecard()
    items = [f for f in result.feedback if f.kind != "praise"]

    def importance(item):  # type: ignore[no-untyped-def]
        stage = result.score_of(item.stage)
        if item.kind == "missing":
            return stage.weight
        check = next(c for c in stage.checks if c.turn == item.turn and not c.passed
                     and check_text(card, c.id, "improve", "et") == item.text)
        return stage.weight * check.weight / sum(c.weight for c in stage.checks)

    values = [importance(f) for f in items]
    assert values == sorted(values, reverse=True)
    assert items[0].stage == Stage.NEEDS  # the heaviest missing stage of a support contact after the solution
    assert len(items) <= card.feedback.max_improve


def test_not_applicable_stage_gets_no_feedback() -> None:
    tagged = convo((C, {3}, "Mis kell te pühapäeval avatud olete?"), (A, {6}, "Pühapäeval 10–16."))
    fb = evaluate(tagged, contact_type="information").feedback
    assert Stage.VALUES not in {f.stage for f in fb}


@pytest.mark.parametrize("language", ["et", "en"])
def test_every_check_stage_and_pattern_has_texts(language: str) -> None:
    t = texts(language)
    card = load_scorecard()
    for spec in card.checks:
        assert set(t["check"][spec.id]) == {"improve", "praise"}, spec.id
    for stage in Stage:
        assert set(t["stage"][stage.name.lower()]) == {"missing", "improve", "praise"}
    for entry in registered_patterns():
        assert t["pattern"][entry.id]["name"]
    assert "agent_says" in registered_checks()


def test_both_languages_have_the_same_keys() -> None:
    def keys(lang: str) -> set[str]:
        path = resources.files("servio.data").joinpath("feedback", f"{lang}.toml")
        raw = tomllib.loads(path.read_text("utf-8"))
        return {f"{a}.{b}.{c}" for a, table in raw.items() for b, entry in table.items()
                for c in (entry if isinstance(entry, dict) else [""])}

    assert keys("et") == keys("en")


def test_unknown_language_falls_back_to_english() -> None:
    assert texts("fi") is texts("en")
    assert EN_GOOD.conversation.language == "en"
