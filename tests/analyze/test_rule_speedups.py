"""The rule tagger's shortcuts give what the plain computations give.

Views: the per-chunk word index and sentence split equal whole-text regex passes (the way they
were computed before), with a cold memo and a warm one. Matching: a pattern's gates and a raw
regex's literal sets are necessary conditions of a match, so skipping a pattern that fails them
never loses a hit.
"""

from __future__ import annotations

import bisect
import json
import re
from pathlib import Path

import pytest

from servio.analyze import views
from servio.analyze.cues import load_cues
from servio.analyze.patterns import compile_pattern, required_literals, word_keys
from servio.language import analyze_text
from servio.model import Language

EXAMPLES = Path(__file__).parents[2] / "servio" / "examples" / "conversations.jsonl"
_WORD = re.compile(r"\w+")
_END = re.compile(r"[.!?…]+(?=\s|$|[\"')\]])|\n+")

TEXTS = [
    "", " ", "tere", "Tere! Kuidas saan aidata?", "ok.", "?!", "... ok", "mis  juhtus?? \n\n vastus",
    "Thanks.@Delta will", "a.b c", 'ta ütles: "jah." ja läks', "(vt ka) [x] 1) esimene\n2) teine",
    "kas\tsaab?\u00a0jah…", "e-post: mari@näide.ee", "hello?)", "we'd like it… ok?!.", "x - Mari",
    "url url  url", "  kaks  tühikut  ", "no words here ?!", "word.", "miks? sest. ja", "¿que? ¡si!",
]


def _reference(text: str, wanted: frozenset[str] | None, starters: frozenset[str]) -> tuple[object, ...]:
    """Word starts and sentences computed by whole-text regexes (the former implementation)."""
    found = list(_WORD.finditer(text))
    starts: dict[str, list[int]] = {}
    for m in found:
        for key in dict.fromkeys(word_keys(m.group())):
            if wanted is None or key in wanted:
                starts.setdefault(key, []).append(m.start())
    word_starts = [m.start() for m in found]
    ends: list[int] = []
    questions: list[bool] = []
    counts: list[int] = []
    start = 0
    pieces = [(start, m.start(), m.group(0), (start := m.end())) for m in _END.finditer(text)]
    if start < len(text):
        pieces.append((start, len(text), "", len(text)))
    for body_start, body_end, end, end_pos in pieces:
        i = bisect.bisect_left(word_starts, body_start)
        n = bisect.bisect_left(word_starts, body_end, i) - i
        if not n:
            if ends:
                ends[-1] = end_pos
                questions[-1] = questions[-1] or "?" in end
            continue
        ends.append(end_pos)
        questions.append("?" in end or found[i].group() in starters)
        counts.append(n)
    return starts, tuple(ends), tuple(questions), tuple(counts)


def _indexed(text: str, wanted: frozenset[str] | None, starters: frozenset[str]) -> tuple[object, ...]:
    index = views._index(text, wanted)
    sentences = views._sentences(index, starters, count_words=True)
    return index.starts, sentences.ends, sentences.questions, sentences.words


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("wanted", [None, frozenset({"tere", "kas", "ok", "jah", "url", "mis*", "we"})])
def test_chunk_index_equals_whole_text_regexes(text: str, wanted: frozenset[str] | None) -> None:
    starters = frozenset({"kas", "mis", "miks"})
    views._CHUNK_MEMOS.clear()
    cold = _indexed(text, wanted, starters)
    warm = _indexed(text, wanted, starters)  # every chunk now comes from the memo
    assert cold == warm == _reference(text, wanted, starters)


def _example_texts() -> list[tuple[str, Language]]:
    out = []
    for line in EXAMPLES.read_text("utf-8").splitlines():
        conv = json.loads(line)
        out += [(turn["text"], Language(conv.get("language") or "en")) for turn in conv["turns"]]
    return out


def test_chunk_index_equals_whole_text_regexes_on_the_example_views() -> None:
    for text, language in _example_texts():
        cues = load_cues(language.value)
        view = views._text_view(analyze_text(text, language))
        assert _indexed(view, cues.text_keys, cues.question_starters) == _reference(
            view, cues.text_keys, cues.question_starters)


def test_lemma_parts_are_remembered_per_token_and_equal_a_fresh_computation() -> None:
    ta = analyze_text("Tere! Saatsin arve numbri 12345, vaata https://näide.ee #kiire", Language.ET)
    triggers = frozenset({"saatma", "arve"})
    views._LEMMA_MEMOS.clear()
    cold = views._lemma_parts(ta.tokens, triggers)
    warm = views._lemma_parts(ta.tokens, triggers)
    def holds(piece: tuple[str, ...]) -> bool:
        return any(key in triggers for p in piece for w in _WORD.findall(p) for key in word_keys(w))

    fresh = [(tok, views._lemma_piece(tok), holds(views._lemma_piece(tok))) for tok in ta.tokens]
    assert cold == warm == fresh
    assert all(part[0] is tok for part, tok in zip(warm, ta.tokens, strict=True))  # the memo holds each token


@pytest.mark.parametrize(("pattern", "gates"), [
    ("(i|we) can help", [{"i", "we"}, {"can"}, {"help"}]),
    ("wait* for", [{"wai*"}, {"for"}]),
    ("(palun )?(avage|minge) kohe", [{"avage", "minge"}, {"kohe"}]),
    ("(ok|ei ole) (x|y)", [{"x", "y"}]),  # a group with a two-word alternative is no gate
    ("(re)start", []),                     # glued: the text holds "restart", not "re" or "start"
    ("hello ?", []),                       # "?" is glued to "hello": its key is not certain
    ("we('d| would) like", [{"like"}]),
])
def test_gates_are_the_simple_required_items(pattern: str, gates: list[set[str]]) -> None:
    assert [set(g) for g in compile_pattern(pattern).gates] == gates


@pytest.mark.parametrize(("regex", "literals"), [
    (r"€|\d ?eur", [{"€", "eur"}]),
    (r"^\W*palun\s*[!.,]", [{"palun"}, {"!", ".", ","}]),
    (r"sain aru ?[-:]", [{"sain aru"}, {"-", ":"}]),
    (r"(?i)abc", []),          # case-insensitive: nothing is certain
    (r"a(?i:b)c", [{"a"}, {"c"}]),
    (r"x*y?", []),
    (r"[^a]b", [{"b"}]),
])
def test_required_literals(regex: str, literals: list[set[str]]) -> None:
    assert [set(s) for s in required_literals(regex)] == literals


@pytest.mark.parametrize("language", ["et", "en"])
def test_gates_and_literals_never_rule_out_a_match(language: str) -> None:
    """On every example turn, a pattern whose regex matches the phrase view passes its tests."""
    cues = load_cues(language)
    samples = [views._text_view(analyze_text(t, Language(language))) for t, _ in _example_texts()]
    samples += ["tere, kas saate mulle arve saata?", "thanks, that worked! bye", "i can help you with that"]
    for view in samples:
        present = views._index(view, None).starts.keys()
        for cue in cues.cues:
            for p in cue.text_patterns:
                if p.search.search(view) is None:
                    continue
                assert all(not present.isdisjoint(g) for g in p.gates), (cue.id, p.source, view)
                assert all(any(s in view for s in options) for options in p.literals), (cue.id, p.source)
