"""Diacritic folding shared by every matcher in servio.

``fold`` lowercases, maps Estonian letters to their plain Latin look-alikes
(õ, ö -> o; ä -> a; ü -> u; š -> s; ž -> z), strips other combining accents
and normalises apostrophes, so that "Aitäh", "aitah" and "AITÄH" compare equal.
"""

from __future__ import annotations

import unicodedata

_APOSTROPHES = "\u2019\u2018\u02bc\u0060\u00b4\u2032"
_APOSTROPHE_TABLE = str.maketrans({c: "'" for c in _APOSTROPHES})
_TABLE = str.maketrans(
    {
        **{c: "'" for c in _APOSTROPHES},
        "õ": "o",
        "ö": "o",
        "ä": "a",
        "ü": "u",
        "š": "s",
        "ž": "z",
    }
)


def normalize_apostrophes(text: str) -> str:
    """Replace typographic apostrophes (’ ‘ ʼ ` ´) with the ASCII one."""
    return text if text.isascii() else text.translate(_APOSTROPHE_TABLE)


def fold(text: str) -> str:
    """Lowercase ``text``, fold diacritics (õ,ö->o ä->a ü->u š->s ž->z, é->e) and normalise apostrophes."""
    low = text.lower()
    if low.isascii():
        return low
    low = low.translate(_TABLE)
    if low.isascii():
        return low
    return _strip_accents(low)


_SEEN: set[str] = set()  # characters already looked at (Unicode bounds this set)
_ACCENTED: dict[int, str] = {}  # accented letter -> its plain ASCII base letter


def _strip_accents(text: str) -> str:
    """Each letter whose decomposition starts with an ASCII letter becomes that letter (a per-character
    table, filled on first sight of a character, applied with one ``translate``)."""
    new = set(text).difference(_SEEN)
    for ch in new:
        if not ch.isascii() and ch.isalpha():
            base = unicodedata.normalize("NFD", ch)[0]
            if base.isascii():
                _ACCENTED[ord(ch)] = base
        _SEEN.add(ch)
    return text.translate(_ACCENTED)
