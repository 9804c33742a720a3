"""Failure patterns: each one shown (with its turn) and not shown, in both languages."""

from __future__ import annotations

import pytest

from servio.evaluate import evaluate, load_scorecard
from servio.evaluate.cues import default_cues
from servio.evaluate.patterns import customer_has_choice
from servio.evaluate.registry import registered_patterns
from servio.evaluate.scorecard import scorecard_from_dict
from servio.evaluate.view import View
from tests.evaluate.build import EN_GOOD, EN_WEAK, ET_GOOD, ET_WEAK, A, C, convo

ALL = ["solution_before_needs", "no_close", "no_greeting", "no_introduction", "only_closed_questions",
       "one_option_pushed", "values_never_asked", "agent_vanishes"]


def shown(tagged, contact_type: str | None = None) -> dict[str, int | None]:  # type: ignore[no-untyped-def]
    return {f.id: f.turn for f in evaluate(tagged, contact_type=contact_type).failures}


def test_ids_are_stable_and_in_order() -> None:
    assert [p.id for p in registered_patterns()] == ALL


@pytest.mark.parametrize("tagged", [ET_GOOD, EN_GOOD], ids=["et", "en"])
def test_good_conversations_show_no_pattern(tagged) -> None:  # type: ignore[no-untyped-def]
    assert shown(tagged) == {}


def test_weak_estonian_conversation() -> None:
    assert shown(ET_WEAK) == {"solution_before_needs": 1, "no_greeting": 1, "no_introduction": 1,
                              "agent_vanishes": 4}


def test_weak_english_conversation() -> None:
    assert shown(EN_WEAK) == {"no_close": 3, "no_greeting": 1, "no_introduction": 1,
                              "only_closed_questions": 1}


def test_pattern_texts_in_the_conversation_language() -> None:
    et = {f.id: f.text for f in evaluate(ET_WEAK).failures}
    en = {f.id: f.text for f in evaluate(EN_WEAK).failures}
    assert et["no_greeting"] == "tervitus puudub"
    assert et["solution_before_needs"] == "lahendus enne vajaduse selgitamist"
    assert en["no_greeting"] == "no greeting"
    assert en["only_closed_questions"] == "only closed questions"


def test_solution_before_needs_excused_by_a_complete_need_in_support_only() -> None:
    rows = ((C, {3}, "Hi, my order 5521 arrived with a cracked lid, please send a new lid to the same "
                     "address."),
            (A, {6}, "I've sent a new lid, it arrives tomorrow."))
    assert "solution_before_needs" not in shown(convo(*rows, language="en"), "support")
    assert shown(convo(*rows, language="en"), "sales")["solution_before_needs"] == 1
    assert "solution_before_needs" not in shown(convo(*rows, language="en"), "information")


def test_no_close_needs_clarified_needs() -> None:
    closed = convo((C, {3}, "Arve on vale."), (A, {3}, "Mis summa seal on?"), (C, {3}, "50"),
                   (A, {6, 7}, "Parandasin, aitäh ja head päeva!"))
    assert "no_close" not in shown(closed)
    open_end = convo((C, {3}, "Arve on vale."), (A, {3}, "Mis summa seal on?"), (C, {3}, "50"),
                     (A, {6}, "Parandasin."), (C, {6}, "ok"))
    assert shown(open_end)["no_close"] == 4
    no_needs = convo((C, {3}, "Arve on vale."), (A, {6}, "Parandasin."))
    assert "no_close" not in shown(no_needs)


def test_one_option_pushed_when_there_was_a_choice() -> None:
    pushed = convo((C, {3}, "I'd like a new phone, something cheaper than my old one."),
                   (A, {3}, "What do you use it for?"), (C, {3}, "Calls and photos."),
                   (A, {6}, "Take the Nova 5, it's £199."), language="en")
    assert shown(pushed, "support")["one_option_pushed"] == 3
    offered = convo((C, {3}, "I'd like a new phone, something cheaper."), (A, {3}, "What do you use it for?"),
                    (C, {3}, "Calls."), (A, {5}, "There's the Nova 5 or the Lumo 3."),
                    (A, {6}, "I'd go for the Nova 5, it's £199."), language="en")
    assert "one_option_pushed" not in shown(offered, "support")
    assert "one_option_pushed" not in shown(pushed, "information")


def test_no_option_is_pushed_on_a_customer_who_asked_for_one_remedy_and_got_it() -> None:
    """Audit 20a, F11: a refund exactly as asked was "one option pushed where several exist"."""
    asked = convo((C, {1, 3}, "The café table arrived damaged, the glass top is cracked. "
                              "Can we get a refund?"),
                  (A, {1, 6, 7}, "Sorry! I have issued a full refund of 249 EUR. Anything else we can do?"),
                  language="en")
    result = evaluate(asked, contact_type="complaint")
    assert "one_option_pushed" not in {f.id for f in result.failures}
    assert result.score_of(5).weight == 0 and 5 not in {item.stage for item in result.feedback}
    et = convo((C, {1, 3}, "Pakist on laualambi pirn puudu. Palun saatke puuduv toode."),
               (A, {1, 6}, "Vabandan! Saatsin pirni täna eraldi pakiga, kohal on see homme."))
    assert "one_option_pushed" not in shown(et, "complaint")
    other = convo((C, {1, 3}, "The table arrived damaged. Can we get a refund?"),
                  (A, {1, 6}, "I've sent a replacement table, it arrives on Friday."), language="en")
    assert shown(other, "complaint")["one_option_pushed"] == 1  # not what they asked for
    assert shown(asked, "sales")["one_option_pushed"] == 1  # a sale: asked_remedy_types is support, complaint


def test_values_never_asked_when_the_customer_had_a_choice() -> None:
    rows = [(A, {1, 2}, "Tere! Kuidas saan aidata?"), (C, {3}, "Soovin osta pesumasinat."),
            (A, {3}, "Kui suur on teie pere?"), (C, {3}, "Neli inimest."),
            (A, {6}, "Soovitan Vesto 8 kg masinat, 449 €.")]
    assert shown(convo(*rows), "sales")["values_never_asked"] == 4
    volunteered = rows[:3] + [(C, {3, 4}, "Neli inimest, ja tähtis on vaikne töö.")] + rows[4:]
    assert "values_never_asked" not in shown(convo(*volunteered), "sales")
    asked = rows[:4] + [(A, {4}, "Mis on teile kõige olulisem – hind või vaikne töö?"),
                        (C, {4}, "Vaikne töö."),
                        rows[4]]
    assert "values_never_asked" not in shown(convo(*asked), "sales")


def test_agent_vanishes_also_when_nobody_answers() -> None:
    assert shown(convo((C, {3}, "Kas keegi vastab?"), (C, {3}, "Halloo?"))) == {"agent_vanishes": 0}
    thanked = convo((C, {3}, "Arve on vale."), (A, {6}, "Parandasin."), (C, {7}, "Aitäh!"))
    assert "agent_vanishes" not in shown(thanked)


def test_disabled_patterns_are_not_reported() -> None:
    raw = _default_raw()
    raw["patterns"]["disabled"] = ["no_introduction", "no_greeting"]
    card = scorecard_from_dict(raw)
    ids = {f.id for f in evaluate(ET_WEAK, scorecard=card).failures}
    assert ids == {"solution_before_needs", "agent_vanishes"}


def _default_raw() -> dict:  # type: ignore[type-arg]
    import tomllib
    from importlib import resources

    assert load_scorecard().name == "servio default"
    return tomllib.loads(resources.files("servio.data").joinpath("scorecard.toml").read_text("utf-8"))


@pytest.mark.parametrize(("language", "chaser"), [
    ("en", "Are you still there?"), ("et", "Kas olete veel seal?"),
    ("en", "Does that answer your question?")])
def test_a_chaser_is_no_closed_question_about_the_need(language: str, chaser: str) -> None:
    def ids(*rows):  # type: ignore[no-untyped-def]
        return [f.id for f in evaluate(convo(*rows, language=language), contact_type="support").failures]

    base = [(C, {3}, "My bill is wrong." if language == "en" else "Mu arve on vale."),
            (A, set(), chaser)]
    assert "only_closed_questions" not in ids(*base)
    closed = "Is it the March bill?" if language == "en" else "Kas see on märtsi arve?"
    assert "only_closed_questions" in ids(*base, (A, {3}, closed))


@pytest.mark.parametrize("language,customer,choice", [
    # a report that uses "instead" or "choose" is no request for alternatives (live audit F6)
    ("en", "Oh wait, the invoice is wrong too, it shows 3 items instead of 2.", False),
    ("en", "I can't choose a delivery slot in the app.", False),
    ("et", "Ma ei saa äpis tarneaega valida.", False),
    # a request or a question is
    ("en", "Can I get a refund instead?", True),
    ("en", "I'd rather have store credit instead of a repair.", True),
    ("en", "Which one should I choose?", True),
    ("et", "Aidake mul valida, palun.", True),
    ("et", "Mis valikud mul on?", True),
    ("et", "Ei oska valida kahe vahel.", True),
    ("en", "Help choosing would be great.", True),
])
def test_alternatives_request_is_a_request(language: str, customer: str, choice: bool) -> None:
    tagged = convo((C, {3}, customer), (A, {6}, "..."), language=language, contact_type="support")
    view = View(tagged, cues=default_cues(), language=language, contact_type="support")
    assert customer_has_choice(view, {}) is choice
