"""The message a reply quotes, for a lone reply whose quoted message is not in the file.

An export that holds only the last message of a case (an agent's answer with
the customer's complaint quoted under "On ... wrote:") would be a conversation
of one side only. :func:`quoted_message` reads the directly quoted message
back out of the quote: who wrote it and when (from the attribution line or
Outlook's ``From:``/``Sent:`` header block) and its own text, un-quoted one
level and cleaned as any message is (its signature cut, deeper quotes cut).
The e-mail reader decides when to use it (:mod:`servio.ingest.email_reader`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from servio.ingest.email_text import clean, field_name, is_attribution, quote_cues, quote_starts_at, sender
from servio.ingest.vocab import email_cues, norm

_ADDRESS = re.compile(r"<([^<>\s]+@[^<>\s]+)>")
_BARE_ADDRESS = re.compile(r"[^<>\s,;:()]+@[^<>\s,;:()]+\.\w+")
# The attribution's closing phrase, and what stands before it is the writer (``kirjutas Kati <a@b>:``
# has the writer after it).
_CLOSING = re.compile(r"\s*(?:\bwrote|\bkirjutas|\bschrieb|\ba écrit)\b.*$", re.I | re.S)
_WRITER_AFTER = re.compile(r"\b(?:kirjutas|schrieb)\s+(.*?)\s*<[^<>]+>\s*:\s*$", re.I | re.S)
_TIME = re.compile(r"\b(\d{1,2}):(\d\d)(?::\d\d)?\s*([ap]\.?m\.?)?(?!\w)", re.I)
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
_NUMERIC = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.((?:19|20)\d\d)\b|\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")
_DAY_MONTH = re.compile(r"\b(\d{1,2})\.?\s+([^\W\d_]{3,10})\.?(?!\w)|([^\W\d_]{3,10})\.?\s+(\d{1,2})(?!\d)")


@dataclass(frozen=True, slots=True)
class Quoted:
    """The directly quoted message of a reply: writer, time as written (no time zone), cleaned text."""

    name: str | None
    address: str
    when: datetime | None
    text: str
    signer: str | None


@cache
def _extra() -> dict[str, Any]:
    raw = email_cues()["quote"]
    return {
        "reply_separators": frozenset(norm(s) for s in raw["reply_separators"]),
        "header_date": tuple(norm(s) for s in raw["header_date"]),
        "not_name": frozenset(norm(s) for s in raw["not_name"]),
        "months": tuple((n, norm(p)) for n, names in enumerate(raw["months"], 1) for p in names),
    }


def quoted_message(body: str, *, keep_signoff: bool = True) -> Quoted | None:
    """The message ``body`` quotes under an attribution line or Outlook header block, or ``None`` when
    there is no such quote or its text is empty once cleaned."""
    cues = quote_cues()
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start = next((i for i in range(len(lines)) if quote_starts_at(lines, i, cues)), None)
    if start is None:
        return None
    found = _header_block(lines, start) or _attribution_at(lines, start)
    if found is None:
        return None
    (name, address), when, rest = found
    text = "\n".join(_unquoted(line) for line in rest)
    cleaned = clean(text, keep_signoff=keep_signoff)
    if not cleaned.text:
        return None
    return Quoted(name, address.casefold(), when, cleaned.text, cleaned.signer)


def _unquoted(line: str) -> str:
    """One level of ``>`` off a quoted line (``>> deeper`` keeps one)."""
    stripped = line.lstrip()
    if not stripped.startswith(">"):
        return line
    stripped = stripped[1:]
    return stripped[1:] if stripped.startswith(" ") else stripped


_Found = tuple[tuple[str | None, str], datetime | None, list[str]]


def _header_block(lines: list[str], start: int) -> _Found | None:
    """Outlook's ``From:``/``Sent:``/``To:``/``Subject:`` block at ``start`` (or under a reply separator
    there): the writer, the date and the lines of the quoted message under the block."""
    cues, extra = quote_cues(), _extra()
    at = start
    if norm(lines[at].strip()) in extra["reply_separators"]:
        at = next((j for j in range(at + 1, len(lines)) if lines[j].strip()), len(lines))
    if at >= len(lines) or field_name(_unquoted(lines[at])) not in cues.header_from:
        return None
    writer: tuple[str | None, str] = (None, "")
    when = None
    end = at
    while end < len(lines) and lines[end].strip():
        line = _unquoted(lines[end]).strip().replace("*", "")
        field = field_name(line)
        if end > at and field not in cues.header_fields and field not in extra["header_date"]:
            break
        value = line.partition(":")[2].strip()
        if field in cues.header_from:
            writer = _writer(value)
        elif field in extra["header_date"]:
            when = attribution_time(value)
        end += 1
    return writer, when, lines[end:]


def _writer(value: str) -> tuple[str | None, str]:
    """Name and address of ``Name <address>``, ``Name [mailto:address]`` (Outlook's quoted ``From:``)
    or a bare name, as :func:`~servio.ingest.email_text.sender` reads a ``From`` header."""
    name, address = sender(re.sub(r"\[mailto:([^\]\s]+)\]", r"<\1>", value))
    if "@" not in address:
        return value.strip(" \"'") or None, ""
    return name, address


def _attribution_at(lines: list[str], start: int) -> _Found | None:
    """The attribution line at ``start`` (joined with the next when wrapped): the writer, the date and
    the lines quoted under it."""
    cues = quote_cues()
    line = lines[start].strip()
    after = start + 1
    if not is_attribution(line, cues) and not _CLOSING.search(line):
        following = lines[start + 1].strip() if start + 1 < len(lines) else ""
        line, after = line + " " + following, start + 2
    if not _CLOSING.search(line):
        return None  # a forwarded-message separator: not a reply's quote
    return _attribution_writer(line), attribution_time(_ADDRESS.sub(" ", line)), lines[after:]


def _attribution_writer(line: str) -> tuple[str | None, str]:
    """Who an attribution names: ``On <date>, Name <address> wrote:``, ``<date> kirjutas Name <address>:``,
    ``<date>, Name kirjutas:``; the name is the words right before the address or the closing phrase
    that are no part of the date."""
    match = _ADDRESS.search(line) or _BARE_ADDRESS.search(line)
    address = match[1] if match and match.re is _ADDRESS else (match[0] if match else "")
    after = _WRITER_AFTER.search(line)
    if after:
        head = after[1]
    else:
        head = line[:match.start()] if match else _CLOSING.sub("", line)
    words: list[str] = []
    for word in reversed(head.replace('"', " ").split()):
        if any(ch.isdigit() for ch in word) or norm(word.strip(",.")) in _extra()["not_name"]:
            break
        words.insert(0, word)
        if word.startswith((",", "(")):
            break
    name = " ".join(words).strip(" ,.'()") or None
    return name, address


def attribution_time(text: str) -> datetime | None:
    """The date and time written in an attribution or a ``Sent:`` field, or ``None`` unless both a
    date (day, month, year) and a clock time are there."""
    time = _TIME.search(text)
    if time is None:
        return None
    rest = text[:time.start()] + " " + text[time.end():]
    day_month_year = _numeric_date(rest) or _named_date(rest)
    if day_month_year is None:
        return None
    hour, minute = int(time[1]), int(time[2])
    if time[3]:
        if hour > 12:
            return None
        hour = hour % 12 + (12 if time[3].casefold().startswith("p") else 0)
    day, month, year = day_month_year
    try:
        return datetime(year, month, day, hour, minute)
    except ValueError:
        return None


def _numeric_date(text: str) -> tuple[int, int, int] | None:
    match = _NUMERIC.search(text)
    if match is None:
        return None
    if match[1]:
        return int(match[1]), int(match[2]), int(match[3])
    return int(match[6]), int(match[5]), int(match[4])


def _named_date(text: str) -> tuple[int, int, int] | None:
    year = _YEAR.search(text)
    if year is None:
        return None
    for match in _DAY_MONTH.finditer(text[:year.start()] + " " + text[year.end():]):
        word, day = (match[2], match[1]) if match[1] else (match[3], match[4])
        month = _month(word)
        if month is not None:
            return int(day), month, int(year[1])
    return None


def _month(word: str) -> int | None:
    key = norm(word)
    found = [(len(prefix), number) for number, prefix in _extra()["months"] if key.startswith(prefix)]
    return max(found)[1] if found else None
