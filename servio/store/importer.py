"""``import_paths``: files -> read -> redact -> analyze -> evaluate -> store, in committed batches.

Every batch is one transaction that also advances the import job's counts,
so what a job row says was stored is exactly what was committed. Killed
half-way (even with ``kill -9``), a run loses at most the batch in flight;
running it again stores the rest, and conversations already stored with the
same content are counted ``unchanged`` without being analysed again.
"""

from __future__ import annotations

import logging
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from servio.analyze.registry import DEFAULT_TAGGER
from servio.ingest.said import Said
from servio.model import Conversation
from servio.parallel import Started, Workers
from servio.redact import RedactionConfig, redact_conversation, redact_text
from servio.references import internal_error
from servio.results import ConversationResult
from servio.store.convert import unstorable_said

if TYPE_CHECKING:
    from servio.evaluate.scorecard import Scorecard
    from servio.ingest import Problem, ReaderOptions
    from servio.store.store import Store


_log = logging.getLogger("servio.store")

#: A job's error when its run was stopped (Ctrl-C, or the server stopping): its counts are what was stored.
INTERRUPTED = "interrupted: the counts are what was stored; import the same files again to finish"


class ImportStopped(Exception):
    """Raised between batches when ``import_paths``'s ``should_stop`` says so (the server is stopping):
    the batches before it stay stored and the job fails as interrupted."""


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did: conversations read and stored, records skipped, the problems, redactions.

    ``failed`` counts conversations the analysis could not handle (each
    also has a problem); ``redacted`` counts replaced values by kind; ``incomplete`` the
    conversations read that lost records on reading (``Conversation.unread``), stored and flagged.
    """

    job_id: int
    read: int
    skipped: int
    new: int
    updated: int
    unchanged: int
    failed: int = 0
    problems: tuple[Problem, ...] = ()
    redacted: dict[str, int] = field(default_factory=dict)
    incomplete: int = 0

    @property
    def stored(self) -> int:
        """Conversations now in the store from this run (new, updated or unchanged)."""
        return self.new + self.updated + self.unchanged

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"job_id": self.job_id, "read": self.read, "skipped": self.skipped, "new": self.new,
                "updated": self.updated, "unchanged": self.unchanged, "failed": self.failed,
                "problems": [str(p) for p in self.problems], "redacted": dict(self.redacted),
                "incomplete": self.incomplete}


def analyser(tagger: str = DEFAULT_TAGGER,
             scorecard: Scorecard | None = None) -> Callable[[Conversation], ConversationResult]:
    """The batch path's analysis of one conversation: :func:`analyze` then :func:`evaluate` (with
    ``scorecard``, else the default one)."""
    from servio.analyze import analyze
    from servio.evaluate import evaluate

    def run(conv: Conversation) -> ConversationResult:
        tagged = analyze(conv, tagger=tagger)
        return evaluate(tagged, contact_type=conv.contact_type, scorecard=scorecard)

    return run


def _batches(items: Iterable[Conversation], size: int) -> Iterator[list[Conversation]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


@dataclass(slots=True)
class _Run:
    """Counts and problems of one import while it runs."""

    job_id: int
    read: int = 0
    failed: int = 0
    incomplete: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    redacted: Counter[str] = field(default_factory=Counter)
    problems: list[Any] = field(default_factory=list)
    pending: list[Any] = field(default_factory=list)  # problems not yet written to the job row

    def problem(self, item: Any) -> None:
        self.problems.append(item)
        self.pending.append(item)

    def take_pending(self) -> list[Any]:
        out, self.pending = self.pending, []
        return out

    def report(self, skipped: int) -> ImportReport:
        return ImportReport(
            job_id=self.job_id, read=self.read, skipped=skipped, new=self.outcomes["new"],
            updated=self.outcomes["updated"], unchanged=self.outcomes["unchanged"], failed=self.failed,
            problems=tuple(self.problems), redacted=dict(self.redacted), incomplete=self.incomplete)


def import_paths(
    store: Store,
    paths: Sequence[str | Path] | str | Path,
    *,
    batch_size: int = 200,
    format: str | None = None,
    options: ReaderOptions | None = None,
    on_problem: Callable[[Problem], None] | None = None,
    on_note: Callable[[Problem], None] | None = None,
    on_progress: Callable[[ImportReport], None] | None = None,
    redact: RedactionConfig = RedactionConfig(),  # noqa: B008 - frozen, shared safely
    tagger: str = DEFAULT_TAGGER,
    job_id: int | None = None,
    created_by: int | None = None,
    strict: bool = False,
    workers: int = 1,
    should_stop: Callable[[], bool] | None = None,
) -> ImportReport:
    """Import conversations from files and folders in any format servio reads.

    PII is redacted (``redact``) before anything is stored. Bad records go to
    ``on_problem`` and the job; notes that drop no record (an empty file, a
    file skipped, a fallback encoding) go to ``on_note`` and to the job's
    problems as "note: ..."; ``on_progress`` hears the counts after each
    committed batch; ``strict`` stops at the first bad record instead (the
    batches before it stay stored). ``job_id`` continues a job made with
    :meth:`Store.create_import_job` (e.g. by the service); otherwise a job is
    created. ``workers`` > 1 analyses each batch in that many worker
    processes, the next batch while this one is stored (the same results;
    reading, redaction and storing stay here). ``should_stop`` is asked before
    each batch: when it says so, the import stops there as a Ctrl-C stops it
    (:class:`ImportStopped`; the job failed as interrupted, what was stored kept).
    Raises :class:`~servio.ingest.IngestError` for a missing path or
    unknown format, after marking the job failed.
    """
    from servio.ingest import Problem, read_conversations

    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    if workers < 1:
        raise ValueError("workers must be at least 1")
    redact.active()  # unknown kinds fail before the job starts
    names = [str(paths)] if isinstance(paths, str | Path) else [str(p) for p in paths]
    if job_id is None:
        job_id = store.create_import_job(names, format=format, created_by=created_by,
                                         options={"tagger": tagger, "batch_size": batch_size,
                                                  **scorecard_option(store)}).id
    store.start_import_job(job_id)
    run = _Run(job_id)

    from servio.ingest.remedies import fitted_problem, given_options, render

    # the job keeps a problem redacted (a message may quote a value as typed) and its remedy in the words of
    # the service, whose dashboard and API show the job: the import form's fields, not the command line's,
    # fitted to the options the import was given (the agents' domain given: why no sender matched it)
    given = given_options(options)

    def problem(item: Problem) -> None:
        fitted = fitted_problem(item, given)
        run.problem(_redacted_problem(replace(fitted, message=render(fitted.message, "service")), redact))
        if on_problem is not None:
            on_problem(item)

    def note(item: Problem) -> None:  # e.g. an empty file or a file skipped: kept with the job, not skipped
        item = fitted_problem(item, given)
        said = render(item.message, "service")
        noted = Said("note", {"detail": item.said or item.message})
        run.problem(_redacted_problem(replace(item, message=f"note: {said}", said=noted), redact))
        if on_note is not None:
            on_note(item)

    def stored_note(item: Problem) -> None:  # the store's, about ids; the batch's transaction gave it the job
        run.problems.append(item)
        if on_note is not None:
            on_note(item)

    analysis = _Guarded(tagger, store.scorecard, run, problem, Problem, workers)
    try:
        # an agent id spelt otherwise than stored ("Kati" from an e-mail, "kati" stored) takes the stored one
        known = [a.id for a in store.agents()] + [u.agent_id for u in store.list_users() if u.agent_id]
        stream = read_conversations(paths, format=format, strict=strict, options=options, on_problem=problem,
                                    on_note=note, known_agents=known)
        batches = _Batches(store, stream, analysis, job_id, on_progress, stored_note, should_stop)
        batches.run(batch_size, redact)
        skipped = stream.report.skipped
    except BaseException as exc:
        error = INTERRUPTED if isinstance(exc, KeyboardInterrupt | SystemExit | ImportStopped) else \
            _redacted_message(job_error(exc), redact)
        store.finish_import_job(job_id, "failed", error=error, problems=run.take_pending())
        _forget_replaced(store, run, quiet=True)
        raise
    finally:
        analysis.pool.close()
    store.finish_import_job(job_id, "done", skipped=skipped, problems=run.take_pending())
    _forget_replaced(store, run)
    return run.report(skipped)


def _forget_replaced(store: Store, run: _Run, *, quiet: bool = False) -> None:
    """SQLite: after an import that replaced stored text (``updated``: a corrected file, or data imported
    with redaction off imported again with it on), empty the write-ahead log as a deletion does; it held
    the text as first written, raw values included, until SQLite happened to overwrite those frames.
    ``quiet`` (the import failed already): a failure here does not hide that one."""
    if not run.outcomes["updated"]:
        return
    from servio.store.engine import empty_wal

    try:
        empty_wal(store.engine)
    except Exception:
        if not quiet:
            raise


def job_error(exc: BaseException) -> str:
    """What a failed job says of ``exc``: an input or setting error as it is (a file, a line, a reader's
    reason); anything else (a database error, a bug) only as a reference, its details to the log, so that
    no SQL, parameter or customer's words reach the Import page or the API."""
    from servio.analyze.base import TaggerError
    from servio.ingest import IngestError
    from servio.store.types import StoreError

    if isinstance(exc, IngestError | StoreError | TaggerError | OSError | ValueError):
        return f"{type(exc).__name__}: {exc}"
    return internal_error(_log, exc, "import failed: internal error %s")[1]


def _redacted_message(message: str, config: RedactionConfig) -> str:
    """``message`` with personal data replaced, as in stored texts (readers quote bad values as typed)."""
    return redact_text(message, config)[0] if config.enabled else message


def _redacted_problem(item: Any, config: RedactionConfig) -> Any:
    """``item`` with personal data replaced in its message and in each text its ``said`` puts in; a ``said``
    whose redacted English still holds something the redaction finds (a value split across two texts) is
    dropped, so that no language says more than the message."""
    said = getattr(item, "said", None)
    if said is not None and config.enabled:
        said = said.map_strings(lambda text: _redacted_message(text, config))
        english = said.text("en")
        if _redacted_message(english, config) != english:
            said = None
    return replace(item, message=_redacted_message(item.message, config), said=said)


def _redacted(conv: Conversation, config: RedactionConfig, replaced: Counter[str]) -> Conversation:
    clean, counts = redact_conversation(conv, config)
    replaced.update(counts)
    return clean


def scorecard_option(store: Store) -> dict[str, str]:
    """The import job's record of the scorecard it scores with, when it is not the default one."""
    card = store.scorecard
    return {} if card is None else {"scorecard": f"{card.name} ({card.digest})"}


def _analysed_or_error(tagger: str, scorecard: Scorecard | None,
                       conv: Conversation) -> ConversationResult | str:
    """The analysis of one conversation, or what went wrong (run in a worker process with ``workers``)."""
    try:
        return analyser(tagger, scorecard)(conv)
    except Exception as exc:  # one bad conversation must not stop the import
        return f"{type(exc).__name__}: {exc}"


class _Guarded:
    """The import's analysis: an error on one conversation becomes a problem (and None), not a crash;
    with ``workers`` > 1 the conversations of a batch are analysed in worker processes."""

    def __init__(self, tagger: str, scorecard: Scorecard | None, run: _Run, problem: Callable[[Any], None],
                 problem_type: type, workers: int) -> None:
        self.tagger, self.run, self.problem, self.problem_type = tagger, run, problem, problem_type
        self.scorecard = scorecard
        self.pool = Workers(workers)

    def one(self, conv: Conversation) -> ConversationResult | None:
        """The result of one conversation, analysed here."""
        found = _analysed_or_error(self.tagger, self.scorecard, conv) if self._storable(conv) else None
        return None if found is None else self.outcome(conv, found)

    def start(self, convs: Sequence[Conversation], needed: Sequence[bool]) -> _Started:
        """The analyses of the ``needed`` conversations of a batch, sent to the workers now."""
        sent = [conv for conv, need in zip(convs, needed, strict=True) if need and self._storable(conv)]
        refused = {conv.id for conv, need in zip(convs, needed, strict=True) if need} - {c.id for c in sent}
        work = partial(_analysed_or_error, self.tagger, self.scorecard)
        return _Started(self, sent, refused, self.pool.start(work, sent))

    def _storable(self, conv: Conversation) -> bool:
        reason = unstorable_said(conv)
        if reason is not None:
            self.run.failed += 1
            skipped = Said("skip.bare", {"reason": reason})
            self.problem(self.problem_type("(store)", None, None, str(skipped), skipped))
        return reason is None

    def outcome(self, conv: Conversation, found: ConversationResult | str) -> ConversationResult | None:
        """``found`` as a result, or None with the conversation's problem recorded when it is an error."""
        if not isinstance(found, str):
            return found
        self.run.failed += 1
        message = Said("store.not_analysed", {"id": repr(conv.id), "detail": found})
        self.problem(self.problem_type("(analysis)", None, None, str(message), message))
        return None


class _Started:
    """A batch's analyses under way in the workers; :meth:`many` hands them to the store."""

    def __init__(self, guard: _Guarded, sent: list[Conversation], refused: set[str],
                 started: Started[ConversationResult | str]) -> None:
        self.guard, self.sent, self.refused, self.started = guard, sent, refused, started

    def many(self, todo: Sequence[Conversation]) -> list[ConversationResult | None]:
        """The results of ``todo`` (what the store found to analyse), in order; one stored meanwhile in
        another version (a concurrent writer) is analysed here."""
        found = dict(zip([c.id for c in self.sent], self.started.results(), strict=True))
        out: list[ConversationResult | None] = []
        for conv in todo:
            if conv.id in found:
                out.append(self.guard.outcome(conv, found.pop(conv.id)))
            else:
                out.append(None if conv.id in self.refused else self.guard.one(conv))
        return out


@dataclass(frozen=True, slots=True)
class _Batch:
    read: int
    clean: list[Conversation]
    started: _Started | None
    redacted: Counter[str]  # what the batch's redaction replaced, by kind (the job adds it up)


class _Batches:
    """Redact and store a stream's batches; with workers, the workers analyse the next batch while this
    process stores the one before."""

    def __init__(self, store: Store, stream: Any, analysis: _Guarded, job_id: int,
                 on_progress: Callable[[ImportReport], None] | None,
                 on_note: Callable[[Problem], None], should_stop: Callable[[], bool] | None = None) -> None:
        self.store, self.stream, self.analysis, self.job_id = store, stream, analysis, job_id
        self.on_progress, self.on_note, self.should_stop = on_progress, on_note, should_stop

    def run(self, batch_size: int, redact: RedactionConfig) -> None:
        """Store every batch; a read error (``strict``) stores the batches read before it, then is raised."""
        ahead = 1 if self.analysis.pool.workers > 1 else 0
        pending: deque[_Batch] = deque()
        from servio.jobs import scorable

        # a conversation with no agent text would be stored with 0 on every stage: a problem at its line
        batches = _batches(scorable(self.stream, self.stream.reject), batch_size)
        while True:
            if self.should_stop is not None and self.should_stop():
                while pending:  # analysed already: stored, as the batches before them
                    self._save(pending.popleft())
                raise ImportStopped("stopped before the next batch")
            try:
                batch = next(batches, None)
            except Exception:
                while pending:
                    self._save(pending.popleft())
                raise
            if batch is None:
                break
            replaced: Counter[str] = Counter()
            clean = [_redacted(conv, redact, replaced) for conv in batch]
            self.analysis.run.redacted.update(replaced)
            started = None
            if ahead:
                needed = self.store.needs_analysis(clean, tagger=self.analysis.tagger)
                started = self.analysis.start(clean, needed)
            pending.append(_Batch(len(batch), clean, started, replaced))
            while len(pending) > ahead:
                self._save(pending.popleft())
        while pending:
            self._save(pending.popleft())

    def _save(self, batch: _Batch) -> None:
        run, skipped = self.analysis.run, self.stream.report.skipped
        outcomes = self.store.save_results(
            batch.clean, self.analysis.one, tagger=self.analysis.tagger, job_id=self.job_id, skipped=skipped,
            problems=run.take_pending, analyse_many=batch.started.many if batch.started else None,
            redacted=batch.redacted, on_note=self.on_note)
        run.read += batch.read
        run.incomplete += sum(1 for conv in batch.clean if conv.unread)
        run.outcomes.update(outcomes)
        if self.on_progress is not None:
            self.on_progress(run.report(skipped))
