"""Imports into a :class:`~servio.web.backend.MemoryBackend`: read, analyse and score files in a thread.

The job is replaced in ``backend.jobs`` after every conversation, so a page
polling it sees the counts grow and the bad records as they are found.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from servio.store.types import ImportJob, User

if TYPE_CHECKING:
    from servio.ingest import ReaderOptions
    from servio.web.backend import MemoryBackend

MAX_PROBLEMS = 200


def run_import(backend: MemoryBackend, paths: Sequence[Path], *, format: str | None, user: User,
               options: ReaderOptions | None = None, wait: bool = False) -> ImportJob:
    """Create a job and run it in a background thread (or inline with ``wait``), reading with ``options``;
    returns the new job."""
    now = datetime.now(UTC)
    job = ImportJob(id=next(backend.job_ids), status="pending", paths=tuple(str(p) for p in paths),
                    format=format, created_by=user.id, read=0, skipped=0, new=0, updated=0, unchanged=0,
                    problems=(), problem_count=0, error=None, created_at=now, started_at=None,
                    finished_at=None, updated_at=now)
    backend.jobs[job.id] = job
    worker = threading.Thread(target=_run, args=(backend, job.id, list(paths), format, options), daemon=True)
    backend.runs[job.id] = worker
    worker.start()
    if wait:
        worker.join()
    return backend.jobs[job.id]


def _set(backend: MemoryBackend, job_id: int, **changes: Any) -> None:
    backend.jobs[job_id] = replace(backend.jobs[job_id], updated_at=datetime.now(UTC), **changes)


def _run(backend: MemoryBackend, job_id: int, paths: list[Path], format: str | None,
         options: ReaderOptions | None) -> None:
    from servio.jobs import JobOptions, read, scorable, score

    problems: list[dict[str, Any]] = []

    def on_problem(problem: Any) -> None:
        from servio.ingest.remedies import fitted_problem, given_options, render
        from servio.store.convert import problem_dict

        # as the store keeps a job's problem: the remedy in the service's words, fitted to the options given,
        # the message code and values to show it in the dashboard's language
        problem = fitted_problem(problem, given_options(options))
        problems.append(problem_dict(replace(problem, message=render(problem.message, "service"))))
        job = backend.jobs[job_id]
        _set(backend, job_id, skipped=job.skipped + 1, problem_count=job.problem_count + 1,
             problems=tuple(problems[:MAX_PROBLEMS]))

    _set(backend, job_id, status="running", started_at=datetime.now(UTC))
    opts = JobOptions(format=format, reader_options=options, on_problem=on_problem, tagger=backend.tagger)
    try:
        stream = read(paths, opts)
        for conv, result in score(scorable(stream, stream.reject), opts):
            known = conv.id in backend.items
            backend.add([(conv, result)])
            job = backend.jobs[job_id]
            _set(backend, job_id, read=job.read + 1, new=job.new + (not known), updated=job.updated + known)
    except Exception as exc:  # a broken file must end the job, not the server
        from servio.store.importer import job_error

        _set(backend, job_id, status="failed", error=job_error(exc),
             finished_at=datetime.now(UTC))
        return
    _set(backend, job_id, status="done", finished_at=datetime.now(UTC))
