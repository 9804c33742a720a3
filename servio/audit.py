"""Who did what: one ``servio.audit`` log line for each admin action and each export of data.

Erasing a conversation, deleting an import job, making a user, issuing or
revoking tokens, (de)activating a user, starting an import, signing in to
and out of the dashboard, and taking data out (the conversations' CSV, the corrections'
export, a report) each write one line through Python's ``logging``, logger
``servio.audit`` at INFO, so that the operator routes it where the rest of the
log goes, or on its own (journald, a SIEM):

    action=conversation.delete via=api user_id=1 user=root role=admin client=10.0.0.7 conversation=call-88-1

Always ``action`` and ``via`` (``api``, ``dashboard`` or ``cli``), then who:
``user_id``, ``user`` and ``role`` of the signed-in user (the command line:
``os_user``, the operating-system account), the client's address, then the
targets: ids, never conversation text, search text or a token. A value other
than plain letters, digits and ``._:/@+,-`` is written as a JSON string, so a
line is always one line. The record also carries the fields as a dict,
``record.audit``, for a formatter that writes JSON.

The lines are not kept in the database: an admin who can erase could erase
them there too, and the log leaves the server for systems with their own
retention and access rules (docs/privacy.md).
"""

from __future__ import annotations

import json
import logging
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from servio.store.types import User

log = logging.getLogger("servio.audit")

_PLAIN = re.compile(r"[\w.:/@+,-]+")


def record(action: str, *, via: str, user: User | None = None, client: str | None = None,
           **targets: Any) -> None:
    """Log ``action`` done through ``via`` by ``user`` from ``client`` on ``targets`` (None: left out)."""
    fields: dict[str, Any] = {"action": action, "via": via}
    if user is not None:
        fields.update(user_id=user.id, user=user.name, role=user.role)
    if client:
        fields["client"] = client
    fields.update((key, value) for key, value in targets.items() if value is not None)
    log.info("%s", line(fields), extra={"audit": fields})


def of_request(request: Any, user: User | None, action: str, *, via: str, **targets: Any) -> None:
    """:func:`record` for an HTTP request (``via``: ``api`` or ``dashboard``), with its client's address."""
    client = getattr(getattr(request, "client", None), "host", None)
    record(action, via=via, user=user, client=client, **targets)


def by_cli(action: str, **targets: Any) -> None:
    """:func:`record` for a command run on the server, by its operating-system account; shown on stderr
    too unless logging was set up (:func:`to_stderr_unless_configured`)."""
    import getpass

    to_stderr_unless_configured()
    try:
        who = getpass.getuser()
    except Exception:  # no such account name (a container's bare uid)
        import os

        who = f"uid:{os.getuid()}" if hasattr(os, "getuid") else "unknown"
    record(action, via="cli", os_user=who, **targets)


def filters_of(chosen: Any) -> dict[str, str]:
    """The filters of a :class:`~servio.store.types.ConversationFilter` that were set (the user's scope
    included), as text, without paging and order: which conversations an export held."""
    import dataclasses

    return {f.name: str(value) for f in dataclasses.fields(chosen)
            if f.name not in ("limit", "offset", "sort") and (value := getattr(chosen, f.name)) is not None}


def line(fields: dict[str, Any]) -> str:
    """``key=value`` pairs, each value plain or as a JSON string (a list as a JSON list)."""
    return " ".join(f"{key}={_value(value)}" for key, value in fields.items())


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple | set | frozenset | dict):
        items = value if isinstance(value, dict) else sorted(value) if isinstance(value, set | frozenset) \
            else list(value)
        return json.dumps(items, default=str, separators=(",", ":"))
    text = str(value)
    return text if _PLAIN.fullmatch(text) else json.dumps(text)


def to_stderr_unless_configured() -> None:
    """Show ``servio.audit`` lines on stderr (``servio: audit: ...``) unless logging was set up already: a
    command run by hand or by cron then says what it recorded, and its log keeps it."""
    if logging.getLogger().handlers or log.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("servio: audit: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
