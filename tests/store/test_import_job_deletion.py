"""Deleting import jobs (an erasure request: their problems quote speaker labels such as a customer's name;
a retention period): only jobs that have ended, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from servio.store import JobBusy, NotFound, StoreError, import_paths
from servio.store.schema import ImportJobRow
from tests.store.helpers import analyse, conversation

TRANSCRIPT = "Agent: Tere! Millega saan aidata?\nMari Maasikas: Tere, arve on liiga suur.\nAgent: Aitäh!\n"


def _age(store: Any, job_id: int, *, minutes: float = 0, days: float = 0) -> None:
    """Set the job's finish and last progress back by this long (as if it had run then)."""
    then = datetime.now(UTC) - timedelta(minutes=minutes, days=days)
    with store.engine.begin() as conn:
        conn.execute(update(ImportJobRow).where(ImportJobRow.id == job_id)
                     .values(updated_at=then, finished_at=then, created_at=then))


def _ended(store: Any, status: str = "done") -> int:
    job = store.create_import_job(["x.jsonl"])
    store.start_import_job(job.id)
    store.finish_import_job(job.id, status)
    return int(job.id)


def test_an_import_that_quotes_a_name_can_be_found_and_deleted(store: Any, tmp_path: Path) -> None:
    path = tmp_path / "kone.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    report = import_paths(store, path)
    job = store.get_import_job(report.job_id)
    assert job is not None and "Mari Maasikas" in str(job.problems)  # redaction does not find names
    other = _ended(store)
    assert store.import_jobs_quoting("mari maasikas") == [report.job_id]
    assert store.import_jobs_quoting("KONE.TXT") == [report.job_id]  # file names are quoted too
    assert store.import_jobs_quoting("Jaan Tamm") == []
    assert store.delete_import_job(report.job_id) is True
    assert store.get_import_job(report.job_id) is None
    assert [j.id for j in store.list_import_jobs()] == [other]
    assert store.delete_import_job(report.job_id) is False  # gone: nothing to delete
    assert store.list_conversations().total == 1  # what the job stored stays
    with pytest.raises(StoreError):
        store.import_jobs_quoting("  ")


@pytest.mark.parametrize("state", ["pending", "running"])
def test_a_job_still_pending_or_running_is_not_deleted(store: Any, state: str) -> None:
    job = store.create_import_job(["x.jsonl"])
    if state == "running":
        store.start_import_job(job.id)
    with pytest.raises(JobBusy, match=f"import job {job.id} is {state}"):
        store.delete_import_job(job.id)
    assert store.delete_import_jobs([job.id]) == 0
    got = store.get_import_job(job.id)
    assert got is not None and got.status == state
    # its import goes on writing into the row it still has
    conv = conversation(1)
    assert store.save_results([conv], analyse, job_id=job.id) == ["new"]
    assert store.get_import_job(job.id).new == 1  # type: ignore[union-attr]


def test_a_job_whose_import_stopped_may_go_and_a_late_batch_then_stores_nothing(store: Any) -> None:
    """A job still "running" with no progress for 15 minutes was killed (housekeeping marks it failed);
    should its process wake up after the deletion, its batch fails whole instead of writing half."""
    job = store.create_import_job(["x.jsonl"])
    store.start_import_job(job.id)
    _age(store, job.id, minutes=14)
    with pytest.raises(JobBusy):
        store.delete_import_job(job.id)
    _age(store, job.id, minutes=16)
    assert store.delete_import_job(job.id) is True
    with pytest.raises(NotFound):
        store.save_results([conversation(2)], analyse, job_id=job.id)
    assert store.list_conversations().total == 0


def test_retention_finds_the_jobs_that_ended_before_a_moment(store: Any) -> None:
    old_done, old_failed, recent = _ended(store), _ended(store, "failed"), _ended(store)
    _age(store, old_done, days=400)
    _age(store, old_failed, days=40)
    running = store.create_import_job(["y.jsonl"]).id
    _age(store, running, days=400)  # never ended: not the retention's (housekeeping fails it first)
    cutoff = datetime.now(UTC) - timedelta(days=30)
    assert store.import_jobs_ended_before(cutoff) == [old_done, old_failed]
    assert store.import_jobs_ended_before(cutoff.date() - timedelta(days=300)) == [old_done]
    assert store.delete_import_jobs([old_done, old_failed, recent, 999]) == 3
    assert [j.id for j in store.list_import_jobs()] == [running]
