"""The dashboard's :class:`~servio.web.backend.Backend` over the service's :class:`~servio.store.Store`.

Imports run in a background thread through the store's import-job records,
so the import page polls the same job the API's ``/imports`` would show.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from servio.model import Conversation
from servio.results import ConversationResult
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

BATCH = 50


class StoreBackend:
    """Pages over a :class:`~servio.store.Store` (SQLite or PostgreSQL)."""

    def __init__(self, store: Any, *, tagger: str = "rules") -> None:
        self.store = store
        self.tagger = tagger

    def listing(self, f: ConversationFilter) -> Page[ConversationSummary]:
        page: Page[ConversationSummary] = self.store.list_conversations(f)
        return page

    def get(self, conversation_id: str) -> tuple[Conversation, ConversationResult, frozenset[int]]:
        found = self.store.get_conversation(conversation_id)
        if found is None:
            raise NotFound(f"no conversation {conversation_id!r}")
        conv, result = found
        corrected = frozenset(c.turn_index for c in self.store.corrections(conversation_id, limit=1000))
        return conv, result, corrected

    def results(self, *, agent_id: str | None = None, team: str | None = None, date_from: date | None = None,
                date_to: date | None = None) -> list[ConversationResult]:
        f = ConversationFilter(agent_id=agent_id, team=team, date_from=date_from, date_to=date_to, limit=1000)
        if hasattr(self.store, "results"):
            return list(self.store.results(f))
        from servio.store import queries

        with self.store._read() as session:  # until the store offers results(filter) publicly
            rows = list(session.scalars(queries.ordered(queries.filtered(f), "id")))
            return list(queries.light_results(session, rows))

    def agents(self) -> list[Agent]:
        return list(self.store.agents())

    def teams(self) -> list[Team]:
        return list(self.store.teams())

    def correct(self, conversation_id: str, turn: int, stages: Sequence[int], user: User) -> Correction:
        self.store.correct_turn(conversation_id, turn, stages, user)
        latest: Correction = self.store.corrections(conversation_id, limit=1)[0]
        return latest

    def start_import(self, paths: Sequence[Path], *, format: str | None, user: User) -> ImportJob:
        job: ImportJob = self.store.create_import_job([str(p) for p in paths], format=format,
                                                      created_by=user.id or None)
        threading.Thread(target=self._run, args=(job.id, list(paths), format), daemon=True).start()
        return job

    def job(self, job_id: int) -> ImportJob:
        job: ImportJob | None = self.store.get_import_job(job_id)
        if job is None:
            raise NotFound(f"no import job {job_id}")
        return job

    def _run(self, job_id: int, paths: list[Path], format: str | None) -> None:
        from servio.jobs import JobOptions, read

        problems: list[Any] = []
        skipped = [0]  # the reader's running total, which the store keeps
        opts = JobOptions(format=format, on_problem=problems.append, tagger=self.tagger)
        self.store.start_import_job(job_id)
        try:
            batch: list[Conversation] = []
            for conv in read(paths, opts):
                batch.append(conv)
                if len(batch) >= BATCH:
                    self._save(batch, job_id, problems, skipped)
                    batch = []
            self._save(batch, job_id, problems, skipped)
        except Exception as exc:  # a broken file must end the job, not the server
            self.store.finish_import_job(job_id, "failed", error=str(exc) or type(exc).__name__)
            return
        self.store.finish_import_job(job_id, "done")

    def _save(self, batch: list[Conversation], job_id: int, problems: list[Any], skipped: list[int]) -> None:
        from servio.analyze import analyze
        from servio.evaluate import evaluate

        def analyse(conv: Conversation) -> ConversationResult:
            return evaluate(analyze(conv, tagger=self.tagger), contact_type=conv.contact_type)

        taken = list(problems)
        problems.clear()
        skipped[0] += len(taken)
        if batch or taken:
            self.store.save_results(batch, analyse, tagger=self.tagger, job_id=job_id, skipped=skipped[0],
                                    problems=taken)
