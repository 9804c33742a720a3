"""Turn numbers for people: the one rule every view servio renders follows.

Data keeps 0-based turn indexes: ``TurnTags.index``, ``Feedback.turn``,
``FailurePattern.turn``, the ``--json`` output, the HTTP API's JSON, URL paths
such as ``/conversations/{id}/turns/{index}`` and the HTML ``id``/``data-*``
attributes scripts use. A person reads turn numbers from 1 (the first turn is
turn 1), so every view converts at the rendering edge with :func:`turn_number`
(the Jinja2 filter ``turn_no`` in the report and dashboard templates).
"""

from __future__ import annotations


def turn_number(index: int) -> int:
    """The number a person reads for the turn at 0-based ``index``: ``index + 1``."""
    return index + 1
