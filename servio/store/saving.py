"""One batch of conversations written in one transaction, with the import job's progress."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from servio.ingest.base import Problem
from servio.ingest.said import Said
from servio.model import Conversation
from servio.results import ConversationResult
from servio.store import jobs
from servio.store.clashes import settle
from servio.store.convert import unstorable
from servio.store.corrections import with_corrections
from servio.store.queries import latest_corrections
from servio.store.schema import CorrectionRow, utcnow
from servio.store.types import StoreError
from servio.store.writer import Prepared, known_versions, write

if TYPE_CHECKING:
    from servio.evaluate.scorecard import Scorecard

Analyse = Callable[[Conversation], ConversationResult | None]


def write_batch(session: Session, convs: Sequence[Conversation], digests: dict[str, str],
                results: dict[str, ConversationResult | None], analyse: Analyse, tagger: str,
                step: jobs.Progress, job_id: int | None, *, scorecard: Scorecard | None = None
                ) -> tuple[list[str], list[Problem]]:
    """Store what changed in ``convs`` and advance the job; each conversation's outcome, in order, and the
    notes the job was given about ids (:mod:`servio.store.clashes`).

    ``results`` holds the analyses made before the transaction; a conversation
    that changed meanwhile (another writer) is analysed here. ``tagger`` is the
    analysis key stored beside each result; ``scorecard`` re-scores corrected turns.
    A conversation whose made id holds another conversation is stored under a free one (with a note).
    """
    settled = settle(session, convs, digests, known_versions(session, list(digests)))
    convs, digests, known = settled.convs, settled.digests, settled.known
    changed = [c.id for c in convs if c.id in known and known[c.id] != (digests[c.id], tagger)]
    in_force = corrections_in_force(session, changed, convs)
    outcomes, items = [], []
    for conv in convs:
        if known.get(conv.id) == (digests[conv.id], tagger):
            outcomes.append("unchanged")
            continue
        read_as = settled.origin.get(conv.id, conv.id)
        result = results[read_as] if read_as in results else analyse(conv)
        if result is not None and result.conversation_id != conv.id:
            result = replace(result, conversation_id=conv.id)
        if result is None:
            outcomes.append("failed")
            continue
        reason = unstorable(conv)
        if reason is not None:
            raise StoreError(reason)
        result, reviewed = with_corrections(conv, result, tagger, in_force.get(conv.id, {}), scorecard)
        items.append(Prepared(conv, result, digests[conv.id], tagger, reviewed))
        outcomes.append("updated" if conv.id in known else "new")
    write(session, items, set(known), utcnow())
    notes = [note_problem(said) for said in settled.notes]
    if job_id is not None:
        counts = {k: outcomes.count(k) for k in ("new", "updated", "unchanged")}
        jobs.advance(session, job_id, jobs.Progress(read=len(convs), skipped=step.skipped,
                                                   problems=(*step.problems, *notes), redacted=step.redacted,
                                                   **counts))
    return outcomes, notes


def note_problem(said: Said) -> Problem:
    """A note of the store's about a batch, as the importer keeps notes: ``note: ...`` at ``(store)``, with
    personal data in the values (an id made from a file name may hold one) redacted, every kind of it."""
    from servio.redact import RedactionConfig, redact_text

    every = RedactionConfig()
    noted = Said("note", {"detail": said.map_strings(lambda text: redact_text(text, every)[0])})
    return Problem("(store)", None, None, str(noted), noted)


def corrections_in_force(session: Session, ids: Sequence[str], convs: Sequence[Conversation]
                         ) -> dict[str, dict[int, CorrectionRow]]:
    """Per stored conversation in ``ids``: the corrections that still apply to its new content."""
    if not ids:
        return {}
    rows = list(session.scalars(select(CorrectionRow).where(CorrectionRow.conversation_id.in_(ids))))
    by_id = {c.id: c for c in convs}
    out = {}
    for cid in ids:
        latest = latest_corrections(by_id[cid], [r for r in rows if r.conversation_id == cid])
        if latest:
            out[cid] = latest
    return out
