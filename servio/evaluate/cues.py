"""Cue words for the checks, patterns and contact types: data, folded and compiled once.

The cue lists live in ``servio/data/evaluate_cues.toml`` (syntax described
there and in docs/scorecard.md). A scorecard may add cues of its own; a
:class:`CueBook` holds the merged lists and compiles one regular expression
per group and language on first use.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from servio.model import LANGUAGES

COMMON = "common"

_FOLD = (("õ", "o"), ("ö", "o"), ("ä", "a"), ("ü", "u"), ("š", "s"), ("ž", "z"),
         ("\u2019", "'"), ("\u2018", "'"), ("\u02bc", "'"), ("\u00b4", "'"))
_MENTION = re.compile(r"@\w+")
_NEVER = re.compile(r"(?!x)x")


def fold(text: str) -> str:
    """Lower-case ``text`` and fold Estonian letters (õ,ö->o ä->a ü->u š->s ž->z) and apostrophes."""
    low = text.lower()
    if low.isascii():
        return low
    for char, plain in _FOLD:
        if char in low:
            low = low.replace(char, plain)
    return low


def fold_turn(text: str) -> str:
    """Fold a turn's text and drop @handles (their digits would look like concrete facts)."""
    folded = fold(text)
    return _MENTION.sub(" ", folded) if "@" in folded else folded


_LEFT, _RIGHT = r"(?<!\w)", r"(?!\w)"


def cue_regex(cue: str) -> str:
    """The regular expression of one cue (see the syntax in evaluate_cues.toml)."""
    if cue.startswith("re:"):
        return f"(?:{cue[3:]})"
    return _LEFT + _words_regex(cue) + _RIGHT


_GAP = re.compile(r"~(\d*)")
#: What a gap may skip: words of one sentence (a run of white space, then no sentence end).
_GAP_WORD = r"[^\s.!?]+\s+"


def _words_regex(cue: str) -> str:
    """The words of a cue joined by white space; ``*`` is one word, ``~``/``~N`` up to 3/N words."""
    out = ""
    gap: int | None = None
    for word in fold(cue).split():
        skip = _GAP.fullmatch(word)
        if skip:
            gap = int(skip.group(1) or 3)
            continue
        piece = r"\w+" if word == "*" else re.escape(word).replace(r"\*", r"\w*")
        if out:
            out += r"\s+" if gap is None else rf"\s+(?:{_GAP_WORD}){{0,{gap}}}?"
        out += piece
        gap = None
    return out


def compile_cues(cues: Iterable[str]) -> re.Pattern[str]:
    """One pattern for ``cues``; a pattern that never matches when there are none.

    The word boundaries are factored out of the alternation of word cues, which
    makes a search an order of magnitude faster than one boundary per cue.
    """
    kept = {c for c in cues if c.strip()}
    words = sorted({_words_regex(c) for c in kept if not c.startswith("re:")})
    parts = [cue_regex(c) for c in sorted(kept) if c.startswith("re:")]
    if words:
        parts.insert(0, _LEFT + "(?:" + "|".join(words) + ")" + _RIGHT)
    return re.compile("|".join(parts)) if parts else _NEVER


@dataclass(frozen=True)
class CueBook:
    """Cue lists per language and group (``lists[lang][group]``), compiled lazily.

    ``language=None`` asks for the union of both languages (language unknown).
    """

    lists: Mapping[str, Mapping[str, tuple[str, ...]]]
    _compiled: dict[tuple[str | None, str], re.Pattern[str]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def cues(self, group: str, language: str | None) -> tuple[str, ...]:
        """The raw cues of ``group`` for ``language`` (common cues included)."""
        langs = LANGUAGES if language not in LANGUAGES else (language,)
        out: list[str] = list(self.lists.get(COMMON, {}).get(group, ()))
        for lang in langs:
            out.extend(self.lists.get(lang, {}).get(group, ()))
        return tuple(out)

    def pattern(self, group: str, language: str | None) -> re.Pattern[str]:
        """The compiled pattern of ``group`` for ``language``."""
        key = (language if language in LANGUAGES else None, group)
        found = self._compiled.get(key)
        if found is None:
            found = compile_cues(self.cues(group, language))
            self._compiled[key] = found
        return found

    def groups(self) -> frozenset[str]:
        """Every group name known in any language."""
        return frozenset(g for table in self.lists.values() for g in table)

    def extended(self, extra: Mapping[str, Mapping[str, Iterable[str]]]) -> CueBook:
        """A new book with ``extra[lang][group]`` cues appended to this one's."""
        merged: dict[str, dict[str, tuple[str, ...]]] = {k: dict(v) for k, v in self.lists.items()}
        for lang, table in extra.items():
            target = merged.setdefault(lang, {})
            for group, cues in table.items():
                target[group] = tuple(target.get(group, ())) + tuple(cues)
        return CueBook(merged)


def parse_cue_tables(raw: Mapping[str, Any], source: str) -> dict[str, dict[str, tuple[str, ...]]]:
    """Validate ``{lang: {group: [cue, ...]}}`` read from TOML; errors name ``source``."""
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for lang, table in raw.items():
        if lang not in (*LANGUAGES, COMMON) or not isinstance(table, Mapping):
            raise ValueError(f"{source}: cue tables must be [common], [et] or [en], not {lang!r}")
        out[lang] = {}
        for group, cues in table.items():
            if not isinstance(cues, list) or not all(isinstance(c, str) for c in cues):
                raise ValueError(f"{source}: cues {lang}.{group} must be a list of strings")
            for cue in cues:
                _check_cue(cue, f"{source}: cue {cue!r} in {lang}.{group}")
            out[lang][group] = tuple(cues)
    return out


def _check_cue(cue: str, where: str) -> None:
    if not cue.startswith("re:"):
        words = cue.split()
        if words and (_GAP.fullmatch(words[0]) or _GAP.fullmatch(words[-1])):
            raise ValueError(f"{where} cannot start or end with a gap '~'")
    try:
        re.compile(cue_regex(cue))
    except re.error as exc:
        raise ValueError(f"{where} is not a valid pattern: {exc}") from None


@cache
def default_cues() -> CueBook:
    """The cue book of ``servio/data/evaluate_cues.toml``, read once."""
    text = resources.files("servio.data").joinpath("evaluate_cues.toml").read_text("utf-8")
    return CueBook(parse_cue_tables(tomllib.loads(text), "evaluate_cues.toml"))


def guess_language(texts: Iterable[str], book: CueBook) -> str:
    """``et`` or ``en``: which language's common words (and Estonian letters) occur more in ``texts``."""
    raw = " ".join(texts)
    folded = fold(raw)
    et = len(book.pattern("language_hint", "et").findall(folded)) + sum(raw.count(c) for c in "õäöüÕÄÖÜ")
    en = len(book.pattern("language_hint", "en").findall(folded))
    return "et" if et > en else "en"
