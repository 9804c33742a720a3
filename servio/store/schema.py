"""The storage schema: one set of SQLAlchemy 2 models for SQLite and PostgreSQL.

Alembic migrations in ``servio/store/migrations/versions`` create exactly
these tables; a test compares the migrated database with the models on both
backends. Times are stored in UTC (``UTCDateTime``); the source's UTC offset
of a conversation start or turn time is kept beside it so the original value
comes back unchanged, and a conversation's local calendar day (``started_day``) is kept for
filters by day. See ``docs/storage.md``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
ID = 255  # length of conversation, agent and team ids


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored in UTC (``timestamptz`` on PostgreSQL, naive UTC text on SQLite)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    """Now, aware, in UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Base of every servio table."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class AgentRow(Base):
    __tablename__ = "agents"
    id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    team: Mapped[str | None] = mapped_column(String(ID))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TeamRow(Base):
    __tablename__ = "teams"
    id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConversationRow(Base):
    __tablename__ = "conversations"
    id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    language: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(16))
    agent_id: Mapped[str | None] = mapped_column(ForeignKey("agents.id"), index=True)
    team: Mapped[str | None] = mapped_column(ForeignKey("teams.id"), index=True)
    contact_type: Mapped[str] = mapped_column(String(32), index=True)
    declared_contact_type: Mapped[str | None] = mapped_column(String(32))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    started_offset: Mapped[int | None] = mapped_column(Integer)  # minutes east of UTC; None: naive
    # the day it started on in its own time zone (servio.model.local_day): what every day filter bounds
    started_day: Mapped[date | None] = mapped_column(Date, index=True)
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)
    content_hash: Mapped[str] = mapped_column(String(64))
    tagger: Mapped[str] = mapped_column(String(64), default="")
    overall: Mapped[float] = mapped_column(Float, index=True)
    turn_count: Mapped[int] = mapped_column(Integer)
    # records of it a reader skipped (Conversation.unread): how many, and where (null: none, it is complete)
    unread_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    unread: Mapped[list[Any] | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


def _conversation_fk() -> Any:
    return ForeignKey("conversations.id", ondelete="CASCADE")


class TurnRow(Base):
    __tablename__ = "turns"
    conversation_id: Mapped[str] = mapped_column(_conversation_fk(), primary_key=True)
    idx: Mapped[int] = mapped_column("index", Integer, primary_key=True)
    speaker: Mapped[str] = mapped_column(String(16))
    author: Mapped[str | None] = mapped_column(String(ID))
    timestamp: Mapped[datetime | None] = mapped_column(UTCDateTime)
    timestamp_offset: Mapped[int | None] = mapped_column(Integer)
    language: Mapped[str | None] = mapped_column(String(8))
    gold_stages: Mapped[list[Any] | None] = mapped_column(JSON)
    text: Mapped[str] = mapped_column(Text)


class StageTagRow(Base):
    __tablename__ = "stage_tags"
    __table_args__ = (Index("ix_stage_tags_conversation_turn", "conversation_id", "turn_index"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(_conversation_fk())
    turn_index: Mapped[int] = mapped_column(Integer)
    stage: Mapped[int] = mapped_column(Integer)
    confidence: Mapped[float] = mapped_column(Float)
    evidence: Mapped[list[Any]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(16), default="tagger")  # tagger | reviewer


class StageScoreRow(Base):
    __tablename__ = "stage_scores"
    __table_args__ = (Index("ix_stage_scores_stage_present", "stage", "present"),)
    conversation_id: Mapped[str] = mapped_column(_conversation_fk(), primary_key=True)
    stage: Mapped[int] = mapped_column(Integer, primary_key=True)
    score: Mapped[float] = mapped_column(Float)
    present: Mapped[bool] = mapped_column(Boolean)
    weight: Mapped[float] = mapped_column(Float)
    turns: Mapped[list[Any]] = mapped_column(JSON, default=list)
    checks: Mapped[list[Any]] = mapped_column(JSON, default=list)


class FailureRow(Base):
    __tablename__ = "failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(_conversation_fk(), index=True)
    position: Mapped[int] = mapped_column(Integer)
    pattern: Mapped[str] = mapped_column(String(64), index=True)
    text: Mapped[str] = mapped_column(Text)
    turn: Mapped[int | None] = mapped_column(Integer)


class FeedbackRow(Base):
    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(_conversation_fk(), index=True)
    position: Mapped[int] = mapped_column(Integer)
    stage: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    turn: Mapped[int | None] = mapped_column(Integer)


class UserRow(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('admin', 'reviewer', 'team_lead', 'agent')", name="role"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(ID), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    agent_id: Mapped[str | None] = mapped_column(ForeignKey("agents.id"), index=True)
    team: Mapped[str | None] = mapped_column(ForeignKey("teams.id"))  # the team a team lead leads
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class _KeyedSecret:
    """The columns of a user's secret that is found by a public key id and checked against a salted
    HMAC-SHA256 of its secret part: an API token and a dashboard session."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_id: Mapped[str] = mapped_column(String(32), unique=True)
    salt: Mapped[str] = mapped_column(String(64))
    secret_hash: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TokenRow(_KeyedSecret, Base):
    """An API token: a public key id to find it, and a salted HMAC-SHA256 of its secret part."""

    __tablename__ = "api_tokens"
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DashboardSessionRow(_KeyedSecret, Base):
    """A dashboard sign-in: found and checked as an API token is (key id, salted HMAC of the secret),
    but never one; it ends at ``expires_at``, or sooner when its row is deleted (sign-out, revoking the
    user's tokens, deactivating the user)."""

    __tablename__ = "dashboard_sessions"
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class CorrectionRow(Base):
    __tablename__ = "corrections"
    __table_args__ = (Index("ix_corrections_conversation_turn", "conversation_id", "turn_index"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(_conversation_fk())
    turn_index: Mapped[int] = mapped_column(Integer)
    turn_hash: Mapped[str] = mapped_column(String(64))  # the corrected turn's speaker and text
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    user_name: Mapped[str] = mapped_column(String(ID))
    before: Mapped[list[Any]] = mapped_column(JSON)
    after: Mapped[list[Any]] = mapped_column(JSON)
    overall_before: Mapped[float] = mapped_column(Float)
    overall_after: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class ImportJobRow(Base):
    __tablename__ = "import_jobs"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'running', 'done', 'failed')", name="status"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    paths: Mapped[list[Any]] = mapped_column(JSON, default=list)
    format: Mapped[str | None] = mapped_column(String(32))
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    read: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    problems: Mapped[list[Any]] = mapped_column(JSON, default=list)
    problem_count: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    # personal data replaced so far, by kind (null: a job from before servio kept the counts)
    redacted: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
