"""A CSV file's header: its delimiter, which column holds which field, and what to say about them.

The column names servio knows are data (``data/columns.toml``); ``--column FIELD=NAME`` names others.
"""

from __future__ import annotations

from collections.abc import Iterable

from servio.ingest.base import COLUMN_FIELDS, ReaderOptions
from servio.ingest.remedies import remedy
from servio.ingest.said import Said
from servio.ingest.timeparse import parse_datetime
from servio.ingest.vocab import column_names, header_key

_DELIMITERS = (",", ";", "\t")
_FIELD_ORDER = ("text", "speaker", "id", "timestamp", "date", "author", "agent_id", "team", "channel",
                "language", "stages", "contact_type", "public", "private", "part")


def guess_delimiter(line: str) -> str:
    """The most frequent of ``,`` ``;`` and tab outside double quotes (``,`` on a tie)."""
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def map_columns(header: list[str], options: ReaderOptions) -> tuple[dict[str, int], Said | None]:
    """Field -> column index for a header row, and an error naming the available columns if any."""
    keys = [header_key(h) for h in header]
    found: dict[str, int] = {}
    for name in _FIELD_ORDER:
        explicit = options.column(name) if name in COLUMN_FIELDS else None
        if explicit is not None:
            if header_key(explicit) not in keys:
                return found, Said("csv.column_not_found", {"column": repr(explicit), "field": name,
                                                            "columns": columns_note(header)})
            found[name] = keys.index(header_key(explicit))
            continue
        index = _usual_column(column_names()[name], keys, set(found.values()))
        if index is not None:
            found[name] = index
    for required in ("text", "speaker"):
        if required not in found:
            looked = ", ".join(column_names()[required][:6])
            hint = remedy("column", required)
            return found, Said("csv.no_column", {"field": required, "looked": looked, "remedy": hint,
                                                 "columns": columns_note(header)})
    return found, None


_SHOWN_COLUMNS = 12


def _without_unit(key: str) -> str:
    """A header key without a unit or zone in brackets after it: ``created_at_(utc)`` -> ``created_at``
    (string operations: a pattern searched from every ``_`` of a long run of them took quadratic time)."""
    if not key.endswith((")", "]")):
        return key
    start = max(key.rfind("("), key.rfind("["))
    if start <= 0 or any(ch in key[start + 1:-1] for ch in "()[]"):
        return key
    return key[:start].rstrip("_")


def _usual_column(candidates: Iterable[str], keys: list[str], taken: set[int]) -> int | None:
    """The index of the first usual name found among the header's keys, compared as written, then without
    a unit or zone in brackets after it (``created_at_(utc)`` is ``created_at``); taken ones skipped."""
    for names in (keys, [_without_unit(key) for key in keys]):
        for candidate in candidates:
            if candidate in names and names.index(candidate) not in taken:
                return names.index(candidate)
    return None


def unread_time_column(header: list[str], columns: dict[str, int], row: list[str]) -> Said | None:
    """A note for a first row whose unmapped cell holds a date and time while no column is the turns' time
    (``Sent (local)``): name the column and the option that reads it."""
    if "timestamp" in columns or "date" in columns:
        return None
    taken = set(columns.values())
    for index, cell in enumerate(row[:len(header)]):
        if index not in taken and cell.strip() and parse_datetime(cell.strip()) is not None:
            return Said("csv.time_column_unread", {"column": header[index], "value": cell.strip()[:40],
                                                   "remedy": remedy("column", "timestamp")})
    return None


def columns_note(header: list[str]) -> Said:
    """The header's column names for an error (at most a dozen), or that it is no header at all: a
    first line of data (JSON forced through --format csv, a header-less export) is not echoed, since it
    may hold a customer's words."""
    if any(len(h) > 40 or any(ch in h for ch in '{}[]"') for h in header):
        return Said("csv.not_a_header")
    shown = ", ".join(header[:_SHOWN_COLUMNS])
    more = len(header) - _SHOWN_COLUMNS
    if more > 0:
        return Said("csv.columns_more", {"shown": shown, "more": more})
    return Said("csv.columns", {"shown": shown})
