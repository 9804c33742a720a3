"""Cue files: the language-specific evidence the rule tagger looks for.

``servio/data/cues/<lang>.toml`` holds ``[[cue]]`` tables. Each cue has an
``id`` and gives one or more ``stage`` ids and/or a named ``signal`` (read by
the context rules) when one of its ``phrases`` (matched on folded lowercase
text) or ``lemmas`` (matched on the turn's lemma string) occurs. Optional
keys restrict where a cue counts: ``speaker`` (``agent``, ``customer``,
``any``), ``where`` (positions such as ``first_agent_turn``; all must hold),
``question`` (true: only inside a question; false: only outside one),
``max_words``/``min_words`` (turn length in words), ``unless`` (signals
that cancel the cue) and ``weight``. ``note`` is free text for reviewers.
See :mod:`servio.analyze.patterns` for the pattern syntax.

Files are read and compiled once per process.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from servio.analyze.patterns import PatternError, compile_pattern, wrap

SPEAKERS = ("agent", "customer", "any")
#: Positions a cue can be restricted to (see :mod:`servio.analyze.context` for their meaning).
POSITIONS = frozenset({
    "first_agent_turn", "later_agent_turn", "last_agent_turn", "not_last_agent_turn",
    "first_customer_turn", "later_customer_turn", "last_customer_turn", "not_last_customer_turn",
    "start", "end", "not_end", "last_turn", "closing", "after_start",
})
_CUE_KEYS = frozenset({"id", "stage", "signal", "phrases", "lemmas", "speaker", "where", "question",
                       "weight", "max_words", "min_words", "unless", "note"})
_ID_RE = re.compile(r"^[a-z0-9_.\-]+$")
_WORDS_RE = re.compile(r"\w+")


_Anchors = tuple[frozenset[str], ...]  # the gate keys of each pattern of a cue (empty: always run)


class CueError(ValueError):
    """A cue file is malformed; the message names the file and the cue."""


@dataclass(frozen=True, slots=True)
class CuePattern:
    """One compiled pattern: ``search`` finds it anywhere; when ``leading``, ``at`` matches it
    at a known word start (much faster: the tagger only tries the starts of anchor words).

    ``regex`` is the pattern's regex without boundaries. The tagger uses ``at`` for leading
    patterns and ``search`` for the rest; that one is compiled when the cue file is read
    (bad patterns fail there), the other on first use (start-up compiles half the regexes).
    """

    source: str
    regex: str
    leading: bool
    anchors: frozenset[str]
    #: keys one of which each of the pattern's simple required items needs (see
    #: :class:`~servio.analyze.patterns.Compiled`), and for a raw regex the strings of which a
    #: match holds one each: cheap tests that spare the regex on texts it cannot match
    gates: tuple[frozenset[str], ...] = ()
    literals: tuple[frozenset[str], ...] = ()
    _compiled: dict[str, re.Pattern[str]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def search(self) -> re.Pattern[str]:
        """The pattern with word boundaries on both sides, to find it anywhere."""
        found = self._compiled.get("search")
        if found is None:
            found = self._compiled["search"] = re.compile(wrap(self.regex))
        return found

    @property
    def at(self) -> re.Pattern[str]:
        """The pattern with a word boundary at its end, to match at a known word start."""
        found = self._compiled.get("at")
        if found is None:
            found = self._compiled["at"] = re.compile(rf"(?:{self.regex})(?!\w)")
        return found


@dataclass(frozen=True, slots=True)
class Cue:
    """One compiled cue."""

    id: str
    stages: tuple[int, ...]
    signal: str | None
    text_patterns: tuple[CuePattern, ...]
    lemma_patterns: tuple[CuePattern, ...]
    speaker: str = "any"
    where: tuple[str, ...] = ()
    question: bool | None = None
    weight: float = 1.0
    max_words: int | None = None
    min_words: int | None = None
    unless: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CueSet:
    """All cues of one language, with anchor indexes for fast candidate lookup.

    An index maps a gate key (see :class:`~servio.analyze.patterns.Compiled`)
    to the ``(cue number, pattern number)`` pairs that need it; ``*_always``
    lists the patterns without a gate; ``*_keys`` are all the word keys the
    cues look at (gates, leading anchors and the patterns' other ``gates``):
    other words need not be indexed.
    """

    language: str
    source: str
    cues: tuple[Cue, ...]
    question_starters: frozenset[str]
    text_index: Mapping[str, tuple[tuple[int, int], ...]]
    lemma_index: Mapping[str, tuple[tuple[int, int], ...]]
    text_always: tuple[tuple[int, int], ...]
    lemma_always: tuple[tuple[int, int], ...]
    text_keys: frozenset[str] = frozenset()
    lemma_keys: frozenset[str] = frozenset()
    #: keys of which a lemma view needs one for any lemma pattern to be tried (None: always);
    #: one object per cue set, as it keys the views' memos
    lemma_triggers: frozenset[str] | None = None

    @property
    def uses_lemmas(self) -> bool:
        """Whether any cue matches on lemmas (otherwise the lemma view is not built)."""
        return bool(self.lemma_index or self.lemma_always)

    def cue(self, cue_id: str) -> Cue:
        """The cue with id ``cue_id``."""
        for c in self.cues:
            if c.id == cue_id:
                return c
        raise KeyError(cue_id)


@cache
def load_cues(language: str) -> CueSet:
    """The packaged cue set of ``language`` (``et`` or ``en``), read and compiled once."""
    ref = resources.files("servio.data").joinpath("cues", f"{language}.toml")
    if not ref.is_file():
        raise CueError(f"no cue file for language {language!r} (servio/data/cues/{language}.toml)")
    return parse_cues(ref.read_text("utf-8"), source=f"servio/data/cues/{language}.toml", language=language)


def load_cue_file(path: str | Path, language: str | None = None) -> CueSet:
    """Read and compile a cue file from disk (for custom cue sets and tests)."""
    p = Path(path)
    return parse_cues(p.read_text("utf-8"), source=str(p), language=language)


def parse_cues(text: str, *, source: str, language: str | None = None) -> CueSet:
    """Compile the TOML ``text`` of a cue file; errors name ``source`` and the cue id."""
    from servio.language import fold

    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CueError(f"{source}: not valid TOML: {exc}") from exc
    lang = str(raw.get("language", language or ""))
    if language and lang != language:
        raise CueError(f"{source}: declares language {lang!r}, expected {language!r}")
    rows = raw.get("cue", [])
    if not isinstance(rows, list) or not rows:
        raise CueError(f"{source}: needs at least one [[cue]] table")
    cues: list[Cue] = []
    seen: set[str] = set()
    anchors: list[tuple[_Anchors, _Anchors]] = []
    for n, row in enumerate(rows, 1):
        cue, text_anchors, lemma_anchors = _compile_cue(row, n, source, fold)
        if cue.id in seen:
            raise CueError(f"{source}: cue {cue.id!r} is defined twice")
        seen.add(cue.id)
        cues.append(cue)
        anchors.append((text_anchors, lemma_anchors))
    starters = frozenset(fold(w).lower() for w in raw.get("question", {}).get("starters", []))
    return _build_set(lang, source, cues, anchors, starters)


def _build_set(lang: str, source: str, cues: list[Cue], anchors: list[tuple[_Anchors, _Anchors]],
               starters: frozenset[str]) -> CueSet:
    indexes: list[dict[str, list[tuple[int, int]]]] = [{}, {}]
    always: list[list[tuple[int, int]]] = [[], []]
    for i, per_view in enumerate(anchors):
        for view, pattern_anchors in enumerate(per_view):
            for j, gate in enumerate(pattern_anchors):
                if not gate:
                    always[view].append((i, j))
                for k in gate:
                    indexes[view].setdefault(k, []).append((i, j))
    keys: list[set[str]] = [set(indexes[0]), set(indexes[1])]
    for cue in cues:  # the words where leading patterns are tried must be found too
        for view, patterns in enumerate((cue.text_patterns, cue.lemma_patterns)):
            for p in patterns:
                keys[view] |= p.anchors
                keys[view].update(*p.gates)  # so that a view tells whether a gate's words are there
    return CueSet(
        language=lang, source=source, cues=tuple(cues), question_starters=starters,
        text_index=MappingProxyType({k: tuple(v) for k, v in indexes[0].items()}),
        lemma_index=MappingProxyType({k: tuple(v) for k, v in indexes[1].items()}),
        text_always=tuple(always[0]), lemma_always=tuple(always[1]),
        text_keys=frozenset(keys[0]), lemma_keys=frozenset(keys[1]),
        lemma_triggers=None if always[1] else frozenset(indexes[1]),
    )


def _compile_cue(row: Any, n: int, source: str, fold: Any) -> tuple[Cue, _Anchors, _Anchors]:
    if not isinstance(row, dict):
        raise CueError(f"{source}: cue #{n} is not a table")
    cue_id = row.get("id")
    if not isinstance(cue_id, str) or not _ID_RE.match(cue_id):
        raise CueError(f"{source}: cue #{n} needs an 'id' of lowercase letters, digits, '.', '_' or '-'")
    where = f"{source}: cue {cue_id!r}"
    unknown = set(row) - _CUE_KEYS
    if unknown:
        raise CueError(f"{where}: unknown key(s) {sorted(unknown)}")
    stages = _stages(row.get("stage"), where)
    signal = row.get("signal")
    if signal is not None and (not isinstance(signal, str) or not signal):
        raise CueError(f"{where}: 'signal' must be a non-empty string")
    if not stages and signal is None:
        raise CueError(f"{where}: needs a 'stage' or a 'signal'")
    text_patterns, text_anchors = _patterns(row.get("phrases", []), where, "phrases", fold)
    lemma_patterns, lemma_anchors = _patterns(row.get("lemmas", []), where, "lemmas", fold)
    if not text_patterns and not lemma_patterns:
        raise CueError(f"{where}: needs 'phrases' or 'lemmas'")
    cue = Cue(
        id=cue_id, stages=stages, signal=signal, text_patterns=text_patterns, lemma_patterns=lemma_patterns,
        speaker=_choice(row.get("speaker", "any"), SPEAKERS, where, "speaker"),
        where=_positions(row.get("where", []), where),
        question=_optional_bool(row.get("question"), where, "question"),
        weight=_number(row.get("weight", 1.0), where, "weight"),
        max_words=_optional_int(row.get("max_words"), where, "max_words"),
        min_words=_optional_int(row.get("min_words"), where, "min_words"),
        unless=tuple(_str_list(row.get("unless", []), where, "unless")),
    )
    return cue, text_anchors, lemma_anchors


def _patterns(value: Any, where: str, key: str, fold: Any) -> tuple[tuple[CuePattern, ...], _Anchors]:
    compiled_all: list[CuePattern] = []
    anchors: list[frozenset[str]] = []
    for item in _str_list(value, where, key):
        try:
            compiled = compile_pattern(_WORDS_RE.sub(lambda m: fold(m.group(0)).lower(), item.lower()))
            pattern = CuePattern(source=item, regex=compiled.regex, leading=compiled.leading,
                                 anchors=compiled.anchors, gates=compiled.gates, literals=compiled.literals)
            _ = pattern.at if pattern.leading else pattern.search  # the one the tagger uses: check it now
            compiled_all.append(pattern)
        except (PatternError, re.error) as exc:
            raise CueError(f"{where}: bad pattern {item!r} in {key}: {exc}") from exc
        anchors.append(compiled.gate)
    return tuple(compiled_all), tuple(anchors)


def _stages(value: Any, where: str) -> tuple[int, ...]:
    if value is None:
        return ()
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 7 for v in values):
        raise CueError(f"{where}: 'stage' must be a stage id 1..7 or a list of them, got {value!r}")
    return tuple(sorted(set(values)))


def _positions(value: Any, where: str) -> tuple[str, ...]:
    items = _str_list(value if isinstance(value, list) else [value], where, "where")
    bad = [p for p in items if p not in POSITIONS]
    if bad:
        raise CueError(f"{where}: unknown position(s) {bad}; known: {sorted(POSITIONS)}")
    return tuple(items)


def _choice(value: Any, allowed: tuple[str, ...], where: str, key: str) -> str:
    if value not in allowed:
        raise CueError(f"{where}: '{key}' must be one of {list(allowed)}, got {value!r}")
    return str(value)


def _str_list(value: Any, where: str, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise CueError(f"{where}: '{key}' must be a list of non-empty strings")
    return list(value)


def _optional_bool(value: Any, where: str, key: str) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise CueError(f"{where}: '{key}' must be true or false")
    return value


def _optional_int(value: Any, where: str, key: str) -> int | None:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
        raise CueError(f"{where}: '{key}' must be a non-negative integer")
    return value


def _number(value: Any, where: str, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 10:
        raise CueError(f"{where}: '{key}' must be a number in (0, 10]")
    return float(value)
