"""Evidence lines of the stage chips: rule evidence by its cue's or rule's label, features in words."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from servio.analyze import analyze
from servio.analyze.learned.context import CONTEXT_NAMES
from servio.model import Conversation, Language, Speaker, Turn
from servio.web.evidence import describe, feature
from servio.web.i18n import strings


def _keys(language: str) -> set[str]:
    raw = resources.files("servio.web.i18n").joinpath(f"{language}.toml").read_text("utf-8")
    return {k for k in tomllib.loads(raw) if k.startswith("ev_")}


def test_every_evidence_string_is_translated() -> None:
    assert _keys("en") and _keys("en") == _keys("et")


def test_rule_evidence_names_the_cue_in_the_interface_language() -> None:
    assert describe("phrase", "greeting", "tere", "et") == "tervitus „tere”"
    assert describe("phrase", "greeting", "hello", "en") == "a greeting “hello”"
    assert describe("lemma", "apology.trouble", "vabandama", "et") == \
        "vabandus kliendile tekkinud ebamugavuse pärast „vabandama”"
    assert describe("context", "customer.answers_question", "", "et") == "kliendi vastus küsimusele"
    assert describe("context", "customer.answers_question", "", "en") == "the customer answering a question"


def test_unknown_ids_and_other_evidence_are_shown_as_they_are() -> None:
    assert describe("phrase", "acme.loyalty_card", "kliendikaart", "et") == "acme.loyalty_card „kliendikaart”"
    assert describe("reviewer", "mari", "", "et") == "reviewer: mari"
    assert describe("phrase", "greeting", "greeting", "en") == "a greeting"  # the match adds nothing


@pytest.mark.parametrize(("cue", "et", "en"), [
    ("greeting", "tervitus", "a greeting"),
    ("options.company", "võimalused ja neid piiravad reeglid", "options and the rules that limit them"),
    ("agent.link_to_fix", "teenindaja saadetud link lahendusele", "a link from the agent to a fix"),
])
def test_cue_features_name_the_cue_by_its_label(cue: str, et: str, en: str) -> None:
    assert feature(f"cue:{cue}", "et") == strings("et")["ev_cue"].format(x=et)
    assert feature(f"cue:{cue}", "en") == strings("en")["ev_cue"].format(x=en)
    assert feature(f"cue:{cue}", "en") != strings("en")["ev_cue"].format(x=cue)
    assert feature("cue:acme.loyalty_card", "et") == strings("et")["ev_cue"].format(x="acme.loyalty_card")


@pytest.mark.parametrize(("name", "en", "et"), [
    ("lemma:aitama", "a form of “aitama”", "sõna „aitama” mõni vorm"),
    ("word:thanks", "the word “thanks”", "sõna „thanks”"),
    ("char: te", "the letters “te”", "tähed „te”"),
    ("bigram:how can", "the words “how can”", "sõnad „how can”"),
    ("rule_stage:3", "the rule tagger gives stage 3 (needs)", "reeglimärgendaja järgi etapp 3 (vajadused)"),
    ("context:own.stage3", "the turn's own words point to stage 3 (needs)",
     "repliigi enda sõnade järgi etapp 3 (vajadused)"),
    ("context:prev.stage6", "the previous turn looks like stage 6 (solution)",
     "eelmine repliik näib olevat etapp 6 (lahendus)"),
    ("context:last_agent_turn", "the agent's last turn", "teenindaja viimane repliik"),
    ("prev:other", "previous turn: the other side", "eelmine repliik: teine pool"),
    ("next:aitama", "next turn: a form of “aitama”", "järgmine repliik: sõna „aitama” mõni vorm"),
    ("prev:same:rule_stage:1", "previous turn: the rule tagger gives stage 1 (attunement)",
     "eelmine repliik: reeglimärgendaja järgi etapp 1 (häälestumine)"),
    ("agent:question", "an agent's turn, the turn asks a question",
     "teenindaja repliik, repliigis on küsimus"),
    ("words:>40", "more than 40 words", "üle 40 sõna"),
    ("share:0", "in part 1 of 5 of the conversation", "vestluse 1. viiendikus"),
    ("kind:url", "the turn has a link", "repliigis on link"),
    ("bias", "the model's starting point (no strong feature)", "mudeli lähtepunkt (ükski tunnus pole tugev)"),
])
def test_features_in_words(name: str, en: str, et: str) -> None:
    assert feature(name, "en") == en
    assert feature(name, "et") == et


def test_unknown_features_keep_their_name() -> None:
    assert feature("something:new", "en") == "something:new"
    assert feature("context:nowhere", "et") == "context:nowhere"


def test_every_context_column_has_words() -> None:
    for name in CONTEXT_NAMES:
        assert feature(name, "en") != name and feature(name, "et") != name


def test_learned_evidence_of_a_real_tag_reads_as_words() -> None:
    conv = Conversation(id="e", language=Language.EN, turns=(
        Turn(Speaker.AGENT, "Hello, this is Anna from support. How can I help?"),
        Turn(Speaker.CUSTOMER, "My router keeps dropping the connection."),
    ))
    tagged = analyze(conv, tagger="learned")
    lines = [describe(e.kind, e.cue, e.match, "en") for tt in tagged.turns for tag in tt.tags
             for e in tag.evidence]
    assert lines and all(line.startswith("model: ") for line in lines)
    assert not any(":" in line.removeprefix("model: ").split(" ")[0] for line in lines), lines


@pytest.mark.parametrize("language", ["et", "en"])
def test_rule_evidence_of_a_real_tag_shows_no_raw_ids(language: str) -> None:
    conv = Conversation(id="r", language=Language.ET, turns=(
        Turn(Speaker.AGENT, "Tere! Mina olen Kati. Kuidas saan aidata?"),
        Turn(Speaker.CUSTOMER, "Minu internet katkeb iga päev õhtuti."),
        Turn(Speaker.AGENT, "Vabandame ebamugavuse pärast! Kas olete ruuteri taaskäivitanud?"),
    ))
    tagged = analyze(conv, tagger="rules")
    evidence = [e for tt in tagged.turns for tag in tt.tags for e in tag.evidence]
    lines = [describe(e.kind, e.cue, e.match, language) for e in evidence]
    assert len(lines) >= 4
    raw = [line for line, e in zip(lines, evidence, strict=True)
           if line.startswith((f"{e.cue} ", f"{e.kind}:")) or line == e.cue
           or ("." in e.cue and e.cue in line)]
    assert not raw, lines
    greeting = "tervitus „Tere”" if language == "et" else "a greeting “Tere”"
    assert any(line.lower() == greeting.lower() for line in lines), lines
