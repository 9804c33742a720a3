"""When a report was made: ``SOURCE_DATE_EPOCH`` when it is set, else now.

``SOURCE_DATE_EPOCH`` is the reproducible-builds convention
(https://reproducible-builds.org/docs/source-date-epoch/): a whole number of
seconds since 1970-01-01 00:00 UTC, in ASCII digits. With it set, the same
input gives the same report, byte for byte. An empty value counts as unset. An
invalid one is ignored with a warning (once a process, on the ``servio.report``
logger): the report is still written and says the current time, so neither a
command nor a dashboard's download fails on a mistyped variable.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache

ENV = "SOURCE_DATE_EPOCH"
log = logging.getLogger("servio.report")


def source_date(environ: Mapping[str, str] | None = None) -> datetime | None:
    """The time in ``$SOURCE_DATE_EPOCH`` (UTC), or None when it is unset, empty or invalid (then warned)."""
    value = (os.environ if environ is None else environ).get(ENV, "")
    if value == "":
        return None
    when = _parse(value)
    if when is None:
        _warn(value)
    return when


@cache
def _warn(value: str) -> None:
    """Warn once a process for each invalid value (a report and its PDF both read it)."""
    log.warning("servio: warning: %s=%r is not a whole number of seconds since 1970-01-01 UTC; "
                "reports say the current time instead", ENV, value)


def made_at(environ: Mapping[str, str] | None = None) -> datetime:
    """The time a report says it was made (UTC): ``$SOURCE_DATE_EPOCH`` when valid, else now."""
    return source_date(environ) or datetime.now(UTC)


def _parse(value: str) -> datetime | None:
    if not re.fullmatch(r"[0-9]+", value):
        return None
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (OverflowError, ValueError, OSError):  # beyond the years datetime holds
        return None
