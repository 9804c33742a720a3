"""The team_lead role: ``users.team`` (the team a team lead leads) and the role CHECK that allows it.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04

SQLite cannot change a CHECK constraint in place, so the ``users`` table is
rebuilt in Alembic's batch mode (copy to a new table, drop the old one,
rename), with foreign keys off (:func:`servio.store.engine.migrate`), so the
rows that point at users stay as they are. PostgreSQL alters the table in place.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = 255
OLD_ROLES = "role IN ('admin', 'reviewer', 'agent')"
NEW_ROLES = "role IN ('admin', 'reviewer', 'team_lead', 'agent')"


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("team", sa.String(ID), nullable=True))
        batch.create_foreign_key(op.f("fk_users_team_teams"), "teams", ["team"], ["id"])
        batch.drop_constraint(op.f("ck_users_role"), type_="check")
        batch.create_check_constraint(op.f("ck_users_role"), NEW_ROLES)


def downgrade() -> None:
    leads = op.get_bind().execute(sa.text("SELECT count(*) FROM users WHERE role = 'team_lead'")).scalar()
    if leads:
        raise RuntimeError(f"{leads} user(s) have the team_lead role, which the older schema does not know; "
                           "remove them (or give them another role) before downgrading")
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(op.f("ck_users_role"), type_="check")
        batch.create_check_constraint(op.f("ck_users_role"), OLD_ROLES)
        batch.drop_constraint(op.f("fk_users_team_teams"), type_="foreignkey")
        batch.drop_column("team")

