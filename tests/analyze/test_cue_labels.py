"""Labels of cue and rule ids: one for every id the shipped data can put in evidence, none stale."""

from __future__ import annotations

import ast
import inspect
from collections import Counter

import pytest

from servio.analyze import context
from servio.analyze.cue_labels import cue_label, load_labels, parse_labels
from servio.analyze.cues import CueError, load_cues

LANGUAGES = ("et", "en")


def _cue_ids() -> set[str]:
    return {c.id for lang in LANGUAGES for c in load_cues(lang).cues}


def _rule_ids() -> set[str]:
    """Every rule id the context rules write: the literal third argument of ``add(stage, "context", id)``."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(inspect.getsource(context))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add":
            args = node.args
            if len(args) >= 3 and isinstance(args[1], ast.Constant) and args[1].value == "context":
                assert isinstance(args[2], ast.Constant) and isinstance(args[2].value, str), ast.dump(node)
                found.add(args[2].value)
    return found


def test_the_sources_of_ids_are_found() -> None:
    assert len(_cue_ids()) >= 50
    assert len(_rule_ids()) >= 20
    assert {"greeting", "options.company", "apology.trouble"} <= _cue_ids()
    assert {"customer.answers_question", "agent.link_to_fix"} <= _rule_ids()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_cue_and_rule_id_has_a_label(language: str) -> None:
    missing = sorted(i for i in _cue_ids() | _rule_ids() if cue_label(i, language) == i)
    assert not missing, f"no {language} label for {missing} in servio/data/cues/labels.toml"
    for i in _cue_ids() | _rule_ids():
        label = cue_label(i, language)
        assert label.strip() == label and label and label != i


def test_no_stale_labels() -> None:
    labels = load_labels()
    assert not set(labels.cues) - _cue_ids(), "labels of cue ids that no cue file has"
    assert not set(labels.rules) - _rule_ids(), "labels of rule ids that context.py never writes"


@pytest.mark.parametrize("language", LANGUAGES)
def test_labels_tell_ids_apart(language: str) -> None:
    labels = load_labels()
    counts = Counter(cue_label(i, language) for i in (*labels.cues, *labels.rules))
    assert not [label for label, n in counts.items() if n > 1]


def test_labels_in_each_language() -> None:
    assert cue_label("greeting", "et") == "tervitus"
    assert cue_label("greeting", "en") == "a greeting"
    assert cue_label("options.company", "et") == "võimalused ja neid piiravad reeglid"
    assert cue_label("customer.answers_question", "en") == "the customer answering a question"
    assert cue_label("greeting", "fr") == "a greeting"  # another language: English, as the interface does


def test_an_unknown_id_is_shown_as_it_is() -> None:
    assert cue_label("acme.loyalty_card", "et") == "acme.loyalty_card"
    assert cue_label("", "en") == ""


@pytest.mark.parametrize(("text", "message"), [
    ("[cue]\ngreeting = 1", "cue 'greeting': needs exactly the keys"),
    ('[cue]\ngreeting = { et = "tervitus" }', "cue 'greeting': needs exactly the keys"),
    ('[rule]\n"a.b" = { et = " ", en = "x" }', "rule 'a.b': labels must be non-empty"),
    ('[cues]\na = { et = "a", en = "b" }', "unknown table(s) ['cues']"),
    ('[cue]\na = { et = "a", en = "b" }\n[rule]\na = { et = "a", en = "b" }', "in both [cue] and [rule]"),
    ("[cue", "not valid TOML"),
])
def test_bad_labels_files_name_the_file_and_the_id(text: str, message: str) -> None:
    with pytest.raises(CueError) as info:
        parse_labels(text, source="my/labels.toml")
    assert str(info.value).startswith("my/labels.toml") and message in str(info.value)
