"""What the dashboard pages need from storage, and an in-memory implementation.

:class:`Backend` is the small surface the pages use; :class:`StoreBackend`
(in :mod:`servio.web.store_backend`) puts it over the service's
:class:`~servio.store.Store`, and :class:`MemoryBackend` keeps results in a
dict (tests, demos, ``servio serve`` over files). Listings use the store's own
plain types (:class:`~servio.store.types.ConversationFilter`, ``Page``,
``ConversationSummary``) so the pages look the same over either.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from servio.analyze.registry import DEFAULT_TAGGER
from servio.model import Conversation, local_day
from servio.report.summary import select
from servio.results import ConversationResult
from servio.store.types import (
    Agent,
    ConversationFilter,
    ConversationSummary,
    Correction,
    ImportJob,
    JobBusy,
    NotFound,
    Page,
    Team,
    User,
)

if TYPE_CHECKING:
    from servio.evaluate.tally import Tally, ZeroScores
    from servio.ingest import ReaderOptions


class Backend(Protocol):
    """Storage as the dashboard sees it."""

    def listing(self, f: ConversationFilter) -> Page[ConversationSummary]:
        """One page of conversations matching ``f``."""
        ...

    def get(self, conversation_id: str) -> tuple[Conversation, ConversationResult, frozenset[int]]:
        """A conversation, its current result and the turns a reviewer corrected (NotFound if absent)."""
        ...

    def export_rows(self, f: ConversationFilter) -> Iterator[dict[str, Any]]:
        """The CSV rows (:data:`servio.store.export.CSV_COLUMNS`) of every conversation matching ``f``, in
        its order; no limit or offset."""
        ...

    def results(self, *, agent_id: str | None = None, team: str | None = None, date_from: date | None = None,
                date_to: date | None = None) -> list[ConversationResult]:
        """Every result of an agent, a team or all, within the dates."""
        ...

    def knows(self, *, agent_id: str | None = None, team: str | None = None) -> bool:
        """Whether any conversation of the agent (with ``team``: in that team) or of the team is stored,
        whatever its day: an empty period of a known agent or team is a quiet one, not a name unknown."""
        ...

    def tallies(self, *, team: str | None = None, date_from: date | None = None,
                date_to: date | None = None) -> dict[str | None, Tally]:
        """Per agent (None: conversations without one) the tally of the results of a team or all, within
        the dates: what :meth:`results` would give, counted (:mod:`servio.evaluate.tally`)."""
        ...

    def agents(self, team: str | None = None) -> list[Agent]:
        """Agents seen in the data; with ``team``, those with conversations of that team (counted there)."""
        ...

    def zero_scores(self, *, agent_id: str | None = None, team: str | None = None,
                    date_from: date | None = None, date_to: date | None = None) -> dict[int, ZeroScores]:
        """Per stage, the conversations of :meth:`results` that carried it yet scored 0, and the checks that
        failed in them (:func:`servio.evaluate.tally.zero_scores`)."""
        ...

    def teams(self) -> list[Team]:
        """Teams seen in the data."""
        ...

    def correct(self, conversation_id: str, turn: int, stages: Sequence[int], user: User) -> Correction:
        """Set one turn's stages as a reviewer and re-score the conversation."""
        ...

    def start_import(self, paths: Sequence[Path], *, format: str | None, user: User,
                     options: ReaderOptions | None = None) -> ImportJob:
        """Start importing files (in the background), read with ``options``; returns the job to poll."""
        ...

    def wait_import(self, job_id: int) -> None:
        """Return once the run of ``job_id`` this backend started has ended (at once for any other job).

        The page's answer waits for it in a background task, as the API's import runs in one, so that a
        graceful stop of the server waits for a dashboard import too."""
        ...

    def delete(self, conversation_id: str) -> bool:
        """Remove a conversation with everything kept about it (erasure); False if there was none."""
        ...

    def job(self, job_id: int) -> ImportJob:
        """An import job's progress and bad-record report."""
        ...

    def recent_jobs(self, limit: int) -> list[ImportJob]:
        """The newest ``limit`` import jobs, newest first."""
        ...

    def delete_job(self, job_id: int) -> bool:
        """Remove an import job's record (its problems quote values as typed); False if there was none;
        :class:`~servio.store.types.JobBusy` while it is still pending or running."""
        ...


def summary_of(conv: Conversation, r: ConversationResult, corrected: bool,
               when: datetime) -> ConversationSummary:
    """A listing row for a conversation and its result."""
    missing = tuple(s.stage for s in r.stage_scores if s.weight > 0 and not s.present)
    started = conv.started_at or (datetime.fromisoformat(r.started_at) if r.started_at else None)
    return ConversationSummary(
        id=r.conversation_id, language=r.language, channel=str(conv.channel), agent_id=r.agent_id,
        team=r.team,
        contact_type=r.contact_type, started_at=started, overall=r.overall, turns=len(conv.turns),
        missing_stages=missing, failures=tuple(sorted({f.id for f in r.failures})), corrected=corrected,
        imported_at=when, updated_at=when, started_day=local_day(started), unread=len(r.unread))


def matches(s: ConversationSummary, f: ConversationFilter) -> bool:
    """Whether a listing row passes every field of ``f`` (the store's semantics, in memory)."""
    when = s.started_at.astimezone(UTC) if s.started_at and s.started_at.tzinfo else s.started_at
    day = local_day(s.started_at)  # in its own time zone, as the store's started_day
    checks = (
        f.agent_id is None or s.agent_id == f.agent_id,
        f.team is None or s.team == f.team,
        f.contact_type is None or s.contact_type == f.contact_type,
        f.language is None or s.language == f.language,
        f.channel is None or s.channel == f.channel,
        f.missing_stage is None or f.missing_stage in s.missing_stages,
        f.failure is None or f.failure in s.failures,
        f.incomplete is None or s.incomplete == f.incomplete,
        f.score_min is None or s.overall >= f.score_min,
        f.score_max is None or s.overall <= f.score_max,
        f.first_day is None or (day is not None and day >= f.first_day),
        f.last_day is None or (day is not None and day <= f.last_day),
        f.start is None or (when is not None and when.replace(tzinfo=UTC) >= f.start),
        f.end is None or (when is not None and when.replace(tzinfo=UTC) <= f.end),
    )
    return all(checks)


def _sort_key(key: str) -> Callable[[ConversationSummary], tuple[Any, ...]]:
    def k(s: ConversationSummary) -> tuple[Any, ...]:
        value = getattr(s, key)
        if isinstance(value, datetime):
            value = (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()
        return (value is not None, value if value is not None else 0, s.id)

    return k


@dataclass
class MemoryBackend:
    """Results in memory: a dict by conversation id; corrections re-score with the same evaluation."""

    items: dict[str, tuple[Conversation, ConversationResult, frozenset[int]]] = field(default_factory=dict)
    jobs: dict[int, ImportJob] = field(default_factory=dict)
    job_ids: Iterator[int] = field(default_factory=lambda: itertools.count(1), repr=False)  # never reused
    tagger: str = DEFAULT_TAGGER
    runs: dict[int, threading.Thread] = field(default_factory=dict, repr=False)  # imports under way
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _loaded: datetime = field(default_factory=lambda: datetime.now(UTC))

    def add(self, pairs: Iterable[tuple[Conversation, ConversationResult]]) -> int:
        """Add (or replace) conversations and their results; returns how many."""
        n = 0
        with self._lock:
            for conv, result in pairs:
                self.items[conv.id] = (conv, result, frozenset())
                n += 1
        return n

    def _snapshot(self) -> list[tuple[Conversation, ConversationResult, frozenset[int]]]:
        # pages read in worker threads while an import thread adds: iterating the dict itself could fail
        with self._lock:
            return list(self.items.values())

    def _matching(self, f: ConversationFilter) -> list[tuple[ConversationSummary, ConversationResult]]:
        """Every listing row passing ``f`` with its result, in ``f``'s order (no paging)."""
        rows = [(summary_of(c, r, bool(done), self._loaded), r) for c, r, done in self._snapshot()]
        rows = [(s, r) for s, r in rows if matches(s, f)]
        key = f.sort.removeprefix("-")
        key = "started_at" if key in ("updated_at", "imported_at") else key
        order = _sort_key(key)
        rows.sort(key=lambda pair: order(pair[0]), reverse=f.sort.startswith("-"))
        return rows

    def listing(self, f: ConversationFilter) -> Page[ConversationSummary]:
        rows = [s for s, _ in self._matching(f)]
        return Page(items=tuple(rows[f.offset:f.offset + f.limit]), total=len(rows), limit=f.limit,
                    offset=f.offset)

    def export_rows(self, f: ConversationFilter) -> Iterator[dict[str, Any]]:
        from servio.store.export import csv_row

        for summary, result in self._matching(f):
            yield csv_row(summary, result)

    def get(self, conversation_id: str) -> tuple[Conversation, ConversationResult, frozenset[int]]:
        try:
            return self.items[conversation_id]
        except KeyError:
            raise NotFound(f"no conversation {conversation_id!r}") from None

    def results(self, *, agent_id: str | None = None, team: str | None = None, date_from: date | None = None,
                date_to: date | None = None) -> list[ConversationResult]:
        all_results = [r for _, r, _ in self._snapshot()]
        if agent_id is not None:
            return select(all_results, scope="agent", id=agent_id, date_from=date_from, date_to=date_to)
        if team is not None:
            return select(all_results, scope="team", id=team, date_from=date_from, date_to=date_to)
        return select(all_results, scope="period", date_from=date_from, date_to=date_to)

    def knows(self, *, agent_id: str | None = None, team: str | None = None) -> bool:
        return bool(self.results(agent_id=agent_id, team=team))

    def tallies(self, *, team: str | None = None, date_from: date | None = None,
                date_to: date | None = None) -> dict[str | None, Tally]:
        from servio.evaluate.tally import tallies

        return tallies(self.results(team=team, date_from=date_from, date_to=date_to), lambda r: r.agent_id,
                       ids=False)

    def zero_scores(self, *, agent_id: str | None = None, team: str | None = None,
                    date_from: date | None = None, date_to: date | None = None) -> dict[int, ZeroScores]:
        from servio.evaluate.tally import zero_scores_of

        results = self.results(agent_id=agent_id, team=team, date_from=date_from, date_to=date_to)
        return zero_scores_of(results)

    def agents(self, team: str | None = None) -> list[Agent]:
        seen: dict[str, list[ConversationResult]] = {}
        for _, r, _ in self._snapshot():
            if r.agent_id and (team is None or r.team == team):
                seen.setdefault(r.agent_id, []).append(r)
        return [Agent(id=a, team=next((r.team for r in rs if r.team), None), conversations=len(rs))
                for a, rs in sorted(seen.items())]

    def teams(self) -> list[Team]:
        counts: dict[str, int] = {}
        for _, r, _ in self._snapshot():
            if r.team:
                counts[r.team] = counts.get(r.team, 0) + 1
        return [Team(id=t, conversations=n) for t, n in sorted(counts.items())]

    def correct(self, conversation_id: str, turn: int, stages: Sequence[int], user: User) -> Correction:
        from servio.store.corrections import check_stages, rescored, reviewer_tags
        from servio.store.types import StoreError

        with self._lock:
            conv, result, done = self.get(conversation_id)
            if not 0 <= turn < len(result.turns):
                raise StoreError(f"turn {turn} is out of range (0..{len(result.turns) - 1})")
            after = check_stages(stages)
            turns = list(result.turns)
            before = tuple(sorted(turns[turn].stages))
            turns[turn] = reviewer_tags(turn, after, user.name)
            new = rescored(conv, turns, self.tagger)
            new = replace(new, agent_id=result.agent_id, team=result.team, started_at=result.started_at)
            self.items[conversation_id] = (conv, new, done | {turn})
            return Correction(id=len(done) + 1, conversation_id=conversation_id, turn_index=turn,
                              user_id=user.id or None, user_name=user.name, before=before, after=after,
                              overall_before=result.overall, overall_after=new.overall,
                              created_at=datetime.now(UTC))

    def delete(self, conversation_id: str) -> bool:
        with self._lock:
            return self.items.pop(conversation_id, None) is not None

    def start_import(self, paths: Sequence[Path], *, format: str | None, user: User,
                     options: ReaderOptions | None = None) -> ImportJob:
        from servio.web.memory_import import run_import

        return run_import(self, paths, format=format, user=user, options=options)

    def wait_import(self, job_id: int) -> None:
        run = self.runs.get(job_id)
        if run is not None:
            run.join()
            self.runs.pop(job_id, None)

    def job(self, job_id: int) -> ImportJob:
        try:
            return self.jobs[job_id]
        except KeyError:
            raise NotFound(f"no import job {job_id}") from None

    def recent_jobs(self, limit: int) -> list[ImportJob]:
        return [self.jobs[i] for i in sorted(list(self.jobs), reverse=True)[:limit]]

    def delete_job(self, job_id: int) -> bool:
        job = self.jobs.get(job_id)
        if job is None:
            return False
        if job.status not in ("done", "failed"):  # its import thread still replaces it
            raise JobBusy(f"import job {job_id} is {job.status}: it can be deleted once it has finished")
        return self.jobs.pop(job_id, None) is not None
