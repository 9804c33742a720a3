"""The small pattern language of cue files, compiled to regular expressions.

A pattern is a sequence of items separated by spaces, matched on folded
lowercase text (or on a turn's lemma string) at word boundaries and within
one sentence:

- ``word``: that word; ``word*``: any word starting with ``word``; ``*word``: any word
  ending in ``word`` (compounds such as "kliendinumber"; such a word cannot gate a pattern);
- ``(a|b c|d*)``: one of the alternatives (each itself a pattern);
- a group followed by ``?`` is optional: ``hey (there)?``;
- an item written without a space before it is glued to the previous one:
  ``we('d| would)`` matches "we'd" and "we would" (an alternative written
  with a leading space, like `` would``, keeps a separator);
- ``~`` skips up to 3 words, ``~N`` up to N words;
- ``^`` first in a pattern: only at the start of the text or of a sentence;
- ``#`` is a number (``12``, ``4.90``, ``18:00``); ``!`` and ``?`` stand for themselves
  (``hello?`` needs the question mark); commas are ignored (a separator matches them);
- a word may hold ``'`` or ``-`` (``we'd``, ``e-mail``);
- a pattern starting with ``re:`` is a raw regular expression (lowercase; it has no
  anchors, so it runs on every turn: use sparingly).

Every pattern also yields its *anchors*: word prefixes of which at least one
must occur in the text for the pattern to match. The tagger uses them to
skip cues cheaply, so each turn only runs the few regexes that can match.
"""

from __future__ import annotations

import re
import re._constants as _C  # the parsed form of a regex, read by required_literals
import re._parser as _sre_parser
import sys
from dataclasses import dataclass, field
from typing import Any

#: Characters that separate two words inside one sentence.
SEP = r"[^\w.!?\n]+"
NUMBER = r"\d+(?:[.,:]\d+)*"
ANCHOR_LEN = 3
_WORD_RE = re.compile(r"^\*?[\w'\-]+\*?$")
_TOKEN_RE = re.compile(r"\(|\)\??|\||~\d*|[!?]+|\^|[^\s()|!?^]+")
_REPEATS = (_C.MAX_REPEAT, _C.MIN_REPEAT, _C.POSSESSIVE_REPEAT)
#: Zero-width: the start of the text or of a sentence (after . ! ? or a line break, and spaces).
CARET = r"(?:^|(?<=[.!?\n])|(?<=[.!?\n] )|(?<=[.!?\n]  ))"


class PatternError(ValueError):
    """A cue pattern cannot be parsed."""


@dataclass(frozen=True, slots=True)
class Compiled:
    """A pattern's regex source and the anchor keys that gate it (empty: always run).

    ``leading`` says that every match starts at a word whose key is one of
    the anchors, so the pattern only needs trying at those word starts.
    ``gate`` is the most selective set of keys one of which any match needs
    (the required item with the longest words): a cheap test before any regex runs.
    """

    regex: str
    anchors: frozenset[str]
    leading: bool = False
    gate: frozenset[str] = frozenset()
    #: every required item's keys (the gate among them): a match needs one key of each
    gates: tuple[frozenset[str], ...] = ()
    #: for a raw regular expression (which has no gates): strings a match needs one of each
    literals: tuple[frozenset[str], ...] = ()


def compile_pattern(pattern: str) -> Compiled:
    """Compile one pattern to a regex source (without boundaries) and its anchors."""
    if pattern.startswith("re:"):
        try:
            re.compile(pattern[3:])
        except re.error as exc:
            raise PatternError(f"bad regular expression {pattern[3:]!r}: {exc}") from exc
        return Compiled(regex=pattern[3:], anchors=frozenset(), leading=False,
                        literals=required_literals(pattern[3:]))
    stripped = pattern.replace(",", " ").strip()
    tokens = [(m.group(0), m.start() > 0 and stripped[m.start() - 1].isspace())
              for m in _TOKEN_RE.finditer(stripped)]
    if not tokens:
        raise PatternError("empty pattern")
    parser = _Parser(tokens, pattern)
    seq = parser.sequence()
    if parser.pos != len(tokens):
        raise PatternError(f"unexpected {tokens[parser.pos][0]!r} in {pattern!r}")
    anchored = seq.anchored and bool(seq.anchors)
    return Compiled(regex=seq.regex, anchors=frozenset(seq.anchors) if anchored else frozenset(),
                    leading=anchored and seq.leading, gate=frozenset(seq.gate or ()),
                    gates=tuple(dict.fromkeys(frozenset(g) for g in seq.required)))


def wrap(regex: str) -> str:
    """Surround a compiled pattern with word boundaries."""
    return rf"(?<!\w)(?:{regex})(?!\w)"


def anchor_key(word: str, prefix: bool = False) -> str:
    """The index key of a word: the word itself, or for a prefix (``wait*``) its first
    ``ANCHOR_LEN`` characters followed by ``*``.

    Keys are interned, as are the rule views' word keys: a key looked up in an index then
    matches the stored one by identity, without reading either string again.
    """
    return sys.intern(word[:ANCHOR_LEN] + "*" if prefix else word)


def word_keys(word: str) -> tuple[str, str]:
    """The keys under which a word of a text is found: itself and its prefix key."""
    return word, word[:ANCHOR_LEN] + "*"


@dataclass(slots=True)
class _Node:
    regex: str
    anchors: set[str]
    anchored: bool  # the node cannot match without one of its anchors
    optional: bool = False
    glued: bool = False  # written without a space before it: no separator in between
    glued_regex: str = ""  # a group's regex when glued (alternatives written with a leading space get one)
    gap: bool = False
    leading: bool = False  # every match starts with one of the anchors
    caret: bool = False  # the zero-width start-of-sentence assertion
    gate: set[str] | None = None  # keys one of which every match needs (None: no such set)
    gate_score: int = 0  # how selective the gate is (the length of its shortest word)
    #: a word, or a group of single words, whose key the text holds whenever the node matches
    #: at a word start and nothing glued follows it (see :func:`_join`)
    simple: bool = False
    open_end: bool = False  # a simple node whose key also needs a non-word character after it
    required: list[set[str]] = field(default_factory=list)  # a sequence's simple required items' gates


class _Parser:
    def __init__(self, tokens: list[tuple[str, bool]], source: str) -> None:
        self.tokens, self.pos, self.source = tokens, 0, source

    def peek(self) -> str | None:
        return self.tokens[self.pos][0] if self.pos < len(self.tokens) else None

    def sequence(self) -> _Node:
        items: list[_Node] = []
        while (tok := self.peek()) is not None and tok != "|" and not tok.startswith(")"):
            items.append(self.item())
        if not items:
            raise PatternError(f"empty alternative in {self.source!r}")
        return _join(items)

    def item(self) -> _Node:
        tok, space_before = self.tokens[self.pos]
        glued = self.pos > 0 and not space_before and self.tokens[self.pos - 1][0] not in ("(", "|")
        if glued and self.tokens[self.pos - 1][0].startswith(")") and self.tokens[self.pos - 1][1]:
            glued = False  # "(so much )?for": the group's trailing space separates it from "for"
        self.pos += 1
        if tok == "^":
            if self.pos != 1:
                raise PatternError(f"'^' must come first in {self.source!r}")
            return _Node(CARET, set(), False, caret=True)
        if tok == "(":
            node = self.group()
        elif tok.startswith("~"):
            n = int(tok[1:]) if len(tok) > 1 else 3
            node = _Node(rf"(?:{SEP}\w+){{0,{n}}}", set(), False, optional=True, gap=True)
        elif tok == "#":
            node = _Node(NUMBER, set(), False)
        elif set(tok) <= {"!", "?"}:
            node = _Node(r"\s*" + re.escape(tok), set(), False)
            glued = True  # punctuation follows its word, with or without a space
        elif _WORD_RE.match(tok):
            node = _word(tok)
        else:
            raise PatternError(f"bad item {tok!r} in {self.source!r}")
        node.glued = glued
        return node

    def group(self) -> _Node:
        alts: list[tuple[_Node, bool]] = []
        while True:
            lead = self.pos < len(self.tokens) and self.tokens[self.pos][1]
            alts.append((self.sequence(), lead))
            if self.peek() != "|":
                break
            self.pos += 1
        closing = self.peek()
        if closing is None or not closing.startswith(")"):
            raise PatternError(f"unclosed '(' in {self.source!r}")
        self.pos += 1
        anchors = set().union(*(a.anchors for a, _ in alts))
        anchored = all(a.anchored for a, _ in alts)
        leading = all(a.leading for a, _ in alts)
        gates = [a.gate for a, _ in alts]
        gate = set().union(*gates) if all(g is not None for g in gates) else None  # type: ignore[arg-type]
        score = min(a.gate_score for a, _ in alts) if gate is not None else 0
        regex = "(?:" + "|".join(a.regex for a, _ in alts) + ")"
        glued_regex = "(?:" + "|".join((SEP if lead else "") + a.regex for a, lead in alts) + ")"
        return _Node(regex, anchors, anchored, optional=closing == ")?", glued_regex=glued_regex,
                     leading=leading, gate=gate, gate_score=score, simple=all(a.simple for a, _ in alts),
                     open_end=any(a.open_end for a, _ in alts))


def _word(tok: str) -> _Node:
    prefix = tok.endswith("*")
    word = tok.strip("*")
    regex = re.escape(word) + (r"\w*" if prefix else "")
    if tok.startswith("*"):
        return _Node(r"\w*" + regex, set(), False)  # a suffix cannot be indexed
    lead = re.match(r"\w+", word)
    if lead is None or (prefix and lead.group(0) == word and len(word) < ANCHOR_LEN):
        return _Node(regex, set(), False)  # too short a prefix to index: no anchor
    whole = lead.group(0) == word
    key = anchor_key(lead.group(0), prefix=prefix and whole)
    return _Node(regex, {key}, True, leading=lead.start() == 0, gate={key}, gate_score=len(lead.group(0)),
                 simple=True, open_end=whole and not prefix)


def _join(items: list[_Node]) -> _Node:
    regex = ""
    need_sep = False  # whether the next item must be preceded by a word separator
    anchors: set[str] = set()
    anchored = False
    leading = True
    gate: set[str] | None = None
    gate_score = 0
    required: list[set[str]] = []
    for k, node in enumerate(items):
        if node.caret:
            regex += node.regex
            continue
        if not node.optional and node.gate is not None:
            if node.gate_score > gate_score:
                gate, gate_score = node.gate, node.gate_score
            # the text holds a simple node's key when the node starts at a word start (it is not glued
            # to the item before) and, for a whole word, ends at a word end (nothing glued follows)
            glued_after = k + 1 < len(items) and items[k + 1].glued
            if node.simple and not node.glued and not (node.open_end and glued_after):
                required.append(node.gate)
        body = node.glued_regex if node.glued and node.glued_regex else node.regex
        sep = SEP if need_sep and not node.glued else ""
        if node.gap:
            if not need_sep:
                raise PatternError("a pattern cannot start with a gap '~'")
            regex += body
        elif node.optional:
            regex += f"(?:{sep}{body})?" if need_sep or node.glued else f"(?:{body}{SEP})?"
        else:
            regex += sep + body
            need_sep = True
        if not anchored:
            anchors |= node.anchors
            leading = leading and node.leading and not node.gap
            anchored = node.anchored and not node.optional
    if not anchored:
        anchors = set()
    single = len(items) == 1 and items[0].simple and not items[0].glued and not items[0].optional
    return _Node(regex, anchors, anchored, leading=leading and anchored, gate=gate, gate_score=gate_score,
                 simple=single, open_end=single and items[0].open_end, required=required)


def required_literals(regex: str) -> tuple[frozenset[str], ...]:
    """Sets of strings of which every match of ``regex`` holds one member each, read from the
    parsed regex: a cheap substring test that skips a raw pattern (which has no word gates) on
    texts it cannot match. Empty when nothing is known for certain (then the regex always runs).
    """
    try:  # the parsed form is CPython's internal one: anything unexpected means nothing is known
        parsed = _sre_parser.parse(regex)
        if parsed.state.flags & re.IGNORECASE:
            return ()
        return tuple(dict.fromkeys(_literal_sets(list(parsed))))
    except (re.error, RecursionError, AttributeError, TypeError, ValueError, IndexError):
        return ()


def _literal_sets(items: list[tuple[Any, Any]]) -> list[frozenset[str]]:
    """The literal sets every match of a parsed sequence needs (one member of each)."""
    out: list[frozenset[str]] = []
    run = ""
    for op, arg in items:
        if op is _C.LITERAL:
            run += chr(arg)
            continue
        if run:
            out.append(frozenset({run}))
            run = ""
        if op is _C.SUBPATTERN and not arg[1] and not arg[2]:  # a group without inline flags
            out.extend(_literal_sets(list(arg[3])))
        elif op in _REPEATS and arg[0] >= 1:
            out.extend(_literal_sets(list(arg[2])))
        elif op is _C.BRANCH:
            alternatives = [_best(_literal_sets(list(alt))) for alt in arg[1]]
            if all(alternatives):
                out.append(frozenset().union(*alternatives))  # type: ignore[arg-type]
        elif op is _C.IN and all(kind is _C.LITERAL for kind, _ in arg):
            out.append(frozenset(chr(c) for _, c in arg))
    if run:
        out.append(frozenset({run}))
    return out


def _best(sets: list[frozenset[str]]) -> frozenset[str] | None:
    """The most selective of ``sets`` (longest shortest member), None if there is none."""
    return max(sets, key=lambda s: min(map(len, s)), default=None)
