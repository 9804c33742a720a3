"""The team_lead role: ``users.team`` (the team a team lead leads) and the role CHECK that allows it.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04

SQLite cannot change a CHECK constraint in place, so the ``users`` table is
rebuilt in Alembic's batch mode (copy to a new table, drop the old one,
rename). servio's SQLite connections enforce foreign keys and the migration
runs inside one transaction, where ``PRAGMA foreign_keys`` cannot be switched
off: dropping the old table would delete every API token (``ON DELETE
CASCADE``) and blank the user of every correction and import job (``SET
NULL``). The rows that point at users are therefore kept in temporary tables
for the rebuild and put back afterwards. PostgreSQL alters the table in place.
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
# (table, its column pointing at users.id): api_tokens rows are copied whole, the others' user ids
_REFERRING = (("corrections", "user_id"), ("import_jobs", "created_by"))


def upgrade() -> None:
    with _users_rebuilt():
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
    with _users_rebuilt():
        with op.batch_alter_table("users") as batch:
            batch.drop_constraint(op.f("ck_users_role"), type_="check")
            batch.create_check_constraint(op.f("ck_users_role"), OLD_ROLES)
            batch.drop_constraint(op.f("fk_users_team_teams"), type_="foreignkey")
            batch.drop_column("team")


class _users_rebuilt:
    """On SQLite, keep the rows referring to users across the rebuild of the users table."""

    def __enter__(self) -> None:
        self.sqlite = op.get_bind().dialect.name == "sqlite"
        if not self.sqlite:
            return
        op.execute("CREATE TEMP TABLE _servio_keep_api_tokens AS SELECT * FROM api_tokens")
        for table, column in _REFERRING:
            op.execute(f"CREATE TEMP TABLE _servio_keep_{table} AS SELECT id, {column} AS user_id "
                       f"FROM {table} WHERE {column} IS NOT NULL")

    def __exit__(self, kind: object, *_: object) -> None:
        if not self.sqlite or kind is not None:
            return
        op.execute("INSERT INTO api_tokens SELECT * FROM _servio_keep_api_tokens "
                   "WHERE id NOT IN (SELECT id FROM api_tokens)")
        for table, column in _REFERRING:
            keep = f"_servio_keep_{table}"
            op.execute(f"UPDATE {table} SET {column} = (SELECT k.user_id FROM {keep} k "
                       f"WHERE k.id = {table}.id) WHERE {column} IS NULL AND id IN (SELECT id FROM {keep})")
        for table in ("api_tokens", *(t for t, _ in _REFERRING)):
            op.execute(f"DROP TABLE _servio_keep_{table}")
