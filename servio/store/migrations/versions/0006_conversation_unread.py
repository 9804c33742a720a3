"""A conversation that lost records on reading is marked: ``conversations.unread_count`` and
``conversations.unread``, how many of its turns, rows, cues or messages a reader skipped and where each
stood (``file:line``; null: none).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29

Before it, a conversation whose agent row was skipped on import (an unquoted delimiter, an unknown
speaker) was stored and scored as if complete, and nothing showed it (audit M1). Conversations stored
before the column count as complete (0, null): what their import skipped was not recorded; importing
the same files again marks them, since the content hash of an incomplete conversation includes where
it is incomplete. Going back drops both columns.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("unread_count", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("unread", sa.JSON(none_as_null=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("unread")
        batch.drop_column("unread_count")
