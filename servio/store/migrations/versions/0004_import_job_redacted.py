"""Import jobs keep their redaction counts: ``import_jobs.redacted``, personal data replaced by kind.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29

Before it, only an import answered with ``wait=true`` said what was redacted;
a job polled after a 202 showed nothing. Jobs from before the column have
none (null: not known). Going back drops the column and the counts with it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("import_jobs") as batch:
        batch.add_column(sa.Column("redacted", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("import_jobs") as batch:
        batch.drop_column("redacted")
