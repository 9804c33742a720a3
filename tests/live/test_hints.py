"""Next-stage choice, live warnings and the hint texts (data files)."""

from __future__ import annotations

import itertools

import pytest

from servio.live import SessionInfo, new_session
from servio.live.hints import HintRules, hint_rules, hint_texts, next_stage
from servio.model import ContactType, Language, Speaker, Turn
from servio.stages import ALL_STAGES

A, C = Speaker.AGENT, Speaker.CUSTOMER
FULL = {s: 1.0 for s in range(1, 8)}


def _turns(*speakers: Speaker) -> list[Turn]:
    return [Turn(speaker=s, text="a turn of some words") for s in speakers]


def test_before_the_agent_speaks_the_next_stage_is_attunement() -> None:
    assert next_stage([], [], FULL) == 1
    assert next_stage(_turns(C), [frozenset({1, 3})], FULL) == 1


@pytest.mark.parametrize(
    "agent_stages,expected",
    [
        ({1}, 2),  # greeted: invite the customer to talk
        ({1, 2}, 3),  # invited: clarify needs
        ({2}, 1),  # invited without a greeting: still in the opening, greet
        ({1, 2, 3}, 4),  # needs clarified: values
        ({1, 2, 3, 5}, 4),  # options before values: the values question is still worth asking
        ({1, 2, 3, 4, 5}, 6),
        ({1, 6}, 7),  # a solution is on the table: the goodbye is next (warnings name the gaps)
        ({1, 2, 3, 4, 5, 6, 7}, None),
    ],
)
def test_next_stage_follows_the_agent(agent_stages: set[int], expected: int | None) -> None:
    turns = _turns(A, C)
    assert next_stage(turns, [frozenset(agent_stages), frozenset()], FULL) == expected


def test_stages_below_the_minimum_weight_are_skipped() -> None:
    weights = {**FULL, 4: 0.25}
    assert next_stage(_turns(A), [frozenset({1, 2, 3})], weights) == 5


def test_values_volunteered_by_the_customer_need_no_question() -> None:
    turns = _turns(A, C)
    assert next_stage(turns, [frozenset({1, 2, 3}), frozenset({4})], FULL) == 5


def test_a_customer_goodbye_calls_for_the_goodbye() -> None:
    turns = _turns(A, C)
    assert next_stage(turns, [frozenset({1, 2, 3}), frozenset({7})], FULL) == 7
    # once the agent answers it with a goodbye, nothing is left
    turns = _turns(A, C, A)
    stages = [frozenset({1, 2, 3, 4, 5, 6}), frozenset({7}), frozenset({7})]
    assert next_stage(turns, stages, FULL) is None


def test_rules_are_read_from_data() -> None:
    rules = hint_rules()
    assert isinstance(rules, HintRules)
    assert sorted(s for phase in rules.phases for s in phase) == list(range(1, 8))
    assert 0 < rules.min_weight <= 1


def test_issue_texts_are_the_stage_4_hints() -> None:
    assert hint_texts("et").next[4] == "Küsi, mis on kliendile kõige olulisem"
    assert hint_texts("en").next[4] == "Ask what matters most to the customer"
    assert hint_texts("en").warnings["solution_before_needs"].text == (
        "you offered a solution before the need was clear"
    )


@pytest.mark.parametrize(("lang", "said"), [("et", "pakkusid ainult üht võimalust, kuigi neid on mitu"),
                                           ("en", "you offered one option where several exist")])
def test_the_one_option_warning_says_what_stays_true(lang: str, said: str) -> None:
    """As the premature-pitch warning: it stays on the panel after the agent has moved on, so it says what
    the agent did, not what "is being" done (audit 19a m7, the warning ui19 left)."""
    assert hint_texts(lang).warnings["one_option_pushed"].text == said


def test_both_languages_hold_the_same_entries() -> None:
    et, en = hint_texts("et"), hint_texts("en")
    assert set(et.next) == set(en.next) == {int(s) for s in ALL_STAGES}
    assert set(et.warnings) == set(en.warnings)
    for pid in et.warnings:
        assert et.warnings[pid].after_stage == en.warnings[pid].after_stage
        assert et.warnings[pid].text != en.warnings[pid].text


def test_warnings_name_registered_failure_patterns() -> None:
    from servio.evaluate import registered_patterns

    known = {p.id for p in registered_patterns()}
    assert set(hint_texts("en").warnings) <= known


def test_solution_first_warns_in_the_chat_language() -> None:
    session = new_session("s", "o", SessionInfo(language=Language.EN, contact_type=ContactType.SALES))
    session.add_turn(C, "Hi, I need a new phone plan, mine runs out every month.")
    update = session.add_turn(A, "I recommend our Unlimited 30 plan, I have switched you to it now.")
    assert 6 in update.stages
    ids = [w.id for w in update.warnings]
    assert "solution_before_needs" in ids
    text = next(w.text for w in update.warnings if w.id == "solution_before_needs")
    assert text == "you offered a solution before the need was clear"
    # the warning and the hint agree: back to the need, not on to the goodbye (live audit F1)
    assert update.next_stage == 3
    assert update.hint == hint_texts("en").next[3]


def test_estonian_chat_gets_estonian_hints() -> None:
    session = new_session("s", "o", SessionInfo(contact_type=ContactType.SALES))
    session.add_turn(A, "Tere! Siin Kati Laine Mobiilist. Kuidas saan teid aidata?")
    session.add_turn(C, "tere, mul on vaja uut paketti, praegune saab alati enne kuu lõppu otsa")
    update = session.add_turn(A, "Selge. Milleks te andmesidet enamasti kasutate?")
    assert update.language == "et"
    assert 3 in update.agent_done
    assert update.next_stage == 4
    assert update.hint == "Küsi, mis on kliendile kõige olulisem"


def test_warnings_follow_the_failures_and_the_agents_progress() -> None:
    from servio.live.hints import live_warnings
    from servio.results import FailurePattern

    texts = hint_texts("en")
    failures = [
        FailurePattern("solution_before_needs", "solution before needs", 1),
        FailurePattern("values_never_asked", "values never asked", 1),
        FailurePattern("no_close", "needs clarified, but no close", 3),
    ]  # not a live warning
    early = live_warnings(failures, frontier=3, texts=texts)
    assert [w.id for w in early] == ["solution_before_needs"]  # values only once a solution is offered
    late = live_warnings(failures, frontier=6, texts=texts)
    assert [w.id for w in late] == ["solution_before_needs", "values_never_asked"]
    assert late[0].text == "you offered a solution before the need was clear" and late[0].turn == 1


def test_a_need_the_customer_already_described_needs_no_invitation() -> None:
    # "Hi, my order hasn't arrived" / "Hello, this is Tom from ShopCo.": asking "How can I help?" now
    # would ignore what the customer said; the next step is to clarify the need.
    turns = _turns(C, A)
    assert next_stage(turns, [frozenset({1, 3}), frozenset({1})], FULL) == 3
    # a bare greeting from the customer does not say what they need: invite them
    assert next_stage(turns, [frozenset({1}), frozenset({1})], FULL) == 2


def test_live_greeting_after_a_stated_need_is_not_told_to_ask_how_to_help() -> None:
    session = new_session("s", "o", SessionInfo(language=Language.ET, contact_type=ContactType.SUPPORT))
    session.add_turn(C, "Tere, mu tellimus pole veel kohale jõudnud")
    update = session.add_turn(A, "Tere, mina olen Kati.")
    assert update.next_stage == 3


def test_a_new_need_after_the_goodbye_starts_finding_out_again() -> None:
    # "Bye, have a nice day!" / "Oh wait, the invoice is wrong too": not "All stages are covered"
    turns = _turns(A, C, A, C, A, C)
    stages = [frozenset({1, 2}), frozenset({3}), frozenset({3, 6, 7}), frozenset({7}), frozenset({7}),
              frozenset({3})]
    assert next_stage(turns, stages, FULL) == 3
    # no new greeting is asked for; once the agent clarifies, the rest follows as usual
    more = [*turns, Turn(speaker=A, text="a turn of some words")]
    assert next_stage(more, [*stages, frozenset({3})], FULL) == 4
    # a customer's farewell after the goodbye reopens nothing
    assert next_stage(turns, [*stages[:-1], frozenset({7})], FULL) is None


def test_a_question_about_options_after_the_goodbye_is_answered_with_options() -> None:
    # "Thanks for choosing us, have a nice day!" / "Actually, is there a cheaper plan too?": the customer
    # waits on an answer, so not "No step left" (live audit F19); options are what the question asks
    turns = _turns(A, C, A, C, A, C)
    stages = [frozenset({1, 2}), frozenset({3}), frozenset({3}), frozenset({3}), frozenset({6, 7}),
              frozenset({5})]
    assert next_stage(turns, stages, FULL) == 5
    # it reopens the chat like a new need: once the agent has set out the options, finding out goes on
    # from the start of its phase (the agent's stages count afresh after the goodbye)
    more = [*turns, Turn(speaker=A, text="a turn of some words")]
    assert next_stage(more, [*stages, frozenset({5})], FULL) == 3


def test_a_customer_question_about_options_calls_for_options() -> None:
    # mid-chat too: a customer asking what is possible (5) is answered with what is possible
    turns = _turns(A, C)
    assert next_stage(turns, [frozenset({1, 2}), frozenset({3, 5})], FULL) == 5


@pytest.mark.parametrize("language", ["et", "en"])
def test_hint_texts_read_in_two_seconds(language: str) -> None:
    # an agent glances at the hint mid-chat: about 10 words at most
    texts = hint_texts(language)
    for text in [*texts.next.values(), texts.done]:
        assert len(text.split()) <= 10, text


@pytest.mark.parametrize("tagger", ["rules", "learned"])
def test_the_done_hint_does_not_claim_stages_the_agent_skipped(tagger: str) -> None:
    # the customer states the need completely, so the agent may act at once and never carry 3; once
    # the goodbye is complete the done hint must not say that every stage is covered
    session = new_session("s", "o", SessionInfo(language=Language.EN, contact_type=ContactType.SUPPORT),
                          tagger=tagger)
    session.add_turn(A, "Hi, I'm Anna from ShopCo, how can I help?")
    session.add_turn(C, "Please change the delivery address of my order 12345 to Tamme 5 in Tartu.")
    update = session.add_turn(A, "Done, I've changed the address. Anything else?")
    assert update.next_stage == 7  # "anything else?" alone is not the whole goodbye (live audit F2)
    session.add_turn(C, "No, that's all.")
    update = session.add_turn(A, "Your order will be delivered to Tamme 5. Thank you for contacting us, "
                                 "have a nice day!")
    assert update.next_stage is None and 3 not in update.agent_done
    assert update.hint == hint_texts("en").done
    assert "all stages" not in update.hint.lower()
    assert "goodbye" in update.hint


# the audit's en_anything_else_only chat (live audit F2), up to the customer's "No, that's all."
MUG_CHAT = ["Hi, I'm Kati from ShopCo. How can I help?", "My order 5512 arrived with a broken mug.",
            "I'm sorry! What exactly is broken, the mug itself or the handle?",
            "The mug is cracked right through.",
            "I've sent a replacement mug free of charge, it arrives on Wednesday. Does that suit you?",
            "Yes, thanks.", "Is there anything else I can help with?", "No, that's all."]


@pytest.mark.parametrize(("language", "turns", "left"), [
    ("en", MUG_CHAT, ["thanks", "farewell"]),
    ("et", ["Tere! Mina olen Kati. Kuidas saan aidata?", "Soovin oma arvel aadressi muuta.",
            "Muidugi. Mis aadressi soovite arvele?", "Tamme 5, Tartu.",
            "Muutsin aadressi, järgmine arve tuleb juba uuele aadressile. Kas see sobib?", "Jah, aitäh!",
            "Kokkuvõtteks: aadress on muudetud. Kas saan veel millegagi aidata?", "Ei, see on kõik."],
     ["thanks", "farewell"]),
])
def test_anything_else_alone_leaves_the_thanks_and_the_farewell_to_do(
        language: str, turns: list[str], left: list[str]) -> None:
    # live audit F2: "Anything else?" is stage 7 by the guide, but the goodbye procedure (SERVICE_PROCESS.md)
    # also thanks and says goodbye; "No step left" showed before either
    session = new_session("f2", "me", SessionInfo(language=Language(language)))
    texts = hint_texts(language)
    for i, text in enumerate(turns):
        update = session.add_turn(A if i % 2 == 0 else C, text)
    assert 7 in update.agent_done
    assert update.next_stage == 7
    for part in left:
        assert texts.goodbye[part] in update.hint.lower(), (part, update.hint)
    assert texts.goodbye["anything_else"] not in update.hint  # done: not asked again
    assert update.hint != texts.done


def test_the_farewell_ends_the_goodbye() -> None:
    # "Anything else?" / "No, that's all." / "Thank you for contacting us, have a nice day!": the recap
    # was left out (the next step came with the solution), but after the farewell it is no next step
    session = new_session("f2", "me", SessionInfo(language=Language.EN))
    for i, text in enumerate(MUG_CHAT):
        session.add_turn(A if i % 2 == 0 else C, text)
    update = session.add_turn(A, "Thank you for contacting us, have a nice day!")
    assert update.next_stage is None and update.hint == hint_texts("en").done


def test_the_goodbye_is_done_once_thanks_and_farewell_follow() -> None:
    session = new_session("f2", "me", SessionInfo(language=Language.ET))
    for i, text in enumerate(["Tere! Mina olen Kati. Kuidas saan aidata?", "Soovin oma arvel aadressi muuta.",
                              "Muidugi. Mis aadressi soovite arvele?", "Tamme 5, Tartu.",
                              "Muutsin aadressi, järgmine arve tuleb juba uuele aadressile. Kas see sobib?",
                              "Jah, aitäh!",
                              "Kokkuvõtteks: aadress on muudetud. Kas saan veel millegagi aidata?",
                              "Ei, see on kõik."]):
        session.add_turn(A if i % 2 == 0 else C, text)
    update = session.add_turn(A, "Aitäh, et pöördusite! Ilusat päeva!")
    assert update.next_stage is None and update.hint == hint_texts("et").done


@pytest.mark.parametrize("language", ["et", "en"])
def test_the_goodbye_parts_read_as_one_hint(language: str) -> None:
    texts = hint_texts(language)
    parts = list(texts.goodbye)
    assert parts == ["next_step", "anything_else", "thanks", "farewell"]  # the order of SERVICE_PROCESS.md
    assert texts.goodbye_text([]) == texts.next[7]
    for n in range(1, len(parts)):  # every combination short of all four (then the [next] 7 text shows)
        for missing in itertools.combinations(parts, n):
            text = texts.goodbye_text(missing)
            assert text[0].isupper() and len(text.split()) <= 10, text
    assert texts.goodbye_text(["thanks", "farewell"]) == {
        "en": "Thank the customer and say goodbye", "et": "Täna klienti ja jäta hüvasti"}[language]


@pytest.mark.parametrize(("language", "customer", "agent"), [
    ("et", "tere, mu tellimus on katki, aitah", "tere! olen Mari. mis juhtus?"),
    ("et", "Tere, mu tellimus on katki, aitäh", "Tere, mina olen Mari. Mis juhtus?"),
    ("en", "Hi, my order arrived broken, thanks", "Hi, I'm Mary from ShopCo. What happened?"),
])
def test_a_customer_thanks_in_the_first_message_does_not_make_the_greeting_a_goodbye(
        language: str, customer: str, agent: str) -> None:
    # live audit F5: the batch model took the agent's opening for the chat's last turn after the
    # customer's "thanks", and the panel said "No step left" at the start of the chat
    session = new_session("f5", "me", SessionInfo(language=Language(language)))
    session.add_turn(C, customer)
    update = session.add_turn(A, agent)
    assert 7 not in update.stages and update.next_stage is not None


@pytest.mark.parametrize("phases", [
    [[1, 2], [3, 4], [6], [7]],  # stage 5 in no phase: its frontier would fall back to the start
    [[1, 2], [3, 4, 5], [5, 6], [7]],  # stage 5 twice
    [[1, 2], [3, 4, 5], [6], [7, 8]],  # no stage 8
])
def test_rules_with_phases_that_miss_or_repeat_a_stage_are_refused(
        phases: list[list[int]], monkeypatch: pytest.MonkeyPatch) -> None:
    # live audit F23: the check sat after a return inside the try and never ran
    import tomllib
    from importlib import resources

    from servio.live import hints

    raw = tomllib.loads(resources.files("servio.data").joinpath("hints", "shared.toml").read_text("utf-8"))
    monkeypatch.setattr(hints, "_read", lambda name: {**raw, "phases": phases})
    hints.hint_rules.cache_clear()
    try:
        with pytest.raises(hints.HintDataError, match="phases must hold every stage once"):
            hints.hint_rules()
    finally:
        hints.hint_rules.cache_clear()


def test_a_premature_pitch_does_not_count_as_the_solution() -> None:
    # live audit F1: "I want to complain about my invoice" / "Switch to Premium" / "That's not what I
    # asked": the pitch came before the need was clarified, so finding out is still to do
    turns = _turns(C, A, C)
    stages = [frozenset({1, 3}), frozenset({6}), frozenset({3, 6})]
    assert next_stage(turns, stages, FULL) == 7  # without the evaluation's verdict: a solution is a solution
    assert next_stage(turns, stages, FULL, premature=1) == 3
    # the agent then asks about the need: values and options follow where they weigh enough
    more = [*turns, Turn(speaker=A, text="a turn of some words")]
    assert next_stage(more, [*stages, frozenset({3})], FULL, premature=1) == 4
    assert next_stage(more, [*stages, frozenset({3})], {**FULL, 4: 0.25}, premature=1) == 5
    # a solution offered after the need was clarified counts again: the goodbye is next
    after = [*more, Turn(speaker=C, text="x"), Turn(speaker=A, text="x")]
    later = [*stages, frozenset({3}), frozenset({3}), frozenset({6})]
    assert next_stage(after, later, {**FULL, 4: 0.25, 5: 0.25}, premature=1) == 7
    # a turn that clarifies and solves at once ("Have you tried restarting it?" {3, 6}) counts in full
    assert next_stage(more, [*stages, frozenset({3, 6})], FULL, premature=1) == 7
    # but not the pitch itself, when later context re-tags it {3, 6}: it is still the premature solution
    assert next_stage(turns, [stages[0], frozenset({3, 6}), stages[2]], FULL, premature=1) == 4
    # an agent who makes the options and limits explicit is back in finding out too: the solution that
    # comes with them counts ("The charge is roaming outside the EU ... we can cancel half of it")
    assert next_stage(more, [*stages, frozenset({5, 6})], {**FULL, 4: 0.25}, premature=1) == 7


@pytest.mark.parametrize(("language", "contact_type", "turns", "after"), [
    ("et", ContactType.COMPLAINT,
     ["Tere, tahan kaevata oma viimase arve üle.",
      "Soovitan teil minna üle meie Premium paketile, see maksab 30 eurot.",
      "Ma ei küsinud seda. Arvel on topelt tasu."], None),
    ("en", ContactType.COMPLAINT,
     ["Hello, I want to complain about my last invoice.",
      "You should switch to our Premium plan, it costs 30 euros and includes everything.",
      "That's not what I asked. The invoice charged me twice."], None),
    ("en", ContactType.SALES,
     ["Hi, I'm thinking about getting a new laptop.",
      "Hi! Buy the MacBook Pro 16, it's 2999 euros and the best there is. Shall I order it?",
      "Hmm, that's a lot. I mostly just browse and write emails."],
     ("I see. What else do you use it for, and where?", 4)),
])
def test_after_a_premature_pitch_the_hint_goes_back_to_the_need(
        language: str, contact_type: ContactType, turns: list[str], after: tuple[str, int] | None) -> None:
    # live audit F1: the hint said "Recap ... say goodbye" after the pitch and after the customer's pushback
    session = new_session("f1", "me", SessionInfo(language=Language(language), contact_type=contact_type))
    for i, text in enumerate(turns):
        update = session.add_turn(C if i % 2 == 0 else A, text)
        if i:
            assert "solution_before_needs" in [w.id for w in update.warnings]
            assert update.next_stage == 3, (text, update.hint)
            assert update.hint == hint_texts(language).next[3]
    if after is not None:  # sales: once the need (and here the values) are asked, the options come next
        update = session.add_turn(A, after[0])
        assert update.next_stage == after[1], update.hint


def test_an_unfinished_stage_stays_the_next_one() -> None:
    turns = _turns(A, C, A)
    stages = [frozenset({1}), frozenset({1, 3}), frozenset({3})]
    assert next_stage(turns, stages, FULL) == 4
    assert next_stage(turns, stages, FULL, unfinished=frozenset({3})) == 3


@pytest.mark.parametrize(("language", "turns", "open_question"), [
    ("en", ["Hello, this is Tom from NetCo.", "Hi, my internet is not working.", "Is the router on?", "Yes."],
     "What exactly happens when you try to connect?"),
    ("et", ["Tere, siin Tom NetCost.", "Tere, mu internet ei tööta.", "Kas ruuter on sees?", "Jah."],
     "Mis täpselt juhtub, kui proovite ühenduda?"),
])
def test_only_closed_questions_keep_the_hint_on_the_need(language: str, turns: list[str],
                                                         open_question: str) -> None:
    # live audit F4: the warning said "ask an open one" while the hint had moved on to the options
    info = SessionInfo(language=Language(language), contact_type=ContactType.SUPPORT)
    session = new_session("f4", "me", info)
    for i, text in enumerate(turns):
        update = session.add_turn(A if i % 2 == 0 else C, text)
    assert 3 in update.agent_done
    assert "only_closed_questions" in [w.id for w in update.warnings]
    assert update.next_stage == 3 and update.hint == hint_texts(language).next[3]
    update = session.add_turn(A, open_question)
    assert "only_closed_questions" not in [w.id for w in update.warnings]
    # support: values weigh too little, and options do not apply to a fault with no choice or limit raised
    # (docs/scorecard.md): the solution comes next
    assert update.next_stage == 6


@pytest.mark.parametrize(("language", "hold", "greeting", "untrue"), [
    ("en", "One moment please.", "Hi! I'm Kati from ShopCo. How can I help?",
     ["has not been greeted", "have not introduced"]),
    ("et", "Üks hetk palun.", "Tere! Mina olen Kati ShopCost. Kuidas saan aidata?",
     ["pole tervitatud", "pole ennast"]),
])
def test_greeting_warnings_stay_true_after_a_late_greeting(language: str, hold: str, greeting: str,
                                                           untrue: list[str]) -> None:
    # live audit F16: a hold message came first, then the greeting and the introduction; the patterns
    # (the agent's FIRST turn has none) still show, so their texts must say that, not "not greeted"
    session = new_session("f16", "me", SessionInfo(language=Language(language)))
    session.add_turn(A, hold)
    update = session.add_turn(A, greeting)
    assert {1, 2} <= set(update.agent_done)
    shown = {w.id: w.text for w in update.warnings}
    assert {"no_greeting", "no_introduction"} <= set(shown)
    for text in shown.values():
        assert not any(claim in text for claim in untrue), text
    # they name the start of the chat, which stays true whatever the agent does later
    start = {"en": ("first", "start"), "et": ("esimes", "alguses")}[language]
    for pid in ("no_greeting", "no_introduction"):
        assert any(word in shown[pid] for word in start), shown[pid]


def test_in_an_information_request_the_answer_is_the_solution() -> None:
    # "Can you tell me your opening hours?" / "We're open 10 to 16 on Saturdays." (5: what is possible)
    turns = _turns(A, C, A)
    stages = [frozenset({1, 2}), frozenset({3}), frozenset({5})]
    information = {1: 1.0, 2: 0.5, 3: 0.5, 4: 0.0, 5: 0.5, 6: 2.0, 7: 1.0}
    assert next_stage(turns, stages, information) == 3  # without the contact type: finding out goes on
    assert next_stage(turns, stages, information, contact_type="information") == 7
    assert next_stage(turns, stages, information, contact_type="support") == 3
    # a question the customer asks after the answer is still open: not the goodbye yet
    more = _turns(A, C, A, C)
    assert next_stage(more, [*stages, frozenset({5})], information, contact_type="information") != 7
    # an agent's statement before the customer has asked anything answers nothing
    assert next_stage(_turns(A), [frozenset({1, 5})], information, contact_type="information") == 3


@pytest.mark.parametrize(("language", "question", "answer"), [
    ("en", "Can you tell me your opening hours on Saturday?", "We're open 10 to 16 on Saturdays."),
    ("en", "Do you deliver to Tartu?", "Yes, we deliver to Tartu, it takes two days."),
    ("et", "Mis kell te laupäeval avatud olete?", "Laupäeval oleme avatud kella 10–16."),
])
def test_an_answered_information_request_goes_on_to_the_goodbye(language: str, question: str,
                                                                 answer: str) -> None:
    # live audit F21: after the answer the hint went back to "Ask openly what they need"
    session = new_session("f21", "me", SessionInfo(language=Language(language)))
    opening = {"en": "Hi, I'm Kati from ShopCo. How can I help?",
               "et": "Tere, mina olen Kati ShopCost. Kuidas saan aidata?"}[language]
    session.add_turn(A, opening)
    session.add_turn(C, question)
    update = session.add_turn(A, answer)
    assert update.contact_type == "information"
    assert update.next_stage == 7, update.hint


def test_no_warning_about_a_stage_the_hint_skips() -> None:
    from servio.live.hints import live_warnings
    from servio.results import FailurePattern

    texts = hint_texts("en")
    failures = [FailurePattern("values_never_asked", "values never asked", 4),
                FailurePattern("one_option_pushed", "one option pushed", 4)]
    assert [w.id for w in live_warnings(failures, 6, texts)] == ["values_never_asked", "one_option_pushed"]
    assert [w.id for w in live_warnings(failures, 6, texts, skipped=frozenset({4}))] == ["one_option_pushed"]


def test_a_support_chat_gets_no_values_warning_the_hint_would_not_ask_for() -> None:
    # live audit F6: "it shows 3 items instead of 2" after an address change set off "the customer has a
    # choice to make, but nobody asked what matters to them", while the hint skips values in support
    session = new_session("f6", "me", SessionInfo(language=Language.EN))
    for i, text in enumerate(["Hi, I'm Kati from ShopCo. How can I help?",
                              "I'd like to change my delivery address to Tamme 5, Tartu.",
                              "Done, I've changed the address to Tamme 5. Anything else?",
                              "Oh wait, the invoice is wrong too, it shows 3 items instead of 2."]):
        update = session.add_turn(A if i % 2 == 0 else C, text)
    assert update.contact_type == "support" and update.next_stage == 3
    assert "values_never_asked" not in [w.id for w in update.warnings]
    # where values weigh enough (a sale) the warning stays
    session = new_session("f6", "me", SessionInfo(language=Language.EN, contact_type=ContactType.SALES))
    session.add_turn(C, "Hi, I'm thinking about getting a new laptop.")
    update = session.add_turn(A, "Hi! Buy the MacBook Pro 16, it's 2999 euros and the best there is. "
                                 "Shall I order it?")
    assert "values_never_asked" in [w.id for w in update.warnings]


@pytest.mark.parametrize(("language", "text", "expected"), [
    ("en", "Oh wait, the invoice is wrong too, it shows 3 items instead of 2.", 3),
    ("en", "Actually yes, I have another problem. My invoice shows the wrong amount.", 3),
    ("et", "Tegelikult jah, mul on veel üks probleem. Arvel on vale summa.", 3),
    ("en", "Is there a cheaper plan too?", 5),
    ("et", "Kas teil on ka odavam pakett?", 5),
])
def test_the_reopening_examples_of_live_md_reopen_with_the_default_tagger(language: str, text: str,
                                                                         expected: int) -> None:
    """docs/live.md hint rule 6 (docs audit D19): its examples, as a live session with the default tagger
    answers them after "anything else?" (the short "Oh wait, the invoice is wrong too" gets no stage)."""
    opening = {"en": ["Hi, my parcel has not arrived.",
                      "Hi, I'm Tom from ShopCo. What is your order number?", "12345",
                      "I've sent a new parcel, it arrives tomorrow.", "Anything else I can help with?"],
               "et": ["Tere, mu pakk pole kohale jõudnud.",
                      "Tere, mina olen Tom ShopCo-st. Mis on teie tellimuse number?", "12345",
                      "Saatsin uue paki, see jõuab homme kohale.",
                      "Kas saan veel millegagi aidata?"]}[language]
    info = SessionInfo(language=Language(language), contact_type=ContactType.SUPPORT)
    session = new_session("d19", "me", info)
    for speaker, said in zip([C, A, C, A, A], opening, strict=True):
        session.add_turn(speaker, said)
    assert session.add_turn(C, text).next_stage == expected


def test_after_the_farewell_no_step_is_left_even_after_a_premature_pitch() -> None:
    # audit live21 M8: after "Aitäh ja ilusat päeva!" the hint still asked about the need, because the
    # premature pitch kept the agent in finding out; the warning names the miss, the hint is done
    turns = _turns(C, A, C, A, C, A)
    stages = [frozenset({1, 3}), frozenset({1, 2}), frozenset({3}), frozenset({3, 6}), frozenset({6}),
              frozenset({7})]
    assert next_stage(turns, stages, FULL, premature=3) == 4  # "Anything else?" alone: finding out goes on
    assert next_stage(turns, stages, FULL, premature=3, farewell=True) is None
    # a new need after the farewell still reopens the chat, the old pitch left behind
    reopened = [*turns, Turn(speaker=C, text="oi oota, mu telekapult ka ei tööta")]
    assert next_stage(reopened, [*stages, frozenset({3})], FULL, premature=3, farewell=True) == 3


def test_before_the_agent_speaks_the_greeting_comes_before_answering_the_customer() -> None:
    # audit live21 M6: "Hi, do you have any iPhone deals?" [1, 5] as the chat's first turn got "Make clear
    # what is possible" instead of the greeting
    assert next_stage(_turns(C), [frozenset({1, 3, 5})], FULL) == 1
    assert next_stage(_turns(C, A, C), [frozenset({1, 3}), frozenset({1, 2}), frozenset({5})], FULL) == 5


@pytest.mark.parametrize("text,expected", [("no", 7), ("ei aitäh", 7), ("Is there a cheaper plan?", 5),
                                           ("kas on ka odavam pakett", 5)])
def test_a_bare_answer_asks_for_no_options(text: str, expected: int) -> None:
    # audit live21 M4: a lone "no" after "Done ... Anything else?" was tagged 5 and the hint said "Make clear
    # what is possible"; a real question about options still gets them
    turns = [*_turns(A, C, A), Turn(speaker=C, text=text)]
    stages = [frozenset({1, 2, 3}), frozenset({3}), frozenset({6, 7}), frozenset({5})]
    assert next_stage(turns, stages, FULL, unfinished=frozenset({7})) == expected


def test_an_estonian_support_chat_with_a_direct_fix_ends_done() -> None:
    session = new_session("m8", "me", SessionInfo(language=Language.ET))
    chat = [(C, "tere, mu internet ei toota"), (A, "Tere! Mina olen Liis Telekomist. Kuidas saan aidata?"),
            (C, "wifi ei tööta, ruuter vilgub punaselt"),
            (A, "Tegin liinile taaskäivituse, palun lülitage ruuter välja ja sisse. Kas nüüd töötab?"),
            (C, "jah töötab"), (A, "Tore! Kas saan veel aidata?"), (C, "ei aitäh"),
            (A, "Aitäh ja ilusat päeva!")]
    for speaker, text in chat:
        update = session.add_turn(speaker, text)
    assert update.next_stage is None and update.hint == hint_texts("et").done


@pytest.mark.parametrize(("language", "chat"), [
    (Language.ET, [(C, "Tere! Mul läks SIM-kaart katki, telefon ütleb 'no SIM'"),
                   (A, "Tere! Mina olen Liis, kahju kuulda. Kuidas saan aidata?")]),
    (Language.EN, [(C, "hi my internet is down"),
                   (A, "Hi, I'm Pete from Telekom. Sorry to hear that! How can I help?")]),
])
def test_an_invitation_is_no_needs_question_for_the_hint(language: Language, chat: list[tuple[Speaker, str]]
                                                         ) -> None:
    """Audit live21 M1: "How can I help?" after a stated problem was tagged 3 by the live model, and the hint
    jumped to "offer a concrete solution" before any question about the need (the guide: {1, 2})."""
    session = new_session("m1", "me", SessionInfo(language=language))
    for speaker, text in chat:
        update = session.add_turn(speaker, text)
    assert update.next_stage == 3


def test_a_real_question_beside_an_invitation_still_clarifies_the_need() -> None:
    from servio.live.hints import invitation_only

    asked = Turn(speaker=A, text="Happy to help with that. How will your daughter mostly use her phone?")
    assert not invitation_only(asked, "en")
    assert invitation_only(Turn(speaker=A, text="Tere! Kuidas saan aidata?"), "et")
    assert not invitation_only(Turn(speaker=C, text="How can I help?"), "en")
