import pytest

from servio.language import detect_conversation_language, detect_language, turn_languages
from servio.model import Conversation, Language, Speaker, Turn


@pytest.mark.parametrize(
    "text",
    [
        "Tere, mul on küsimus tellimuse kohta",
        "tere, mul on kusimus tellimuse kohta",
        "aitah",
        "tänan väga, head päeva!",
        "kas saaksite mulle uue arve saata?",
        "paki jalgimise kood ei toota",
        "ootasin terve nadala ja pakki pole ikka",
        "@SkyBank @Tele2 miks mu kaart blokeeriti",
        # a chat's first message is often a greeting alone: it sets the language of the first live hint
        "Tsau",
        "tšau!",
        "Halloo?",
        "Hommikust!",
    ],
)
def test_estonian(text):
    assert detect_language(text) is Language.ET


@pytest.mark.parametrize(
    "text",
    [
        "Hi, I have a question about my order",
        "thanks so much!",
        "@AmazonHelp my package never arrived https://t.co/Zx81",
        "We're sorry to hear that. Could you DM us your booking reference? ^KL",
        "still waiting on hold",
    ],
)
def test_english(text):
    assert detect_language(text) is Language.EN


@pytest.mark.parametrize("text", ["", "   ", "12345 !!!", "@AmazonHelp @Foo https://t.co/abc", "🙂🙂", "ok"])
def test_no_evidence_gives_none(text):
    assert detect_language(text) is None


def test_mentions_do_not_sway_detection():
    assert detect_language("@kas @mis @tere thank you so much") is Language.EN


def test_mixed_text_follows_the_majority():
    assert detect_language("Tere! Mul on probleem, my order is late ja keegi ei vasta") is Language.ET
    assert detect_language("Hello, I wrote to you yesterday, aitäh for nothing") is Language.EN


def _conv(*texts, language=None):
    turns = tuple(
        Turn(speaker=Speaker.CUSTOMER if i % 2 else Speaker.AGENT, text=t) for i, t in enumerate(texts)
    )
    return Conversation(id="c1", turns=turns, language=language)


def test_conversation_language_from_text():
    conv = _conv("Tere! Millega saan aidata?", "ok", "tahaksin tellimust muuta", "Selge, teen ara")
    assert detect_conversation_language(conv) is Language.ET


def test_conversation_default_without_evidence():
    conv = _conv("ok", "👍", "123")
    assert detect_conversation_language(conv) is Language.EN
    assert detect_conversation_language(conv, default=Language.ET) is Language.ET


def test_turn_languages_fall_back_to_conversation():
    conv = _conv("Tere! Millega saan teid täna aidata?", "ok", "Thank you for your help", "aitäh, head päeva")
    assert turn_languages(conv) == (Language.ET, Language.ET, Language.EN, Language.ET)


def test_turn_language_field_wins():
    turns = (Turn(speaker=Speaker.AGENT, text="Tere", language=Language.EN),)
    assert turn_languages(Conversation(id="c", turns=turns)) == (Language.EN,)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Tellisin kingad", Language.ET),
        ("Broneeritud.", Language.ET),
        ("Kontor on avatud kaheksani.", Language.ET),
        ("Jah, just.", Language.ET),
        ("noustun, sobib", Language.ET),
        ("Refunded yesterday.", Language.EN),
    ],
)
def test_short_turns_use_word_shape(text, language):
    assert detect_language(text) is language


def test_capitalised_names_inside_a_sentence_carry_no_shape_evidence():
    assert detect_language("ok Peeter Tamm") is None
