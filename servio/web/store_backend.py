"""The dashboard's :class:`~servio.web.backend.Backend` over the service's :class:`~servio.store.Store`.

Imports run in a background thread through :func:`servio.store.import_paths`
(the same reading, PII redaction and job records as the API's ``/imports``),
so the import page polls the job the API would show. The page's answer waits
for the thread in a background task (:meth:`StoreBackend.wait_import`), as the
API's import runs in one, so a graceful stop of the server finishes it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from servio.analyze.registry import DEFAULT_TAGGER
from servio.model import Conversation
from servio.results import ConversationResult
from servio.store.importer import scorecard_option
from servio.store.types import (
    Agent,
    ConversationFilter,
    ConversationSummary,
    Correction,
    ImportJob,
    NotFound,
    Page,
    Team,
    User,
)

if TYPE_CHECKING:
    from servio.evaluate.tally import Tally, ZeroScores
    from servio.ingest import ReaderOptions


class StoreBackend:
    """Pages over a :class:`~servio.store.Store` (SQLite or PostgreSQL)."""

    def __init__(self, store: Any, *, tagger: str = DEFAULT_TAGGER, import_workers: int = 1,
                 redact: bool = True, stopping: threading.Event | None = None) -> None:
        self.store = store
        self.stopping = stopping  # the server's: set when it stops, and imports stop at their next batch
        self.tagger = tagger
        self.import_workers = import_workers
        self.redact = redact  # the service's ``redact`` setting, as POST /imports follows it
        self.runs: dict[int, threading.Thread] = {}  # imports under way, by job

    def listing(self, f: ConversationFilter) -> Page[ConversationSummary]:
        page: Page[ConversationSummary] = self.store.list_conversations(f)
        return page

    def export_rows(self, f: ConversationFilter) -> Iterator[dict[str, Any]]:
        rows: Iterator[dict[str, Any]] = self.store.export_rows(f)  # as GET /conversations.csv
        return rows

    def get(self, conversation_id: str) -> tuple[Conversation, ConversationResult, frozenset[int]]:
        found = self.store.get_reviewed(conversation_id)  # turns whose correction lapsed are the tagger's
        if found is None:
            raise NotFound(f"no conversation {conversation_id!r}")
        return found

    def results(self, *, agent_id: str | None = None, team: str | None = None, date_from: date | None = None,
                date_to: date | None = None) -> list[ConversationResult]:
        f = ConversationFilter(agent_id=agent_id, team=team, date_from=date_from, date_to=date_to)
        return self.store.results(f)

    def knows(self, *, agent_id: str | None = None, team: str | None = None) -> bool:
        if agent_id is not None:
            return bool(self.store.known("agent", agent_id, team=team))
        if team is not None:
            return bool(self.store.known("team", team))
        return bool(self.store.list_conversations(ConversationFilter(limit=1)).items)

    def tallies(self, *, team: str | None = None, date_from: date | None = None,
                date_to: date | None = None) -> dict[str | None, Tally]:
        f = ConversationFilter(team=team, date_from=date_from, date_to=date_to)
        found: dict[str | None, Tally] = self.store.tallies(f, "agent")  # counted by the database
        return found

    def zero_scores(self, *, agent_id: str | None = None, team: str | None = None,
                    date_from: date | None = None, date_to: date | None = None) -> dict[int, ZeroScores]:
        f = ConversationFilter(agent_id=agent_id, team=team, date_from=date_from, date_to=date_to)
        found: dict[int, ZeroScores] = self.store.zero_scores(f)  # the checks of the zero scores only
        return found

    # the pickers offer who has conversations: one whose conversations were all erased is left out
    def agents(self, team: str | None = None) -> list[Agent]:
        return [a for a in self.store.agents(team=team) if a.conversations]

    def teams(self) -> list[Team]:
        return [t for t in self.store.teams() if t.conversations]

    def correct(self, conversation_id: str, turn: int, stages: Sequence[int], user: User) -> Correction:
        self.store.correct_turn(conversation_id, turn, stages, user)
        latest: Correction = self.store.corrections(conversation_id, limit=1)[0]
        return latest

    def delete(self, conversation_id: str) -> bool:
        return bool(self.store.delete_conversation(conversation_id))  # as DELETE /conversations/{id}

    def start_import(self, paths: Sequence[Path], *, format: str | None, user: User,
                     options: ReaderOptions | None = None) -> ImportJob:
        job: ImportJob = self.store.create_import_job([str(p) for p in paths], format=format,
                                                      created_by=user.id or None,
                                                      options={"tagger": self.tagger, "redact": self.redact,
                                                               **scorecard_option(self.store)})
        run = threading.Thread(target=self._run, args=(job.id, list(paths), format, options), daemon=True)
        self.runs[job.id] = run
        run.start()
        return job

    def wait_import(self, job_id: int) -> None:
        run = self.runs.get(job_id)
        if run is not None:
            run.join()
            self.runs.pop(job_id, None)

    def job(self, job_id: int) -> ImportJob:
        job: ImportJob | None = self.store.get_import_job(job_id)
        if job is None:
            raise NotFound(f"no import job {job_id}")
        return job

    def recent_jobs(self, limit: int) -> list[ImportJob]:
        jobs: list[ImportJob] = self.store.list_import_jobs(limit=limit)
        return jobs

    def delete_job(self, job_id: int) -> bool:
        return bool(self.store.delete_import_job(job_id))  # as DELETE /imports/{id}

    def _run(self, job_id: int, paths: list[Path], format: str | None, options: ReaderOptions | None) -> None:
        from servio.redact import RedactionConfig
        from servio.store import import_paths

        try:  # the store's importer: read -> redact -> analyse -> save, with the job's counts per batch
            import_paths(self.store, paths, format=format, options=options, tagger=self.tagger, job_id=job_id,
                         workers=self.import_workers, redact=RedactionConfig(enabled=self.redact),
                         should_stop=self.stopping.is_set if self.stopping is not None else None)
        except Exception:  # the importer has marked the job failed with the reason; the page shows it
            return
