"""CSV with one row per turn: sniffed delimiter, mapped columns, rows grouped by conversation id."""

from __future__ import annotations

import csv
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from servio.ingest.base import ReaderOptions, Reporter
from servio.ingest.csv_columns import columns_note, guess_delimiter, map_columns, unread_time_column
from servio.ingest.email_cells import email_cell_text
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
from servio.ingest.prefix import parse_prefix
from servio.ingest.remedies import remedy
from servio.ingest.said import Said
from servio.ingest.textio import Line, decode_head, text_lines
from servio.ingest.timeparse import parse_datetime
from servio.ingest.vocab import (
    column_names,
    enum_aliases,
    header_key,
    norm,
    speaker_examples,
    speaker_for,
)
from servio.model import Conversation, Speaker, Turn

_CONVERSATION_FIELDS = ("agent_id", "team", "channel", "language", "contact_type")
# a message cell exported as HTML (chat tools' message bodies): read as its visible text
_HTML_CELL = re.compile(r"<(?:p|div|span|br|html|body|ul|ol|table|h[1-6])\b[^<>]*>", re.I)


class _Feed:
    """Lines to the csv module, remembering which line numbers each row came from."""

    def __init__(self, lines: Iterable[Line], path: Path, report: Reporter) -> None:
        self._lines = iter(lines)
        self._path, self._report = path, report
        self.pulled: list[Line] = []
        self._again: deque[Line] = deque()
        self.exhausted = False  # the csv module asked for a line after the last one

    def again(self, lines: Iterable[Line]) -> None:
        """Give ``lines`` (already pulled) once more, before the rest of the file."""
        self._again.extend(lines)
        self.exhausted = False

    def __iter__(self) -> Iterator[str]:
        while True:
            if self._again:
                line = self._again.popleft()
            else:
                found = next(self._lines, None)
                if found is None:
                    self.exhausted = True
                    return
                line = found
            if line.error is not None and not line.text:
                self._report.problem(self._path, Said("skip.line", {"reason": line.error}), line=line.number)
                continue
            self.pulled.append(line)
            yield line.text + "\n"


@dataclass(slots=True)
class _Group:
    line: int
    raw: dict[str, str] = field(default_factory=dict)
    turns: list[Turn] = field(default_factory=list)
    named: bool = False  # an id cell named the conversation (else servio made its id from the file name)
    times: TurnTimes = field(default_factory=lambda: TurnTimes(None))


class CsvReader:
    """Format ``csv``: one row per turn, header required (see ``docs/formats.md``)."""

    name = "csv"
    extensions = (".csv", ".tsv")
    priority = 90

    def sniff(self, head: bytes) -> bool:
        """True when the first non-blank line is a delimited header naming a known column."""
        lines = [ln for ln in decode_head(head).splitlines() if ln.strip()]
        if not lines:
            return False
        first = lines[0]
        cells = next(csv.reader([first], delimiter=guess_delimiter(first)), [])
        known = {name for names in column_names().values() for name in names}
        return len(cells) >= 2 and any(header_key(c) in known for c in cells)

    def read(self, path: Path, options: ReaderOptions, report: Reporter) -> Iterator[Conversation]:
        """Stream the file's conversations, reading the file twice.

        The first reading checks every row, reporting its problems and notes, and finds each
        conversation's last row; it keeps no turns, only what a conversation's next rows depend on. The
        second (:meth:`_regrouped`) yields each conversation once its last row is read. So problems, notes
        and ``--strict`` come before the first conversation, as when a file was held whole, and memory
        holds about a kilobyte per conversation instead of the file's text three times over.
        """
        csv.field_size_limit(max(csv.field_size_limit(), options.max_record_bytes))
        table = _table(path, options, report)
        if table is None:
            return
        (header_line, header), rows = table
        columns, error = map_columns(header, options)
        if error is not None and _not_conversations(columns, options, report):
            reason = Said("csv.not_conversations", {"columns": columns_note(header),
                                                    "remedy_text": remedy("column", "text"),
                                                    "remedy_speaker": remedy("column", "speaker")})
            report.note(path, Said("skip.file", {"reason": reason}), line=header_line)
            return
        if error is not None:
            report.problem(path, Said("skip.file", {"reason": error}), line=header_line)
            return
        last_rows, lost = _checked(rows, _Grouping(path, header, columns, options, report, keep_turns=False))
        if not last_rows:
            report.note(path, Said("csv.no_readable_rows"), line=header_line)
            return
        unknown = ValueNotes()
        for group_id, group in self._regrouped(path, header, columns, options, last_rows):
            report.at(group.line)
            conv = self._conversation(group_id, group, options, unknown)
            yield replace(conv, unread=tuple(lost.get(group_id, ())))
        unknown.report(path, report)

    def _regrouped(self, path: Path, header: list[str], columns: dict[str, int], options: ReaderOptions,
                   last_rows: dict[str, int]) -> Iterator[tuple[str, _Group]]:
        """The conversations, reading the file again (quietly: the first reading reported its problems).

        A conversation goes as soon as its last row is read and every conversation that started before it
        has gone: the order stays that of first appearance. An export that keeps a conversation's rows
        together holds one conversation at a time; one that interleaves them holds those still open and
        those waiting for an earlier one to end.
        """
        quiet = Reporter()
        table = _table(path, options, quiet)
        grouping = _Grouping(path, header, columns, options, quiet, keep_turns=True)
        end = max(last_rows.values())
        for number, row in table[1] if table is not None else ():
            grouping.add(number, row)
            groups = grouping.groups
            while groups and last_rows.get(next(iter(groups)), end) <= number:
                group_id = next(iter(groups))
                yield group_id, groups.pop(group_id)
            if number >= end:  # rows added since the first reading are not read
                break
        yield from grouping.groups.items()  # none, unless the file changed since the first reading

    def _conversation(self, group_id: str, group: _Group, options: ReaderOptions,
                      unknown: ValueNotes) -> Conversation:
        notes: list[Said] = []
        fields, kept = conversation_fields({**group.raw, "id": group_id}, notes)
        unknown.add(notes, group.line)
        if group.times.day is not None:  # a date column's date when no turn has a time
            fields.setdefault("day", group.times.day)
        return build_conversation(fields, _in_time_order(group.turns), options, default_id=group_id,
                                  metadata={**kept, **group.times.metadata()}, id_made=not group.named)


class _Grouping:
    """Rows to conversations by id, one row at a time, by the rules of ``docs/formats.md`` ("Grouping").

    ``keep_turns`` off checks and reports the rows as when keeping them, holding only what the next rows
    of a conversation depend on (its first values and its clock).
    """

    def __init__(self, path: Path, header: list[str], columns: dict[str, int], options: ReaderOptions,
                 report: Reporter, *, keep_turns: bool) -> None:
        self._path, self._header, self._columns = path, header, columns
        self._options, self._report, self._keep_turns = options, report, keep_turns
        self.groups: dict[str, _Group] = {}
        #: per id, where each row of it that was skipped is (the id its cell names, or the id of the rows
        #: above when the cell is empty, as for a row read)
        self.lost: dict[str, list[str]] = {}
        self._current = derived_id(path, 1)
        self._internal: list[int] = []
        self._bad_times: list[tuple[int, str]] = []
        self._bad_dates: list[tuple[int, str]] = []
        self._unread_times: Said | None = None

    def add(self, number: int, row: list[str]) -> str | None:
        """Take row ``number``: the id of the conversation it is a turn of, or None when it is left out."""
        columns, width = self._columns, len(self._header)
        if not self.groups and not self.lost and self._unread_times is None:  # the first row says it once
            self._unread_times = unread_time_column(self._header, columns, row)
            if self._unread_times is not None:
                self._report.note(self._path, self._unread_times, line=number)
        cells = {name: row[i].strip() if i < len(row) else "" for name, i in columns.items()}
        if len(row) > width and any(c.strip() for c in row[width:]):
            wide = Said("csv.wide_row", {"fields": len(row), "header": width})
            self._skip(number, wide, cells.get("id") or self._current)
            return None
        if columns["text"] >= len(row):
            short = Said("csv.short_row", {"fields": len(row), "header": width})
            self._skip(number, short, cells.get("id") or self._current)
            return None
        if _internal(cells):
            self._internal.append(number)
            return None
        current = self._current = cells.get("id") or self._current
        group = self.groups.get(current) or _Group(line=number)
        group.named = group.named or bool(cells.get("id"))
        try:
            turn = _turn(cells, group, self._options)
        except FieldError as exc:
            self._skip(number, exc.said or str(exc), current)
            return None
        self.groups.setdefault(current, group)
        if cells.get("timestamp") and turn.timestamp is None and not group.times.clocks[-1]:
            self._bad_times.append((number, cells["timestamp"]))
        if cells.get("date") and parse_datetime(cells["date"]) is None:
            self._bad_dates.append((number, cells["date"]))
        if self._keep_turns:
            group.turns.append(turn)
        return current

    def _skip(self, number: int, reason: str | Said, group_id: str) -> None:
        skipped = self._report.problem(self._path, Said("skip.row", {"reason": reason}), line=number)
        self.lost.setdefault(group_id, []).append(skipped.where_by_name)

    def finish(self) -> None:
        """The notes that count rows of the whole file: internal notes, times and dates not understood."""
        path, report = self._path, self._report
        if self._internal:
            report.note(path, Said("csv.internal", {"count": len(self._internal)}), line=self._internal[0])
        if self._bad_times:
            line, value = self._bad_times[0]
            bad = Said("csv.bad_times", {"count": len(self._bad_times), "value": repr(value)})
            report.note(path, bad, line=line)
        if self._bad_dates:
            line, value = self._bad_dates[0]
            column = self._header[self._columns["date"]]
            report.note(path, Said("csv.bad_dates", {"count": len(self._bad_dates), "column": repr(column),
                                                     "value": repr(value)}), line=line)


def _checked(rows: Iterator[tuple[int, list[str]]],
             grouping: _Grouping) -> tuple[dict[str, int], dict[str, list[str]]]:
    """The first reading: per conversation id the number of its last row, and ``grouping.lost``; the
    grouping's conversations are let go, as the second reading builds its own."""
    last_rows: dict[str, int] = {}
    for number, row in rows:
        turn_of = grouping.add(number, row)
        if turn_of is not None:
            last_rows[turn_of] = number
    grouping.finish()
    return last_rows, grouping.lost


def _turn(cells: dict[str, str], group: _Group, options: ReaderOptions) -> Turn:
    if _HTML_CELL.match(cells["text"]):
        from servio.ingest.email_text import html_to_text  # rare: spares every run html.parser

        cells["text"] = html_to_text(cells["text"]).strip()
    channel = cells.get("channel") or group.raw.get("channel")
    cells["text"] = email_cell_text(cells["text"], channel, options)  # an e-mail row's quotes cut
    if not cells["text"]:
        raise FieldError(Said("csv.empty_text"))
    speaker, author = _speaker(cells["speaker"], options)
    stages = parse_stages(cells["stages"]) if "stages" in cells and options.gold_stages else None
    language = turn_language(cells.get("language"))
    given = {k: cells[k] for k in _CONVERSATION_FIELDS if cells.get(k) and k not in group.raw}
    conversation_fields(given, [])  # an unknown channel or contact type is noted once per conversation
    # checks done: from here on the row is a turn, so its time may be recorded
    group.raw.update(given)
    day = parse_datetime(cells["date"]) if cells.get("date") else None
    timestamp = group.times.resolve(cells.get("timestamp"), day)
    return Turn(speaker, cells["text"], author=cells.get("author") or author, timestamp=timestamp,
                stages=stages, language=language)


def _in_time_order(turns: list[Turn]) -> list[Turn]:
    """The turns by timestamp when every one has a comparable date and time (exports listing the newest
    first), else as the rows came; rows with the same time keep their order."""
    stamps = [t.timestamp for t in turns]
    if any(s is None for s in stamps) or len({s.tzinfo is None for s in stamps if s is not None}) > 1:
        return turns
    return sorted(turns, key=lambda t: t.timestamp or datetime.min)


def _not_conversations(columns: dict[str, int], options: ReaderOptions, report: Reporter) -> bool:
    """True for a file found in a folder whose header has neither a text nor a speaker column, none
    being named in the options: another kind of table (a list of people), as a README is another kind
    of file. Named on its own, or with one of the two, it is a conversation file with a problem."""
    required = ("text", "speaker")
    return (not report.named and not any(name in columns for name in required)
            and not any(options.column(name) for name in required))


def _internal(cells: dict[str, str]) -> bool:
    """True for a row its Public (or Private) cell marks as an internal note, or its part type cell
    (Intercom's ``Part type``) names a note; an unknown value is kept."""
    flags = enum_aliases("flag")
    return (flags.get(norm(cells.get("public", ""))) == "false"
            or flags.get(norm(cells.get("private", ""))) == "true"
            or enum_aliases("part").get(norm(cells.get("part", ""))) == "note")


def _speaker(value: str, options: ReaderOptions) -> tuple[Speaker, str | None]:
    """A speaker cell: a speaker word, a mapped name, or a role with a name (``Teenindaja (Kati)``)."""
    speaker = speaker_for(value, options)
    if speaker is not None:
        return speaker, None
    prefixed = parse_prefix(value + ":", options) if value else None
    if prefixed is None or prefixed.text:  # text left over: not a label ("Klient - Mari" is no author form)
        raise FieldError(Said("csv.unknown_speaker", {"value": value, "known": speaker_examples(),
                                                      "remedy": remedy("speaker", value)}))
    return prefixed.speaker, prefixed.author


def _table(path: Path, options: ReaderOptions,
           report: Reporter) -> tuple[tuple[int, list[str]], Iterator[tuple[int, list[str]]]] | None:
    """The header row (its line number and cells) and the rows after it; None for a file without rows."""
    lines = text_lines(path, options, report, fallback=True)
    first = next((ln for ln in lines if ln.text.strip() or ln.error), None)
    if first is None:
        report.note(path, Said("csv.no_rows"))
        return None
    delimiter = options.delimiter or ("\t" if path.suffix.casefold() == ".tsv" and "\t" in first.text
                                      else guess_delimiter(first.text))
    rows = _rows(_Feed(_chain(first, lines), path, report), delimiter, path, report)
    header = next(rows, None)
    return None if header is None else (header, rows)


def _chain(first: Line, rest: Iterator[Line]) -> Iterator[Line]:
    yield first
    yield from rest


def _rows(feed: _Feed, delimiter: str, path: Path, report: Reporter) -> Iterator[tuple[int, list[str]]]:
    """``(first line number, cells)`` per non-empty row; rows with undecodable bytes are reported.

    A quoted cell that is never closed would take every line after it into itself (the csv module
    ends it at the end of the file): such a row is read as ending with its own line, and the lines
    after it are read again as rows, with a note.
    """
    reader = csv.reader(feed, delimiter=delimiter)
    while True:
        feed.pulled.clear()
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = feed.pulled[0].number if feed.pulled else None
            error = Said("csv.error", {"detail": str(exc)})
            report.problem(path, Said("skip.row", {"reason": error}), line=line)
            if not feed.pulled:
                return
            continue
        if feed.exhausted and feed.pulled:  # a complete row ends at its newline, before the end
            opened, rest = feed.pulled[0], feed.pulled[1:]
            unclosed = Said("csv.unclosed_more", {"count": len(rest)}) if rest else Said("csv.unclosed")
            report.note(path, unclosed, line=opened.number)
            row = next(csv.reader([opened.text], delimiter=delimiter), [])
            feed.again(rest)
            feed.pulled[:] = [opened]
            reader = csv.reader(feed, delimiter=delimiter)
        if not feed.pulled or not any(cell.strip() for cell in row):
            continue
        bad = next((ln for ln in feed.pulled if ln.error), None)
        if bad is not None and bad.error is not None:
            report.problem(path, Said("skip.row", {"reason": bad.error}), line=bad.number)
            continue
        yield feed.pulled[0].number, row
