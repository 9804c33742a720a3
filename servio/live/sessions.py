"""The bounded set of live sessions: a time-to-live per session and a maximum count (LRU)."""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from servio.analyze.base import Tagger
from servio.analyze.registry import DEFAULT_TAGGER
from servio.live.session import LiveError, LiveFieldError, LiveSession, LiveUpdate, SessionInfo, new_session
from servio.model import Speaker

if TYPE_CHECKING:
    from servio.evaluate.scorecard import Scorecard


class SessionNotFoundError(LiveError):
    """No live session with that id for this user (never created, expired, evicted or someone else's)."""


Key = tuple[str, str]

#: The longest session id a client may choose (a help desk's chat id, a UUID, with room for a prefix).
MAX_SESSION_ID_CHARS = 128
_SESSION_ID = re.compile(rf"[A-Za-z0-9._:-]{{1,{MAX_SESSION_ID_CHARS}}}")


def check_session_id(session_id: str) -> None:
    """Refuse a client-chosen session id that is empty, too long or not plain ASCII (it is echoed in every
    update and ends up in URLs and logs); random ids (``secrets.token_urlsafe``) always pass."""
    if not _SESSION_ID.fullmatch(session_id):
        raise LiveFieldError("session_id", f"at most {MAX_SESSION_ID_CHARS} characters of A-Z, a-z, 0-9, "
                                           "'.', '_', ':' and '-'")


class LiveSessions:
    """Live sessions kept in memory: idle ones expire after ``ttl`` seconds; at most ``max_sessions``.

    Sessions belong to the user who created them and are found by
    ``(owner, session id)``: one user never sees another's session, and two
    users may name their sessions alike. When full, the least recently used
    session of the owner holding the most goes first, so one user opening
    sessions in a loop cannot push everyone else's chats out. One owner holds at
    most ``max_per_owner``: opening one more ends that owner's least recently
    used session, so one user cannot keep thousands of chats (and their cost)
    open (security audit S2). Each session's turns hold at most ``max_chars``
    characters together.
    """

    def __init__(self, *, ttl: float = 1800.0, max_sessions: int = 10_000, max_turns: int = 500,
                 tagger: str | Tagger = DEFAULT_TAGGER, clock: Callable[[], float] = time.monotonic,
                 scorecard: Scorecard | None = None, max_chars: int = 100_000,
                 max_per_owner: int = 20) -> None:
        self.ttl = ttl
        self.scorecard = scorecard  # what sessions score with (None: the default scorecard)
        self.max_sessions = max_sessions
        self.max_turns = max_turns
        self.max_chars = max_chars
        self.max_per_owner = max_per_owner
        self.tagger = tagger
        self._clock = clock
        self._sessions: OrderedDict[Key, LiveSession] = OrderedDict()
        self._owned: Counter[str] = Counter()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            self._expire(self._clock())
            return len(self._sessions)

    def create(self, owner: str, info: SessionInfo | None = None,
               session_id: str | None = None) -> LiveSession:
        """A new session (with a random id unless ``session_id`` is given, which must pass
        :func:`check_session_id`); evicts the oldest when full, and the owner's oldest when the owner
        holds ``max_per_owner``."""
        if session_id is None:
            sid = secrets.token_urlsafe(12)
        else:
            check_session_id(sid := session_id)
        session = new_session(sid, owner, info, max_turns=self.max_turns, tagger=self.tagger,
                              scorecard=self.scorecard, max_chars=self.max_chars)
        now = self._clock()
        session.last_used = now
        with self._lock:
            self._expire(now)
            if (owner, sid) in self._sessions:
                raise LiveError(f"session {sid} exists already")
            self._sessions[(owner, sid)] = session
            self._owned[owner] += 1
            while self._owned[owner] > self.max_per_owner:  # the owner's least recently used goes
                self._drop(next(key for key in self._sessions if key[0] == owner))
            while len(self._sessions) > self.max_sessions:
                self._evict()
        return session

    def get(self, session_id: str, owner: str) -> LiveSession:
        """The session ``session_id`` of ``owner``; refreshes its time-to-live."""
        now = self._clock()
        with self._lock:
            self._expire(now)
            session = self._sessions.get((owner, session_id))
            if session is None:
                raise SessionNotFoundError(f"no live session {session_id}")
            session.last_used = now
            self._sessions.move_to_end((owner, session_id))
        return session

    def get_or_create(self, session_id: str, owner: str, info: SessionInfo | None = None) -> LiveSession:
        """The user's session ``session_id``, created if it does not exist (WebSocket clients name theirs)."""
        try:
            return self.get(session_id, owner)
        except SessionNotFoundError:
            return self.create(owner, info, session_id=session_id)

    def add_turn(self, session_id: str, owner: str, speaker: Speaker, text: str, *,
                 author: str | None = None, timestamp: datetime | None = None) -> LiveUpdate:
        """Add a turn to a session and return the update."""
        return self.get(session_id, owner).add_turn(speaker, text, author=author, timestamp=timestamp)

    def close(self, session_id: str, owner: str) -> None:
        """Forget a session."""
        self.get(session_id, owner)
        with self._lock:
            if (owner, session_id) in self._sessions:
                self._drop((owner, session_id))

    def _expire(self, now: float) -> None:
        while self._sessions:
            key, oldest = next(iter(self._sessions.items()))
            if now - oldest.last_used <= self.ttl:
                break
            self._drop(key)

    def _evict(self) -> None:
        heaviest = max(self._owned, key=lambda o: self._owned[o])
        self._drop(next(key for key in self._sessions if key[0] == heaviest))

    def _drop(self, key: Key) -> None:
        del self._sessions[key]
        self._owned[key[0]] -= 1
        if not self._owned[key[0]]:
            del self._owned[key[0]]
