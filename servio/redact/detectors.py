"""The built-in detectors: each finds the spans of one kind of personal data in a text.

A detector is a function ``text -> iterable of (start, end)``. Number-like
kinds are confirmed by their checksums (isikukood, IBAN mod-97, Luhn), so an
order number that only looks like one is left alone. Registered in
:mod:`servio.redact` through :func:`servio.redact.register_detector`, the
same way a third party adds a kind.
"""

from __future__ import annotations

import re
import sys
import tomllib
import unicodedata
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

from servio.redact.checks import iban_valid, isikukood_valid, luhn_valid

Span = tuple[int, int]

# "@" and "." may be written "[at]", "(at)", "{at}" and "[dot]", "(dot)", "{dot}", a space either side.
_AT = r"(?:@| ?[\[({](?i:at)[\])}] ?)"
_DOT = r"(?:\.| ?[\[({](?i:dot)[\])}] ?)"
_EMAIL = re.compile(rf"(?<![\w.%+-])[\w.%+-]+{_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}[^\W\d_]{{2,}}(?![\w@])")
_IDCODE = re.compile(r"(?<!\d)[1-6]\d{10}(?!\d)")  # also glued to a word: "IK48505120078"
# Between the groups of a card number or an IBAN: one or two spaces, a dash, or one line break
# (an e-mail line wrapped inside the number), with a space either side; never a blank line.
_GAP = r"(?: {1,2}|-| ?\r?\n ?)"
_GAP_AT = re.compile(_GAP)
_IBAN_START = re.compile(rf"(?<![A-Za-z0-9])([A-Za-z]{{2}})(\d{{2}})(?={_GAP}?[A-Za-z0-9])")
_CARD = re.compile(rf"(?<![\d#+\w])\d(?:{_GAP}?\d){{12,18}}(?!\d)")
_INTL_PHONE = re.compile(r"(?<![\w+])(?:\+|00)[1-9](?:[ .\-]?(?:\(\d{1,4}\)|\d)){6,16}(?!\d)")
# After "tel." or "Tel:" a number is a number; after a digit and a point, comma or colon it is a decimal.
_EE_MOBILE = re.compile(r"(?<![\w#+/-])(?<![\d#+/-][.,:])5\d{2,3}(?:[ -]?\d{3,5})(?![\w/]|[.,:-]\d)")
_PHONE_DIGITS = (8, 15)  # E.164 numbers, country code included


@cache
def settings() -> dict[str, Any]:
    """The redaction data file (tokens, IBAN lengths), read once."""
    with resources.files("servio.redact").joinpath("data/redaction.toml").open("rb") as handle:
        return tomllib.load(handle)


_LOOKALIKES = {
    **dict.fromkeys("\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
                    "\u202f\u205f\u3000", " "),  # no-break, thin, figure and other spaces
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d", "-"),  # hyphens, dashes, minus
    "\uff0b": "+", "\uff20": "@", "\uff0e": ".",  # full-width plus, at and full stop
}


@cache
def _ascii_table() -> dict[int, str]:
    table = {ord(c): a for c, a in _LOOKALIKES.items()}
    for code in range(128, sys.maxunicode + 1):
        char = chr(code)
        if char.isdecimal():
            table[code] = str(unicodedata.decimal(char))
    return table


def plain(text: str) -> str:
    """``text`` with Unicode digits, spaces, dashes, ``+`` and ``@`` as their ASCII twins, same length.

    The detectors read this form, so ``5123\u00a04567`` (a no-break space, as
    pasted from a web page) or full-width digits are found like plain ones;
    the spans still point into the original text, character for character.
    """
    return text if text.isascii() else text.translate(_ascii_table())


_NOT_DIGIT = re.compile(r"\D+")


def _digits(text: str) -> str:
    return _NOT_DIGIT.sub("", text)


def email(text: str) -> Iterator[Span]:
    """E-mail addresses."""
    for m in _EMAIL.finditer(text):
        yield m.span()


def idcode(text: str) -> Iterator[Span]:
    """Estonian personal codes (isikukood) with a valid date and check digit."""
    for m in _IDCODE.finditer(text):
        if isikukood_valid(m.group()):
            yield m.span()


def iban(text: str) -> Iterator[Span]:
    """IBANs, whole or in groups (spaces, dashes, a line break between), either case, passing mod-97."""
    lengths: dict[str, int] = settings()["iban"]["lengths"]
    for m in _IBAN_START.finditer(text):
        country = m.group(1).upper()
        if m.group(1) != country and country not in lengths:
            continue  # lower-case letters followed by digits are words unless the country is known
        span = _iban_at(text, m.start(), lengths.get(country), lengths)
        if span is not None:
            yield span


def _iban_at(text: str, start: int, length: int | None, lengths: dict[str, int]) -> Span | None:
    """The span of the IBAN starting at ``start``: its country's length, else the longest valid prefix."""
    chars: list[str] = []
    ends: list[int] = []
    pos = start
    while pos < len(text) and len(chars) < 34:
        char = text[pos]
        if char.isascii() and char.isalnum():
            chars.append(char)
            ends.append(pos + 1)
            pos += 1
            continue
        gap = _GAP_AT.match(text, pos) if chars else None
        if gap is None or gap.end() >= len(text) or not text[gap.end()].isalnum():
            break
        pos = gap.end()
    sizes = [length] if length else range(len(chars), 14, -1)
    for size in sizes:
        if size > len(chars):
            continue
        end = ends[size - 1]
        if end < len(text) and text[end].isalnum():
            continue  # would cut a word or number in two
        if iban_valid("".join(chars[:size]), lengths):
            return start, end
    return None


def card(text: str) -> Iterator[Span]:
    """Payment card numbers: 13-19 digits (spaces, dashes, a line break between) passing Luhn, from 2-6."""
    for m in _CARD.finditer(text):
        found = _card_in(m.group(), m.start())
        if found is not None:
            yield found


def _card_in(run: str, offset: int) -> Span | None:
    """The longest Luhn-valid group sequence of 13-19 digits in a digit run."""
    groups = [(g.start(), g.end()) for g in re.finditer(r"\d+", run)]
    digits = _digits(run)
    before = [0]  # digits before each group
    for g_start, g_end in groups:
        before.append(before[-1] + g_end - g_start)
    best: Span | None = None
    for i in range(len(groups)):
        if digits[before[i]] not in "23456":
            continue
        for j in range(len(groups) - 1, i - 1, -1):
            count = before[j + 1] - before[i]
            if count < 13:
                break  # fewer groups only have fewer digits
            if count <= 19 and luhn_valid(digits[before[i]:before[j + 1]]):
                start, end = groups[i][0], groups[j][1]
                if best is None or end - start > best[1] - best[0]:
                    best = (offset + start, offset + end)
                break
    return best


def phone(text: str) -> Iterator[Span]:
    """Phone numbers: international with ``+`` or ``00`` and Estonian mobiles (5xxx xxxx, 5xxxxxxx)."""
    low, high = _PHONE_DIGITS
    for m in _INTL_PHONE.finditer(text):
        body = m.group()
        if body.startswith("00") and not body.startswith("00372") and not any(c in body for c in " -.("):
            continue  # "0012345678" is more likely an order number than a number dialled abroad
        digits = _digits(body[2:] if body.startswith("00") else body)
        if low <= len(digits) <= high:
            yield m.span()
    for m in _EE_MOBILE.finditer(text):
        if len(_digits(m.group())) in (7, 8):
            yield m.span()
