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


def _strip_accents(text: str) -> str:
    out = []
    for ch in text:
        if ch.isascii() or not ch.isalpha():
            out.append(ch)
            continue
        base = unicodedata.normalize("NFD", ch)[0]
        out.append(base if base.isascii() else ch)
    return "".join(out)
