"""Users and their API tokens; agents and teams.

A token reads ``servio_<key id>.<secret>``: the key id finds the token row,
the secret is checked against ``HMAC-SHA256(salt + pepper, secret)`` with a
random per-token salt. Only the key id, salt and hash are stored; the
plaintext token is returned once, when it is made.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from servio.store.schema import AgentRow, ConversationRow, TeamRow, TokenRow, UserRow, utcnow
from servio.store.types import ROLES, Agent, NotFound, StoreError, Team, User

TOKEN_PREFIX = "servio_"
_KEY_BYTES = 8
_SECRET_BYTES = 32
_SALT_BYTES = 16


def hash_secret(secret: str, salt: str, pepper: bytes = b"") -> str:
    """The stored hash of a token's secret part."""
    return hmac.new(bytes.fromhex(salt) + pepper, secret.encode("utf-8"), hashlib.sha256).hexdigest()


def split_token(token: str, prefix: str = TOKEN_PREFIX) -> tuple[str, str] | None:
    """``(key id, secret)`` of a well-formed token (an API token, or another kind with its ``prefix``),
    else None."""
    if not isinstance(token, str) or not token.startswith(prefix):
        return None
    key_id, dot, secret = token[len(prefix):].partition(".")
    if not dot or len(key_id) != 2 * _KEY_BYTES or not secret or len(secret) > 128:
        return None
    if any(c not in "0123456789abcdef" for c in key_id):
        return None
    return key_id, secret


def user_of(row: UserRow) -> User:
    """The plain user of a row."""
    return User(id=row.id, name=row.name, role=row.role, agent_id=row.agent_id, active=row.active,
                created_at=row.created_at, team=row.team)


def _check_user(name: str, role: str, agent_id: str | None, team: str | None) -> None:
    if not name:
        raise StoreError("a user needs a name")
    if role not in ROLES:
        raise StoreError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if role == "agent" and not agent_id:
        raise StoreError("a user with the agent role needs an agent_id")
    if role == "team_lead" and not team:
        raise StoreError("a user with the team_lead role needs a team")
    if role != "team_lead" and team:
        raise StoreError(f"only a team_lead user has a team, not a user with the {role} role")


def add_user(session: Session, name: str, role: str, agent_id: str | None,
             team: str | None = None) -> UserRow:
    """Insert a user (and the agent or team row it links to); raises :class:`StoreError` for bad input."""
    name, team = (name or "").strip(), (team or "").strip() or None
    _check_user(name, role, agent_id, team)
    if session.scalar(select(UserRow.id).where(UserRow.name == name)) is not None:
        raise StoreError(f"a user named {name!r} exists")
    if agent_id and session.get(AgentRow, agent_id) is None:
        session.add(AgentRow(id=agent_id, team=None, created_at=utcnow()))
        session.flush()
    if team and session.get(TeamRow, team) is None:
        session.add(TeamRow(id=team, created_at=utcnow()))
        session.flush()
    row = UserRow(name=name, role=role, agent_id=agent_id or None, team=team, active=True,
                  created_at=utcnow())
    session.add(row)
    session.flush()
    return row


def new_secret(pepper: bytes) -> tuple[str, str, str, str]:
    """``(key id, secret, salt, hash of the secret)`` of a new random token."""
    key_id = secrets.token_hex(_KEY_BYTES)
    secret = secrets.token_urlsafe(_SECRET_BYTES)
    salt = secrets.token_hex(_SALT_BYTES)
    return key_id, secret, salt, hash_secret(secret, salt, pepper)


def add_token(session: Session, user_id: int, pepper: bytes) -> str:
    """A new token for ``user_id``; returns the plaintext, which is not stored."""
    if session.get(UserRow, user_id) is None:
        raise NotFound(f"no user with id {user_id}")
    key_id, secret, salt, digest = new_secret(pepper)
    session.add(TokenRow(user_id=user_id, key_id=key_id, salt=salt, secret_hash=digest, created_at=utcnow()))
    session.flush()
    return f"{TOKEN_PREFIX}{key_id}.{secret}"


def find_by_token(session: Session, token: str, pepper: bytes) -> User | None:
    """The active user a valid, unrevoked token belongs to."""
    parts = split_token(token)
    if parts is None:
        return None
    key_id, secret = parts
    row = session.execute(
        select(TokenRow, UserRow).join(UserRow, UserRow.id == TokenRow.user_id)
        .where(TokenRow.key_id == key_id, TokenRow.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    token_row, user_row = row
    if not hmac.compare_digest(token_row.secret_hash, hash_secret(secret, token_row.salt, pepper)):
        return None
    return user_of(user_row) if user_row.active else None


def revoke(session: Session, user_id: int, now: datetime | None = None) -> int:
    """Revoke every live token of a user; returns how many."""
    result = session.execute(
        update(TokenRow).where(TokenRow.user_id == user_id, TokenRow.revoked_at.is_(None))
        .values(revoked_at=now or utcnow()).execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def agents(session: Session, team: str | None = None) -> list[Agent]:
    """Every agent with their latest team and number of stored conversations, by id.

    With ``team``: only the agents with conversations of that team, each counted
    over that team's conversations and shown in that team.
    """
    if team is not None:
        within = session.execute(
            select(ConversationRow.agent_id, func.count()).where(
                ConversationRow.team == team, ConversationRow.agent_id.is_not(None))
            .group_by(ConversationRow.agent_id).order_by(ConversationRow.agent_id))
        return [Agent(id=str(a), team=team, conversations=int(n)) for a, n in within]
    counts = (select(ConversationRow.agent_id, func.count().label("n"))
              .group_by(ConversationRow.agent_id).subquery())
    rows = session.execute(
        select(AgentRow.id, AgentRow.team, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.agent_id == AgentRow.id).order_by(AgentRow.id)
    )
    return [Agent(id=a, team=t, conversations=int(n)) for a, t, n in rows]


def agent_team(session: Session, agent_id: str) -> str | None:
    """An agent's latest team (None for an unknown agent or one seen without a team)."""
    return session.scalar(select(AgentRow.team).where(AgentRow.id == agent_id))


def teams(session: Session) -> list[Team]:
    """Every team with its number of stored conversations, by id."""
    counts = select(ConversationRow.team, func.count().label("n")).group_by(ConversationRow.team).subquery()
    rows = session.execute(
        select(TeamRow.id, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.team == TeamRow.id).order_by(TeamRow.id)
    )
    return [Team(id=t, conversations=int(n)) for t, n in rows]
