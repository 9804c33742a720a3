"""Bearer-token authentication and role checks (FastAPI dependencies).

Tokens are checked by the store (which keeps only salted hashes). A short
in-memory cache of recent successful look-ups keeps a database round trip off
every live-hint turn; every change to users or tokens through the API clears
it, and entries expire after ``auth_cache_seconds``.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, WebSocket, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from servio.service.scope import ADMIN, AGENT, REVIEWER, STAFF, TEAM_LEAD
from servio.store.types import ROLES, User

__all__ = ["ADMIN", "AGENT", "ALL_ROLES", "REVIEWER", "TEAM_LEAD", "Admin", "CurrentUser", "Importer",
           "Reviewer", "Staff", "TokenCache", "authenticate", "current_user", "require", "token_cache",
           "websocket_token"]

ALL_ROLES = ROLES
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


def authenticate(state: Any, token: str | None) -> User:
    """The active user holding ``token``; raises 401 otherwise."""
    if not token:
        raise _unauthorized()
    digest = hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()
    cache = token_cache(state)
    user = cache.get(digest)
    if user is None:
        user = state.store.user_by_token(token)
        if user is None or not user.active:
            raise _unauthorized("invalid, revoked or inactive API token")
        cache.put(digest, user)
    return user


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
            needed = " or ".join(r for r in ROLES if r in allowed)
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"this needs the role {needed}{why}")
        return user

    return check


CurrentUser = Annotated[User, Depends(current_user)]
Admin = Annotated[User, Depends(require(ADMIN))]
Reviewer = Annotated[User, Depends(require(ADMIN, REVIEWER))]
#: Admins, reviewers and team leads (a team lead within their team: see :class:`~servio.service.scope.Scope`).
Staff = Annotated[User, Depends(require(*STAFF))]
Importer = Annotated[User, Depends(require(ADMIN, why=": an import can write any team's conversations"))]
