"""Dashboard sessions: what the dashboard's cookie holds, instead of the user's API token.

A session token reads ``servio_session_<key id>.<secret>`` and is stored as an
API token is (:mod:`servio.store.people`): the key id finds the row, the secret
is checked against ``HMAC-SHA256(salt + pepper, secret)``; only the key id,
salt and hash are kept. A session belongs to one user and works until its
``expires_at``, or until its row is deleted: signing out, revoking the user's
tokens or deactivating the user ends it. Sessions and API tokens live in
separate tables and read differently, so neither is ever taken for the other.
"""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from servio.store.people import hash_secret, new_secret, split_token, user_of
from servio.store.schema import DashboardSessionRow, UserRow
from servio.store.types import NotFound, StoreError, User

SESSION_PREFIX = "servio_session_"


def add(session: Session, user_id: int, pepper: bytes, lifetime: timedelta, now: datetime) -> str:
    """A new session for an active user, ending ``lifetime`` after ``now``; returns the plaintext.

    Expired sessions (everyone's) are removed first: signing in is rare enough to pay for that, and
    the table keeps only sessions that could still be used.
    """
    if lifetime <= timedelta(0):
        raise StoreError(f"a session must last some time, not {lifetime}")
    user = session.get(UserRow, user_id)
    if user is None:
        raise NotFound(f"no user with id {user_id}")
    if not user.active:
        raise StoreError(f"{user.name!r} is inactive and cannot sign in")
    remove_expired(session, now)
    key_id, secret, salt, digest = new_secret(pepper)
    session.add(DashboardSessionRow(user_id=user_id, key_id=key_id, salt=salt, secret_hash=digest,
                                    created_at=now, expires_at=now + lifetime))
    session.flush()
    return f"{SESSION_PREFIX}{key_id}.{secret}"


def _row(session: Session, token: str, pepper: bytes) -> DashboardSessionRow | None:
    """The row of a well-formed session token whose secret matches, else None."""
    parts = split_token(token, SESSION_PREFIX)
    if parts is None:
        return None
    key_id, secret = parts
    row = session.scalar(select(DashboardSessionRow).where(DashboardSessionRow.key_id == key_id))
    if row is None or not hmac.compare_digest(row.secret_hash, hash_secret(secret, row.salt, pepper)):
        return None
    return row


def find(session: Session, token: str, pepper: bytes, now: datetime) -> User | None:
    """The active user of a session that has not expired or ended, else None."""
    row = _row(session, token, pepper)
    if row is None or row.expires_at <= now:
        return None
    user = session.get(UserRow, row.user_id)
    return user_of(user) if user is not None and user.active else None


def end(session: Session, token: str, pepper: bytes) -> bool:
    """End one session (only its holder can: the secret must match); False if there was none."""
    row = _row(session, token, pepper)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def end_all(session: Session, user_id: int) -> int:
    """End every session of a user; returns how many there were (expired ones included)."""
    result = session.execute(delete(DashboardSessionRow).where(DashboardSessionRow.user_id == user_id)
                             .execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)


def remove_expired(session: Session, now: datetime) -> int:
    """Delete every session that expired by ``now``; returns how many."""
    result = session.execute(delete(DashboardSessionRow).where(DashboardSessionRow.expires_at <= now)
                             .execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)
