"""Query parameters that take a day or a moment, read by their form, not by their value.

Pydantic reads ``2026-11-10T00:00:00Z`` as the date 2026-11-10 when its time is exactly midnight (and
``2026-11-10`` as a midnight date-time), but a day and a moment filter differently: a day is each
conversation's own local day, a moment an instant in UTC (``ConversationFilter``). So a midnight
date-time became a whole local day and lost its offset (audit 18b). Here a value written
``YYYY-MM-DD`` is a day and anything else a date-time; a day-only parameter refuses a date-time.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
#: A date-time whose offset lost its + (a query string reads an unencoded + as a space).
_SPACED_OFFSET = re.compile(r"[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)? \d{2}:?\d{2}$")


def _moment(value: Any) -> Any:
    """A ``YYYY-MM-DD`` string as a date, any other string as a date-time (else left to pydantic)."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if _DAY.fullmatch(text):
        return date.fromisoformat(text)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        if _SPACED_OFFSET.search(text):  # "...T00:00:00+03:00" sent as it is: the query read + as a space
            raise ValueError("a + in a query string is a space: send the offset's + as %2B "
                             "(2026-10-01T00:00:00%2B03:00), or give the time in UTC with Z") from None
        raise ValueError("give a day (YYYY-MM-DD) or a date-time (YYYY-MM-DDTHH:MM[:SS][+HH:MM|Z])") from None
    try:  # filters compare instants in UTC: one outside the calendar there was an OverflowError and a 500
        (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    except OverflowError:
        raise ValueError("out of range: this date-time falls outside the years 1-9999 in UTC") from None
    return moment


def _day(value: Any) -> Any:
    """A ``YYYY-MM-DD`` string as a date; a date-time is refused (a period of days has no hours)."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not _DAY.fullmatch(text):
        raise ValueError("give a day, YYYY-MM-DD (a date-time is not a day)")
    return date.fromisoformat(text)


#: A day or a moment: a day bounds each conversation's own local day, a moment an instant.
Moment = Annotated[datetime | date, BeforeValidator(_moment)]
#: A day only.
Day = Annotated[date, BeforeValidator(_day)]
