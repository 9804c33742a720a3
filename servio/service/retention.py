"""A retention period: conversations and import jobs older than ``SERVIO_RETENTION_DAYS`` leave the store,
once a day.

The service runs :func:`expire` at start-up and then every day in the
background (in a thread, so that requests are not held up). Age counts from
a conversation's start, or from its import when the start is unknown
(:meth:`~servio.store.Store.started_before`); a deleted conversation takes
its turns, tags, scores and corrections with it. An import job goes when it
finished before the same cut-off (its problems quote speaker labels and other
values as typed, a customer's name among them). ``servio delete --before``
and ``--imports-before`` do the same by hand.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

log = logging.getLogger("servio.retention")
DAY_SECONDS = 86_400


class Expired(NamedTuple):
    """What one run of :func:`expire` deleted."""

    conversations: int
    import_jobs: int


def expire(store: Any, days: int, now: datetime | None = None) -> Expired:
    """Delete the conversations older than ``days`` days and the import jobs that finished before then;
    returns how many of each went."""
    if days < 1:
        raise ValueError("a retention period is at least one day")
    cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
    removed = Expired(int(store.delete_conversations(store.started_before(cutoff))),
                      int(store.delete_import_jobs(store.import_jobs_ended_before(cutoff))))
    if any(removed):
        log.info("retention: deleted %d conversation(s) that started before %s and %d import job(s) that "
                 "finished before then", removed.conversations, cutoff.isoformat(timespec="seconds"),
                 removed.import_jobs)
    return removed


async def keep_expiring(store: Any, days: int, every: float = DAY_SECONDS) -> None:
    """:func:`expire` now and then every ``every`` seconds, until cancelled; a failed run is logged and
    the next one tried (the database may be away for a while)."""
    while True:
        try:
            await asyncio.to_thread(expire, store, days)
        except Exception:  # keep serving; the next day tries again
            log.exception("retention: deleting old conversations and import jobs failed")
        await asyncio.sleep(every)
