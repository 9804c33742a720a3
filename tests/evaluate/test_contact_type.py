"""Contact type detection from the customer's words (et and en); a given type wins."""

from __future__ import annotations

import pytest

from servio.evaluate import detect_contact_type, evaluate
from servio.model import ContactType
from tests.evaluate.build import A, C, convo


@pytest.mark.parametrize("language,customer,expected", [
    ("et", "See on täiesti vastuvõetamatu, esitan kaebuse!", ContactType.COMPLAINT),
    ("et", "Olen väga pettunud, tahan raha tagasi.", ContactType.COMPLAINT),
    ("et", "Tere, sooviksin osta uut telerit, mis hinnaga need on?", ContactType.SALES),
    ("et", "Kas saaksite teha pakkumise kümnele arvutile?", ContactType.SALES),
    ("et", "Mis kell te laupäeval avatud olete?", ContactType.INFORMATION),
    ("et", "Mu ruuter ei tööta enam.", ContactType.SUPPORT),
    ("et", "ruuter ei toota, internet katki", ContactType.SUPPORT),
    ("en", "This is unacceptable, I want a refund.", ContactType.COMPLAINT),
    ("en", "Hi, how much is the family plan?", ContactType.SALES),
    ("en", "Could you send me a quote for 20 licences?", ContactType.SALES),
    ("en", "What time do you open on Sunday?", ContactType.INFORMATION),
    ("en", "The app crashes every time I log in.", ContactType.SUPPORT),
    ("en", "I can't log in and I can't upgrade my plan", ContactType.SUPPORT),
    # wanting a new thing is a sale, and an Estonian compound carries its product word at the end
    ("et", "Vajan uut telefonipaketti.", ContactType.SALES),
    ("et", "Tahaksin uut sülearvutit.", ContactType.SALES),
    ("et", "Tahaksin uut sulearvutit.", ContactType.SALES),
    ("et", "Kas teil kõnepaketid on ka perele?", ContactType.SALES),
    ("en", "I'd like a new laptop.", ContactType.SALES),
    ("en", "I want a new phone plan.", ContactType.SALES),
    # audit live21 M7/m5: a fault report that names the customer's plan is no sale; a no-show or a useless
    # service is a complaint
    ("en", "Since Thursday web pages will not load and apps say there is no connection. My wife's phone on "
           "the same plan works.", ContactType.SUPPORT),
    ("et", "Veebilehed ei laadi, pole ühendust. Naise telefon samal paketil töötab.", ContactType.SUPPORT),
    ("en", "your technician didn't show up today. i took a day off work for this!!", ContactType.COMPLAINT),
    ("et", "Teie klienditeenindus on täiesti kasutu. Ootasin telefonil 40 minutit", ContactType.COMPLAINT),
])
def test_detected_from_the_customer_words(language: str, customer: str, expected: ContactType) -> None:
    tagged = convo((C, {3}, customer), (A, {6}, "..."), language=language)
    assert detect_contact_type(tagged) is expected
    assert evaluate(tagged).contact_type == expected


def test_agent_words_do_not_count() -> None:
    tagged = convo((C, {3}, "Mu ruuter ei tööta."), (A, {6}, "Meil on ka uus pakkumine ja soodne hind."))
    assert detect_contact_type(tagged) is ContactType.SUPPORT


def test_question_without_an_answer_is_not_information() -> None:
    assert detect_contact_type(convo((C, {3}, "Mis kell te avate?"))) is ContactType.SUPPORT


def test_conversation_contact_type_wins() -> None:
    tagged = convo((C, {3}, "See on vastuvõetamatu!"), (A, {6}, "..."), contact_type="sales")
    assert detect_contact_type(tagged) is ContactType.SALES


def test_unknown_language_uses_both_cue_lists() -> None:
    tagged = convo((C, {3}, "I want a refund, this is unacceptable"), (A, {6}, "..."), language=None)
    assert detect_contact_type(tagged) is ContactType.COMPLAINT
