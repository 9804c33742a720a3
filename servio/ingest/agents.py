"""Whose conversation it is, from the agent side's turns, for formats that name no agent id."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable


def main_agent(labels: Iterable[str | None]) -> str | None:
    """The label of the agent who took the most turns (the first of them on a tie), or ``None``.

    ``labels`` holds one entry per agent turn, in the conversation's order:
    the name or address the source gives for its writer, ``None`` or blank
    where it gives none (those turns count for nobody).
    """
    counts: Counter[str] = Counter()
    for label in labels:
        if label and label.strip():
            counts[label.strip()] += 1
    if not counts:
        return None
    return max(counts, key=lambda label: counts[label])  # Counter keeps first-seen order; max keeps the first
