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
    own = {check_text(load_scorecard(), c, "improve", "et")
           for c in ("greeting_first_turn", "self_introduction")}
    assert not [f for f in fb if f.stage == Stage.ATTUNEMENT and f.kind == "improve" and f.text in own]


def test_a_check_the_missing_advice_does_not_cover_is_coached_with_it() -> None:
    """No greeting at all, and a curt reply: "start with a greeting" does not say "soften the tone"."""
    fb = evaluate(ET_WEAK).feedback
    attunement = [f for f in fb if f.stage == Stage.ATTUNEMENT]
    assert [f.kind for f in attunement] == ["missing", "improve"]
    assert attunement[1].text == texts("et")["check"]["tone_not_curt"]["improve"]
    assert attunement[1].turn == 3  # "Vahetust ei tee."
    assert fb.index(attunement[1]) == fb.index(attunement[0]) + 1
    assert len([f for f in fb if f.kind != "praise"]) <= load_scorecard().feedback.max_improve


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
        if item.kind == "missing" or not stage.present:  # a check coached with its missing stage
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


def test_no_praise_for_a_turn_a_failure_pattern_names() -> None:
    """A premature pitch: "solution before needs" at turn 1 is not also praised as a concrete solution,
    and the solution stage no longer scores full marks."""
    pitch = convo(
        (C, {3}, "Tere, tahaksin uut telefoni järelmaksuga."),
        (A, {1, 6}, "Tere, soovitan iPhone 16, see maksab 39 eurot kuus 24 kuu jooksul. Kas vormistame?"),
        (C, {3}, "Ma ei tea, see tundub kallis. Mul on vaja lihtsalt head kaamerat."),
        (A, {6}, "iPhone 16-l on väga hea kaamera. Kas vormistan tellimuse?"),
        (C, {7}, "Mõtlen veel."), (A, {7}, "Selge, aitäh ja head aega!"),
        contact_type="sales")
    result = evaluate(pitch)
    named = {f.turn for f in result.failures}
    assert 1 in named
    assert not [f for f in result.feedback if f.kind == "praise" and f.turn in named]
    solution = result.score_of(Stage.SOLUTION)
    assert solution.score < load_scorecard().feedback.praise_min_score
    tied = texts("et")["check"]["solution_tied_to_need"]["improve"]
    assert any(f.text == tied and f.turn == 1 for f in result.feedback)


def test_a_stage_whose_every_turn_is_named_gets_no_praise_but_another_may() -> None:
    result = evaluate(ET_GOOD)
    card = load_scorecard()
    from servio.evaluate.feedback import coach

    flagged = {t for s in result.stage_scores if s.stage == Stage.NEEDS for t in s.turns}
    fb = coach(result.stage_scores, "et", card, flagged=flagged)
    praise = [f for f in fb if f.kind == "praise"]
    assert praise and all(f.turn not in flagged for f in praise)
    assert Stage.NEEDS not in {f.stage for f in praise}


def test_an_unacknowledged_wait_is_coached_once_interest_drops_out() -> None:
    """The customer opens with a 40-minute wait and the need: interest does not apply, and the coaching
    list has room for the wait (the audit's ootamine-1)."""
    tagged = convo(
        (C, {1, 3}, "Tere, ootasin järjekorras 40 minutit! Mu internet on kolm päeva maas olnud."),
        (A, {1, 3}, "Tere, mina olen Mari. Mis aadressil teil internet ei tööta?"),
        (C, {3}, "Tamme 5, Tartu."),
        (A, {6}, "Nagu juba öeldud, on seal piirkonnas rike. Parandus valmib homme kella 12-ks."),
        (C, {3}, "Ma ei ole seda kuulnud."),
        (A, {7}, "Kas saan veel aidata? Head aega."),
        contact_type="support")
    result = evaluate(tagged)
    assert result.score_of(Stage.INTEREST).weight == 0
    assert Stage.INTEREST not in {f.stage for f in result.feedback}
    wait = texts("et")["check"]["wait_acknowledged"]["improve"]
    assert any(f.text == wait for f in result.feedback)
