"""What the store hands out: plain frozen dataclasses, no SQLAlchemy.

The service (pydantic at the edge) and the CLI build their answers from these;
conversations and results themselves travel as :mod:`servio.model` and
:mod:`servio.results` objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any, Generic, TypeVar

from servio.stages import ALL_STAGES

#: The roles a user can have, most powerful first.
ROLES: tuple[str, ...] = ("admin", "reviewer", "team_lead", "agent")
#: Import job states: a job is ``pending`` until it starts, ``running`` while it
#: commits batches, then ``done`` or ``failed``. A job whose process was killed
#: stays ``running``; its counts are what had been committed.
JOB_STATES: tuple[str, ...] = ("pending", "running", "done", "failed")
#: Sort keys of :class:`ConversationFilter` (prefix ``-`` for descending).
SORT_KEYS: tuple[str, ...] = ("id", "started_at", "overall", "updated_at", "imported_at")
MAX_PAGE = 1000
#: The largest page offset (the API's too); larger ones do not fit an SQL integer.
MAX_OFFSET = 10_000_000

T = TypeVar("T")


class StoreError(Exception):
    """A request the store cannot carry out (bad arguments, unknown ids, a schema that is not migrated)."""


class BadFilter(StoreError):
    """A filter value (or two together) the store refuses; ``field`` names the one to change."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class NotFound(StoreError):
    """The conversation, user or job named does not exist."""


class LastAdmin(StoreError):
    """The change would leave no active admin, so nobody could manage users any more."""


class JobBusy(StoreError):
    """The import job is still pending or running: deleting it would pull its row from under its import."""


def _utc(value: date | datetime | None, *, end: bool = False) -> datetime | None:
    """A filter bound as an aware UTC datetime; a date covers its whole day, naive means UTC."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        moment = datetime.combine(value, time.min, tzinfo=UTC)
        # the day's last moment, built from the day itself: "the next midnight minus 1 µs" overflows on
        # 9999-12-31, which any user could send as date_to (a 500 on every filtered page)
        return datetime.combine(value, time.max, tzinfo=UTC) if end else moment
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _day(value: date | datetime | None) -> date | None:
    """``value`` if it is a day (a ``date`` and no ``datetime``), else None."""
    return value if isinstance(value, date) and not isinstance(value, datetime) else None


def as_utc(value: date | datetime) -> datetime:
    """``value`` as an aware UTC datetime: a date is its midnight, a naive datetime is UTC."""
    moment = _utc(value)
    if moment is None:  # pragma: no cover - only None gives None
        raise TypeError("a date or datetime is needed")
    return moment


@dataclass(frozen=True, slots=True)
class ConversationFilter:
    """Which conversations to list; every field is optional and they combine with AND.

    ``date_from``/``date_to`` are inclusive. A ``date`` is a calendar day, and a
    conversation is on the day it started on in its own time zone (its
    ``started_day``, :func:`servio.model.local_day`), whatever that day is in UTC;
    a ``datetime`` bounds the moment ``started_at`` (naive means UTC).
    Conversations without a start time match no bound. ``missing_stage`` keeps
    conversations where the agent never carries that stage although it
    applies to the contact type; ``failure`` keeps those showing a failure
    pattern id; ``score_min``/``score_max`` bound the overall score 0..100.
    ``incomplete`` True keeps the conversations some records of which could not be
    read on import (``Conversation.unread``), False those read completely.
    ``updated_from`` keeps those stored, re-analysed or corrected at or after that moment
    (``updated_at``; a day is its first moment in UTC, naive means UTC): what changed since a sync.
    ``sort`` is one of :data:`SORT_KEYS`, ``-`` prefixed for descending.
    """

    agent_id: str | None = None
    team: str | None = None
    date_from: date | datetime | None = None
    date_to: date | datetime | None = None
    contact_type: str | None = None
    missing_stage: int | None = None
    failure: str | None = None
    score_min: float | None = None
    score_max: float | None = None
    language: str | None = None
    channel: str | None = None
    incomplete: bool | None = None
    updated_from: date | datetime | None = None
    limit: int = 50
    offset: int = 0
    sort: str = "-started_at"

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_PAGE:
            raise BadFilter("limit", f"limit must be between 1 and {MAX_PAGE}, not {self.limit}")
        if not 0 <= self.offset <= MAX_OFFSET:
            raise BadFilter("offset", f"offset must be between 0 and {MAX_OFFSET}, not {self.offset}")
        if self.missing_stage is not None and self.missing_stage not in {int(s) for s in ALL_STAGES}:
            raise BadFilter("missing_stage", f"missing_stage must be a stage 1..7, not {self.missing_stage}")
        if self.sort.removeprefix("-") not in SORT_KEYS:
            raise BadFilter("sort", f"sort must be one of {', '.join(SORT_KEYS)} (with - for descending)")
        start, end = _utc(self.date_from), _utc(self.date_to, end=True)
        if start is not None and end is not None and start > end:
            raise BadFilter("date_to", "date_from is after date_to")
        if self.score_min is not None and self.score_max is not None and self.score_min > self.score_max:
            raise BadFilter("score_max", "score_min is above score_max")

    @property
    def updated_since(self) -> datetime | None:
        """``updated_from`` as an aware UTC datetime (a day: its first moment in UTC)."""
        return _utc(self.updated_from)

    @property
    def first_day(self) -> date | None:
        """``date_from`` when it is a day (a ``date``): the first local day a conversation may start on."""
        return _day(self.date_from)

    @property
    def last_day(self) -> date | None:
        """``date_to`` when it is a day (a ``date``): the last local day a conversation may start on."""
        return _day(self.date_to)

    @property
    def start(self) -> datetime | None:
        """``date_from`` when it is a moment (a ``datetime``), as an aware UTC datetime."""
        return None if self.first_day is not None else _utc(self.date_from)

    @property
    def end(self) -> datetime | None:
        """``date_to`` when it is a moment (a ``datetime``), as an aware UTC datetime."""
        return None if self.last_day is not None else _utc(self.date_to, end=True)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a listing and the number of items matching in all."""

    items: tuple[T, ...]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True, slots=True)
class ConversationSummary:
    """One row of a conversation listing."""

    id: str
    language: str
    channel: str
    agent_id: str | None
    team: str | None
    contact_type: str
    started_at: datetime | None
    overall: float
    turns: int
    missing_stages: tuple[int, ...]
    failures: tuple[str, ...]
    corrected: bool
    imported_at: datetime
    updated_at: datetime
    #: the day it started on in its own time zone (:func:`servio.model.local_day`), which day filters take
    started_day: date | None = None
    #: how many records of it could not be read on import (0: it is complete; see ``Conversation.unread``)
    unread: int = 0

    @property
    def incomplete(self) -> bool:
        """True when records of it could not be read on import: its scores may be wrong."""
        return self.unread > 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (datetimes as ISO strings)."""
        return {
            "id": self.id, "language": self.language, "channel": self.channel,
            "agent_id": self.agent_id, "team": self.team, "contact_type": self.contact_type,
            "started_at": _iso(self.started_at),
            "started_day": self.started_day.isoformat() if self.started_day is not None else None,
            "overall": round(self.overall, 1), "turns": self.turns,
            "missing_stages": list(self.missing_stages), "failures": list(self.failures),
            "corrected": self.corrected, "imported_at": _iso(self.imported_at),
            "updated_at": _iso(self.updated_at), "unread": self.unread,
        }


@dataclass(frozen=True, slots=True)
class Agent:
    """An agent seen in the data (or linked to a user), with their latest team."""

    id: str
    team: str | None
    conversations: int


@dataclass(frozen=True, slots=True)
class Team:
    """A team seen in the data."""

    id: str
    conversations: int


@dataclass(frozen=True, slots=True)
class User:
    """A person who uses the service.

    ``agent_id`` links an agent user to their conversations; ``team`` is the
    team a ``team_lead`` user leads (the conversations whose team it is).
    """

    id: int
    name: str
    role: str
    agent_id: str | None
    active: bool
    created_at: datetime
    team: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (never holds a token)."""
        return {"id": self.id, "name": self.name, "role": self.role, "agent_id": self.agent_id,
                "team": self.team, "active": self.active, "created_at": _iso(self.created_at)}


@dataclass(frozen=True, slots=True)
class Correction:
    """A reviewer's change of one turn's stages: who, when, before and after."""

    id: int
    conversation_id: str
    turn_index: int
    user_id: int | None
    user_name: str
    before: tuple[int, ...]
    after: tuple[int, ...]
    overall_before: float
    overall_after: float
    created_at: datetime

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"id": self.id, "conversation_id": self.conversation_id, "turn_index": self.turn_index,
                "user_id": self.user_id, "user_name": self.user_name, "before": list(self.before),
                "after": list(self.after), "overall_before": round(self.overall_before, 1),
                "overall_after": round(self.overall_after, 1), "created_at": _iso(self.created_at)}


@dataclass(frozen=True, slots=True)
class ImportJob:
    """An import run and its progress; counts are what has been committed so far.

    ``read`` counts conversations in committed batches; ``new + updated +
    unchanged`` of them were stored, the rest failed analysis (each with a
    problem). ``skipped`` counts bad input records. ``problems`` holds the
    first :data:`~servio.store.jobs.MAX_PROBLEMS` problems as dicts
    (``path``, ``line``, ``offset``, ``message``); ``problem_count`` all of them.
    ``redacted`` counts the personal data replaced in the committed batches, by kind
    (``{"phone": 2}``; None for a job from before servio kept these counts).
    """

    id: int
    status: str
    paths: tuple[str, ...]
    format: str | None
    created_by: int | None
    read: int
    skipped: int
    new: int
    updated: int
    unchanged: int
    problems: tuple[Mapping[str, Any], ...]
    problem_count: int
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    updated_at: datetime
    options: Mapping[str, Any] = field(default_factory=dict)
    redacted: Mapping[str, int] | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id, "status": self.status, "paths": list(self.paths), "format": self.format,
            "created_by": self.created_by, "read": self.read, "skipped": self.skipped, "new": self.new,
            "updated": self.updated, "unchanged": self.unchanged,
            "problems": [dict(p) for p in self.problems], "problem_count": self.problem_count,
            "error": self.error, "created_at": _iso(self.created_at), "started_at": _iso(self.started_at),
            "finished_at": _iso(self.finished_at), "updated_at": _iso(self.updated_at),
            "options": dict(self.options),
            "redacted": None if self.redacted is None else dict(self.redacted),
        }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
