"""Bearer-token authentication and role checks (FastAPI dependencies).

Tokens are checked by the store (which keeps only salted hashes). A short
in-memory cache of recent successful look-ups keeps a database round trip off
every live-hint turn; every change to users or tokens through the API (and
signing out of the dashboard) clears it, and entries expire after
``auth_cache_seconds``.

The dashboard signs in with an API token once and then holds a session of its
own (:func:`start_session`, :func:`authenticate_session`, :func:`end_session`):
the API takes API tokens only, the dashboard's cookie sessions only.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, WebSocket, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from servio.service.scope import ADMIN, AGENT, REVIEWER, STAFF, TEAM_LEAD, needs_role
from servio.store.types import ROLES, StoreError, User

__all__ = ["ADMIN", "AGENT", "ALL_ROLES", "REVIEWER", "TEAM_LEAD", "Admin", "CurrentUser", "Importer",
           "Reviewer", "Staff", "TokenCache", "authenticate", "authenticate_session", "current_user",
           "end_session", "require", "start_session", "token_cache", "websocket_token"]

ALL_ROLES = ROLES
#: What a dashboard session's entry in the token cache starts with (an API token's is its bare digest).
SESSION_KEY = "session:"
#: seconds a token is trusted when the app has no settings (``Settings.auth_cache_seconds``' default)
DEFAULT_CACHE_SECONDS = 10.0
_creating = threading.Lock()

bearer = HTTPBearer(auto_error=False, description="An API token: `Authorization: Bearer <token>`. "
                    "Admins create users and tokens with `POST /users`.")


class TokenCache:
    """Recently authenticated tokens (by digest) and their users, for ``ttl`` seconds; bounded in size."""

    def __init__(self, ttl: float, max_entries: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[str, tuple[User, float]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, digest: str) -> User | None:
        """The cached user of a token digest, if fresh."""
        if self.ttl <= 0:
            return None
        with self._lock:
            hit = self._entries.get(digest)
            if hit is None or hit[1] < self._clock():
                self._entries.pop(digest, None)
                return None
            return hit[0]

    def put(self, digest: str, user: User) -> None:
        """Remember a successful look-up."""
        if self.ttl <= 0:
            return
        with self._lock:
            self._entries[digest] = (user, self._clock() + self.ttl)
            self._entries.move_to_end(digest)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget everything (after a change to users or tokens)."""
        with self._lock:
            self._entries.clear()


def _unauthorized(message: str = "a valid API token is required") -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, message, headers={"WWW-Authenticate": "Bearer"})


def token_cache(state: Any) -> TokenCache:
    """The app's ``state.token_cache``, made on first use for an app of one's own that set none.

    Its entries last ``state.settings.auth_cache_seconds`` when the app has settings, else
    :data:`DEFAULT_CACHE_SECONDS`.
    """
    cache: TokenCache | None = getattr(state, "token_cache", None)
    if cache is None:
        with _creating:  # one cache even for first requests that come together, so that a change clears all
            cache = getattr(state, "token_cache", None)
            if cache is None:
                ttl = getattr(getattr(state, "settings", None), "auth_cache_seconds", DEFAULT_CACHE_SECONDS)
                cache = state.token_cache = TokenCache(ttl)
    return cache


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def authenticate(state: Any, token: str | None) -> User:
    """The active user holding the API token ``token``; raises 401 otherwise (a dashboard session too)."""
    return _cached_user(state, token, "", "user_by_token", missing="a valid API token is required",
                        refused="invalid, revoked or inactive API token")


def authenticate_session(state: Any, token: str | None) -> User:
    """The active user of the dashboard session ``token``; raises 401 otherwise (an API token too).

    Sessions share the token cache under keys of their own (:data:`SESSION_KEY` and the digest), so a
    cached session never answers for a bearer token, nor a cached API token for a session.
    """
    return _cached_user(state, token, SESSION_KEY, "user_by_session", missing="sign in first",
                        refused="unknown, expired or ended dashboard session")


def _cached_user(state: Any, token: str | None, prefix: str, lookup: str, *,
                 missing: str, refused: str) -> User:
    """The active user the store's ``lookup`` finds for ``token``, cached under ``prefix`` + its digest."""
    if not token:
        raise _unauthorized(missing)
    key = prefix + _digest(token)
    cache = token_cache(state)
    user = cache.get(key)
    if user is None:
        user = getattr(state.store, lookup)(token)
        if user is None or not user.active:
            raise _unauthorized(refused)
        cache.put(key, user)
    return user


def start_session(state: Any, api_token: str, lifetime: timedelta, *, replacing: str | None = None) -> str:
    """Sign in to the dashboard: a new session of the user of ``api_token``, lasting ``lifetime`` (401
    for a token that is not a valid API token). The session the browser held before, ``replacing``,
    ends: its cookie is overwritten, and a copy of it should not outlive it."""
    user = authenticate(state, api_token)
    try:
        session: str = state.store.start_session(user.id, lifetime)
    except StoreError:  # deactivated (or removed) since the token cache vouched for them
        raise _unauthorized("invalid, revoked or inactive API token") from None
    end_session(state, replacing)
    return session


def end_session(state: Any, token: str | None) -> None:
    """Sign out: end the dashboard session ``token`` in the store and clear the token cache (as every
    change to users or tokens does), so a copy of the cookie stops working at once."""
    store = getattr(state, "store", None)
    if token and store is not None:
        store.end_session(token)
        token_cache(state).clear()


async def current_user(request: Request,
                       credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> User:
    """The user behind the request's bearer token (401 without a valid one)."""
    return authenticate(request.app.state, credentials.credentials if credentials else None)


def websocket_token(websocket: WebSocket) -> str | None:
    """A WebSocket's token: the ``Authorization: Bearer`` header, else the ``token`` query parameter."""
    header = websocket.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return websocket.query_params.get("token")


def require(*roles: str, why: str = "") -> Callable[..., Any]:
    """A dependency that lets only users with one of ``roles`` through (403 for the others, with ``why``)."""
    allowed = frozenset(roles)

    async def check(user: Annotated[User, Depends(current_user)]) -> User:
        if user.role not in allowed:
            needed = needs_role([r for r in ROLES if r in allowed])
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"{needed}{why}")
        return user

    return check


CurrentUser = Annotated[User, Depends(current_user)]
Admin = Annotated[User, Depends(require(ADMIN))]
Reviewer = Annotated[User, Depends(require(ADMIN, REVIEWER))]
#: Admins, reviewers and team leads (a team lead within their team: see :class:`~servio.service.scope.Scope`).
Staff = Annotated[User, Depends(require(*STAFF))]
Importer = Annotated[User, Depends(require(ADMIN, why=": an import can write any team's conversations"))]
