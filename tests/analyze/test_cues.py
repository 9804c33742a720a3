"""Cue files and the pattern language: what compiles, what matches, and errors that name file and cue."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from servio.analyze.cues import CueError, load_cue_file, load_cues, parse_cues
from servio.analyze.patterns import PatternError, compile_pattern, wrap


def _matches(pattern: str, text: str) -> str | None:
    m = re.search(wrap(compile_pattern(pattern).regex), text)
    return m.group(0) if m else None


@pytest.mark.parametrize(
    ("pattern", "text", "found"),
    [
        ("how can i help", "hi! how can i help?", "how can i help"),
        ("how can i help", "how can i helpful", None),               # word boundary
        ("hey (there)?", "hey there!", "hey there"),
        ("hey (there)?", "hey!", "hey"),
        ("(oh)? no", "oh no", "oh no"),
        ("(oh)? no", "no way", "no"),
        ("let ~ know", "let us know", "let us know"),
        ("let ~ know", "let a b c d know", None),                      # gap of at most 3 words
        ("let ~5 know", "let a b c d know", "let a b c d know"),
        ("apologi* for", "we apologise for", "apologise for"),
        ("*number", "palun kliendinumber", "kliendinumber"),
        ("we('d| would) like", "we'd like", "we'd like"),
        ("we('d| would) like", "we would like", "we would like"),
        ("(so much )?for", "thanks for", "for"),
        ("(do |truly )?apologi*", "we truly apologize", "truly apologize"),
        ("# eur*", "see maksab 24,90 eurot", "24,90 eurot"),
        ("hello ?", "hello?", "hello?"),
        ("thanks, bye", "thanks bye", "thanks bye"),                  # commas are separators
        ("how can i help", "how. can i help", None),                   # never across a sentence end
        ("re:^\\W*morning\\b", "morning all", "morning"),
    ],
)
def test_pattern_language(pattern: str, text: str, found: str | None) -> None:
    assert _matches(pattern, text) == found


def test_anchors_gate_and_lead() -> None:
    c = compile_pattern("(i|we) can help")
    assert c.leading and c.anchors == {"i", "we"}
    assert c.gate == {"help"}  # the most selective required word gates the pattern
    assert compile_pattern("wait*").anchors == {"wai*"}
    assert not compile_pattern("# eur*").leading
    assert compile_pattern("*number").anchors == frozenset()


@pytest.mark.parametrize("bad", ["", "(a|b", "a | b", "~ start", "(|x)", "re:(unclosed", "bad[item]"])
def test_bad_patterns_are_refused(bad: str) -> None:
    with pytest.raises(PatternError):
        compile_pattern(bad)


GOOD = """
language = "en"
[question]
starters = ["can"]
[[cue]]
id = "greeting"
stage = 1
phrases = ["hello"]
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not toml [", "not valid TOML"),
        ('language = "en"', "needs at least one"),
        ('[[cue]]\nstage = 1\nphrases = ["x"]', "cue #1 needs an 'id'"),
        ('[[cue]]\nid = "a.b"\nphrases = ["x"]', "cue 'a.b': needs a 'stage' or a 'signal'"),
        ('[[cue]]\nid = "a.b"\nstage = 9\nphrases = ["x"]', "cue 'a.b': 'stage' must be"),
        ('[[cue]]\nid = "a.b"\nstage = 1', "cue 'a.b': needs 'phrases' or 'lemmas'"),
        ('[[cue]]\nid = "a.b"\nstage = 1\nphrases = ["(x"]', "cue 'a.b': bad pattern '\\(x'"),
        ('[[cue]]\nid = "a.b"\nstage = 1\nphrases = ["x"]\ncolour = "red"', "cue 'a.b': unknown key"),
        ('[[cue]]\nid = "a.b"\nstage = 1\nphrases = ["x"]\nwhere = ["mid"]', "cue 'a.b': unknown position"),
        ('[[cue]]\nid = "a.b"\nstage = 1\nphrases = ["x"]\nspeaker = "bot"', "cue 'a.b': 'speaker'"),
        ('[[cue]]\nid = "a.b"\nstage = 1\nphrases = ["x"]\nweight = 0', "cue 'a.b': 'weight'"),
        ('[[cue]]\nid = "a"\nstage = 1\nphrases = ["x"]\n[[cue]]\nid = "a"\nstage = 2\nphrases = ["y"]',
         "cue 'a' is defined twice"),
    ],
)
def test_bad_cue_files_name_the_file_and_the_cue(text: str, message: str) -> None:
    with pytest.raises(CueError, match=message) as info:
        parse_cues(text, source="my/cues.toml")
    assert str(info.value).startswith("my/cues.toml")


def test_a_cue_file_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "cues.toml"
    path.write_text(GOOD, "utf-8")
    cues = load_cue_file(path, "en")
    assert cues.cue("greeting").stages == (1,) and cues.question_starters == {"can"}
    path.write_text(GOOD.replace('"en"', '"et"'), "utf-8")
    with pytest.raises(CueError, match="declares language 'et', expected 'en'"):
        load_cue_file(path, "en")


def test_patterns_are_folded_like_the_text() -> None:
    cues = parse_cues('[[cue]]\nid = "t"\nstage = 7\nphrases = ["Tänan väga"]', source="x")
    assert cues.cue("t").text_patterns[0].search.search("tanan vaga")


@pytest.mark.parametrize("language", ["et", "en"])
def test_packaged_cue_files_load(language: str) -> None:
    cues = load_cues(language)
    assert cues.language == language and len(cues.cues) > 20
    assert load_cues(language) is cues  # read and compiled once
    stages = {s for c in cues.cues for s in c.stages}
    assert stages == {1, 2, 3, 4, 5, 6, 7}


def test_unknown_language_has_no_cues() -> None:
    with pytest.raises(CueError, match="no cue file for language 'xx'"):
        load_cues("xx")


@pytest.mark.parametrize("language", ["et", "en"])
def test_packaged_patterns_use_a_literal_question_mark_only_at_the_end(language: str) -> None:
    """'takes?' in a cue means the text "takes?" (not an optional s): a typo guard."""
    import tomllib
    from importlib import resources

    text = resources.files("servio.data").joinpath("cues", f"{language}.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    bad = [(c["id"], p) for c in raw["cue"] for key in ("phrases", "lemmas") for p in c.get(key, [])
           if not p.startswith("re:") and re.search(r"(?<!\))\?(?!\s*$)", p)]
    assert not bad, bad


@pytest.mark.parametrize("text", ["Thanks. @Delta will escalate this", "Thanks.@Delta will escalate this",
                                  "@Delta will escalate this"])
def test_a_sentence_start_survives_a_dropped_mention(text: str) -> None:
    from servio.analyze.base import TurnAnalysis
    from servio.analyze.views import build_view
    from servio.language import analyze_text
    from servio.model import Language, Speaker, Turn

    turn = TurnAnalysis(0, Turn(Speaker.AGENT, text), Language.EN, analyze_text(text, Language.EN))
    view = build_view(turn, frozenset())
    assert "  " not in view.text
    assert re.search(wrap(compile_pattern("^ will escalate").regex), view.text)
