"""Plain-text transcripts: speaker-prefixed lines, ``# key: value`` headers, ``---`` separators.

Layout (see ``docs/formats.md``)::

    # id: conv-1
    # agent: kati
    [10:32] Klient: Tere, mu tellimus ei ole kohale jõudnud.
    Teenindaja (Kati): Tere! Vaatan kohe järele.
    See võib võtta minuti.            <- continuation of Kati's turn
    ---
    Customer: next conversation...
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from servio.ingest.agents import agent_from_turns
from servio.ingest.base import ReaderOptions, Reporter
from servio.ingest.fields import (
    FieldError,
    TurnTimes,
    ValueNotes,
    build_conversation,
    conversation_fields,
    derived_id,
)
from servio.ingest.header_block import header_blocks, header_label
from servio.ingest.prefix import (
    Prefixed,
    label_line,
    parse_prefix,
    resolve_label,
    unknown_speaker_label,
    with_agent_label,
)
from servio.ingest.remedies import remedy
from servio.ingest.said import Said
from servio.ingest.textio import decode_head, text_lines
from servio.ingest.vocab import field_aliases, header_key, unknown_speaker
from servio.model import Channel, Conversation, Speaker, Turn

SEPARATOR = re.compile(r"^\s*(?:-{3,}|={3,})\s*$")
_SNIFF_LINES = 40


@dataclass(slots=True)
class _Pending:
    line: int
    speaker: Speaker
    author: str | None
    stamp: str | None
    lines: list[str]


@dataclass(slots=True)
class _Block:
    index: int
    line: int
    headers: dict[str, str] = field(default_factory=dict)
    turns: list[_Pending] = field(default_factory=list)
    skipping: bool = False  # in the turn of an unknown speaker: its lines are not the previous turn's
    noted: set[str] = field(default_factory=set)  # single-word labels kept as text, noted once each
    mark: int = 0  # the reporter's problems before this block's: those after are the block's unread records
    recording: bool = False  # turns from label-and-time lines (Otter.ai): a recording's transcript, a call
    options: ReaderOptions | None = None  # the file's options with the agent its header names as a label


def _header(text: str) -> tuple[str, str] | None:
    r"""``(key, value)`` of a ``# key: value`` line, as the pattern
    ``^#\s*(?P<key>[^:#]{1,40}?)\s*:\s*(?P<value>.*?)\s*$`` reads it, but in linear time: with a long run
    of spaces (``# ref: x`` + 40,000 spaces + ``y``) the pattern tried every split of it (security audit S12).
    """
    if not text.startswith("#"):
        return None
    head, colon, rest = text[1:].partition(":")  # neither the key nor the blanks hold a colon
    key = head.strip() or head[-1:]  # only blanks: the last is the key, as the pattern had it
    value = rest.strip()
    if not colon or "#" in head or not key or len(key) > 40 or "\n" in value:
        return None
    return key, value


def _is_header(text: str, block: _Block) -> bool:
    pair = _header(text)
    if pair is None:
        return False
    return not block.turns or header_key(pair[0]) in field_aliases()


class TranscriptReader:
    """Format ``text``: plain-text transcripts with speaker prefixes (see ``docs/formats.md``)."""

    name = "text"
    extensions = (".txt", ".text", ".transcript")
    priority = 80

    def sniff(self, head: bytes) -> bool:
        """True when the first content line (after headers and separators) has a speaker prefix, or is
        a label and a time on a line of its own (Otter.ai's layout)."""
        options = ReaderOptions()
        for line in decode_head(head).splitlines()[:_SNIFF_LINES]:
            if not line.strip() or SEPARATOR.match(line) or line.lstrip().startswith("#"):
                continue
            return parse_prefix(line, options) is not None or label_line(line) is not None
        return False

    def read(self, path: Path, options: ReaderOptions, report: Reporter) -> Iterator[Conversation]:
        """Stream the file's conversations; lines before any speaker prefix are reported."""
        block = _Block(index=1, line=1, mark=report.mark())
        unknown = ValueNotes()
        labelled: bool | None = None  # the file's first turn line is a label and a time alone (Otter.ai)
        for line in header_blocks(text_lines(path, options, report, fallback=True), SEPARATOR, path, report):
            if line.error is not None:
                report.problem(path, Said("skip.line", {"reason": line.error}), line=line.number)
                continue
            text = line.text
            separator = SEPARATOR.match(text) is not None
            if separator or (block.turns and _is_header(text, block)):
                yield from self._flush(path, block, options, report, unknown)
                used = bool(block.turns or block.headers)
                block = _Block(index=block.index + used, line=line.number + separator, mark=report.mark())
                if separator:
                    continue
            if labelled is None and text.strip() and not text.lstrip().startswith("#"):
                labelled = label_line(text) is not None
            self._feed(path, block, text, line.number, options, report, labelled=bool(labelled))
        yield from self._flush(path, block, options, report, unknown)
        unknown.report(path, report)

    def _feed(self, path: Path, block: _Block, text: str, number: int, options: ReaderOptions,
              report: Reporter, *, labelled: bool = False) -> None:
        if not block.turns and not block.headers and not text.strip():
            block.line = number + 1
            return
        if _is_header(text, block):
            pair = _header(text)
            if pair is not None:
                block.headers.setdefault(*pair)
                if field_aliases().get(header_key(pair[0])) == "agent_id":
                    block.options = with_agent_label(options, pair[1])
            return
        options = block.options or options
        prefixed = parse_prefix(text, options)
        alone = label_line(text) if labelled and prefixed is None else None
        if alone is not None:
            found_label = resolve_label(alone[0], None, options)
            if found_label is None:
                unknown_turn = Said("text.unknown_turn", {"reason": unknown_speaker(alone[0])})
                report.problem(path, unknown_turn, line=number)
                block.skipping = True
                return
            prefixed = Prefixed(found_label[0], found_label[1], alone[1], "")
            block.recording = True
        if prefixed is not None:
            block.skipping = False
            block.turns.append(_Pending(number, prefixed.speaker, prefixed.author, prefixed.stamp,
                                        [prefixed.text] if prefixed.text else []))
            return
        found = unknown_speaker_label(text)
        label = found[0] if found is not None else None
        if block.turns and found is not None and (block.skipping or found[1]):
            unknown_turn = Said("text.unknown_turn", {"reason": unknown_speaker(found[0])})
            report.problem(path, unknown_turn, line=number)
            block.skipping = True
        elif block.skipping:
            return
        elif block.turns:
            if label is not None and label not in block.noted:
                block.noted.add(label)
                report.note(path, Said("text.label_kept", {"label": repr(label + ":"),
                                                           "remedy": remedy("speaker", label)}), line=number)
            block.turns[-1].lines.append(text.rstrip())
        elif text.strip() and not text.lstrip().startswith("#"):
            what = (Said("text.before_prefix") if label is None
                    else header_label(text, label) or unknown_speaker(label))
            report.problem(path, Said("skip.line", {"reason": what}), line=number)

    def _flush(self, path: Path, block: _Block, options: ReaderOptions,
               report: Reporter, unknown: ValueNotes) -> Iterator[Conversation]:
        if not block.turns:
            if block.headers:
                no_turns = Said("text.headers_no_turns")
                report.problem(path, Said("skip.bare", {"reason": no_turns}), line=block.line)
            return
        try:
            notes: list[Said] = []
            fields, extra = conversation_fields(block.headers, notes)
        except FieldError as exc:
            header = Said("text.header", {"detail": exc.said or str(exc)})
            report.problem(path, Said("skip.conversation", {"reason": header}), line=block.line)
            return
        unknown.add([Said("text.header", {"detail": note}) for note in notes], block.line)
        times = TurnTimes(fields.get("started_at") or fields.get("day"))
        turns = []
        for pending in block.turns:
            text = "\n".join(pending.lines).strip()
            if not text:
                report.problem(path, Said("skip.turn", {"reason": Said("text.no_text")}), line=pending.line)
                continue
            turns.append(Turn(pending.speaker, text, author=pending.author,
                              timestamp=times.resolve(pending.stamp)))
        if not turns:
            return
        report.at(block.line)
        if not fields.get("agent_id") and (named := agent_from_turns(turns)):
            fields["agent_id"] = named  # no `# agent:` header: the named agent who wrote most
        conv = build_conversation(fields, turns, options, default_id=derived_id(path, block.index),
                                  default_channel=Channel.PHONE if block.recording else Channel.CHAT,
                                  metadata={**extra, **times.metadata()})
        # every line this block lost (an unknown speaker's turn, an undecodable line, an empty turn)
        yield replace(conv, unread=report.since(block.mark))
