"""A stored conversation and a changed one arriving under its id: the same conversation, or another?

An id servio made from a file's name (``export-1``: the source names none, ``Conversation.id_made``)
says where a conversation stood in its file, not which conversation it is: the next day's
``export.txt`` gives its first conversation the same id. Such a conversation replaces the stored one
only when it reads as a version of it (the same file again, corrected, or redacted otherwise); a
different conversation is stored beside it as ``export-1~2`` (the first free or matching one of
``~2``, ``~3``, ...), with a note. Ids stay as they were for every conversation that never clashed.

What identifies a conversation here is what a correction of its file leaves alone: its day (when
both versions have a start time) and the customer's words. Agents' greetings and farewells are
scripted and alike in every conversation, so they do not count unless neither version has any
customer text. A corrected file adds a turn that could not be read, removes a broken row, fixes a
speaker or redacts a value: most of the customer's words stay, turn for turn. Texts are compared
after redacting every kind of personal data in both, lower-cased and with white space collapsed, so a
re-import with redaction switched on (or off) is the same conversation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from itertools import count
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from servio.ingest.said import Said
from servio.model import Conversation, Speaker, local_day
from servio.redact import RedactionConfig, redact_text
from servio.store.convert import content_hash
from servio.store.schema import ID, ConversationRow, TurnRow
from servio.store.writer import chunks, known_versions

#: ``same``: the customer's words are equal; ``like``: more than half of the shorter version's customer
#: words (by characters) are in the other, turn for turn; ``other``: neither, or another day.
Verdict = Literal["same", "like", "other"]
#: Texts are compared with every kind of personal data redacted, whatever the import's setting.
_EVERY_KIND = RedactionConfig()
#: Candidates looked up at once when a made id is taken by another conversation.
_AHEAD = 10


@dataclass(frozen=True, slots=True)
class Stored:
    """What decides whether a stored conversation is the one arriving: its day, words and import time."""

    day: date | None
    imported_at: datetime
    customer: Counter[str]
    every: Counter[str]


@dataclass(slots=True)
class Settled:
    """A batch after its clashes are settled: conversations (some renamed), their hashes, the stored
    versions of their ids, where each renamed one came from, and what the job is told."""

    convs: list[Conversation]
    digests: dict[str, str]
    known: dict[str, tuple[str, str]]
    origin: dict[str, str] = field(default_factory=dict)  # new id -> the id it was read with
    notes: list[Said] = field(default_factory=list)


def _norm(text: str) -> str:
    """``text`` with every kind of personal data redacted, lower-cased, its white space collapsed."""
    return " ".join(redact_text(text, _EVERY_KIND)[0].casefold().split()) if text.strip() else ""


def _words(turns: Sequence[tuple[str, str]]) -> tuple[Counter[str], Counter[str]]:
    """The customer's normalised turn texts and every turn's, as multisets."""
    customer: Counter[str] = Counter()
    every: Counter[str] = Counter()
    for speaker, text in turns:
        norm = _norm(text)
        if not norm:
            continue
        every[norm] += 1
        if speaker == str(Speaker.CUSTOMER):
            customer[norm] += 1
    return customer, every


def _weight(words: Counter[str]) -> int:
    return sum(len(text) * n for text, n in words.items())


def verdict(stored: Stored, conv: Conversation) -> Verdict:
    """Whether ``conv`` is the conversation ``stored`` holds (see the module's docstring)."""
    day = local_day(conv.started_at)
    if stored.day is not None and day is not None and stored.day != day:
        return "other"
    customer, every = _words([(str(t.speaker), t.text) for t in conv.turns])
    old, new = (stored.customer, customer) if stored.customer and customer else (stored.every, every)
    if old == new:
        return "same"
    shared = _weight(old & new)
    return "like" if 2 * shared > min(_weight(old), _weight(new)) else "other"


def stored_versions(session: Session, ids: Sequence[str]) -> dict[str, Stored]:
    """What :func:`verdict` compares, for the stored conversations among ``ids`` (two queries per 500)."""
    out: dict[str, Stored] = {}
    row, turn = ConversationRow, TurnRow
    for part in chunks(list(ids)):
        heads = {cid: (day, imported) for cid, day, imported in
                 session.execute(select(row.id, row.started_day, row.imported_at).where(row.id.in_(part)))}
        texts: dict[str, list[tuple[str, str]]] = {cid: [] for cid in heads}
        query = (select(turn.conversation_id, turn.speaker, turn.text)
                 .where(turn.conversation_id.in_(part)).order_by(turn.conversation_id, turn.idx))
        for cid, speaker, text in session.execute(query):
            texts[cid].append((str(speaker), text or ""))
        for cid, (day, imported) in heads.items():
            customer, every = _words(texts[cid])
            out[cid] = Stored(day, imported, customer, every)
    return out


def settle(session: Session, convs: Sequence[Conversation], digests: dict[str, str],
           known: dict[str, tuple[str, str]]) -> Settled:
    """The batch with every conversation whose made id is taken by another conversation renamed, and a
    note for each clash: a made id kept elsewhere, a made id updated as a corrected version (not the same
    words), a source's id now holding what reads as another conversation (updated, as the source said)."""
    out = Settled(list(convs), dict(digests), dict(known))
    changed = [c.id for c in convs if c.id in known and known[c.id][0] != digests[c.id]]
    if not changed:
        return out
    stored = stored_versions(session, changed)
    taken = {c.id for c in convs}
    for i, conv in enumerate(out.convs):
        found = stored.get(conv.id)
        if found is None:
            continue
        judged = verdict(found, conv)
        day = found.imported_at.date().isoformat()
        if judged == "other" and conv.id_made:
            moved = _elsewhere(session, conv, taken, out)
            out.convs[i] = moved
            out.notes.append(Said("store.id_kept", {"id": repr(conv.id), "imported": day,
                                                    "unique": repr(moved.id)}))
        elif judged == "other":
            out.notes.append(Said("store.id_replaced", {"id": repr(conv.id), "imported": day}))
        elif judged == "like" and conv.id_made:
            out.notes.append(Said("store.id_corrected", {"id": repr(conv.id), "imported": day}))
    return out


def _candidate(base: str, number: int) -> str:
    suffix = f"~{number}"
    return f"{base[:ID - len(suffix)]}{suffix}"


def _elsewhere(session: Session, conv: Conversation, taken: set[str], out: Settled) -> Conversation:
    """``conv`` under the first of ``<id>~2``, ``<id>~3``, ... that is free or holds a version of it (the
    same file imported again: unchanged or updated there); ``out`` learns its hash and stored version."""
    numbers = count(2)
    while True:
        names = [_candidate(conv.id, next(numbers)) for _ in range(_AHEAD)]
        names = [n for n in names if n not in taken]
        versions = known_versions(session, names)
        renamed = {n: replace(conv, id=n) for n in names}
        hashes = {n: content_hash(c) for n, c in renamed.items()}
        stored = stored_versions(session, [n for n in names if n in versions and versions[n][0] != hashes[n]])
        for name in names:
            if name in versions and name in stored and verdict(stored[name], renamed[name]) == "other":
                continue
            taken.add(name)
            out.digests[name] = hashes[name]
            out.origin[name] = conv.id
            if name in versions:
                out.known[name] = versions[name]
            return renamed[name]

