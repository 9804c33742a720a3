"""The new text of an e-mail: body part choice, HTML to text, quoted replies and signatures cut.

Cue phrases live in ``data/email.toml``. Order of cuts: the first reply
attribution ("On ... wrote:", "... kirjutas:" with a date, time or address
in it, or with ``>`` lines after it), forward/Outlook separator or Outlook
header block (with the ``____`` rule Outlook draws above it) ends the new
text; ``>`` lines are dropped; a signature delimiter (``-- ``) or a
mail-app line ("Sent from my iPhone") ends it; a closing formula
("Lugupidamisega", "Best regards") near the end keeps itself and the name
line after it (``keep_signoff``) and drops the contact details below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import parseaddr
from functools import cache
from html.parser import HTMLParser
from typing import Any

from servio.ingest.said import Said
from servio.ingest.vocab import email_cues, norm

_BLOCK_TAGS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "table", "blockquote", "hr"}
_VOID_TAGS = {"br", "hr", "img", "meta", "input", "link", "area", "base", "col", "wbr", "source"}
_SKIP_TAGS = {"style", "script", "head", "title", "blockquote"}
_NAME_TRIM = " \t,.!;:-–—"
# Outlook (web and new desktop) puts the quoted message's header block in this
# element and the quoted text after it, outside it: the rest of the body is the quote.
_OUTLOOK_QUOTE = "divRplyFwdMsg"


class _HtmlText(HTMLParser):
    """Visible text of an HTML body; quoted blocks (``<blockquote>``, Gmail quotes) are left out.

    Outlook's reply header (``<div id="divRplyFwdMsg">``) ends the text: the
    quoted message follows it, not inside it.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping: list[str] = []
        self._ended = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._ended:
            return
        classes = " ".join(v or "" for k, v in attrs if k in ("class", "id"))
        if _OUTLOOK_QUOTE in classes and not self._skipping:
            self._ended = True
            return
        if tag in _VOID_TAGS:
            if not self._skipping and tag in _BLOCK_TAGS:
                self.parts.append("\n")
            return
        if self._skipping or tag in _SKIP_TAGS or "gmail_quote" in classes:
            self._skipping.append(tag)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self._ended:
            return
        if self._skipping:
            if tag in self._skipping:
                while self._skipping.pop() != tag:
                    pass
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping and not self._ended:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment with block elements on their own lines.

    A run of blank lines (``<div><br></div>`` between paragraphs, as Gmail and
    help desks write them) is one blank line.
    """
    parser = _HtmlText()
    parser.feed(markup)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    return _BLANK_RUN.sub("\n\n", "\n".join(lines))


_BLANK_RUN = re.compile(r"\n{3,}")


@dataclass(frozen=True, slots=True)
class _Cues:
    quote: tuple[re.Pattern[str], ...]
    evidence: tuple[re.Pattern[str], ...]
    separators: frozenset[str]
    header_from: tuple[str, ...]
    header_fields: tuple[str, ...]
    rule: re.Pattern[str]
    delimiters: frozenset[str]
    signoffs: tuple[str, ...]
    mobile: tuple[str, ...]
    tail_lines: int
    max_name_words: int


@cache
def quote_cues() -> _Cues:
    raw: dict[str, Any] = email_cues()
    sig = raw["signature"]
    return _Cues(
        quote=tuple(re.compile(p, re.I) for p in raw["quote"]["patterns"]),
        evidence=tuple(re.compile(p, re.I) for p in raw["quote"]["evidence"]),
        separators=frozenset(norm(s) for s in raw["quote"]["separators"]),
        header_from=tuple(norm(s) for s in raw["quote"]["header_from"]),
        header_fields=tuple(norm(s) for s in raw["quote"]["header_fields"]),
        rule=re.compile(f"[{re.escape(raw['quote']['rule_chars'])}]{{{int(raw['quote']['rule_length'])},}}"),
        delimiters=frozenset(sig["delimiters"]),
        signoffs=tuple(sorted((norm(s) for s in sig["signoffs"]), key=len, reverse=True)),
        mobile=tuple(norm(s) for s in sig["mobile"]),
        tail_lines=int(sig["tail_lines"]),
        max_name_words=int(sig["max_name_words"]),
    )


def field_name(line: str) -> str:
    head, sep, _ = line.partition(":")
    return norm(head.lstrip("*")) if sep else ""


def _has_evidence(text: str, cues: _Cues) -> bool:
    return any(e.search(text) for e in cues.evidence)


def is_attribution(text: str, cues: _Cues) -> bool:
    """An attribution as mail clients write it: the phrase with a date, a time or an address."""
    return any(p.match(text) for p in cues.quote) and _has_evidence(text, cues)


def quote_starts_at(lines: list[str], i: int, cues: _Cues) -> bool:
    line = lines[i].strip()
    if norm(line) in cues.separators or is_attribution(line, cues):
        return True
    # a wrapped attribution starts here only if this line holds part of the
    # evidence and the next line is not a whole attribution by itself (one
    # opening with the address is the tail of a wrapped one): the customer's
    # "Sobib!" above "E, 5. okt 2026 ... kirjutas:" is not cut
    following = lines[i + 1].strip() if i + 1 < len(lines) else ""
    whole = is_attribution(following, cues) and not following.startswith("<")
    if following and not whole and _has_evidence(line, cues) and is_attribution(line + " " + following, cues):
        return True
    if any(p.match(line) for p in cues.quote):
        after = next((ln.strip() for ln in lines[i + 1:] if ln.strip()), "")
        return after.startswith(">")
    if field_name(line) in cues.header_from:
        fields = [field_name(ln) for ln in lines[i + 1:i + 5]]
        return sum(f in cues.header_fields for f in fields) >= 2
    return False


def _name_like(line: str, cues: _Cues) -> bool:
    words = line.strip(_NAME_TRIM).split()
    return (0 < len(words) <= cues.max_name_words and "@" not in line
            and not any(ch.isdigit() for ch in line) and words[0][:1].isupper())


def _signoff(line: str, cues: _Cues) -> tuple[bool, str | None]:
    """Whether a line is a closing formula, and the name written on the same line after it."""
    text = norm(line).strip(_NAME_TRIM)
    for phrase in cues.signoffs:
        if text == phrase:
            return True, None
        if text.startswith(phrase) and text[len(phrase):len(phrase) + 1] in (",", " "):
            rest = line.strip().strip(_NAME_TRIM)[len(phrase):].strip(_NAME_TRIM)
            return (True, rest) if _name_like(rest, cues) else (False, None)
    return False, None


def _cut_signature(lines: list[str], keep_signoff: bool, cues: _Cues) -> tuple[list[str], str | None]:
    for i, line in enumerate(lines):
        if line.rstrip() in cues.delimiters or norm(line).startswith(cues.mobile):
            name = next((ln.strip() for ln in lines[i + 1:] if ln.strip()), None)
            lines = lines[:i]
            if line.rstrip() in cues.delimiters and name and _name_like(name, cues):
                return lines, name.strip(_NAME_TRIM)
            break
    filled = [i for i, ln in enumerate(lines) if ln.strip()]
    for i in filled[-cues.tail_lines:]:
        is_signoff, name = _signoff(lines[i], cues)
        if not is_signoff:
            continue
        after = [j for j in filled if j > i]
        if name is None and after and _name_like(lines[after[0]], cues):
            name, keep_to = lines[after[0]].strip(_NAME_TRIM), after[0]
        else:
            keep_to = i
        return (lines[:keep_to + 1] if keep_signoff else lines[:i]), name
    return lines, None


def _rule_above(lines: list[str], start: int, cues: _Cues) -> int:
    """Where the quoted part starts, moved up to Outlook's ``______`` rule when one stands right above it."""
    above = start - 1
    while above >= 0 and not lines[above].strip():
        above -= 1
    return above if above >= 0 and cues.rule.fullmatch(lines[above].strip()) else start


@dataclass(frozen=True, slots=True)
class Cleaned:
    """A cleaned body: the new text, the signer's name, and where the cleaning cut.

    ``cut_all`` is the line at which a quote or signature was taken to start
    when that cut left nothing of text the sender did write (lines other than
    blank and ``>`` ones); ``None`` otherwise. Such a message may be the
    sender's words taken for a quote by mistake, so readers report it.
    """

    text: str
    signer: str | None
    cut_all: str | None


def all_cut_from(line: str) -> Said:
    """That cleaning cut a message (or a cell) to nothing from ``line``, for a problem's message."""
    return Said("email.all_cut_from", {"line": repr(line if len(line) <= 80 else line[:77] + "...")})


def clean(text: str, *, keep_signoff: bool = True) -> Cleaned:
    """The new text of a message body, the signer's name, and what was cut if it was all cut."""
    cues = quote_cues()
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    own = [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith(">")]
    start = next((i for i in range(len(lines)) if quote_starts_at(lines, i, cues)), None)
    if start is not None:
        start = _rule_above(lines, start, cues)
    cut = lines[start].strip() if start is not None else None
    lines = lines[:start]
    lines = [ln.rstrip() for ln in lines if not ln.lstrip().startswith(">")]
    kept = [ln.strip() for ln in lines if ln.strip()]
    lines, name = _cut_signature(lines, keep_signoff, cues)
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    if body or not own:
        return Cleaned(body, name, None)
    return Cleaned(body, name, kept[0] if kept else cut)


def clean_body(text: str, *, keep_signoff: bool = True) -> tuple[str, str | None]:
    """The new text of a message body and the signer's name if a signature gave one."""
    cleaned = clean(text, keep_signoff=keep_signoff)
    return cleaned.text, cleaned.signer


# Possessive blanks: ``\s*(?:\[\d+\])?\s*`` tried every split of a long run of spaces (security audit S12).
_SUBJECT_PREFIX = re.compile(r"^\s*+([\w]{1,10})\s*+(?:\[\d+\]\s*+)?:\s*")


def subject_is_reply(subject: str) -> bool:
    """True when the subject opens with a reply's prefix (``Re:``, ``Vs:``), not a forward's (``FW:``)."""
    match = _SUBJECT_PREFIX.match(subject)
    cues = email_cues()["subject"]
    word = norm(match[1]) if match else ""
    return word in {norm(p) for p in cues["prefixes"]} and word not in {norm(p) for p in cues["forwards"]}


def subject_key(subject: str) -> tuple[str, bool]:
    """A subject without reply/forward prefixes (``Re:``, ``Vs:``, ``FW:``), and whether it had one."""
    prefixes = {norm(p) for p in email_cues()["subject"]["prefixes"]}
    text, replied = subject.strip(), False
    while True:
        match = _SUBJECT_PREFIX.match(text)
        if match is None or norm(match[1]) not in prefixes:
            return norm(text), replied
        text, replied = text[match.end():], True


_NAME_ADDRESS = re.compile(r"^(.*?)<([^<>\s@]+@[^<>\s@]+)>$", re.S)
_NAME_QUOTES = " \t\"'"


def sender(value: str) -> tuple[str | None, str]:
    """The display name and address of a decoded ``From`` header.

    A name and address that came out of one RFC 2047 encoded-word
    (``=?utf-8?b?...?=`` holding ``José García <jose@shop.example>``, as
    Python's and PHP's mail libraries write a non-ASCII name) decode to a
    quoted whole that ``parseaddr`` takes for the address; the ``<address>``
    at its end is the address then, and what stands before it the name.
    """
    name, address = parseaddr(value)
    if "@" in address and not re.search(r"[\s<>\"]", address):
        return name.strip() or None, address.strip()
    match = _NAME_ADDRESS.match(value.strip().strip(_NAME_QUOTES))
    if match is None:
        return name.strip() or None, address.strip()
    return match[1].strip().strip(_NAME_QUOTES) or None, match[2]
