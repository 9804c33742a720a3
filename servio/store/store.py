"""``Store``: the one object the CLI and the service use to keep and query servio's results."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, and_, delete, func, or_, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from servio.analyze.registry import DEFAULT_TAGGER
from servio.model import Conversation
from servio.results import AgentProfile, ConversationResult
from servio.store import dashboard_sessions, jobs, people, queries, tallies
from servio.store import engine as engines
from servio.store.convert import content_hash, storable, storable_result
from servio.store.corrections import apply_correction, check_stages, correction_of, export_record
from servio.store.export import pair_up
from servio.store.saving import write_batch
from servio.store.schema import ConversationRow, CorrectionRow, ImportJobRow, UserRow, utcnow
from servio.store.types import (
    ConversationFilter,
    ConversationSummary,
    Correction,
    ImportJob,
    LastAdmin,
    NotFound,
    Page,
    StoreError,
    User,
    as_utc,
)
from servio.store.writer import chunks, known_versions

if TYPE_CHECKING:
    from servio.evaluate.scorecard import Scorecard
    from servio.evaluate.tally import Tally, ZeroScores
    from servio.ingest import Problem

def _scores_as_default(card: Scorecard) -> bool:
    from servio.evaluate.scorecard import default_scorecard

    return card.digest == default_scorecard().digest


def _now(moment: datetime | None) -> datetime:
    """``moment`` in UTC (naive: UTC already), or now."""
    return utcnow() if moment is None else as_utc(moment)


Analyse = Callable[[Conversation], ConversationResult | None]
AnalyseMany = Callable[[Sequence[Conversation]], Sequence[ConversationResult | None]]
When = date | datetime | None
_RETRIES = 3
#: Conversations an export reads at a time.
EXPORT_PART = 500


class Store:
    """servio's database: ``Store("sqlite:///servio.db")`` or ``Store("postgresql://user@host/db")``.

    Nothing connects until first use. Call :meth:`migrate` once to create or
    upgrade the schema. ``pepper`` is an optional server secret mixed into
    token hashes (changing it invalidates every token). Methods are
    synchronous and thread-safe; each call is its own transaction.
    """

    def __init__(self, url: str, *, pepper: str | bytes | None = None, echo: bool = False,
                 scorecard: Scorecard | None = None) -> None:
        self._url = engines.normalise_url(url)
        self._scorecard = scorecard if scorecard is not None and not _scores_as_default(scorecard) else None
        self._pepper = pepper.encode("utf-8") if isinstance(pepper, str) else (pepper or b"")
        self._echo = echo
        self._engine: Engine | None = None
        self._writer: Engine | None = None

    # -- lifecycle -------------------------------------------------------

    @property
    def url(self) -> str:
        """The database URL with any password hidden."""
        return engines.shown_url(self._url)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return str(self._url.get_backend_name())

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine, made on first use."""
        if self._engine is None:
            self._engine = engines.make_engine(self._url, echo=self._echo)
        return self._engine

    def migrate(self, revision: str = "head") -> None:
        """Create or upgrade the schema with Alembic (``head`` by default)."""
        engines.migrate(self.engine, revision)

    def downgrade(self, revision: str = "base") -> None:
        """Undo migrations down to ``revision`` (``base`` removes every servio table and its data)."""
        engines.migrate(self.engine, revision, downgrade=True)

    def schema_revision(self) -> str | None:
        """The migration the database is at (None if never migrated)."""
        return engines.current_revision(self.engine)

    def is_current(self) -> bool:
        """True when the database is at the newest migration this servio ships."""
        return self.schema_revision() == engines.head_revision()

    def close(self) -> None:
        """Close every pooled connection (the store can be used again afterwards)."""
        if self._engine is not None:
            self._engine.dispose()
        self._engine = self._writer = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def _snapshot(self) -> Iterator[Session]:
        """A read whose statements all see the database as it was at the first (SQLite's read
        transaction does; PostgreSQL's default, READ COMMITTED, gives each statement its own)."""
        with self._read() as session:
            if self.dialect == "postgresql":
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            yield session

    @contextmanager
    def _write(self) -> Iterator[Session]:
        if self._writer is None:
            self._writer = self.engine.execution_options(**{engines.WRITE_OPTION: True})
        with Session(self._writer, expire_on_commit=False) as session, session.begin():
            yield session

    @property
    def scorecard(self) -> Scorecard | None:
        """The scorecard that imports and corrections score with; None: servio's default (also when the
        one given scores as the default does)."""
        return self._scorecard

    def analysis_key(self, tagger: str) -> str:
        """What a stored result is made with: the tagger, and the scorecard's digest when it is not the
        default one. A conversation stored under another key is analysed again when imported again."""
        return tagger if self._scorecard is None else f"{tagger}+{self._scorecard.digest}"

    # -- conversations -----------------------------------------------------

    def save_result(self, conv: Conversation, result: ConversationResult, *,
                    tagger: str = DEFAULT_TAGGER) -> str:
        """Insert or update one conversation and its result; returns ``new``, ``updated`` or ``unchanged``.

        Idempotent: the same content (same content hash) and tagger change nothing.
        """
        if result.conversation_id != conv.id:
            raise StoreError(f"result of {result.conversation_id!r} given for conversation {conv.id!r}")
        clean = storable_result(result)
        return self.save_results([conv], lambda _c: clean, tagger=tagger)[0]

    def needs_analysis(self, convs: Sequence[Conversation], *, tagger: str = DEFAULT_TAGGER) -> list[bool]:
        """Whether :meth:`save_results` would analyse each conversation now: new, or stored with other
        content or by another tagger or scorecard (an importer starts those analyses ahead)."""
        convs = [storable(c) for c in convs]
        return self._changed(convs, {c.id: content_hash(c) for c in convs}, self.analysis_key(tagger))

    def _changed(self, convs: Sequence[Conversation], digests: dict[str, str], key: str) -> list[bool]:
        """Per conversation: not stored yet, or stored with another content hash or analysis key."""
        with self._read() as session:
            known = known_versions(session, [c.id for c in convs])
        return [known.get(c.id) != (digests[c.id], key) for c in convs]

    def save_results(self, convs: Sequence[Conversation], analyse: Analyse, *, tagger: str = DEFAULT_TAGGER,
                     job_id: int | None = None, skipped: int | None = None,
                     problems: Sequence[Any] | Callable[[], Sequence[Any]] = (),
                     analyse_many: AnalyseMany | None = None,
                     redacted: Mapping[str, int] | None = None,
                     on_note: Callable[[Problem], None] | None = None) -> list[str]:
        """Store a batch in one transaction; returns each conversation's outcome in order.

        ``analyse`` is called only for conversations that are new or whose
        content hash, tagger or scorecard (:meth:`analysis_key`) changed; returning None marks it ``failed``
        (not stored). ``analyse_many``, when given, analyses those in one call
        instead (in worker processes, say), a result or None each, in order.
        With ``job_id`` the job's counts (and the reader's
        ``skipped`` total and ``problems``) advance in the same transaction;
        ``problems`` may be a callable, asked after the analysis so that the
        analysis' own problems are recorded with the batch; ``redacted`` (personal data
        the batch's redaction replaced, by kind) adds to the job's counts.

        A conversation whose id servio made from a file name (``Conversation.id_made``) never replaces a
        different conversation stored under that id: it is stored as ``<id>~2`` (or the next free one)
        and its outcome counts there. Each such case is a note (:mod:`servio.store.clashes`), kept with
        the job and given to ``on_note`` after the commit.
        """
        convs = [storable(c) for c in convs]
        ids = [c.id for c in convs]
        if len(set(ids)) != len(ids):
            raise StoreError("a batch holds the same conversation id twice")
        digests = {c.id: content_hash(c) for c in convs}
        key = self.analysis_key(tagger)
        todo = [c for c, changed in zip(convs, self._changed(convs, digests, key), strict=True) if changed]
        found = analyse_many(todo) if analyse_many is not None and todo else [analyse(c) for c in todo]
        results = dict(zip([c.id for c in todo], found, strict=True))
        step = jobs.Progress(skipped=skipped, problems=tuple(problems() if callable(problems) else problems),
                             redacted=redacted)
        for attempt in range(_RETRIES):
            try:
                with self._write() as session:
                    outcomes, notes = write_batch(session, convs, digests, results, analyse, key, step,
                                                  job_id, scorecard=self._scorecard)
                if on_note is not None:
                    for note in notes:
                        on_note(note)
                return outcomes
            except (IntegrityError, OperationalError):
                # Most likely a concurrent writer stored the same new ids first: look again and
                # update instead. A batch that is wrong in itself fails every attempt and raises.
                if attempt == _RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    def get_conversation(self, conversation_id: str) -> tuple[Conversation, ConversationResult] | None:
        """A stored conversation (redacted text) and its current result, or None."""
        with self._read() as session:
            loaded = queries.load(session, conversation_id)
        return (loaded.conversation, loaded.result) if loaded is not None else None

    def get_reviewed(self, conversation_id: str
                     ) -> tuple[Conversation, ConversationResult, frozenset[int]] | None:
        """A stored conversation, its current result and the turns whose correction still applies (a
        re-import that changed a corrected turn ends its correction), or None."""
        with self._read() as session:
            loaded = queries.load(session, conversation_id)
        return (loaded.conversation, loaded.result, loaded.reviewed) if loaded is not None else None

    def get_summary(self, conversation_id: str) -> ConversationSummary | None:
        """The listing row of one conversation (times of import and update, corrected or not), or None."""
        with self._read() as session:
            row = session.get(ConversationRow, conversation_id)
            return queries.summaries(session, [row])[0] if row is not None else None

    def list_conversations(self, filters: ConversationFilter | None = None) -> Page[ConversationSummary]:
        """One page of conversations matching ``filters`` and the total that match."""
        with self._read() as session:
            return queries.page(session, filters or ConversationFilter())

    def delete_conversation(self, conversation_id: str) -> bool:
        """Remove a conversation with everything stored about it; False if there was none."""
        return self.delete_conversations([conversation_id]) == 1

    def started_before(self, moment: date | datetime) -> list[str]:
        """Ids of the conversations that started before ``moment`` or, for one whose start is unknown, were
        imported before it: what a retention period removes.

        A date is a day: a conversation started before it when it started on an earlier day in its own
        time zone (its ``started_day``, as every filter by day takes it), and one without a start time when
        it was imported before the day's midnight in UTC. A datetime is a moment (naive: UTC).
        """
        row = ConversationRow
        cutoff = as_utc(moment)
        if isinstance(moment, datetime):
            condition = func.coalesce(row.started_at, row.imported_at) < cutoff
        else:
            undated = and_(row.started_at.is_(None), row.imported_at < cutoff)
            condition = or_(row.started_day < moment, undated)
        with self._read() as session:
            return list(session.scalars(select(row.id).where(condition).order_by(row.id)))

    def delete_conversations(self, ids: Sequence[str]) -> int:
        """Remove the conversations with these ids and everything stored about them, in one
        transaction; returns how many there were."""
        removed = 0
        with self._write() as session:
            for part in chunks(list(dict.fromkeys(ids))):
                result = session.execute(delete(ConversationRow).where(ConversationRow.id.in_(part)))
                removed += int(getattr(result, "rowcount", 0) or 0)
        if removed:  # SQLite's write-ahead log still holds the rows as they were written
            engines.empty_wal(self.engine)
        return removed

    def export_rows(self, filters: ConversationFilter | None = None) -> Iterator[dict[str, Any]]:
        """CSV rows (:data:`~servio.store.export.CSV_COLUMNS`) of every match; no limit or offset.

        Only the matches' ids are held for the whole export (in one snapshot of the database); their
        rows are read :data:`EXPORT_PART` at a time, as the rows are sent.
        """
        f = filters or ConversationFilter()
        with self._snapshot() as session:
            order = queries.ordered(queries.filtered(f), f.sort).with_only_columns(ConversationRow.id)
            ids = list(session.scalars(order))
            for start in range(0, len(ids), EXPORT_PART):
                part = queries.export_part(session, ids[start:start + EXPORT_PART])
                yield from pair_up(queries.summaries(session, part), queries.light_results(session, part))

    # -- profiles ------------------------------------------------------------

    def profile(self, by: str, id: str, date_from: When = None, date_to: When = None, *,
                language: str | None = None, team: str | None = None) -> AgentProfile | None:
        """The profile of one agent or team (``by``) over a period, or None without conversations.

        ``id`` ``"(unknown)"`` means conversations without an agent (team).
        ``team`` counts only that team's conversations (a team lead's view).
        """
        from servio.evaluate.profiles import UNKNOWN
        from servio.evaluate.tally import combined, majority_language_of, profile_of

        column = tallies.key_column(self._by(by))
        f = ConversationFilter(date_from=date_from, date_to=date_to, team=team)
        query = queries.filtered(f).where(column.is_(None) if id == UNKNOWN else column == id)
        with self._snapshot() as session:
            parts = tallies.tallies(session, query, by, ids=True)
        if not parts:
            return None
        t = combined(parts.values())
        return profile_of(t, kind=by, id=id, language=language or majority_language_of(t))

    def known(self, by: str, id: str, *, team: str | None = None) -> bool:
        """Whether any conversation of this agent or team (``by``) is stored, whatever its day: a profile or
        report of a period without one is then empty, not unknown. ``id`` and ``team`` as in
        :meth:`profile` (``team``: among that team's conversations only)."""
        from servio.evaluate.profiles import UNKNOWN

        column = tallies.key_column(self._by(by))
        query = queries.filtered(ConversationFilter(team=team)).where(
            column.is_(None) if id == UNKNOWN else column == id)
        with self._read() as session:
            return session.scalar(query.with_only_columns(ConversationRow.id).limit(1)) is not None

    def profiles(self, by: str = "agent", date_from: When = None, date_to: When = None, *,
                 language: str | None = None) -> list[AgentProfile]:
        """Profiles of every agent or team with conversations in the period (sorted, unknown last)."""
        from servio.evaluate.profiles import UNKNOWN
        from servio.evaluate.tally import combined, majority_language_of, profile_of

        groups: dict[str, list[Tally]] = {}
        for key, t in self.tallies(ConversationFilter(date_from=date_from, date_to=date_to), self._by(by),
                                   ids=True).items():
            groups.setdefault(key or UNKNOWN, []).append(t)  # an empty id is unknown too, as in profiles()
        found = {key: combined(parts) for key, parts in groups.items()}
        return [profile_of(found[k], kind=by, id=k, language=language or majority_language_of(found[k]))
                for k in sorted(found, key=lambda k: (k == UNKNOWN, k))]

    def tallies(self, filters: ConversationFilter | None = None, by: str = "agent", *,
                ids: bool = False) -> dict[str | None, Tally]:
        """Per agent or team (``by``; None: conversations without one) the counts and exact sums of the
        conversations matching ``filters`` that profiles and the team page are made of
        (:mod:`servio.evaluate.tally`), counted by the database; with ``ids``, the conversations' ids too.

        Three statements whatever the number of conversations, in one snapshot of the database.
        """
        with self._snapshot() as session:
            return tallies.tallies(session, queries.filtered(filters or ConversationFilter()), self._by(by),
                                   ids=ids)

    def zero_scores(self, filters: ConversationFilter | None = None) -> dict[int, ZeroScores]:
        """Per stage, how many of the conversations matching ``filters`` carried it where it applies yet
        scored 0, and how often each check failed in them: why a profile's "present in 100 %" has a mean
        of 0 (:func:`servio.store.tallies.zero_scores`; one statement)."""
        with self._snapshot() as session:
            return tallies.zero_scores(session, queries.filtered(filters or ConversationFilter()))

    @staticmethod
    def _by(by: str) -> str:
        if by not in tallies.BY:
            raise StoreError(f"profiles are by 'agent' or 'team', not {by!r}")
        return by

    def results(self, filters: ConversationFilter | None = None) -> list[ConversationResult]:
        """The results of every conversation matching ``filters`` (its paging fields are ignored), by id;
        without turns, feedback or the stage scores' turns and checks: what profiles and charts need."""
        return self._light_results(queries.filtered(filters or ConversationFilter()))

    def _light_results(self, query: Any) -> list[ConversationResult]:
        with self._read() as session:
            return list(queries.light_results(session, queries.light_rows(session, query)))

    def agents(self, team: str | None = None) -> list[people.Agent]:
        """Every known agent with their team and number of conversations.

        With ``team``: the agents with conversations of that team, counted over those only.
        """
        with self._read() as session:
            return people.agents(session, team)

    def agent_team(self, agent_id: str) -> str | None:
        """An agent's latest team, or None (unknown agent, or no team seen)."""
        with self._read() as session:
            return people.agent_team(session, agent_id)

    def teams(self) -> list[people.Team]:
        """Every known team with its number of conversations."""
        with self._read() as session:
            return people.teams(session)

    # -- corrections ---------------------------------------------------------

    def correct_turn(self, conversation_id: str, turn_index: int, stages: Iterable[int],
                     user: User | str) -> ConversationResult:
        """Set a turn's stages as a reviewer, re-score the conversation and keep an audit record.

        Raises :class:`NotFound` for an unknown conversation and
        :class:`StoreError` for a bad turn index or stage. A user without a users row (id 0: the open
        dashboard's guest) or a plain name is kept by name, with no user id.
        """
        after = check_stages(stages)
        user_id, who = (user.id or None, user.name) if isinstance(user, User) else (None, str(user))
        with self._write() as session:
            return apply_correction(session, conversation_id, turn_index, after, user_id, who,
                                    scorecard=self._scorecard)

    def corrections(self, conversation_id: str | None = None, *, limit: int = 100,
                    offset: int = 0, team: str | None = None) -> list[Correction]:
        """Audit records of corrections, newest first (of one conversation, or all; of one team's
        conversations with ``team``)."""
        query = select(CorrectionRow).order_by(CorrectionRow.created_at.desc(), CorrectionRow.id.desc())
        if conversation_id is not None:
            query = query.where(CorrectionRow.conversation_id == conversation_id)
        if team is not None:
            query = query.where(CorrectionRow.conversation_id.in_(queries.team_ids(team)))
        with self._read() as session:
            return [correction_of(r) for r in session.scalars(query.limit(limit).offset(offset))]

    def corrections_export(self, *, everything: bool = False,
                           team: str | None = None) -> Iterator[dict[str, Any]]:
        """Corrected conversations (all with ``everything``) as ``../shared/data`` JSON Lines records.

        Turn ``stages`` are the reviewer's where corrected, else the tagger's. ``team``
        keeps that team's conversations only.
        """
        with self._read() as session:
            column = ConversationRow.id if everything else CorrectionRow.conversation_id
            query = select(column).distinct().order_by(column)
            if team is not None:
                query = query.where(column.in_(queries.team_ids(team)))
            for loaded in queries.load_many(session, list(session.scalars(query))):
                if everything or loaded.reviewed:
                    yield export_record(loaded.conversation, loaded.result, loaded.reviewed)

    # -- users ----------------------------------------------------------------

    def create_user(self, name: str, role: str, agent_id: str | None = None, *,
                    team: str | None = None) -> tuple[User, str]:
        """A new user (a role of :data:`~servio.store.types.ROLES`) and their first API token, in plaintext.

        An ``agent`` needs ``agent_id``; a ``team_lead`` needs ``team`` (and only a team lead has one).
        The token is shown only here; the store keeps its salted hash.
        """
        with self._write() as session:
            row = people.add_user(session, name, role, agent_id, team)
            token = people.add_token(session, row.id, self._pepper)
            return people.user_of(row), token

    def user_by_token(self, token: str) -> User | None:
        """The active user a valid, unrevoked token belongs to, else None."""
        with self._read() as session:
            return people.find_by_token(session, token, self._pepper)

    def issue_token(self, user_id: int) -> str:
        """Another API token for a user (plaintext, shown once)."""
        with self._write() as session:
            return people.add_token(session, user_id, self._pepper)

    def revoke_tokens(self, user_id: int) -> int:
        """Revoke all of a user's tokens and end their dashboard sessions; returns how many tokens were
        live."""
        with self._write() as session:
            dashboard_sessions.end_all(session, user_id)
            return people.revoke(session, user_id)

    # -- dashboard sessions ---------------------------------------------------

    def start_session(self, user_id: int, lifetime: timedelta = timedelta(hours=12), *,
                      now: datetime | None = None) -> str:
        """A new dashboard session of an active user (plaintext, for the cookie; the store keeps its
        salted hash) that ends after ``lifetime``; expired sessions are removed in the same transaction.
        Raises :class:`NotFound` for an unknown user, :class:`StoreError` for an inactive one."""
        with self._write() as session:
            return dashboard_sessions.add(session, user_id, self._pepper, lifetime, _now(now))

    def user_by_session(self, token: str, *, now: datetime | None = None) -> User | None:
        """The active user of a dashboard session that has neither expired nor ended, else None
        (an API token is not a session)."""
        with self._read() as session:
            return dashboard_sessions.find(session, token, self._pepper, _now(now))

    def end_session(self, token: str) -> bool:
        """End a dashboard session (signing out); False when there was none to end."""
        with self._write() as session:
            return dashboard_sessions.end(session, token, self._pepper)

    def get_user(self, user_id: int | None = None, *, name: str | None = None) -> User | None:
        """A user by id or by name, or None."""
        query = select(UserRow).where(UserRow.id == user_id if name is None else UserRow.name == name)
        with self._read() as session:
            row = session.scalar(query)
            return people.user_of(row) if row is not None else None

    def list_users(self) -> list[User]:
        """Every user, by id."""
        with self._read() as session:
            return [people.user_of(r) for r in session.scalars(select(UserRow).order_by(UserRow.id))]

    def set_user_active(self, user_id: int, active: bool) -> User:
        """Enable or disable a user (a disabled user's tokens stop working and their dashboard sessions
        end); disabling the last active admin raises :class:`LastAdmin` and changes nothing (checked in
        the same transaction, with the active admins' rows locked where the database can)."""
        with self._write() as session:
            row = session.get(UserRow, user_id)
            if row is None:
                raise NotFound(f"no user with id {user_id}")
            if not active and row.role == "admin" and row.active:
                others = select(UserRow.id).where(UserRow.role == "admin", UserRow.active.is_(True),
                                                  UserRow.id != user_id)
                if session.scalars(others.with_for_update()).first() is None:
                    raise LastAdmin(f"{row.name!r} is the last active admin: nobody could manage users any "
                                    "more; add or enable another admin first")
            row.active = bool(active)
            if not active:  # signing in again after being enabled takes an API token
                dashboard_sessions.end_all(session, user_id)
            return people.user_of(row)

    # -- import jobs ------------------------------------------------------------

    def create_import_job(self, paths: Iterable[str], *, format: str | None = None,
                          created_by: int | None = None, options: dict[str, Any] | None = None) -> ImportJob:
        """A new pending import job."""
        with self._write() as session:
            return jobs.job_of(jobs.create(session, paths, format=format, created_by=created_by,
                                           options=options))

    def get_import_job(self, job_id: int) -> ImportJob | None:
        """An import job and its committed counts, or None."""
        with self._read() as session:
            row = session.get(ImportJobRow, job_id)
            return jobs.job_of(row) if row is not None else None

    def list_import_jobs(self, *, status: str | None = None, limit: int = 50,
                         offset: int = 0) -> list[ImportJob]:
        """Import jobs, newest first."""
        with self._read() as session:
            return jobs.listing(session, status=status, limit=limit, offset=offset)

    def start_import_job(self, job_id: int) -> ImportJob:
        """Mark a job running (a killed job still ``running`` can be started again)."""
        with self._write() as session:
            return jobs.job_of(jobs.start(session, job_id))

    def finish_import_job(self, job_id: int, status: str = "done", *, error: str | None = None,
                          skipped: int | None = None, problems: Sequence[Any] = ()) -> ImportJob:
        """End a job as ``done`` or ``failed``, adding the reader's last counts and problems."""
        with self._write() as session:
            jobs.finish(session, job_id, status=status, error=error,
                        step=jobs.Progress(skipped=skipped, problems=tuple(problems)))
            return jobs.job_of(jobs.load(session, job_id))

    def fail_stale_import_jobs(self, older_than: timedelta = jobs.STALE_AFTER) -> int:
        """Mark jobs still pending or running with no progress for ``older_than`` as failed; how many.

        A job whose process was killed stays ``running``; the service can call
        this at start. Its committed counts stay; importing again finishes the work.
        """
        with self._write() as session:
            return jobs.fail_stale(session, older_than)

    def delete_import_job(self, job_id: int) -> bool:
        """Remove a job record, its problem list with it (the conversations it stored stay); False if there
        was none. :class:`JobBusy` for a job still pending or running (one with no progress for 15 minutes
        has stopped and may go): its import writes into the row."""
        with self._write() as session:
            removed = jobs.remove(session, job_id)
        if removed:  # SQLite's write-ahead log still holds the problems as they were written
            engines.empty_wal(self.engine)
        return removed

    def delete_import_jobs(self, ids: Sequence[int]) -> int:
        """Remove the jobs with these ids that have ended, in one transaction (one still pending or running
        stays); how many went."""
        removed = 0
        with self._write() as session:
            for part in chunks(list(dict.fromkeys(ids))):
                removed += jobs.remove_many(session, part)
        if removed:
            engines.empty_wal(self.engine)
        return removed

    def import_jobs_ended_before(self, moment: date | datetime) -> list[int]:
        """Ids of the jobs that finished (done or failed) before ``moment`` (a date: its midnight, naive:
        UTC): what a retention period removes with the conversations."""
        with self._read() as session:
            return jobs.ended_before(session, as_utc(moment))

    def import_jobs_quoting(self, text: str) -> list[int]:
        """Ids of the jobs whose file names, problems or error hold ``text``, in any case (a customer's
        name, for an erasure request)."""
        with self._read() as session:
            return jobs.quoting(session, text)
