"""The site's time zone: every time a conversation carries, moved into it (``ReaderOptions.time_zone``).

Chat platforms often export UTC (``2026-08-31T22:15:00Z``), so a conversation at 01:15 in Tallinn counts
on the previous day and, on the 1st, in the previous month (a conversation's day is taken in its own
offset: :func:`servio.model.local_day`). With the site's zone, a time with an offset is moved into it
(the same moment) and a time without one is taken as the site's own.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, tzinfo
from functools import cache

from servio.model import Conversation


@cache
def zone(name: str) -> tzinfo:
    """The zone of an IANA name; ``ValueError`` or ``KeyError`` (``ZoneInfoNotFoundError``) for an unknown
    one."""
    from zoneinfo import ZoneInfo

    if not name or name != name.strip():
        raise ValueError(f"not a time zone name: {name!r}")
    return ZoneInfo(name)


def in_zone(moment: datetime | None, site: tzinfo) -> datetime | None:
    """``moment`` in the site's zone: the same moment when it has an offset, else the site's own time."""
    if moment is None:
        return None
    return moment.astimezone(site) if moment.tzinfo is not None else moment.replace(tzinfo=site)


def localised(conv: Conversation, name: str) -> Conversation:
    """``conv`` with its start and every turn's time in the zone ``name``."""
    site = zone(name)
    turns = tuple(t if t.timestamp is None else replace(t, timestamp=in_zone(t.timestamp, site))
                  for t in conv.turns)
    return replace(conv, started_at=in_zone(conv.started_at, site), turns=turns)
