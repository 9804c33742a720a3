"""Whose conversation it is, from the agent side's turns, for formats that name no agent id.

E-mail names its writers in ``From:`` headers, call transcripts in their voices (Teams' ``<v Jessica
Park>``, Zoom's ``Daniel Ortiz:``, a label mapped with ``--speaker "Jessica Park=agent"``); neither
carries an agent field, and without this every mail and call is "unknown agent" in the agent and team
views. One rule for both: the writer of most agent turns, the first of them on a tie. An agent the
source gives explicitly (a ``NOTE agent:`` line, a header) always comes first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from servio.model import Speaker, Turn


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


def is_person_name(author: str) -> bool:
    """True for an author that names a person (``Jessica Park``, ``Mari``), not a diarisation label
    (``Speaker 1``, ``SPEAKER_00``: numbered, the same label is another person in the next call) or an
    e-mail address (``anna@example.com``)."""
    text = author.strip()
    return bool(text) and "@" not in text and not any(c.isdigit() for c in text) and any(
        c.isalpha() for c in text)


def agent_from_turns(turns: Iterable[Turn]) -> str | None:
    """:func:`main_agent` of the agent turns whose author is a person's name (spaces collapsed);
    ``None`` when no agent turn has such an author."""
    return main_agent(" ".join(t.author.split()) for t in turns
                      if t.speaker is Speaker.AGENT and t.author and is_person_name(t.author))
