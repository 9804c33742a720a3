"""Speaker prefixes in transcript lines: ``[10:32] Teenindaja (Kati): tere``.

A prefix is an optional time (``[10:32]``, ``(10:32:05)``, ``10:32``,
``[2024-03-01 10:32]``), a label and a colon; a label in square brackets
(``[SPEAKER_00]``, as speech-to-text tools write them) may leave the colon out. The label is a speaker word
(``Klient``, ``Agent``, ``Süsteem``... from ``data/speakers.toml``) or a name
mapped in ``ReaderOptions.speaker_values``; a role word may carry the
author's name in brackets (``Teenindaja (Kati):``) or after it, capitalised
(``Agent Kati:``). A speaker word or mapped name alone may also be followed by a spaced dash
instead of the colon (``KLIENT - tere``), as some call-centre exports write it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from servio.ingest.base import ReaderOptions
from servio.ingest.vocab import is_role_word, speaker_for
from servio.model import Speaker

_WORD = r"[^\W\d_][\w'’.\-]*+"
# Every repetition here is unambiguous (possessive, or followed by what it cannot match): a long run of
# spaces in a line ("and also" + 100,000 spaces) made the adjacent ``[ \t]*`` and ``\s+`` try every split
# of it, quadratic time inside ``_sre`` with the GIL held (security audit S12). What matches is unchanged.
_PREFIX = re.compile(
    r"""^\s*+
    (?:[\[(](?P<ts>\d[\d:.,\-T/ ]{3,24}?)[\])]\s*+(?:[-–]\s*+)?
      |(?P<ts2>\d{1,2}:\d{2}(?::\d{2})?)\s++(?:[-–]\s*+)?)?
    (?:\[(?P<bracketed>""" + _WORD + r"""(?:[ \t]++[\w'’.\-]++)*?)\](?:[ \t]*+(?P<colon>:))?
      |(?P<label>""" + _WORD + r"""(?:[ \t]++[\w'’.\-]++)*?)
       [ \t]*+(?:\((?P<paren>[^()]{1,60})\)[ \t]*+)?:)(?:\s++|$)(?P<text>.*)$""",
    re.X,
)
_MAX_LABEL_WORDS = 4
#: ``anna@example.com: text``, ``[10:32] <anna@example.com>: text``, ``Anna Tamm <anna@example.com>: text``:
#: an e-mail address as the label (with a name before it only in angle brackets, as mail headers write
#: it), as some chat and ticket exports write it. Always a speaker's (running text does not open with an
#: address and a colon); read as agent or customer by ``--speaker`` or, as e-mail is, by ``--agent-domain``.
_ADDR = r"[\w.+'\-]{1,64}@[\w\-]{1,63}(?:\.[\w\-]{1,63}){1,8}"
_ADDRESS = re.compile(
    r"""^\s*+
    (?:[\[(](?P<ts>\d[\d:.,\-T/ ]{3,24}?)[\])]\s*+(?:[-–]\s*+)?
      |(?P<ts2>\d{1,2}:\d{2}(?::\d{2})?)\s++(?:[-–]\s*+)?)?
    (?:(?P<name>[^\W\d_][^<>:@\n]{0,78}?)[ \t]*+<(?P<named>""" + _ADDR + r""")>
      |<?(?P<address>""" + _ADDR + r""")>?)[ \t]*+:(?:\s++|$)(?P<text>.*)$""",
    re.X,
)
#: ``KLIENT - text``, ``[12:03] Teenindaja – text``: a speaker word (or mapped name) and a spaced dash.
_DASHED = re.compile(
    r"""^\s*
    (?:[\[(](?P<ts>\d[\d:.,\-T/ ]{3,24}?)[\])]\s*
      |(?P<ts2>\d{1,2}:\d{2}(?::\d{2})?)\s+)?
    (?P<label>""" + _WORD + r""")[ \t]+[-–][ \t]+(?P<text>\S.*)$""",
    re.X,
)


#: ``Speaker 1  0:03``, ``Jessica Park 1:02:10``, ``Speaker 2 (00:15)``: a label and the time into the
#: recording on a line of their own, the words on the lines below (Otter.ai's, Rev's and Descript's
#: text exports)
_LABEL_LINE = re.compile(
    r"^\s*+(?P<label>" + _WORD + r"(?:[ \t]++[\w'’.\-]++){0,3}?)"
    r"[ \t]++\(?(?P<ts>\d{1,2}:\d{2}(?::\d{2})?)\)?:?[ \t]*+$")


@dataclass(frozen=True, slots=True)
class Prefixed:
    """A line that opens a turn: who speaks, the author's name if given, the raw time, the text."""

    speaker: Speaker
    author: str | None
    stamp: str | None
    text: str


def resolve_label(label: str, paren: str | None, options: ReaderOptions) -> tuple[Speaker, str | None] | None:
    """Speaker and author for a label such as ``Klient``, ``Agent Kati`` or a mapped name."""
    speaker = speaker_for(label, options)
    if speaker is not None:
        author = paren or (None if is_role_word(label) else label)
        return speaker, author
    words = label.split()
    if len(words) < 2 or not is_role_word(words[0]) or not all(w[0].isupper() for w in words[1:]):
        return None
    role = speaker_for(words[0], options)
    if role is None:
        return None
    return role, paren or " ".join(words[1:])


def with_agent_label(options: ReaderOptions, name: str) -> ReaderOptions | None:
    """``options`` reading the agent a header names (``# agent: Jessica Park``, a chat export's
    ``Agent:``, WebVTT's ``NOTE agent:``) as the agent's label too (``Jessica Park: Hello!``,
    ``<v Jessica Park>``); ``None`` when ``--speaker`` maps that name already or it is a role word
    (``# agent: Klient``)."""
    if not name or speaker_for(name, options) is not None:
        return None
    return replace(options, speaker_values={**options.speaker_values, name: Speaker.AGENT})


def address_speaker(address: str, options: ReaderOptions, name: str | None = None) -> Speaker | None:
    """Who an e-mail address as a label is (``name``: the name written before it): mapped by ``--speaker``
    (the address, else the name), else by the agent addresses and domains as in e-mail (any other address
    is then the customer), else unknown (``None``)."""
    from servio.ingest.email_thread import is_agent_address

    mapped = speaker_for(address, options) or (speaker_for(name, options) if name else None)
    if mapped is not None:
        return mapped
    if options.agent_addresses or options.agent_domains:
        return Speaker.AGENT if is_agent_address(address.casefold(), options) else Speaker.CUSTOMER
    return None


def parse_prefix(line: str, options: ReaderOptions) -> Prefixed | None:
    """The turn a line opens, or ``None`` when it has no speaker prefix."""
    if "@" in line:
        addressed = _ADDRESS.match(line)
        if addressed is not None:
            address, name = addressed["named"] or addressed["address"], addressed["name"]
            speaker = address_speaker(address, options, name.strip() if name else None)
            if speaker is None:
                return None
            return Prefixed(speaker, name.strip() if name else address, addressed["ts"] or addressed["ts2"],
                            addressed["text"].strip())
    match = _PREFIX.match(line)
    if match is None:
        dashed = _DASHED.match(line)
        speaker = speaker_for(dashed["label"], options) if dashed else None
        if dashed is None or speaker is None:
            return None
        author = None if is_role_word(dashed["label"]) else dashed["label"]
        return Prefixed(speaker, author, dashed["ts"] or dashed["ts2"], dashed["text"].strip())
    label = match["label"] or match["bracketed"]
    if len(label.split()) > _MAX_LABEL_WORDS:
        return None
    found = resolve_label(label, match["paren"], options)
    if found is None:
        return None
    speaker, author = found
    return Prefixed(speaker, author.strip() if author else None, match["ts"] or match["ts2"],
                    match["text"].strip())


def label_line(line: str) -> tuple[str, str] | None:
    """``(label, time)`` of a line holding only a label and the time into the recording (``Speaker 1  0:03``,
    as Otter.ai exports a transcript: the turn's words follow on the next lines), else ``None``. A time of
    minutes and seconds (``0:03``, ``12:40``) is given as ``0:MM:SS``: an offset, not a clock."""
    match = _LABEL_LINE.match(line)
    if match is None:
        return None
    stamp = match["ts"]
    return match["label"], stamp if stamp.count(":") == 2 else f"0:{stamp.zfill(5)}"


def unknown_label(line: str) -> str | None:
    """The label of a line that opens like a turn of someone not known (``John Smith: hi``), else ``None``.

    Only name-like labels count (each word capitalised or a number: ``Kati``, ``Speaker 3``), so that
    ``see on: ...`` in running text is not taken for a speaker. Call it when :func:`parse_prefix` found none.
    """
    found = unknown_speaker_label(line)
    return found[0] if found is not None else None


def unknown_speaker_label(line: str) -> tuple[str, bool] | None:
    """:func:`unknown_label` and whether the label can only be a speaker's: a bracketed one
    (``[SPEAKER_01]:``), a name of two or more capitalised words (``Mari Maasikas:``), a numbered
    one (``Speaker 3:``) or an e-mail address (``anna@example.com:``). A single capitalised word
    (``Nimi: Mari``, ``Tellimus: 123``) may as well be a line of the previous turn's text.
    """
    if "@" in line and (addressed := _ADDRESS.match(line)) is not None:
        return addressed["named"] or addressed["address"], True
    match = _PREFIX.match(line)
    if match is None:
        return None
    if match["bracketed"] and not match["colon"]:
        return None  # "[Music]", "[laughs]": a caption's sound note, not a speaker
    label = match["label"] or match["bracketed"]
    words = label.split()
    if len(words) > _MAX_LABEL_WORDS or not all(w[0].isupper() or w[0].isdigit() for w in words):
        return None
    return str(label), bool(match["bracketed"]) or len(words) >= 2
