"""The conversation's agent from its agent turns' author, where the source names no agent itself.

Call transcripts name who speaks (Teams' ``<v Jessica Park>``, Zoom's ``Daniel Ortiz:``, a label mapped
with ``--speaker "Jessica Park=agent"``) but carry no agent field: without this every call is "unknown
agent" in the agent and team views. Any reader whose turns carry authors may use it; an agent the source
gives explicitly (a ``NOTE agent:`` line, a header) always comes first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from servio.model import Speaker, Turn


def is_person_name(author: str) -> bool:
    """True for an author that names a person (``Jessica Park``, ``Mari``), not a diarisation label
    (``Speaker 1``, ``SPEAKER_00``: numbered, the same label is another person in the next call) or an
    e-mail address (``anna@example.com``)."""
    text = author.strip()
    return bool(text) and "@" not in text and not any(c.isdigit() for c in text) and any(
        c.isalpha() for c in text)


def agent_from_turns(turns: Iterable[Turn]) -> str | None:
    """The author of most agent turns whose author is a person's name; on a tie the one who spoke first.
    ``None`` when no agent turn has such an author."""
    counts: Counter[str] = Counter()
    for turn in turns:
        if turn.speaker is Speaker.AGENT and turn.author and is_person_name(turn.author):
            counts[" ".join(turn.author.split())] += 1
    if not counts:
        return None
    return max(counts, key=lambda name: counts[name])  # Counter keeps first-seen order: ties go to the first
