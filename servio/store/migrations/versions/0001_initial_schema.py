"""Initial schema: conversations, turns, tags, scores, failures, feedback, people, corrections, imports.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = 255


def _time(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _conversation_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["conversation_id"], ["conversations.id"],
                                   name=op.f(f"fk_{table}_conversation_id_conversations"), ondelete="CASCADE")


def _people() -> None:
    op.create_table(
        "agents",
        sa.Column("id", sa.String(ID), nullable=False),
        sa.Column("team", sa.String(ID), nullable=True),
        _time("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agents")),
    )
    op.create_table(
        "teams",
        sa.Column("id", sa.String(ID), nullable=False),
        _time("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(ID), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("agent_id", sa.String(ID), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        _time("created_at"),
        sa.CheckConstraint("role IN ('admin', 'reviewer', 'agent')", name=op.f("ck_users_role")),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"], name=op.f("fk_users_agent_id_agents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("name", name=op.f("uq_users_name")),
    )
    op.create_index(op.f("ix_users_agent_id"), "users", ["agent_id"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("salt", sa.String(64), nullable=False),
        sa.Column("secret_hash", sa.String(128), nullable=False),
        _time("created_at"),
        _time("revoked_at", nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("key_id", name=op.f("uq_api_tokens_key_id")),
    )
    op.create_index(op.f("ix_api_tokens_user_id"), "api_tokens", ["user_id"])


def _conversations() -> None:
    op.create_table(
        "conversations",
        sa.Column("id", sa.String(ID), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("agent_id", sa.String(ID), nullable=True),
        sa.Column("team", sa.String(ID), nullable=True),
        sa.Column("contact_type", sa.String(32), nullable=False),
        sa.Column("declared_contact_type", sa.String(32), nullable=True),
        _time("started_at", nullable=True),
        sa.Column("started_offset", sa.Integer(), nullable=True),
        sa.Column("metadata", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("tagger", sa.String(64), nullable=False),
        sa.Column("overall", sa.Float(), nullable=False),
        sa.Column("turn_count", sa.Integer(), nullable=False),
        _time("imported_at"),
        _time("updated_at"),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"], name=op.f("fk_conversations_agent_id_agents")),
        sa.ForeignKeyConstraint(["team"], ["teams.id"], name=op.f("fk_conversations_team_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversations")),
    )
    for column in ("agent_id", "contact_type", "overall", "started_at", "team", "updated_at"):
        op.create_index(op.f(f"ix_conversations_{column}"), "conversations", [column])
    op.create_table(
        "turns",
        sa.Column("conversation_id", sa.String(ID), nullable=False),
        sa.Column("index", sa.Integer(), nullable=False),
        sa.Column("speaker", sa.String(16), nullable=False),
        sa.Column("author", sa.String(ID), nullable=True),
        _time("timestamp", nullable=True),
        sa.Column("timestamp_offset", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("gold_stages", sa.JSON(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        _conversation_fk("turns"),
        sa.PrimaryKeyConstraint("conversation_id", "index", name=op.f("pk_turns")),
    )


def _results() -> None:
    op.create_table(
        "stage_tags",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_id", sa.String(ID), nullable=False),
        sa.Column("turn_index", sa.Integer(), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        _conversation_fk("stage_tags"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stage_tags")),
    )
    op.create_index("ix_stage_tags_conversation_turn", "stage_tags", ["conversation_id", "turn_index"])
    op.create_table(
        "stage_scores",
        sa.Column("conversation_id", sa.String(ID), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("turns", sa.JSON(), nullable=False),
        sa.Column("checks", sa.JSON(), nullable=False),
        _conversation_fk("stage_scores"),
        sa.PrimaryKeyConstraint("conversation_id", "stage", name=op.f("pk_stage_scores")),
    )
    op.create_index("ix_stage_scores_stage_present", "stage_scores", ["stage", "present"])
    op.create_table(
        "failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_id", sa.String(ID), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("pattern", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("turn", sa.Integer(), nullable=True),
        _conversation_fk("failures"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_failures")),
    )
    op.create_index(op.f("ix_failures_conversation_id"), "failures", ["conversation_id"])
    op.create_index(op.f("ix_failures_pattern"), "failures", ["pattern"])
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_id", sa.String(ID), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("turn", sa.Integer(), nullable=True),
        _conversation_fk("feedback"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
    )
    op.create_index(op.f("ix_feedback_conversation_id"), "feedback", ["conversation_id"])


def _corrections_and_jobs() -> None:
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_id", sa.String(ID), nullable=False),
        sa.Column("turn_index", sa.Integer(), nullable=False),
        sa.Column("turn_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("user_name", sa.String(ID), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("overall_before", sa.Float(), nullable=False),
        sa.Column("overall_after", sa.Float(), nullable=False),
        _time("created_at"),
        _conversation_fk("corrections"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_corrections_user_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_corrections")),
    )
    op.create_index("ix_corrections_conversation_turn", "corrections", ["conversation_id", "turn_index"])
    op.create_index(op.f("ix_corrections_created_at"), "corrections", ["created_at"])
    op.create_index(op.f("ix_corrections_user_id"), "corrections", ["user_id"])
    counts = [sa.Column(name, sa.Integer(), nullable=False)
              for name in ("read", "skipped", "new", "updated", "unchanged")]
    op.create_table(
        "import_jobs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("paths", sa.JSON(), nullable=False),
        sa.Column("format", sa.String(32), nullable=True),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        *counts,
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("problem_count", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        _time("created_at"),
        _time("started_at", nullable=True),
        _time("finished_at", nullable=True),
        _time("updated_at"),
        sa.CheckConstraint("status IN ('pending', 'running', 'done', 'failed')",
                           name=op.f("ck_import_jobs_status")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_import_jobs_created_by_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_jobs")),
    )
    op.create_index(op.f("ix_import_jobs_status"), "import_jobs", ["status"])


def upgrade() -> None:
    _people()
    _conversations()
    _results()
    _corrections_and_jobs()


def downgrade() -> None:
    for table in ("import_jobs", "corrections", "feedback", "failures", "stage_scores", "stage_tags",
                  "turns", "conversations", "api_tokens", "users", "teams", "agents"):
        op.drop_table(table)
