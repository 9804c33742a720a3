"""Turn numbers and days for people: the one rule every view servio renders follows.

Data keeps 0-based turn indexes: ``TurnTags.index``, ``Feedback.turn``,
``FailurePattern.turn``, the ``--json`` output, the HTTP API's JSON, URL paths
such as ``/conversations/{id}/turns/{index}`` and the HTML ``id``/``data-*``
attributes scripts use. A person reads turn numbers from 1 (the first turn is
turn 1), so every view converts at the rendering edge with :func:`turn_number`
(the Jinja2 filter ``turn_no`` in the report and dashboard templates).
"""

from __future__ import annotations

from datetime import date


def turn_number(index: int) -> int:
    """The number a person reads for the turn at 0-based ``index``: ``index + 1``."""
    return index + 1


def day_text(value: date, language: str, *, month: bool = False) -> str:
    """A day (or with ``month`` its month) as ``language`` writes it: Estonian 27.11.2026 and 11.2026,
    otherwise ISO 2026-11-27 and 2026-11 (the Jinja2 filter ``day_text`` in the templates)."""
    if language == "et":
        return value.strftime("%m.%Y" if month else "%d.%m.%Y")
    return value.strftime("%Y-%m" if month else "%Y-%m-%d")


def percent_text(share: float | None, language: str) -> str:
    """A share (0..1) as a whole percentage as ``language`` writes it: Estonian puts a space before
    the sign ("33 %", a no-break space so the two never part), English none ("33%"); a dash where
    there is none (the Jinja2 filter ``percent`` in the templates)."""
    if share is None:
        return "–"
    return f"{share * 100:.0f}\u00a0%" if language == "et" else f"{share * 100:.0f}%"
