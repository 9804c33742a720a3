"""Natural wordings a service trainer counts as good practice (formal and informal, no diacritics,
British and American English), on hand-tagged conversations so the tagger plays no part."""

from __future__ import annotations

import pytest

from servio.evaluate import evaluate
from servio.evaluate.registry import check_function
from tests.evaluate.build import A, C, convo, view


def run(name: str, tagged, contact_type: str = "support", **params):  # type: ignore[no-untyped-def]
    return check_function(name)(view(tagged, contact_type), params)


def patterns(tagged, contact_type: str = "support") -> dict[str, int | None]:  # type: ignore[no-untyped-def]
    return {f.id: f.turn for f in evaluate(tagged, contact_type=contact_type).failures}


# -- "how can I help" in its many forms is an invitation, not an open question about the need ------
@pytest.mark.parametrize("text,language", [
    ("Tere! Kuidas saan teile abiks olla?", "et"),
    ("Tere! Kuidas saan sind aidata?", "et"),
    ("Tere! Millega saan sulle abiks olla?", "et"),
    ("Tere! Kuidas saaksin teid aidata?", "et"),
    ("Tere! Kuidas ma saan aidata?", "et"),
    ("Tere! Kuidas saame teid täna aidata?", "et"),
    ("Tere! Mida saan sinu heaks teha?", "et"),
    ("Tere! Millega saaksime teile kasulik olla?", "et"),
    ("Hello! How can I be of assistance?", "en"),
    ("Hi! What can I help with today?", "en"),
])
def test_invitation_wordings_are_not_open_questions(text: str, language: str) -> None:
    closed = ("Kas olete proovinud laadijat vahetada?" if language == "et"
              else "Have you tried another charger?")
    tagged = convo(
        (A, {1, 2}, text),
        (C, {3}, "..."),
        (A, {3}, closed),
        (C, {3}, "..."),
        (A, {6}, "..."),
        language=language,
    )
    assert run("invitation", convo((A, {1}, text), (C, {3}, "..."), language=language)) == (True, 0)
    assert run("open_question_before_solution", tagged) == (False, 4)
    assert patterns(tagged).get("only_closed_questions") == 2


# -- checking understanding, with "ma", informal "sinust", and British wording ----------------------
@pytest.mark.parametrize("text,language", [
    ("Kas ma sain õigesti aru, et ratas peab olema alla 300 euro?", "et"),
    ("Kas ma sain teist õigesti aru, et ühendus kaob kõigis seadmetes?", "et"),
    ("Kas sain sinust oigesti aru, et otsid lapsele ratast?", "et"),
    ("Kui ma õigesti aru saan, siis arve tuli topelt?", "et"),
    ("Kas ma mõistan õigesti, et pakk ei ole kohale jõudnud?", "et"),
    ("Nii et teil on vaja uut kaablit?", "et"),
    ("Just to check, have I got that right: every device drops since Monday?", "en"),
    ("If I've understood correctly, you were charged twice?", "en"),
    ("Do I have that right - the app closes as soon as you open it?", "en"),
    ("So what you're saying is the parcel never came?", "en"),
])
def test_understanding_checked_wordings(text: str, language: str) -> None:
    tagged = convo((C, {3}, "..."), (A, {3}, text), (C, {3}, "..."), (A, {6}, "..."), language=language)
    assert run("understanding_checked", tagged) == (True, 1)


# -- asking for agreement -----------------------------------------------------------------------------
@pytest.mark.parametrize("text,language", [
    ("Soovitan Luhat. Kas oled nõus?", "et"),
    ("Tellin teile uue ruuteri homseks. Kas olete sellega nõus?", "et"),
    ("Tellin teile uue ruuteri homseks. Kas olete nous?", "et"),
    ("Tellin teile uue ruuteri homseks. Kas nii on hea?", "et"),
    ("Tellin teile uue ruuteri homseks. Kas kinnitan tellimuse?", "et"),
    ("I've ordered a new router for tomorrow. Would that be okay?", "en"),
    ("I've ordered a new router for tomorrow. Would that be all right?", "en"),
    ("I've refunded the charge. Are you okay with that?", "en"),
])
def test_acceptance_sought_wordings(text: str, language: str) -> None:
    tagged = convo((C, {3}, "..."), (A, {3}, "..."), (C, {3}, "..."), (A, {6}, text), language=language)
    assert run("acceptance_sought", tagged) == (True, 3)


def test_nous_outside_a_question_is_not_acceptance_sought() -> None:
    tagged = convo((C, {3}, "..."), (A, {6}, "Olen nõus, et see on tüütu. Saadan uue homme."))
    assert run("acceptance_sought", tagged) == (False, 1)


# -- "anything else?" at the close, formal, informal, British -----------------------------------------
@pytest.mark.parametrize("text,language", [
    ("Kas saan teid veel aidata?", "et"),
    ("Kas saan sind veel aidata?", "et"),
    ("kas saan sind veel kuidagi aidata?", "et"),
    ("Kas saaksin teid veel kuidagi aidata?", "et"),
    ("Kas sooviksite veel midagi?", "et"),
    ("Kas jäi veel midagi?", "et"),
    ("Is there anything further I can help you with?", "en"),
    ("Any other queries?", "en"),
    ("Can I help with anything more today?", "en"),
])
def test_anything_else_wordings(text: str, language: str) -> None:
    tagged = convo((C, {3}, "..."), (A, {6}, "..."), (C, {6}, "..."), (A, {7}, text), language=language)
    assert run("anything_else", tagged) == (True, 3)


# -- farewells and well-wishes, and the sign-off that ends an e-mail -----------------------------------
@pytest.mark.parametrize("text,language", [
    ("Aitäh sulle ja mõnusat päeva!", "et"),
    ("Aitäh teile, nägemiseni!", "et"),
    ("Aitäh! Kõike paremat!", "et"),
    ("Aitäh ja toredat õhtut!", "et"),
    ("Aitäh ja meeldivat päeva!", "et"),
    ("Aitäh teile kannatlikkuse eest!\n\nLugupidamisega\nKati", "et"),
    ("Aitäh!\n\nParimate soovidega\nKati", "et"),
    ("Thanks for getting in touch, speak soon!", "en"),
    ("Thanks for calling, enjoy the rest of your day!", "en"),
    ("Thank you for your order.\n\nRegards,\nTom", "en"),
    ("Thank you for your order.\n\nYours sincerely,\nTom", "en"),
])
def test_farewell_wordings(text: str, language: str) -> None:
    tagged = convo((C, {3}, "..."), (A, {6}, "..."), (C, {6}, "..."), (A, {7}, text), language=language,
                   channel="email" if "\n" in text else "chat")
    assert run("farewell", tagged) == (True, 3)


# -- naming oneself or the company after a comma, with "ma", or "X here" ---------------------------------
@pytest.mark.parametrize("text,language", [
    ("Tere, olen Kati Laine Mobiilist. Kuidas saan aidata?", "et"),
    ("Tere, ma olen Kati. Kuidas saan aidata?", "et"),
    ("Tere! Ma olen Kati Rattapoest.", "et"),
    ("Tere, siin Kati! Kuidas saan aidata?", "et"),
    ("Tere, Kati siin. Kuidas saan aidata?", "et"),
    ("Hi, Sam here from BrightNet. How can I help?", "en"),
    ("Hello, it's Sam from BrightNet. How can I help?", "en"),
    ("Thank you for calling Acme. How may I help you?", "en"),
])
def test_self_introduction_wordings(text: str, language: str) -> None:
    tagged = convo((A, {1, 2}, text), (C, {3}, "..."), language=language)
    assert run("self_introduction", tagged) == (True, 0)


@pytest.mark.parametrize("text,language", [
    ("Tere, teie pakk on juba teel. Kas saan veel aidata?", "et"),
    ("Tere! Kuidas saan aidata?", "et"),
    ("Hi, here's the link you asked for.", "en"),
])
def test_no_introduction_stays_unnamed(text: str, language: str) -> None:
    tagged = convo((A, {1, 2}, text), (C, {3}, "..."), language=language)
    assert run("self_introduction", tagged) == (False, 0)


# -- a phone opening that thanks for the call greets, as "thanks for contacting" does ----------------------
@pytest.mark.parametrize("text,language", [
    ("Thank you for calling Acme, this is Dana speaking. How may I help you today?", "en"),
    ("Thanks for calling BrightNet, Sam speaking.", "en"),
    ("Aitäh, et helistasite! Kati Laine Mobiilist kuuleb.", "et"),
    ("Täname, et pöördusite Laine Mobiili poole. Kati kuuleb.", "et"),
    ("Aitäh pöördumise eest! Siin Kati.", "et"),
])
def test_greeting_by_thanks_for_the_contact(text: str, language: str) -> None:
    tagged = convo((A, {2}, text), (C, {3}, "..."), language=language)
    assert run("greeting_first_turn", tagged) == (True, 0)
    assert "no_greeting" not in patterns(tagged)


# -- acknowledging a wait ------------------------------------------------------------------------------
@pytest.mark.parametrize("reply,language", [
    ("Vabandust, et pidite nii kaua ootama! Vaatan kohe.", "et"),
    ("Vabandust, et vastamisega nii kaua läks. Vaatan kohe.", "et"),
    ("Vabandust hilise vastuse pärast! Vaatan kohe.", "et"),
    ("Aitäh, et ootasite! Vaatan kohe.", "et"),
    ("Vabandame, et vastus viibis. Vaatan kohe.", "et"),
    ("Sorry about the wait! Let me look.", "en"),
    ("Sorry for the long wait! Let me look.", "en"),
    ("Apologies for the long delay. Let me look.", "en"),
    ("Thanks for holding. Let me look.", "en"),
    ("Sorry you had to wait. Let me look.", "en"),
])
def test_wait_acknowledged_wordings(reply: str, language: str) -> None:
    waiting = "Ootan juba pool tundi vastust!" if language == "et" else "I've been waiting for ages!"
    tagged = convo((C, {3}, waiting), (A, {1}, reply), language=language)
    assert run("wait_acknowledged", tagged) == (True, 1)


# -- the next step at the close ---------------------------------------------------------------------------
@pytest.mark.parametrize("text,language", [
    ("Raha laekub teie kontole 3 tööpäeva jooksul. Aitäh ja head päeva!", "et"),
    ("Saad ratta homme poest kätte. Aitäh ja head päeva!", "et"),
    ("Teavitame teid e-kirjaga, kui pakk on teel. Aitäh ja head päeva!", "et"),
    ("Kokkuvõtvalt: ruuter tuleb homme. Aitäh ja head päeva!", "et"),
    ("Helistan teile reedel tagasi. Aitäh ja head päeva!", "et"),
    ("We'll let you know once it ships. Thanks and have a nice day!", "en"),
    ("You should receive it on Monday. Thanks and have a nice day!", "en"),
    ("I'll email you the tracking link. Thanks and have a nice day!", "en"),
    ("We'll email you a confirmation. Thanks and have a nice day!", "en"),
])
def test_next_step_wordings(text: str, language: str) -> None:
    tagged = convo((C, {3}, "..."), (A, {6}, "..."), (C, {6}, "..."), (A, {7}, text), language=language)
    assert run("next_step", tagged) == (True, 3)


# -- instructions to follow are a concrete solution in Estonian as in English; a bare "try again" is not --
@pytest.mark.parametrize("text,language,expected", [
    ("Palun taaskäivitage ruuter ja oodake, kuni tuli muutub roheliseks.", "et", True),
    ("Palun uuendage rakendus ja logige uuesti sisse.", "et", True),
    ("Minge seadetesse ja vajutage „Lähtesta parool”.", "et", True),
    ("Kustuta rakendus ja paigalda see uuesti.", "et", True),
    ("Proovige uuesti.", "et", False),
    ("Please restart the router.", "en", True),
    ("Please try clearing the cache.", "en", True),
    ("Please try again.", "en", False),
    # a menu path to follow, and what happens next stated as a fact
    ("Saate selle tellida Laine äpis: Teenused → Reisipaketid → Türgi.", "et", True),
    ("Pakett hakkab kehtima, kui telefon esimest korda võrku läheb.", "et", True),
    ("You can switch it off under Settings -> Privacy.", "en", True),
    ("See on parem > kui see teine, arvan ma.", "et", False),  # a bare ">" compares as often as it leads
])
def test_instructions_are_concrete(text: str, language: str, expected: bool) -> None:
    tagged = convo((C, {3}, "..."), (A, {6}, text), language=language)
    assert run("concrete_solution", tagged) == (expected, 1)


# -- "ei tee" is curt as a bare refusal, not inside a reassuring sentence ---------------------------------
@pytest.mark.parametrize("text,expected", [
    ("Ärge muretsege, uuendus ei tee teie andmetega midagi. Aitäh!", True),
    ("Palun, see ei tee telefonile kahju.", True),
    ("Vahetust ei tee.", False),
    ("Seda me ei tee!", False),
])
def test_ei_tee_is_curt_only_as_a_bare_refusal(text: str, expected: bool) -> None:
    tagged = convo((C, {3}, "Kas uuendus kustutab mu pildid?"), (A, {6}, text))
    assert run("tone_not_curt", tagged)[0] is expected


# -- a pickup that already apologised for the queue acknowledges the wait the customer then mentions ------
def test_wait_acknowledged_in_the_opening_before_the_customer_mentions_it() -> None:
    tagged = convo(
        (A, {1, 2}, "Hi, Sam from BrightNet here. Sorry about the wait! How can I help?"),
        (C, {1, 3}, "Hi, I've been waiting ages. My broadband keeps dropping."),
        (A, {1, 3}, "Sorry to hear that. When did it start?"),
        language="en",
    )
    assert run("wait_acknowledged", tagged) == (True, 0)


def test_a_wait_mentioned_later_needs_its_own_acknowledgement() -> None:
    tagged = convo(
        (A, {1, 2}, "Hi, sorry about the wait! How can I help?"),
        (C, {3}, "My broadband keeps dropping."),
        (A, {3}, "When did it start?"),
        (C, {3}, "Monday. Hello? I'm still waiting for an answer."),
        (A, {6}, "I've booked an engineer for Thursday."),
        language="en",
    )
    assert run("wait_acknowledged", tagged) == (False, 4)


# -- "anything else?" and "does that work for you?" are not needs questions --------------------------------
@pytest.mark.parametrize("language,rows", [
    ("en", ((A, {1, 2}, "Hi, I'm Tom from the City Library. How can I help?"),
            (C, {5}, "What time do you open on Saturday?"),
            (A, {6, 7}, "We're open 10am to 4pm on Saturdays. Anything else I can help with?"),
            (C, {7}, "No thanks"),
            (A, {7}, "Thanks, have a lovely weekend!"))),
    ("et", ((A, {1, 2}, "Tere! Siin Kati raamatukogust. Kuidas saan aidata?"),
            (C, {5}, "Mis kell te laupäeval avate?"),
            (A, {6}, "Laupäeval oleme avatud kell 10–16. Kas see sobib teile?"),
            (C, {6}, "Jah."),
            (A, {7}, "Kas saan veel millegagi aidata? Ilusat nädalavahetust!"))),
])
def test_closing_and_acceptance_questions_are_not_closed_needs_questions(language: str, rows) -> None:  # type: ignore[no-untyped-def]
    tagged = convo(*rows, language=language)
    assert "only_closed_questions" not in patterns(tagged, "information")


@pytest.mark.parametrize("language,texts", [
    ("en", ("Hi, I'm Tom. How can I help?", "Is it order 5521?",
            "It arrives tomorrow. Anything else I can help with?")),
    ("et", ("Tere, siin Kati! Kuidas saan aidata?", "Kas see on tellimus 5521?",
            "See jõuab homme. Kas saan veel millegagi aidata?")),
])
def test_closed_needs_questions_are_still_named_beside_a_closing_question(language: str, texts) -> None:  # type: ignore[no-untyped-def]
    opening, closed, close = texts
    tagged = convo((A, {1, 2}, opening), (C, {3}, "..."), (A, {3}, closed), (C, {3}, "..."),
                   (A, {6, 7}, close), language=language)
    assert patterns(tagged).get("only_closed_questions") == 2
