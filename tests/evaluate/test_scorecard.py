"""The scorecard file: default weights per contact type, organisation overrides, validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from servio.evaluate import ScorecardError, evaluate, load_scorecard, register_check
from servio.evaluate.feedback import texts
from servio.evaluate.scorecard import default_scorecard
from servio.stages import Stage
from tests.evaluate.build import EN_GOOD, ET_GOOD, ET_WEAK, A, C, convo


def test_default_scorecard_has_every_contact_type_and_stage() -> None:
    card = load_scorecard()
    assert card is default_scorecard()
    for ctype in ("support", "sales", "complaint", "information"):
        assert set(card.weights[ctype]) == {int(s) for s in Stage}


def test_values_weigh_more_in_sales_than_in_support_and_not_at_all_for_information() -> None:
    card = load_scorecard()
    assert card.weight("sales", Stage.VALUES) > card.weight("support", Stage.VALUES) > 0
    assert card.weight("information", Stage.VALUES) == 0


def test_values_not_applicable_for_information_and_left_out_of_the_overall() -> None:
    as_info = evaluate(ET_GOOD, contact_type="information")
    values = as_info.score_of(Stage.VALUES)
    assert values.weight == 0
    card = load_scorecard()
    applicable = [s for s in as_info.stage_scores if s.weight > 0]
    expected = sum(s.weight * s.score for s in applicable) / sum(s.weight for s in applicable)
    assert as_info.overall == pytest.approx(expected)
    assert {f.stage for f in as_info.feedback}.isdisjoint({int(Stage.VALUES)})
    assert card.weight("information", Stage.SOLUTION) == as_info.score_of(Stage.SOLUTION).weight


def test_the_same_conversation_scores_differently_per_contact_type() -> None:
    weak = convo((A, {1, 2}, "Tere! Kuidas saan aidata?"), (C, {3}, "Kas teil on 40-liitrist matkakotti?"),
                 (A, {6}, "On, Trek 40 maksab 89 €."), (C, {7}, "Aitäh"), (A, {7}, "Aitäh, head päeva!"))
    sales, info = evaluate(weak, contact_type="sales"), evaluate(weak, contact_type="information")
    assert sales.score_of(Stage.VALUES).weight > 0 and info.score_of(Stage.VALUES).weight == 0
    assert info.overall > sales.overall


CUSTOM = """
extends = "default"
name = "Rattapood"

[weights.support]
solution = 4.0

[[check]]
id = "self_introduction"
enabled = false

[[check]]
id = "mentions_warranty"
use = "agent_says"
stage = "solution"
weight = 2.0
params = { group = "warranty", scope = "from_solution" }
contact_types = ["sales"]

[check.feedback.et]
improve = "Maini garantiid: kliendile annab see kindlust."
praise = "Mainisid garantiid – tore!"

[cues.et]
warranty = ["garantii*"]
thanks = ["suur tänu"]
"""


@pytest.fixture()
def custom(tmp_path: Path) -> Path:
    path = tmp_path / "scorecard.toml"
    path.write_text(CUSTOM, "utf-8")
    return path


def test_custom_file_overrides_a_weight_and_keeps_the_rest(custom: Path) -> None:
    card = load_scorecard(custom)
    assert card.name == "Rattapood"
    assert card.weight("support", Stage.SOLUTION) == 4.0
    assert card.weight("support", Stage.NEEDS) == default_scorecard().weight("support", Stage.NEEDS)
    assert card.source == str(custom)


def test_an_unnamed_card_that_extends_is_named_after_its_base_and_its_file(tmp_path: Path) -> None:
    """D16: it was announced as 'servio default' although it scores otherwise."""
    first = tmp_path / "sc2b.toml"
    first.write_text('extends = "default"\n[[check]]\nid = "thanks"\nenabled = false\n', "utf-8")
    card = load_scorecard(first)
    assert card.name == "servio default + sc2b.toml" and card.check("thanks").enabled is False
    second = tmp_path / "more.toml"
    second.write_text('extends = "sc2b.toml"\n', "utf-8")
    assert load_scorecard(second).name == "servio default + sc2b.toml + more.toml"
    named = tmp_path / "named.toml"
    named.write_text('extends = "sc2b.toml"\nname = "Oma"\n', "utf-8")
    assert load_scorecard(named).name == "Oma"
    assert load_scorecard(second).digest == card.digest  # the name is not what scores


def test_a_card_with_no_weights_is_told_about_extends(tmp_path: Path) -> None:
    path = tmp_path / "sc2.toml"
    path.write_text('[[check]]\nid = "mentions_warranty"\nuse = "agent_says"\nstage = "solution"\n'
                    'params = { group = "warranty" }\n[cues.en]\nwarranty = ["warranty"]\n', "utf-8")
    with pytest.raises(ScorecardError, match=r'\[weights.support\] is missing .*extends = "default"'):
        load_scorecard(path)
    partial = tmp_path / "partial.toml"
    partial.write_text("[weights.sales]\nattunement = 1\n", "utf-8")
    with pytest.raises(ScorecardError) as caught:  # a file that has weights meant to be whole: no hint
        load_scorecard(partial)
    assert "extends" not in str(caught.value)


def test_custom_file_disables_a_check(custom: Path) -> None:
    card = load_scorecard(custom)
    assert card.check("self_introduction").enabled is False
    ids = {c.id for c in evaluate(ET_GOOD, scorecard=card).score_of(Stage.ATTUNEMENT).checks}
    assert "self_introduction" not in ids
    assert "self_introduction" in {c.id for c in evaluate(ET_GOOD).score_of(Stage.ATTUNEMENT).checks}


def test_custom_data_only_check_with_its_own_cues_and_texts(custom: Path) -> None:
    card = load_scorecard(custom)
    result = evaluate(ET_GOOD, scorecard=card)
    warranty = next(c for c in result.score_of(Stage.SOLUTION).checks if c.id == "mentions_warranty")
    assert warranty.passed is False and warranty.weight == 2.0
    assert result.score_of(Stage.SOLUTION).score < evaluate(ET_GOOD).score_of(Stage.SOLUTION).score
    assert "Maini garantiid: kliendile annab see kindlust." in [f.text for f in result.feedback]
    # a check limited to sales does not run for support
    support = evaluate(ET_GOOD, contact_type="support", scorecard=card)
    assert "mentions_warranty" not in {c.id for c in support.score_of(Stage.SOLUTION).checks}
    # cue lists are extended, not replaced
    assert "aitäh" in card.cues.cues("thanks", "et") and "suur tänu" in card.cues.cues("thanks", "et")


def test_a_third_party_check_registered_by_name(tmp_path: Path) -> None:
    @register_check("test_mentions_ticket")
    def mentions_ticket(view, params):  # type: ignore[no-untyped-def]
        hit = next((i for i in view.agent if "ticket" in view.texts[i]), None)
        return hit is not None, hit

    path = tmp_path / "card.toml"
    path.write_text('extends = "default"\n[[check]]\nid = "test_mentions_ticket"\nstage = 6\n', "utf-8")
    result = evaluate(EN_GOOD, scorecard=load_scorecard(path))
    check = next(c for c in result.score_of(6).checks if c.id == "test_mentions_ticket")
    assert (check.passed, check.turn) == (False, None)
    with pytest.raises(ValueError, match="already registered"):
        register_check("test_mentions_ticket")(mentions_ticket)


def test_extends_a_file_relative_to_itself(tmp_path: Path, custom: Path) -> None:
    (tmp_path / "child.toml").write_text('extends = "scorecard.toml"\n[weights.sales]\nvalues = 3\n', "utf-8")
    card = load_scorecard(tmp_path / "child.toml")
    assert card.weight("sales", Stage.VALUES) == 3.0
    assert card.weight("support", Stage.SOLUTION) == 4.0


@pytest.mark.parametrize("text,message", [
    ("[weights.support]\nattunement = 1\n", "lacks interest"),
    ('extends = "default"\n[weights.support]\nvalues = -1\n', ">= 0"),
    ('extends = "default"\n[weights.support]\nempathy = 1\n', "unknown stage"),
    ('extends = "default"\n[weights.retail]\nvalues = 1\n', "unknown contact types"),
    ('extends = "default"\n[[check]]\nid = "x"\nstage = 1\nuse = "no_such_check"\n', "unknown check"),
    ('extends = "default"\n[[check]]\nid = "y"\nstage = 9\n', "unknown stage"),
    ('extends = "default"\n[[check]]\nid = "thanks"\nweigth = 2\n', "unknown keys"),
    ('extends = "default"\n[[check]]\nid = "thanks"\ncontact_types = ["retail"]\n', "contact types"),
    ('extends = "default"\n[cues.fi]\nthanks = ["kiitos"]\n', "cue tables"),
    ('extends = "default"\n[cues.et]\nthanks = ["re:(unclosed"]\n', "not a valid pattern"),
    ('extends = "default"\nscore = 1\n', "unknown keys"),
    ('extends = "default"\n[[check]]\nid = "thanks"\ncoach_when_missing = "yes"\n',
     r"check 'thanks'.coach_when_missing must be true or false"),
    ("this is = not toml [", "cannot read"),
])
def test_invalid_files_are_refused_with_the_reason(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(ScorecardError, match=message) as info:
        load_scorecard(path)
    assert str(path) in str(info.value) or "cue" in message or "valid pattern" in message


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ScorecardError, match="cannot read"):
        load_scorecard(tmp_path / "nope.toml")


def test_disabled_check_changes_the_stage_score(tmp_path: Path) -> None:
    path = tmp_path / "card.toml"
    path.write_text('extends = "default"\n[[check]]\nid = "no_solution_first_turn"\nenabled = false\n',
                    "utf-8")
    default = evaluate(ET_WEAK).score_of(Stage.NEEDS)
    assert not default.present and default.score == 0
    weak_needs = convo((C, {3}, "Arve on vale."),
                       (A, {3, 6}, "Kas sain õigesti aru, et summa on topelt? Parandasin selle."))
    before = evaluate(weak_needs).score_of(Stage.NEEDS).score
    after = evaluate(weak_needs, scorecard=load_scorecard(path)).score_of(Stage.NEEDS).score
    assert before == pytest.approx(100 * 0.75 / 2.5)  # paraphrase passes; open question and first turn fail
    assert after == pytest.approx(100 * 0.75 / 1.75)


def test_a_check_coached_when_its_stage_is_missing_can_be_switched_off(tmp_path: Path) -> None:
    """m8: a curt tone is coached with a missing attunement by default; a card can say it should not be."""
    from tests.evaluate.build import ET_WEAK

    curt = texts("et")["check"]["tone_not_curt"]["improve"]
    assert load_scorecard().check("tone_not_curt").coach_when_missing
    assert any(f.text == curt for f in evaluate(ET_WEAK).feedback)
    path = tmp_path / "quiet.toml"
    path.write_text('extends = "default"\n[[check]]\nid = "tone_not_curt"\ncoach_when_missing = false\n',
                    "utf-8")
    card = load_scorecard(path)
    assert not card.check("tone_not_curt").coach_when_missing
    assert not any(f.text == curt for f in evaluate(ET_WEAK, scorecard=card).feedback)
