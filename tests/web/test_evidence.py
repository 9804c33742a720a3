"""Evidence lines of the stage chips: rule evidence by its cue's or rule's label, features in words."""

from __future__ import annotations

import re
import tomllib
from importlib import resources

import pytest

from servio.analyze import analyze
from servio.analyze.learned.context import CONTEXT_NAMES
from servio.model import Conversation, Language, Speaker, Turn
from servio.results import Evidence
from servio.web.evidence import chip_evidence, describe, feature
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
    assert describe("reviewer", "mari", "", "et") == "hindaja määras: mari"  # servio's own kind, in words
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
    ("bigram:<s> tere", "the word “tere” at the start of the turn", "sõna „tere” repliigi alguses"),
    ("trigram:aitäh teile </s>", "the words “aitäh teile” at the end of the turn",
     "sõnad „aitäh teile” repliigi lõpus"),
    ("rule_stage:3", "its key words point to stage 3 (needs)", "märksõnade järgi etapp 3 (vajadused)"),
    ("context:own.stage3", "the turn's own words point to stage 3 (needs)",
     "repliigi enda sõnade järgi etapp 3 (vajadused)"),
    ("context:prev.stage6", "the previous turn looks like stage 6 (solution)",
     "eelmine repliik näib olevat etapp 6 (lahendus)"),
    ("context:last_agent_turn", "the agent's last turn", "teenindaja viimane repliik"),
    ("prev:other", "previous turn: the other side", "eelmine repliik: teine pool"),
    ("next:aitama", "next turn: a form of “aitama”", "järgmine repliik: sõna „aitama” mõni vorm"),
    ("prev:same:rule_stage:1", "previous turn: its key words point to stage 1 (attunement)",
     "eelmine repliik: märksõnade järgi etapp 1 (häälestumine)"),
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


# -- a chip's evidence: reasons for its own stage, in plain words (audit 19a m9) ----------------------

_OTHER_STAGE = re.compile(r"(?:etapp|stage) (\d)")
#: Lines that name another stage as the setting of this turn, not as a reason: its neighbours' stages.
_CONTEXT_OPENINGS = {"et": ("mudel: eelmine", "mudel: järgmine", "mudel: teise poole", "mudel: mõni"),
                     "en": ("model: the previous", "model: the next", "model: the other side's",
                            "model: an earlier", "model: a later", "model: previous turn",
                            "model: next turn")}


def _jargon(line: str) -> bool:
    return "reeglimärgendaja" in line or "rule tagger" in line


@pytest.mark.parametrize("language", ["et", "en"])
def test_a_chip_gives_no_other_stage_as_its_reason_and_no_jargon(language: str) -> None:
    evidence = [Evidence("feature", "context:own.stage3"), Evidence("feature", "context:rules.stage5"),
                Evidence("feature", "rule_stage:5"), Evidence("feature", "rule_stage:7"),
                Evidence("feature", "context:rules.stage7"), Evidence("feature", "context:prev.stage6"),
                Evidence("feature", "cue:thanks"), Evidence("feature", "prev:same:rule_stage:1")]
    lines = chip_evidence(7, evidence, language)
    assert not [line for line in lines if _jargon(line)], lines
    named = {line: set(_OTHER_STAGE.findall(line)) for line in lines}
    assert not [line for line, stages in named.items() if stages - {"7"}
                and not line.startswith(_CONTEXT_OPENINGS[language])], lines
    words = {"et": ("mudel: repliigis on tänusõnad", "mudel: märksõnade järgi etapp 7 (hüvastijätt)",
                    "mudel: eelmine repliik näib olevat etapp 6 (lahendus)",
                    "mudel: eelmine repliik: märksõnade järgi etapp 1 (häälestumine)"),
             "en": ("model: the turn has words of thanks", "model: its key words point to stage 7 (goodbye)",
                    "model: the previous turn looks like stage 6 (solution)",
                    "model: previous turn: its key words point to stage 1 (attunement)")}[language]
    assert [line for line in words if line not in lines] == [], lines
    assert len(lines) == len(set(lines)) == 4


@pytest.mark.parametrize("language", ["et", "en"])
def test_a_chip_with_only_other_stages_as_evidence_says_so_plainly(language: str) -> None:
    lines = chip_evidence(7, [Evidence("feature", "context:own.stage3")], language)
    assert lines == [strings(language)["ev_context_only"]]


def test_a_reviewers_stage_is_said_in_words_and_the_guest_by_its_label() -> None:
    assert chip_evidence(5, [Evidence("reviewer", "mari")], "et") == ["hindaja määras: mari"]
    assert chip_evidence(5, [Evidence("reviewer", "guest")], "et") == ["hindaja määras: külaline"]
    assert chip_evidence(5, [Evidence("reviewer", "guest")], "en") == ["set by a reviewer: guest"]


@pytest.mark.parametrize("language", ["et", "en"])
def test_the_conversation_page_shows_plain_evidence(language: str) -> None:
    from servio.evaluate import evaluate
    from servio.web.pages import conversation_view

    conv = Conversation(id="k", language=Language.ET, turns=(
        Turn(Speaker.CUSTOMER, "Tere, mu telefon ei helise, kõned ei tule läbi."),
        Turn(Speaker.AGENT, "Tere, Jaan Telekomist. Millal see algas ja kas SMS-id tulevad?"),
        Turn(Speaker.CUSTOMER, "Eilsest, SMS-id tulevad."),
        Turn(Speaker.AGENT, "Kontrollisin, teie numbril oli kõnede suunamine sisse lülitatud. "
                            "Lülitasin selle välja, proovige nüüd."),
        Turn(Speaker.CUSTOMER, "Nüüd töötab, aitäh."),
        Turn(Speaker.AGENT, "Tore! Kas saan veel kuidagi aidata? Ilusat päeva!"),
    ))
    result = evaluate(analyze(conv, tagger="learned"))
    view = conversation_view(conv, result, frozenset(), language)
    chips = [(chip["stage"], line) for turn in view["turns"] for chip in turn["chips"]
             for line in chip["evidence"]]
    assert chips
    assert not [line for _, line in chips if _jargon(line)]
    assert not [(s, line) for s, line in chips if set(_OTHER_STAGE.findall(line)) - {str(s)}
                and not line.startswith(_CONTEXT_OPENINGS[language])]
