"""One batch of conversations written in one transaction, with the import job's progress."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from servio.model import Conversation
from servio.results import ConversationResult
from servio.store import jobs
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
                step: jobs.Progress, job_id: int | None, *, scorecard: Scorecard | None = None) -> list[str]:
    """Store what changed in ``convs`` and advance the job; each conversation's outcome, in order.

    ``results`` holds the analyses made before the transaction; a conversation
    that changed meanwhile (another writer) is analysed here. ``tagger`` is the
    analysis key stored beside each result; ``scorecard`` re-scores corrected turns.
    """
    known = known_versions(session, list(digests))
    changed = [c.id for c in convs if c.id in known and known[c.id] != (digests[c.id], tagger)]
    in_force = corrections_in_force(session, changed, convs)
    outcomes, items = [], []
    for conv in convs:
        if known.get(conv.id) == (digests[conv.id], tagger):
            outcomes.append("unchanged")
            continue
        result = results[conv.id] if conv.id in results else analyse(conv)
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
    if job_id is not None:
        counts = {k: outcomes.count(k) for k in ("new", "updated", "unchanged")}
        jobs.advance(session, job_id, jobs.Progress(read=len(convs), skipped=step.skipped,
                                                   problems=step.problems, redacted=step.redacted, **counts))
    return outcomes


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
