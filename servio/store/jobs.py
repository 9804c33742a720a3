"""Import job rows: created, started, advanced with each committed batch, finished, deleted.

:func:`advance` runs in the same transaction as the batch it counts, so a
job's counts are always exactly what has been committed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.orm import Session

from servio.store.convert import jsonable, problem_dict
from servio.store.schema import ImportJobRow, utcnow
from servio.store.types import JOB_STATES, ImportJob, JobBusy, NotFound, StoreError, as_utc

#: At most this many problems are kept on a job row (all are counted).
MAX_PROBLEMS = 1000
MAX_ERROR = 4000
#: A job pending or running with no progress for this long has stopped (its process was killed): it is
#: marked failed (:func:`fail_stale`) and may be deleted.
STALE_AFTER = timedelta(minutes=15)
#: The states of a job that has ended.
ENDED = ("done", "failed")


@dataclass(frozen=True, slots=True)
class Progress:
    """What one committed batch adds to a job's counts."""

    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int | None = None  # the reader's running total, when known
    problems: tuple[Any, ...] = ()
    redacted: Mapping[str, int] | None = None  # personal data the batch's redaction replaced, by kind


def job_of(row: ImportJobRow) -> ImportJob:
    """The plain job of a row."""
    return ImportJob(
        id=row.id, status=row.status, paths=tuple(row.paths or ()), format=row.format,
        created_by=row.created_by, read=row.read, skipped=row.skipped, new=row.new, updated=row.updated,
        unchanged=row.unchanged, problems=tuple(row.problems or ()), problem_count=row.problem_count,
        error=row.error, created_at=row.created_at, started_at=row.started_at, finished_at=row.finished_at,
        updated_at=row.updated_at, options=dict(row.options or {}),
        redacted=None if row.redacted is None else {str(k): int(v) for k, v in row.redacted.items()},
    )


def create(session: Session, paths: Iterable[str], *, format: str | None, created_by: int | None,
           options: Mapping[str, Any] | None) -> ImportJobRow:
    """A new pending job."""
    now = utcnow()
    row = ImportJobRow(status="pending", paths=[str(p) for p in paths], format=format,
                       options=jsonable(dict(options or {})), created_by=created_by, read=0, skipped=0, new=0,
                       updated=0, unchanged=0, problems=[], problem_count=0, redacted={}, created_at=now,
                       updated_at=now)
    session.add(row)
    session.flush()
    return row


def load(session: Session, job_id: int, *, lock: bool = False) -> ImportJobRow:
    """The job row, locked for update when ``lock``; raises :class:`NotFound`."""
    query = select(ImportJobRow).where(ImportJobRow.id == job_id)
    if lock:
        query = query.with_for_update()
    row = session.scalar(query)
    if row is None:
        raise NotFound(f"no import job with id {job_id}")
    return row


def start(session: Session, job_id: int) -> ImportJobRow:
    """Mark a pending (or interrupted, still running) job as running."""
    row = load(session, job_id, lock=True)
    if row.status in ("done", "failed"):
        raise StoreError(f"import job {job_id} is {row.status}; start a new one")
    now = utcnow()
    row.status, row.started_at, row.updated_at = "running", row.started_at or now, now
    return row


def advance(session: Session, job_id: int, step: Progress) -> None:
    """Add a committed batch to the job's counts (call inside the batch's transaction)."""
    row = load(session, job_id, lock=True)
    row.read += step.read
    row.new += step.new
    row.updated += step.updated
    row.unchanged += step.unchanged
    if step.skipped is not None:
        row.skipped = step.skipped
    _add_problems(row, step.problems)
    if step.redacted:
        total = Counter(row.redacted or {})
        total.update(step.redacted)
        row.redacted = dict(total)  # a new dict, so the JSON column is written
    row.updated_at = utcnow()


def _add_problems(row: ImportJobRow, problems: Sequence[Any]) -> None:
    if not problems:
        return
    kept = list(row.problems or ())
    room = max(0, MAX_PROBLEMS - len(kept))
    kept.extend(jsonable(problem_dict(p)) for p in problems[:room])
    row.problems = kept  # a new list, so the JSON column is written
    row.problem_count += len(problems)


def finish(session: Session, job_id: int, *, status: str, error: str | None = None,
           step: Progress | None = None) -> None:
    """End a job as ``done`` or ``failed`` (with the last counts and the error, if any)."""
    if status not in JOB_STATES[2:]:
        raise StoreError(f"a job finishes as done or failed, not {status!r}")
    if step is not None:
        advance(session, job_id, step)
    row = load(session, job_id, lock=True)
    now = utcnow()
    row.status, row.finished_at, row.updated_at = status, now, now
    row.error = error[:MAX_ERROR] if error else None


def listing(session: Session, *, status: str | None, limit: int, offset: int) -> list[ImportJob]:
    """Jobs, newest first."""
    if status is not None and status not in JOB_STATES:
        raise StoreError(f"status must be one of {', '.join(JOB_STATES)}, not {status!r}")
    query = select(ImportJobRow).order_by(ImportJobRow.id.desc()).limit(limit).offset(offset)
    if status is not None:
        query = query.where(ImportJobRow.status == status)
    return [job_of(r) for r in session.scalars(query)]


def fail_stale(session: Session, older_than: timedelta) -> int:
    """Mark pending or running jobs with no progress for ``older_than`` as failed (their process died)."""
    now = utcnow()
    result = session.execute(
        update(ImportJobRow)
        .where(ImportJobRow.status.in_(("pending", "running")), ImportJobRow.updated_at < now - older_than)
        .values(status="failed", finished_at=now, updated_at=now,
                error=f"interrupted: no progress for {older_than}; import the same files again to finish")
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _deletable(now: datetime) -> ColumnElement[bool]:
    """A job that has ended, or one that stopped without ending (no progress for :data:`STALE_AFTER`): no
    import writes into it any more. A running job's batches lock its row and advance it; deleting the row
    under them would make its next batch fail."""
    return or_(ImportJobRow.status.in_(ENDED), ImportJobRow.updated_at < now - STALE_AFTER)


def busy(job: ImportJob, now: datetime | None = None) -> bool:
    """Whether an import may still write into ``job`` (pending or running, with progress in the last
    :data:`STALE_AFTER`): what :func:`remove` refuses."""
    return job.status not in ENDED and as_utc(job.updated_at) >= (now or utcnow()) - STALE_AFTER


def remove(session: Session, job_id: int) -> bool:
    """Delete one job that has ended; False if there is none, :class:`JobBusy` while it is still pending or
    running (decided by the database in the same statement: a batch committing meanwhile is waited for)."""
    gone = session.execute(delete(ImportJobRow).where(ImportJobRow.id == job_id, _deletable(utcnow()))
                           .execution_options(synchronize_session=False))
    if getattr(gone, "rowcount", 0):
        return True
    status = session.scalar(select(ImportJobRow.status).where(ImportJobRow.id == job_id))
    if status is None:
        return False
    raise JobBusy(f"import job {job_id} is {status}: it can be deleted once it has finished (a job with no "
                  f"progress for {int(STALE_AFTER.total_seconds() // 60)} minutes counts as stopped)")


def remove_many(session: Session, ids: Sequence[int]) -> int:
    """Delete the jobs with these ids that have ended (others are left as they are); how many went."""
    if not ids:
        return 0
    gone = session.execute(delete(ImportJobRow).where(ImportJobRow.id.in_(list(ids)), _deletable(utcnow()))
                           .execution_options(synchronize_session=False))
    return int(getattr(gone, "rowcount", 0) or 0)


def ended_before(session: Session, cutoff: datetime) -> list[int]:
    """Ids of the jobs that ended before ``cutoff`` (what a retention period removes), oldest first."""
    when = func.coalesce(ImportJobRow.finished_at, ImportJobRow.updated_at)
    query = select(ImportJobRow.id).where(ImportJobRow.status.in_(ENDED), when < cutoff)
    return list(session.scalars(query.order_by(ImportJobRow.id)))


def quoting(session: Session, text: str) -> list[int]:
    """Ids of the jobs whose file names, problems (messages and the values they quote) or error hold
    ``text`` (any case), oldest first: the jobs that quote a person whose data is to be erased (a name as an
    unknown speaker label, a name in a file name)."""
    needle = text.casefold()
    if not needle.strip():
        raise StoreError("give a text to look for in import jobs")
    query = select(ImportJobRow.id, ImportJobRow.paths, ImportJobRow.problems, ImportJobRow.error)
    return [job_id for job_id, *held in session.execute(query.order_by(ImportJobRow.id))
            if any(needle in s.casefold() for s in _strings(held))]


def _strings(value: Any) -> Iterator[str]:
    """Every string in ``value`` (JSON: lists, objects' keys and values)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
