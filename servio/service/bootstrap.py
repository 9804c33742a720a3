"""Start-up chores: a first admin user, and loading the language models before the first live turn."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("servio.service")


def ensure_admin(store: Any, name: str = "admin") -> str | None:
    """Create an admin user ``name`` with a fresh token if the store has no user; returns the token."""
    if store.list_users():
        return None
    _user, token = store.create_user(name, "admin")
    return str(token)


def warm_up(*, freeze: bool = True) -> None:
    """Tag one short Estonian and one short English chat so Vabamorf and the cue files are loaded.

    With ``freeze`` the objects alive after loading (lexicons, caches) are
    moved out of the garbage collector's reach (:func:`gc.freeze`), so that
    full collections during live chats stay short.
    """
    from servio.live import SessionInfo, new_session
    from servio.model import Language, Speaker

    chats = ((Language.ET, "Tere! Kuidas saan aidata?"), (Language.EN, "Hello! How can I help?"))
    for language, text in chats:
        new_session("warm-up", "servio", SessionInfo(language=language)).add_turn(Speaker.AGENT, text)
    if freeze:
        import gc

        gc.collect()
        gc.freeze()
    log.debug("live hints warmed up")
