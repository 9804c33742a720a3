"""A chat export's header block in a plain-text transcript: ``Key: value`` lines, a blank line, timed turns.

Chat widgets (LiveChat, Tawk, Olark...) export each chat as::

    Chat transcript
    Chat ID: 2ZK8Q1
    Date: 2026-11-16
    Agent: Jessica Park

    (15:42:10) Visitor: hi

The lines before the blank line are the chat's header, not turns (``Agent: Jessica Park`` is not the
agent saying her name). :func:`header_blocks` rewrites such a block, at the start of the file, after a
separator line or after a blank line below the last chat's turns, into the transcript's own
``# key: value`` headers (a title line without a colon becomes a ``#`` comment), so the reader takes
``Agent:`` as the conversation's agent and ``Date:`` as its day. Only when the lines after the blank line
open with a time: elsewhere ``Agent: Hello`` stays a turn.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from servio.ingest.base import Reporter
from servio.ingest.fields import FieldError, conversation_fields
from servio.ingest.said import Said
from servio.ingest.textio import Line
from servio.ingest.vocab import field_aliases, header_key, header_words, is_role_word

#: ``Key: value`` with a short key of words (``Chat ID``, ``Date``, ``Agent``, ``Operator name``)
_PAIR = re.compile(r"^\s*+([^\W\d_][\w'.\-]*+(?:[ \t][\w'.\-]++){0,3}+)[ \t]*+:[ \t]++(\S.*)$")
#: a turn line opening with a time: ``(15:42:10) Visitor:``, ``[10:32]``, ``10:32:05 -``
_TIMED = re.compile(r"^\s*+(?:[\[(]\d[\d:.,\-T/ ]{3,24}?[\])]|\d{1,2}:\d{2}(?::\d{2})?[ \t])")
_TITLE_WORDS = 6
_NAME_WORDS = 4
_MAX_LINES = 20


def is_timed(text: str) -> bool:
    """True for a line that opens with a time, as the turns of a chat export do."""
    return _TIMED.match(text) is not None


def header_label(line: str, label: str) -> Said | None:
    """The problem for a line before the first turn whose label is a header key (``Chat ID: 2ZK8Q1``,
    ``Date: 2026-11-16``, a conversation key of ``data/fields.toml``), not a speaker: mapping it with
    ``--speaker`` would be wrong. ``None`` for a label that may be a speaker's."""
    words = label.split()
    if not words or not (words[-1].casefold() in header_words() or header_key(label) in field_aliases()):
        return None
    return Said("text.header_line", {"line": " ".join(line.split())[:80], "key": label})


def _candidate(text: str) -> bool:
    """A line that may belong to a header block: ``Key: value``, a ``#`` line or a short title."""
    stripped = text.strip()
    if not stripped or is_timed(text):
        return False
    return (stripped.startswith("#") or _PAIR.match(text) is not None
            or (":" not in stripped and len(stripped.split()) <= _TITLE_WORDS))


def header_blocks(lines: Iterable[Line], is_separator: re.Pattern[str], path: Path,
                  report: Reporter) -> Iterator[Line]:
    """``lines`` with each header block rewritten as ``# key: value`` lines: at a block's start, or after
    a blank line below a conversation's turns, where a separator line is put before it (exports that
    part their chats with blank lines only)."""
    at_start, after_blank, held = True, False, list[Line]()
    for line in lines:
        if line.error is not None or is_separator.match(line.text):
            yield from held
            held, at_start, after_blank = [], line.error is None, False
            yield line
            continue
        blank = not line.text.strip()
        if not (at_start or held or (after_blank and _candidate(line.text))):
            after_blank = blank
            yield line
            continue
        if blank and not held:
            yield line  # blank lines before the block
            continue
        seen_blank = any(not h.text.strip() for h in held)
        if blank or (not seen_blank and _candidate(line.text) and len(held) < _MAX_LINES):
            held.append(line)
            continue
        if seen_blank and is_timed(line.text) and _is_header_block(held, first=at_start):
            if not at_start:  # below another conversation's turns: end it first
                yield Line(held[0].number, held[0].offset, "---")
            yield from _as_headers(held, path, report)
        else:
            yield from held
            if held and not held[-1].text.strip() and _candidate(line.text):  # a block may start here
                held, at_start = [line], False
                continue
        held, at_start, after_blank = [], False, False
        yield line
    yield from held


def _is_header_block(held: list[Line], *, first: bool) -> bool:
    """At least one ``Key: value`` line, and none that reads as a speaker's words: a speaker word as the
    key (``Agent:``) with more than a name after it (``Agent: Hello! How can I help?``) is a turn. Below
    another conversation's turns (not ``first``) the block must also have two lines or more and a
    conversation key (``Agent:``, ``Date:``, ``ID:``...): ``Order: 123`` after a blank line in an agent's
    message stays the message's."""
    pairs = [m for h in held if (m := _PAIR.match(h.text)) is not None]
    if not pairs or any(is_role_word(m[1]) and len(m[2].split()) > _NAME_WORDS for m in pairs):
        return False
    lines = sum(1 for h in held if h.text.strip())
    return first or (lines >= 2 and any(header_key(m[1]) in field_aliases() for m in pairs))


def _as_headers(held: list[Line], path: Path, report: Reporter) -> Iterator[Line]:
    for line in held:
        text = line.text.strip()
        pair = _PAIR.match(line.text)
        if not text or text.startswith("#"):
            yield line
        elif pair is None:
            yield Line(line.number, line.offset, "# " + text)  # a title: a comment
        elif _readable(pair[1], pair[2]):
            yield Line(line.number, line.offset, f"# {pair[1]}: {pair[2].strip()}")
        else:
            report.note(path, Said("text.header_unread", {"line": text}), line=line.number)
            yield Line(line.number, line.offset, "# " + text.replace(":", " -", 1))


def _readable(key: str, value: str) -> bool:
    """False for a known key whose value does not fit (``Date: yesterday``): kept as a comment, noted."""
    try:
        conversation_fields({key: value.strip()}, [])
    except FieldError:
        return False
    return True
