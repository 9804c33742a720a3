"""Conversation and turn fields from raw values, with the checks every reader shares."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from servio.ingest.base import ReaderOptions, Reporter
from servio.ingest.said import Said
from servio.ingest.timeparse import combine, parse_datetime, parse_when
from servio.ingest.vocab import enum_aliases, field_aliases, header_key, norm
from servio.model import Channel, ContactType, Conversation, Language, Turn

_STAGE_SPLIT = re.compile(r"[\s,;|/]+")


class FieldError(ValueError):
    """A value that does not fit its field; the message says which and why.

    Given a :class:`~servio.ingest.said.Said`, ``str()`` is its English text and ``said`` keeps it."""

    def __init__(self, message: str | Said) -> None:
        self.said = message if isinstance(message, Said) else None
        super().__init__(str(message))


def derived_id(path: Path, index: int) -> str:
    """The id of the ``index``-th (1-based) conversation of a file that names none: ``<stem>-<index>``."""
    return f"{readable_name(path.stem)}-{index}"


def readable_name(name: str) -> str:
    """A file name as text: one that is not UTF-8 on disk (a zip made on Windows gives ``k\xf5ne.txt``)
    is read as Windows-1257, the Baltic code page, and any byte that is not a character there as U+FFFD.

    Python keeps such bytes as lone surrogates, which no UTF-8 output (JSON Lines, the database) can
    hold: an id built from them would break the output it is written to.
    """
    raw = os.fsencode(name)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1257", errors="replace")


def _text(value: Any, key: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise FieldError(Said("field.not_string", {"key": key, "type": type(value).__name__}))
    return str(value).strip()


def enum_value(kind: str, value: Any) -> str:
    """The canonical value of ``language``/``channel``/``contact_type`` for an accepted spelling.

    A language may also be a locale or language tag (``en-GB``, ``et_EE``): its first part counts.
    """
    if not isinstance(value, str):
        raise FieldError(Said("field.not_string", {"key": kind, "type": type(value).__name__}))
    aliases = enum_aliases(kind)
    found = aliases.get(norm(value))
    if found is None and kind == "language":
        found = aliases.get(_LANGUAGE_TAG.split(norm(value), maxsplit=1)[0])
    if found is None:
        choices = ", ".join(sorted(set(aliases.values())))
        raise FieldError(Said("field.not_one_of", {"kind": kind, "value": repr(value), "choices": choices}))
    return found


_LANGUAGE_TAG = re.compile(r"[-_]")
#: What an unknown channel or contact type becomes (the field is descriptive: the conversation is kept).
_FALLBACK = {"channel": ("other", "field.fallback_channel"),
             "contact_type": (None, "field.fallback_contact_type")}


class ValueNotes:
    """The unknown channels and contact types of one file, to report once per value when it is read."""

    def __init__(self) -> None:
        self._seen: dict[Said, list[int | None]] = {}

    def add(self, messages: Sequence[Said], line: int | None = None) -> None:
        """Remember ``messages`` (from :func:`conversation_fields`) of the conversation at ``line``."""
        for message in messages:
            self._seen.setdefault(message, []).append(line)

    def report(self, path: Path, report: Reporter) -> None:
        """One note per message: where it was first seen and how many conversations had it."""
        for message, lines in self._seen.items():
            more = Said("field.many", {"detail": message, "count": len(lines)}) if len(lines) > 1 else message
            report.note(path, more, line=lines[0])
        self._seen.clear()


def parse_timestamp(value: Any, key: str) -> datetime:
    """A date and time from a string (ISO 8601 or ``dd.mm.yyyy hh:mm``)."""
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None:
        raise FieldError(Said("field.not_datetime", {"key": key, "value": repr(value)}))
    return parsed


def conversation_fields(raw: Mapping[str, Any],
                        notes: list[Said] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split raw conversation keys into :class:`Conversation` fields and extra metadata.

    Keys are matched through ``data/fields.toml`` (``agent`` and ``teenindaja``
    mean ``agent_id``, ``timestamp`` means ``started_at``...). The first
    spelling of a field wins; later ones stay in metadata. A date without a
    time (``# date: 2026-11-16``) goes to ``day``: the date of clock-only turn
    times, not the start of the conversation. A channel or contact type that is
    none of servio's stays in metadata under its key, the channel is ``other``
    and the contact type is left to detection, and a message saying so goes to
    ``notes`` (without ``notes``, it is a :class:`FieldError`).
    """
    aliases = field_aliases()
    fields: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in raw.items():
        name = aliases.get(header_key(key))
        if name is None or name in fields:
            extra[key] = value
        elif value is None or value == "":
            continue
        elif name in ("language", "channel", "contact_type"):
            try:
                fields[name] = enum_value(name, value)
            except FieldError as exc:
                if notes is None or name not in _FALLBACK:
                    raise
                fallback, what = _FALLBACK[name]
                if fallback is not None:
                    fields[name] = fallback
                extra[key] = value
                notes.append(Said(what, {"reason": exc.said or str(exc)}))
        elif name == "started_at":
            stamp = parse_timestamp(value, key)
            fields["day" if isinstance(value, str) and ":" not in value else name] = stamp
        else:
            fields[name] = _text(value, key)
    if fields.get("id") == "":
        del fields["id"]
    return fields, extra


def parse_stages(value: Any) -> frozenset[int]:
    """Gold stage ids from a JSON list or a cell like ``"1;3"``; each must be 1..7."""
    if isinstance(value, str):
        text = value.strip().strip("[]{}()")
        items: Sequence[Any] = [p for p in _STAGE_SPLIT.split(text) if p]
        try:
            items = [int(p) for p in items]
        except ValueError:
            raise FieldError(Said("field.stages_text", {"value": repr(value)})) from None
    elif isinstance(value, list | tuple):
        items = value
    else:
        raise FieldError(Said("field.stages_type", {"type": type(value).__name__}))
    bad = [s for s in items if isinstance(s, bool) or not isinstance(s, int) or not 1 <= s <= 7]
    if bad:
        raise FieldError(Said("field.stages_bad", {"values": json.dumps(bad, default=str)}))
    return frozenset(items)


def turn_language(value: Any) -> Language | None:
    """A turn's language, if given."""
    if value is None or value == "":
        return None
    return Language(enum_value("language", value))


#: How far a clock time may go back from the previous turn's before it is read as the next day.
_BACKWARDS = timedelta(hours=12)


class TurnTimes:
    """Collects turn times: full timestamps go on the turn, clock-only times into metadata.

    A clock time (``10:32``) becomes a timestamp only when the conversation's
    date is known; otherwise the raw times are kept as ``metadata["turn_times"]``,
    one entry per turn (``None`` where a turn has none).
    """

    def __init__(self, day: datetime | None) -> None:
        self.day = day
        self.clocks: list[str | None] = []
        self._last: datetime | None = None
        self._offsets: bool | None = None  # decided by the conversation's first clock time

    def resolve(self, raw: str | None, day: datetime | None = None) -> datetime | None:
        """The turn's timestamp for a raw value; remembers clock-only values.

        A clock time more than 12 hours before the previous turn's is on the next day (a chat
        across midnight: 23:58, then 00:01). When the conversation's first clock time starts at
        ``00:`` and falls before its given start (``started_at`` 14:30, then ``00:00:05``), the
        clock times are offsets from that start, as in a call recording's transcript.
        ``day`` is the turn's own date (a CSV date column beside a time column): a clock time is
        on that date, and it dates the clock times of later turns that have none.
        """
        value = parse_when(raw) if raw else None
        if day is not None:
            self.day = self.day or day
        if isinstance(value, datetime):
            self.day = self.day or value
            self.clocks.append(None)
            self._last = value
            return value
        if isinstance(value, time) and day is not None:
            dated = combine(day, value)
            self.clocks.append(None)
            self._last = dated
            return dated
        if isinstance(value, time):
            stamp = combine(self.day, value)
            if stamp is not None and self.day is not None:
                if self._offsets is None:
                    self._offsets = value.hour == 0 and stamp < self.day
                if self._offsets:
                    stamp = self.day + timedelta(hours=value.hour, minutes=value.minute, seconds=value.second,
                                                 microseconds=value.microsecond)
                while self._last is not None and self._last - stamp > _BACKWARDS:
                    stamp += timedelta(days=1)
                self._last = stamp
            self.clocks.append(None if stamp else raw.strip() if raw else None)
            return stamp
        self.clocks.append(None)
        return None

    def metadata(self) -> dict[str, Any]:
        """``{"turn_times": [...]}`` when some times had no date, else nothing."""
        return {"turn_times": list(self.clocks)} if any(self.clocks) else {}


def build_conversation(
    fields: Mapping[str, Any],
    turns: Sequence[Turn],
    options: ReaderOptions,
    *,
    default_id: str,
    default_channel: Channel = Channel.CHAT,
    metadata: Mapping[str, Any] | None = None,
    id_made: bool | None = None,
) -> Conversation:
    """A :class:`Conversation` from checked fields, filling what the source left out.

    Without an ``id`` field the conversation takes ``default_id`` and is marked ``id_made`` (servio made
    its id); ``id_made`` says so instead where the reader put a made id among the fields (CSV groups)."""
    language = fields.get("language")
    channel = fields.get("channel") or options.channel or default_channel
    contact_type = fields.get("contact_type")
    first_turn = next((t.timestamp for t in turns if t.timestamp), None)
    started_at = fields.get("started_at") or first_turn or fields.get("day")
    return Conversation(
        id=fields.get("id") or default_id,
        id_made=not fields.get("id") if id_made is None else id_made,
        turns=tuple(turns),
        language=Language(language) if language else options.language,
        channel=Channel(channel),
        agent_id=fields.get("agent_id"),
        team=fields.get("team"),
        contact_type=ContactType(contact_type) if contact_type else None,
        started_at=started_at,
        metadata=dict(metadata or {}),
    )
