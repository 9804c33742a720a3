"""The day a conversation happened: ``conversations.started_day``, the calendar day it started on in its own
time zone, indexed; every filter by day bounds it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29

Before it, filters by day bounded ``started_at`` in UTC, while reports counted each conversation on its
own day: 01:30 on 1 October in Tallinn (22:30 UTC on 30 September) was October's in a report and
September's on the team page. The column is filled here from ``started_at`` (UTC) plus ``started_offset``
(minutes east of UTC; a time given without one, stored as it was given, is its own date) in one UPDATE
per :data:`BATCH` conversations, by id, inside the database: nothing is loaded into Python but the ids
that bound a batch (``alembic upgrade --sql`` writes one UPDATE for all). A conversation without a start
time has none. Going back drops the column.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Conversations given their day by one UPDATE.
BATCH = 5_000

#: The day in SQL, per dialect: the UTC time moved by the offset, then its date. SQLite keeps times as
#: text (``2026-09-30 22:30:00.000000``); its date() rounds fractional seconds to milliseconds (23:59:59.9996
#: would be the next day), so the seconds' fraction is cut off first: it cannot change the day.
LOCAL_DAY = {
    "sqlite": "date(substr(started_at, 1, 19), COALESCE(started_offset, 0) || ' minutes')",
    "postgresql": "CAST((started_at AT TIME ZONE 'UTC') + make_interval(mins => COALESCE(started_offset, 0)) "
                  "AS DATE)",
}


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("started_day", sa.Date(), nullable=True))
    context = op.get_context()
    if context.as_sql:  # SQL written out for a DBA (alembic upgrade --sql): one statement, no ids to read
        op.execute(f"UPDATE conversations SET started_day = {LOCAL_DAY[context.dialect.name]} "
                   "WHERE started_at IS NOT NULL")
    else:
        backfill(op.get_bind())
    op.create_index(op.f("ix_conversations_started_day"), "conversations", ["started_day"])


def backfill(conn: sa.Connection, batch: int = BATCH) -> int:
    """Give every conversation with a start time its day, ``batch`` conversations (by id) an UPDATE;
    returns how many were given one."""
    table = sa.table("conversations", sa.column("id", sa.String()), sa.column("started_at"),
                     sa.column("started_day", sa.Date()))
    day = sa.literal_column(LOCAL_DAY[conn.dialect.name], sa.Date())
    dated = table.c.started_at.is_not(None)
    low: str | None = None
    done = 0
    while True:
        after = dated if low is None else sa.and_(dated, table.c.id > low)
        # the id closing this batch (the database's order of ids, not Python's); None: the last batch
        high = conn.execute(sa.select(table.c.id).where(after).order_by(table.c.id).limit(1)
                            .offset(batch - 1)).scalar()
        within = after if high is None else sa.and_(after, table.c.id <= high)
        done += conn.execute(sa.update(table).where(within).values(started_day=day)).rowcount or 0
        if high is None:
            return done
        low = high


def downgrade() -> None:
    op.drop_index(op.f("ix_conversations_started_day"), table_name="conversations")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("started_day")
