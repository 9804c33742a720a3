"""Per-language word lists from ``servio/data/language/<lang>.toml``, loaded once."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from servio.language.fold import fold
from servio.model import Language


@dataclass(frozen=True, slots=True)
class LanguageLexicon:
    """Detection evidence and question openers for one language (all entries folded)."""

    language: Language
    words: frozenset[str]
    letters: frozenset[str]
    endings: tuple[str, ...]
    bigrams: frozenset[str]
    question_starts: tuple[tuple[str, ...], ...]


@cache
def lexicon(language: Language) -> LanguageLexicon:
    """The lexicon of ``language``, read from its TOML data file on first use."""
    path = resources.files("servio.data").joinpath("language", f"{language.value}.toml")
    raw = tomllib.loads(path.read_text("utf-8"))
    detect, question = raw["detect"], raw["question"]
    words = {fold(w) for w in detect["words"]} | {w.lower() for w in detect["words"]}
    endings = sorted({fold(e) for e in detect["endings"]}, key=len, reverse=True)
    return LanguageLexicon(
        language=language,
        words=frozenset(words),
        letters=frozenset(detect["letters"]),
        endings=tuple(endings),
        bigrams=frozenset(fold(b) for b in detect["bigrams"]),
        question_starts=tuple(tuple(fold(q).split()) for q in question["starts"]),
    )
