"""Live stage hints during a chat: the client sends each turn, servio answers with stages and a hint.

The same tagger and evaluation as the batch path run on the chat so far
(:mod:`servio.live.session`); the next-stage hint and the warnings come from
``servio/data/hints`` (:mod:`servio.live.hints`); sessions are bounded in
number and idle time (:mod:`servio.live.sessions`). See ``docs/live.md``.
"""

from servio.live.hints import Hint, LiveWarning, hint_for, next_stage
from servio.live.session import LiveError, LiveSession, LiveUpdate, SessionInfo, new_session
from servio.live.sessions import LiveSessions, SessionNotFoundError

__all__ = [
    "Hint",
    "LiveError",
    "LiveSession",
    "LiveSessions",
    "LiveUpdate",
    "LiveWarning",
    "SessionInfo",
    "SessionNotFoundError",
    "hint_for",
    "new_session",
    "next_stage",
]
