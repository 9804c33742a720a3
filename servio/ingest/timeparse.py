"""Timestamps as they appear in exports: ISO 8601, Estonian day.month.year, clock times."""

from __future__ import annotations

import re
from datetime import datetime, time

_FORMATS = (
    "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%d.%m.%y %H:%M:%S", "%d.%m.%y %H:%M",
    "%d.%m.%Y, %H:%M:%S", "%d.%m.%Y, %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y.%m.%d %H:%M:%S",
)
_ESTONIAN = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4}),? (\d{1,2}):(\d{2})(?::(\d{2}))?$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6}))?)?$")


def parse_datetime(value: str) -> datetime | None:
    """A date and time (or a date alone) from common export formats; ``None`` if it is not one."""
    text = value.strip()
    if not text or text[0] not in "0123456789":
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    match = _ESTONIAN.match(text)
    if match is not None:
        day, month, year, hour, minute, second = (int(g or 0) for g in match.groups())
        try:
            return datetime(year, month, day, hour, minute, second)
        except ValueError:
            return None
    for fmt in _FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def parse_clock(value: str) -> time | None:
    """A time of day without a date (``10:32``, ``10:32:05``, ``10:32:05.250``); ``None`` otherwise."""
    match = _CLOCK.match(value.strip())
    if match is None:
        return None
    hour, minute = int(match[1]), int(match[2])
    second = int(match[3] or 0)
    micro = int((match[4] or "0").ljust(6, "0"))
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second, micro)


def parse_when(value: str) -> datetime | time | None:
    """A full timestamp when the value has a date, a clock time when it has only a time."""
    return parse_clock(value) or parse_datetime(value)


def combine(day: datetime | None, clock: time) -> datetime | None:
    """The clock time on the date of ``day`` (keeping its time zone), or ``None`` without a date."""
    if day is None:
        return None
    return datetime.combine(day.date(), clock, tzinfo=day.tzinfo)
