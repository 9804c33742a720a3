"""SERVIO_RETENTION_DAYS: conversations older than the period leave the store at start-up, then daily."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servio.service import create_app
from servio.service.retention import expire, keep_expiring
from tests.service.conftest import make_settings
from tests.store.helpers import analyse, conversation

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def _store_with_ages(store: Any, now: datetime = NOW) -> Any:
    """c1 started 400 days before ``now``, c2 10 days before; c3 has no start time (imported now)."""
    convs = [conversation(1, started=now - timedelta(days=400)),
             conversation(2, started=now - timedelta(days=10)), replace(conversation(3), started_at=None)]
    for conv in convs:
        store.save_result(conv, analyse(conv))
    return store


def _ended_job(store: Any, when: datetime, problem: str = "unknown speaker 'Mari Maasikas'") -> int:
    """An import job that finished at ``when``, its problem list quoting a name."""
    from sqlalchemy import update

    from servio.store.schema import ImportJobRow

    job = store.create_import_job(["kone.txt"])
    store.start_import_job(job.id)
    store.finish_import_job(job.id, problems=[problem])
    with store.engine.begin() as conn:
        conn.execute(update(ImportJobRow).where(ImportJobRow.id == job.id)
                     .values(created_at=when, started_at=when, finished_at=when, updated_at=when))
    return int(job.id)


def _jobs(store: Any) -> list[int]:
    return sorted(j.id for j in store.list_import_jobs())


def _ids(store: Any) -> list[str]:
    return sorted(s.id for s in store.list_conversations().items)


def test_expire_deletes_what_started_before_the_period(store: Any) -> None:
    _store_with_ages(store)
    store.correct_turn("c1", 0, [1], "mari")
    assert expire(store, 365, now=NOW) == (1, 0)
    assert _ids(store) == ["c2", "c3"] and store.corrections("c1") == []
    assert expire(store, 365, now=NOW) == (0, 0)
    # c3 counts from its import: just now
    assert expire(store, 5, now=NOW).conversations == 1 and _ids(store) == ["c3"]
    with pytest.raises(ValueError):
        expire(store, 0)


def test_expire_deletes_the_import_jobs_that_finished_before_the_period(store: Any) -> None:
    old, recent = _ended_job(store, NOW - timedelta(days=400)), _ended_job(store, NOW - timedelta(days=10))
    running = store.create_import_job(["still.txt"]).id  # never finished: stays (housekeeping fails it first)
    store.start_import_job(running)
    assert _jobs(store) == sorted([old, recent, running])
    assert expire(store, 365, now=NOW) == (0, 1)
    assert _jobs(store) == sorted([recent, running])
    assert expire(store, 5, now=NOW) == (0, 1) and _jobs(store) == [running]


def test_the_service_expires_at_start_up_only_when_a_period_is_set(store: Any) -> None:
    _store_with_ages(store, datetime.now(UTC))  # the service counts from the clock
    old, recent = (_ended_job(store, datetime.now(UTC) - timedelta(days=d)) for d in (400, 10))
    with TestClient(create_app(make_settings(), store=store)):
        pass
    assert _ids(store) == ["c1", "c2", "c3"] and _jobs(store) == [old, recent]  # the default keeps all
    with TestClient(create_app(make_settings(retention_days=365), store=store)) as client:
        for _ in range(100):  # the first run is a background task: give it a moment
            if _ids(store) == ["c2", "c3"] and _jobs(store) == [recent]:
                break
            client.get("/health")
            time.sleep(0.02)
    assert _ids(store) == ["c2", "c3"] and _jobs(store) == [recent]


def test_a_failed_run_is_logged_and_the_next_one_still_comes(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[str] = []

    class Flaky:
        def started_before(self, cutoff: datetime) -> list[str]:
            calls.append("run")
            if len(calls) == 1:
                raise RuntimeError("database away")
            return []

        def delete_conversations(self, ids: list[str]) -> int:
            return 0

        def import_jobs_ended_before(self, cutoff: datetime) -> list[int]:
            return []

        def delete_import_jobs(self, ids: list[int]) -> int:
            return 0

    async def two_runs() -> None:
        task = asyncio.create_task(keep_expiring(Flaky(), 30, every=0.01))
        while len(calls) < 2:
            await asyncio.sleep(0.01)
        task.cancel()

    asyncio.run(asyncio.wait_for(two_runs(), timeout=10))
    assert len(calls) >= 2 and "deleting old conversations and import jobs failed" in caplog.text


def test_what_retention_deleted_reaches_the_server_log(store: Any,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """`servio serve` runs uvicorn with servio's loggers on its handler: docs/api.md promises the count
    in the log, and without the set-up Python's default WARNING level dropped the INFO line."""
    import logging
    import logging.config

    from servio.service.app import log_config

    names = ("servio", "uvicorn", "uvicorn.error", "uvicorn.access")
    saved = {name: (lg.handlers[:], lg.level, lg.propagate, lg.disabled)
             for name in names for lg in [logging.getLogger(name)]}
    _store_with_ages(store)
    try:
        logging.config.dictConfig(log_config())
        _ended_job(store, NOW - timedelta(days=400))
        assert expire(store, 365, now=NOW) == (1, 1)
    finally:
        for name, (handlers, level, propagate, disabled) in saved.items():
            lg = logging.getLogger(name)
            lg.handlers[:] = handlers
            lg.setLevel(level)
            lg.propagate, lg.disabled = propagate, disabled
    err = capsys.readouterr().err
    assert "retention: deleted 1 conversation(s) that started before 2025-" in err
    assert "and 1 import job(s) that finished before then" in err
