"""What servio says to people, in Estonian and English: the same keys, placeholders and terms in both.

The data files are read as they ship (servio/data and servio/web/i18n); no conversation is analysed.
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from typing import Any

import pytest

PLACEHOLDER = re.compile(r"\{(\w+)\}")

# The stage names of the domain reference (SERVICE_PROCESS.md, "The seven stages"): trainers use these.
SPEC_NAMES = {
    1: ("häälestumine ja häälestamine", "attunement"),
    2: ("huvi tekitamine", "creating interest"),
    3: ("vajaduste selgitamine ja kujundamine", "clarifying needs"),
    4: ("väärtuste selgitamine ja kujundamine", "clarifying values"),
    5: ("võimaluste selgitamine ja kujundamine", "clarifying options"),
    6: ("lahenduste pakkumine", "offering a solution"),
    7: ("„head aega” protseduur", "the goodbye procedure"),
}


def _toml(package: str, name: str) -> dict[str, Any]:
    return tomllib.loads(resources.files(package).joinpath(name).read_text("utf-8"))


def _leaves(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out.update(_leaves(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _pairs() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    ui = _toml("servio.data", "ui.toml")
    return [
        ("feedback", _leaves(_toml("servio.data.feedback", "et.toml")),
         _leaves(_toml("servio.data.feedback", "en.toml"))),
        ("hints", _leaves(_toml("servio.data.hints", "et.toml")),
         _leaves(_toml("servio.data.hints", "en.toml"))),
        ("ui", ui["et"], ui["en"]),
        ("web", _toml("servio.web.i18n", "et.toml"), _toml("servio.web.i18n", "en.toml")),
    ]


@pytest.mark.parametrize(("name", "et", "en"), _pairs(), ids=[p[0] for p in _pairs()])
def test_both_languages_have_the_same_keys_placeholders_and_settings(name: str, et: dict[str, Any],
                                                                     en: dict[str, Any]) -> None:
    assert sorted(set(et) ^ set(en)) == [], name
    for key, value in en.items():
        if isinstance(value, str):
            assert value.strip() and et[key].strip(), key
            assert set(PLACEHOLDER.findall(et[key])) == set(PLACEHOLDER.findall(value)), key
        else:  # numbers such as a warning's after_stage are settings, the same in both languages
            assert et[key] == value, key


def test_stage_names_are_the_domain_references() -> None:
    rows = {row["id"]: row for row in _toml("servio.data", "stages.toml")["stage"]}
    assert {i: (r["et"], r["en"]) for i, r in rows.items()} == SPEC_NAMES


# Words a trainer would not write in Estonian servio texts, with the word servio uses instead.
NOT_ESTONIAN = {
    r"\bskoor": "hinne (the dashboard and reports say hinne)",
    r"\bkonks": "a calque of 'hook'",
    r"ootamise tunnustamine": "'tunnustama' is to praise; a wait is noticed (märkama)",
    r"\bvalik teha\b": "a calque of 'a choice to make'",
}


def _estonian_texts() -> list[tuple[str, str]]:
    texts = [(f"stages.{r['key']}.{k}", r[k]) for r in _toml("servio.data", "stages.toml")["stage"]
             for k in ("et", "short_et", "about_et")]
    return texts + [(f"{name}.{key}", v) for name, et, _ in _pairs() for key, v in et.items()
                    if isinstance(v, str)]


@pytest.mark.parametrize(("pattern", "why"), NOT_ESTONIAN.items())
def test_estonian_texts_use_the_trainers_words(pattern: str, why: str) -> None:
    found = [key for key, text in _estonian_texts() if re.search(pattern, text, re.I)]
    assert found == [], why


def test_interest_advice_asks_for_a_clearer_invitation_not_a_clearer_customer() -> None:
    # "Invite the customer to talk more clearly" reads as if the customer should speak more clearly
    for lang, bad in (("en", r"talk more clearly"), ("et", r"selgemalt rääkima")):
        text = _toml("servio.data.feedback", f"{lang}.toml")["stage"]["interest"]["improve"]
        assert not re.search(bad, text), text


QUOTED = re.compile(r"„[^”“]*[”“]|\"[^\"]*\"|“[^”]*”")


@pytest.mark.parametrize("lang", ["et", "en"])
def test_an_indirect_question_ends_without_a_question_mark(lang: str) -> None:
    # "Küsi, mis on kliendile kõige olulisem." / "Ask what matters most." report a question, they do
    # not ask one; only a quoted question ("Kas see sobib?") keeps its question mark
    pairs = [p for p in _pairs() if p[0] in ("feedback", "hints")]
    texts = {f"{name}.{k}": v for name, et, en in pairs for k, v in (et if lang == "et" else en).items()
             if isinstance(v, str)}
    opener = re.compile(r"^(Küsi|Uuri|Ask|Find out)\b")
    wrong = [key for key, text in texts.items()
             for sentence in re.split(r"(?<=[.!?])\s+", QUOTED.sub("«»", text))
             if opener.match(sentence) and "?" in sentence]
    assert wrong == []


def test_estonian_quotes_are_written_one_way() -> None:
    # „…” as in the stage name „head aega” protseduur; not „…“, “…” or "…" (English quotes)
    wrong = [key for key, text in _estonian_texts() if re.search(r"[“\"]", text)]
    assert wrong == []
    assert all(text.count("„") == text.count("”") for _, text in _estonian_texts())
