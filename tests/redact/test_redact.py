"""Redaction of personal data: what is found, what is left alone, and that tagging still works."""

from __future__ import annotations

import pytest

from servio.analyze import analyze
from servio.language.tokens import raw_tokens
from servio.model import Conversation, Language, Speaker, Turn
from servio.redact import (
    RedactionConfig,
    available_kinds,
    find,
    redact_conversation,
    redact_text,
    register_detector,
    unregister_detector,
)
from servio.redact.checks import luhn_valid

FOUND = [
    ("Minu isikukood on 37605030299, aitäh", "Minu isikukood on REDACTED-IDCODE, aitäh"),
    ("ik:48505120078.", "ik:REDACTED-IDCODE."),
    ("Lithuanian asmens kodas 38703181745", "Lithuanian asmens kodas REDACTED-IDCODE"),  # the same rules
    ("IMEI 490154203237518", "IMEI REDACTED-CARD"),  # 15 digits passing Luhn: a device id, personal too
    ("IK48505120078, isikukoodiga48505120078", "IKREDACTED-IDCODE, isikukoodigaREDACTED-IDCODE"),
    ("kood_48505120078_", "kood_REDACTED-IDCODE_"),
    ("IBAN EE382200221020145685 palun", "IBAN REDACTED-IBAN palun"),
    ("konto EE38 2200 2210 2014 5685.", "konto REDACTED-IBAN."),
    ("konto ee38 2200 2210 2014 5685 ja muu", "konto REDACTED-IBAN ja muu"),
    ("account GB82 WEST 1234 5698 7654 32 thanks", "account REDACTED-IBAN thanks"),
    ("card 4111 1111 1111 1111 exp 12/27", "card REDACTED-CARD exp 12/27"),
    ("card 4111-1111-1111-1111", "card REDACTED-CARD"),
    ("kaart 5555555555554444, tänan", "kaart REDACTED-CARD, tänan"),
    ("amex 3782 822463 10005", "amex REDACTED-CARD"),
    ("helista 5123 4567 või +372 5123 4567", "helista REDACTED-PHONE või REDACTED-PHONE"),
    ("mu number on 51234567", "mu number on REDACTED-PHONE"),
    ("telefon 512 3456.", "telefon REDACTED-PHONE."),
    ("numbril 5123456-le", "numbril REDACTED-PHONE-le"),
    ("tel.55512345, Tel:5123-4567", "tel.REDACTED-PHONE, Tel:REDACTED-PHONE"),
    ("mob.:5123 456", "mob.:REDACTED-PHONE"),
    ("call +44 20 7946 0958 or +1 (888) 850-3958", "call REDACTED-PHONE or REDACTED-PHONE"),
    ("tel 00372 640 1100", "tel REDACTED-PHONE"),
    ("+358401234567", "REDACTED-PHONE"),
    ("00358 40 123 4567", "REDACTED-PHONE"),
    ("0037251234567", "REDACTED-PHONE"),
    ("kaart 4111 1111\n1111 1111 aitäh", "kaart REDACTED-CARD aitäh"),  # an e-mail line wrapped inside
    ("kaart 4111 1111 1111\r\n1111", "kaart REDACTED-CARD"),
    ("kaart 4111  1111  1111  1111", "kaart REDACTED-CARD"),  # two spaces between groups
    ("konto EE38 2200\n2210 2014 5685 ok", "konto REDACTED-IBAN ok"),
    ("konto EE38 2200 2210 2014\r\n5685", "konto REDACTED-IBAN"),
    ("konto EE38  2200  2210  2014  5685", "konto REDACTED-IBAN"),
    ("konto EE38-2200-2210-2014-5685", "konto REDACTED-IBAN"),
    ("kirjutage mari.maasikas@example.ee või info@firma.com", "kirjutage REDACTED-EMAIL või REDACTED-EMAIL"),
    ("<jaan.tamm+arve@post.example.co.uk>", "<REDACTED-EMAIL>"),
    ("Jaan.Tamm[at]Gmail.com või mari (at) firma [dot] ee.", "REDACTED-EMAIL või REDACTED-EMAIL."),
    ("kiri: info{at}pood.example.ee", "kiri: REDACTED-EMAIL"),
]

LEFT_ALONE = [
    "Tellimus nr 37605030298 (vale kontrollnumber)",
    "arve 37613030299",  # not a date
    "arve A37605030298 ja 937605030299",  # after a letter the checks still apply; a 12th digit is no code
    "order 12345678901 shipped",
    "order EE38 2200 2210 2014 5686",  # mod-97 fails
    "viide AB12 3456 7890 1234 5678",  # no such country, mod-97 fails
    "order 4111 1111 1111 1112 shipped",  # Luhn fails
    "tracking 1234567890123456",  # Luhn fails
    "invoice 8111111111111112",  # Luhn passes, but 8 starts no payment card
    "hind 5 000 000 eurot, 500 000, 5000 EUR",
    "order #51234567 arrived",
    "kell 15:30, 12.05.2024, versioon 5.123.4567",
    "tellimus 2024-5123-4567",
    "vaata www.example.com/abc või @firma",
    "kohtume (at) kell 10 [at] kontoris, vaata [at]firma",  # no address around the (at)
    "paketi kood 1234567",
    "tellimus 0012345678901",  # a leading 00 without spaces is not taken for a number dialled abroad
    "ISO 9001:2015 ja EN 1090-2",
    "hind 1,5123456 ja 2.5123456 ja kell 10:5123456",  # after a digit and a point, comma or colon: a decimal
    "vaata firma.ee/51234567 ja tellimus AB-5123456",  # a web address path, a code with a dash
    "order 4111 1111\n\n1111 1111",  # a blank line between is two numbers
    "arve EE38 2200\n\n2210 2014 5685",
]


@pytest.mark.parametrize("text,expected", FOUND)
def test_personal_data_is_replaced(text: str, expected: str) -> None:
    assert redact_text(text)[0] == expected


@pytest.mark.parametrize("text", LEFT_ALONE)
def test_lookalikes_are_left_alone(text: str) -> None:
    if "8111" in text:
        assert luhn_valid("8111111111111112")  # the lookalike really passes Luhn
    assert redact_text(text) == (text, [])


def test_findings_name_their_kind_and_place() -> None:
    text = "ik 37605030299, mail a@b.ee"
    findings = find(text)
    found = [(f.kind, text[f.start:f.end]) for f in findings]
    assert found == [("idcode", "37605030299"), ("email", "a@b.ee")]


@pytest.mark.parametrize("kind", ["idcode", "iban", "card", "phone", "email"])
def test_every_token_is_one_word_to_the_tokeniser(kind: str) -> None:
    token = RedactionConfig().token(kind)
    for text in (token, f"({token}).", f"nr {token}, aitäh", f"{token}-ga"):
        words = [t for t, k in raw_tokens(text) if k == "word"]
        assert any(w.startswith(token) for w in words)
        assert not any(t in ("[", "]") for t, _ in raw_tokens(text))
    assert [k for _t, k in raw_tokens(token)] == ["word"]


def test_only_the_chosen_kinds_are_redacted() -> None:
    text = "mail a@b.ee, tel 5123 4567"
    only_email = RedactionConfig(kinds=frozenset({"email"}))
    assert redact_text(text, only_email)[0] == "mail REDACTED-EMAIL, tel 5123 4567"
    assert redact_text(text, RedactionConfig(enabled=False))[0] == text
    custom = RedactionConfig(tokens={"phone": "TELEFON"})
    assert redact_text(text, custom)[0] == "mail REDACTED-EMAIL, tel TELEFON"


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError):
        redact_text("x", RedactionConfig(kinds=frozenset({"passport"})))
    with pytest.raises(ValueError):
        redact_text("x", RedactionConfig(tokens={"passport": "P"}))


def test_a_third_party_kind_registers_like_the_built_ins() -> None:
    import re

    plate = re.compile(r"\b\d{3} [A-Z]{3}\b")
    register_detector("plate", lambda t: (m.span() for m in plate.finditer(t)), priority=60)
    try:
        assert "plate" in available_kinds()
        assert redact_text("auto 123 ABC")[0] == "auto REDACTED-PLATE"
    finally:
        unregister_detector("plate")
    assert redact_text("auto 123 ABC")[0] == "auto 123 ABC"


def test_overlaps_go_to_the_higher_priority_kind() -> None:
    # an e-mail address full of digits is an e-mail address, not a phone number
    assert redact_text("51234567@example.ee")[0] == "REDACTED-EMAIL"


def test_a_conversation_is_redacted_in_text_author_and_metadata() -> None:
    conv = Conversation(
        id="x1", agent_id="kati", team="Tallinn",
        turns=(Turn(Speaker.CUSTOMER, "Minu e-post on mari@example.ee", author="mari@example.ee"),
               Turn(Speaker.AGENT, "Aitäh!", author="Kati")),
        metadata={"subject": "Arve 5123 4567", "refs": ["a@b.ee", 3],
                  "deep": {"iban": "EE382200221020145685"}},
    )
    clean, counts = redact_conversation(conv)
    assert clean.turns[0].text == "Minu e-post on REDACTED-EMAIL"
    assert clean.turns[0].author == "REDACTED-EMAIL" and clean.turns[1].author == "Kati"
    assert clean.metadata["subject"] == "Arve REDACTED-PHONE"
    assert clean.metadata["refs"] == ["REDACTED-EMAIL", 3]
    assert clean.metadata["deep"] == {"iban": "REDACTED-IBAN"}
    assert counts == {"email": 3, "phone": 1, "iban": 1}
    assert (clean.id, clean.agent_id, clean.team) == ("x1", "kati", "Tallinn")
    assert redact_conversation(clean)[1] == {}  # redacting twice changes nothing more


def test_metadata_keys_are_redacted_too() -> None:
    # an export that maps participants' addresses to roles holds personal data in the keys
    conv = Conversation(id="x3", turns=(Turn(Speaker.CUSTOMER, "Tere!"),),
                        metadata={"participants": {"mari@example.ee": "customer", "kati@pank.ee": "agent",
                                                   "bot": "system"}})
    clean, counts = redact_conversation(conv)
    assert clean.metadata["participants"] == {"REDACTED-EMAIL": "customer", "REDACTED-EMAIL-2": "agent",
                                              "bot": "system"}
    assert counts == {"email": 2}


def test_a_conversation_without_personal_data_is_returned_as_is() -> None:
    conv = Conversation(id="x2", turns=(Turn(Speaker.CUSTOMER, "Tere!"),))
    assert redact_conversation(conv)[0] is conv


def _asks_for_phone(answer: str, language: Language) -> Conversation:
    if language is Language.ET:
        texts = ("Tere! Millega saan aidata?", "Tere, palun helistage mulle tagasi.",
                 "Muidugi. Mis on teie telefoninumber?", answer)
    else:
        texts = ("Hi! How can I help?", "I would like a call back please.",
                 "Of course. What is your phone number?", answer)
    speakers = (Speaker.AGENT, Speaker.CUSTOMER, Speaker.AGENT, Speaker.CUSTOMER)
    return Conversation(id="p", language=language,
                        turns=tuple(Turn(s, t) for s, t in zip(speakers, texts, strict=True)))


@pytest.mark.parametrize("language,answer", [
    (Language.ET, "Minu number on 5123 4567."),
    (Language.ET, "+372 5123 4567"),
    (Language.EN, "Sure, it is +44 20 7946 0958."),
    (Language.EN, "it's 5123 4567, or email me at mari@example.ee"),
])
def test_the_tagger_still_tags_a_redacted_answer_as_needs(language: Language, answer: str) -> None:
    conv = _asks_for_phone(answer, language)
    clean, counts = redact_conversation(conv)
    assert counts["phone"] == 1
    assert "REDACTED-PHONE" in clean.turns[3].text
    assert 3 in analyze(clean).turns[3].stages
    assert 3 in analyze(clean).turns[2].stages
    assert analyze(clean).turns[3].stages == analyze(conv).turns[3].stages
