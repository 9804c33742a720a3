"""servio JSON Lines: one conversation object per line (the annotated data's format).

Also reads a ``.json`` file holding one such object or a list of them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from servio.ingest.base import ReaderOptions, Reporter
from servio.ingest.fields import (
    FieldError,
    TurnTimes,
    ValueNotes,
    build_conversation,
    conversation_fields,
    derived_id,
    parse_stages,
    turn_language,
)
from servio.ingest.remedies import remedy
from servio.ingest.said import Said
from servio.ingest.textio import decode_head, text_lines
from servio.ingest.vocab import speaker_for
from servio.model import Conversation, Speaker, Turn

_TURN_KEYS = {"speaker", "text", "stages", "author", "timestamp", "language"}


_SPEAKERS = {s.value: s for s in Speaker}


def _speaker(value: Any, options: ReaderOptions) -> Speaker:
    found = _SPEAKERS.get(value) if isinstance(value, str) and not options.speaker_values else None
    if found is not None:
        return found
    if isinstance(value, str):
        key = value.strip().casefold()
        found = options.speaker_values.get(key)
        if found is not None:
            return found
        try:
            return Speaker(key)
        except ValueError:
            pass
        found = speaker_for(value, options)  # the speaker words every reader shares ("bot", "klient")
        if found is not None:
            return found
    if isinstance(value, str) and value.strip():
        hint = remedy("speaker", value)
        raise FieldError(Said("jsonl.speaker_remedy", {"value": repr(value), "remedy": hint}))
    raise FieldError(Said("jsonl.speaker", {"value": repr(value)}))


#: The note for a turn without text (an attachment, a sticker) that is read as an empty turn.
EMPTY_TURN_NOTE = Said("jsonl.empty_turn")


def _turn(raw: Any, times: TurnTimes, options: ReaderOptions, notes: list[Said] | None = None,
          bad_times: list[Any] | None = None) -> Turn:
    """One turn; with ``bad_times``, an unreadable timestamp is appended there and the turn has none."""
    if not isinstance(raw, dict):
        raise FieldError(Said("jsonl.turn_not_object", {"type": type(raw).__name__}))
    text = raw.get("text")
    if text is None and notes is not None:  # kept, so that the turns keep their numbers
        text = ""
        if EMPTY_TURN_NOTE not in notes:
            notes.append(EMPTY_TURN_NOTE)
    elif "text" not in raw:
        raise FieldError(Said("jsonl.no_text"))
    if not isinstance(text, str):
        raise FieldError(Said("field.not_string", {"key": "text", "type": type(text).__name__}))
    author = raw.get("author")
    if author is not None and not isinstance(author, str):
        raise FieldError(Said("field.not_string", {"key": "author", "type": type(author).__name__}))
    stamp = raw.get("timestamp")
    if stamp is not None and not isinstance(stamp, str):
        if bad_times is None:
            raise FieldError(Said("field.not_string", {"key": "timestamp", "type": type(stamp).__name__}))
        bad_times.append(stamp)
        stamp = None
    timestamp = times.resolve(stamp)
    if stamp and timestamp is None and not times.clocks[-1]:
        if bad_times is None:
            raise FieldError(Said("jsonl.bad_time", {"value": repr(stamp)}))
        bad_times.append(stamp)
    return Turn(
        speaker=_speaker(raw.get("speaker"), options),
        text=text,
        author=author or None,
        timestamp=timestamp,
        stages=parse_stages(raw["stages"]) if options.gold_stages and raw.get("stages") is not None else None,
        language=turn_language(raw.get("language")),
    )


def conversation_from_dict(record: Any, options: ReaderOptions, default_id: str,
                           notes: list[Said] | None = None,
                           bad_times: list[tuple[int, Any]] | None = None) -> Conversation:
    """A conversation from one decoded JSON object; :class:`FieldError` says what is wrong.

    With ``notes``, an unknown channel or contact type is a message there instead of an error
    (see :func:`~servio.ingest.fields.conversation_fields`). With ``bad_times``, a turn timestamp
    that cannot be read is ``(turn number, value)`` there and the turn is kept without a time."""
    if not isinstance(record, dict):
        raise FieldError(Said("jsonl.not_object", {"type": type(record).__name__}))
    turns_raw = record.get("turns")
    if not isinstance(turns_raw, list):
        raise FieldError(Said("jsonl.no_turns" if turns_raw is None else "jsonl.turns_not_list"))
    if not turns_raw:
        raise FieldError(Said("jsonl.turns_empty"))
    head = {k: v for k, v in record.items() if k != "turns"}
    fields, extra = conversation_fields(head, notes)
    times = TurnTimes(fields.get("started_at") or fields.get("day"))
    turns = []
    for i, raw in enumerate(turns_raw, start=1):
        bad: list[Any] | None = [] if bad_times is not None else None
        try:
            turns.append(_turn(raw, times, options, notes, bad))
        except FieldError as exc:
            raise FieldError(Said("jsonl.turn", {"index": i, "detail": exc.said or str(exc)})) from None
        if bad_times is not None and bad:
            bad_times.extend((i, value) for value in bad)
        extra_turn = set(raw) - _TURN_KEYS
        if extra_turn:
            extra.setdefault("turn_extra", {})[str(i)] = {k: raw[k] for k in sorted(extra_turn)}
    return build_conversation(fields, turns, options, default_id=default_id,
                              metadata={**extra, **times.metadata()})


class _BadTimes:
    """The turn timestamps of one file that could not be read: one note per file, as the CSV reader's."""

    def __init__(self) -> None:
        self.count = 0
        self.first: tuple[int | None, Said] | None = None

    def add(self, found: list[tuple[int, Any]], line: int | None, item: int | None = None) -> None:
        """Remember ``found`` (from :func:`conversation_from_dict`) of the record at ``line`` or ``item``."""
        if found and self.first is None:
            turn, value = found[0]
            first = (Said("jsonl.first_bad_time", {"turn": turn, "value": repr(value)}) if item is None else
                     Said("jsonl.first_bad_time_item", {"item": item, "turn": turn, "value": repr(value)}))
            self.first = (line, first)
        self.count += len(found)

    def report(self, path: Path, report: Reporter) -> None:
        if self.first is not None:
            line, first = self.first
            report.note(path, Said("jsonl.bad_times", {"count": self.count, "first": first}), line=line)


class JsonLinesReader:
    """Format ``jsonl``: one conversation per line (see ``docs/formats.md``)."""

    name = "jsonl"
    extensions = (".jsonl", ".ndjson", ".json")
    priority = 10

    def sniff(self, head: bytes) -> bool:
        """True when the first non-blank character opens a JSON object or list with conversation keys."""
        text = decode_head(head).lstrip()
        if text.startswith("["):
            text = text[1:].lstrip()
        return text.startswith("{") and ('"turns"' in text[:65536] or '"id"' in text[:4096])

    def read(self, path: Path, options: ReaderOptions, report: Reporter) -> Iterator[Conversation]:
        """Stream conversations; each bad line is reported with its line number and skipped."""
        if path.suffix.casefold() == ".json":
            whole = self._whole_json(path, options)
            if whole is not None:
                yield from self._read_items(path, whole, options, report)
                return
        index = 0
        unknown = ValueNotes()
        bad_times = _BadTimes()
        for line in text_lines(path, options, report, fallback=False):
            if line.error is None and not line.text.strip():
                continue
            index += 1
            if line.error is not None:
                report.problem(path, Said("skip.line", {"reason": line.error}), line=line.number)
                continue
            conv = self._parse_line(path, line.text, line.number, index, options, report, unknown, bad_times)
            if conv is not None:
                report.at(line.number, line.offset)
                yield conv
        unknown.report(path, report)
        bad_times.report(path, report)

    def _parse_line(
        self, path: Path, text: str, number: int, index: int, options: ReaderOptions, report: Reporter,
        unknown: ValueNotes, bad_times: _BadTimes,
    ) -> Conversation | None:
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            ended = exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string")
            code = "jsonl.invalid_cut" if ended else "jsonl.invalid"
            invalid = Said(code, {"detail": exc.msg, "column": exc.colno})
            report.problem(path, Said("skip.line", {"reason": invalid}), line=number)
            return None
        notes: list[Said] = []
        bad: list[tuple[int, Any]] = []
        try:
            conv = conversation_from_dict(record, options, derived_id(path, index), notes, bad)
        except FieldError as exc:
            report.problem(path, Said("skip.conversation", {"reason": exc.said or str(exc)}), line=number)
            return None
        unknown.add(notes, number)
        bad_times.add(bad, number)
        return conv

    def _whole_json(self, path: Path, options: ReaderOptions) -> Any:
        """A ``.json`` file parsed whole if it is one object or a list; ``None`` to read it as lines."""
        if path.stat().st_size > options.max_record_bytes:
            return None
        raw = path.read_bytes()
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return None
        return data if isinstance(data, list | dict) else None

    def _read_items(
        self, path: Path, data: Any, options: ReaderOptions, report: Reporter
    ) -> Iterator[Conversation]:
        items = data if isinstance(data, list) else [data]
        unknown = ValueNotes()
        bad_times = _BadTimes()
        for index, record in enumerate(items, start=1):
            notes: list[Said] = []
            bad: list[tuple[int, Any]] = []
            try:
                conv = conversation_from_dict(record, options, derived_id(path, index), notes, bad)
            except FieldError as exc:
                item = Said("jsonl.item", {"index": index, "detail": exc.said or str(exc)})
                report.problem(path, Said("skip.conversation", {"reason": item}))
                continue
            unknown.add(notes)
            bad_times.add(bad, None, index)
            report.at(None, None)
            yield conv
        unknown.report(path, report)
        bad_times.report(path, report)

