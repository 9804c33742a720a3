"""``servio users``: users and API tokens managed on the database itself, the way back in for a lost token.

Whoever can open the database on the server is trusted already, so these
commands need no token (as Django's ``createsuperuser``): they work through
the :class:`~servio.store.Store` as the API's ``/users`` endpoints do, with
the API's checks. Tokens are hashed with the service's secret key, read from
the settings ``servio serve`` reads (``SERVIO_*`` variables, ``--config``), so
that a token made here works with that service.

Exit status: 0 done; 1 refused for what the database holds (an unknown user,
a name taken, the last active admin), nothing changed; 2 a usage error or a
database that cannot be used.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from collections.abc import Callable
from typing import Any

from servio.cli_service import DEFAULT_DATABASE, _checked_settings, _database_errors, existing_store

EXIT_OK, EXIT_REFUSED = 0, 1
#: The roles of :data:`servio.store.types.ROLES`, named here so that building the parser loads no store.
ROLE_CHOICES = ("admin", "reviewer", "team_lead", "agent")
#: The command-line spelling of the API's fields, for its error messages.
_OPTIONS = {"name": "NAME", "role": "--role", "agent_id": "--agent-id", "team": "--team"}

_EPILOG = """\
a lost admin token, on the server with the service's settings (SERVIO_SECRET_KEY or --config):
  servio users enable admin            only if admin was disabled
  servio users revoke admin            only if the old token may be in the wrong hands
  T=$(servio users token admin)        a new token for admin, shown once
"""


class Refused(Exception):
    """A change refused for what the database holds (``servio: error: ...``, exit status 1)."""


def add_parser(sub: Any) -> None:
    """Add ``users`` with its actions ``list``, ``add``, ``token``, ``revoke``, ``disable`` and ``enable``."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--database", default=None,
                        help=f"database URL (default: $SERVIO_DATABASE_URL or {DEFAULT_DATABASE})")
    common.add_argument("--config", default=None,
                        help="the service's TOML settings file (its database and secret key)")
    p = sub.add_parser(
        "users", help="manage users and API tokens on the database (a lost admin token)",
        description="Manage users and API tokens on the database itself, without a token: whoever can "
        "open the database is trusted. Tokens use the service's secret key (SERVIO_SECRET_KEY or --config).",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    # not required=True: argparse would name the dest ("users_command") instead of the actions
    actions = p.add_subparsers(dest="users_command", title="actions")
    listing = actions.add_parser("list", parents=[common], help="every user: id, name, role, team, agent "
                                 "id, active, created")
    listing.add_argument("--json", action="store_true", help="JSON for machines")
    add = actions.add_parser("add", parents=[common], help="a new user; prints their first token on stdout")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", required=True, choices=ROLE_CHOICES, help="what the user may do")
    add.add_argument("--agent-id", metavar="ID", help="(agent, required) the agent id of their conversations")
    add.add_argument("--team", help="(team_lead, required) the team they lead")
    for name, help in (("token", "another token for a user, on stdout (a lost token)"),
                       ("revoke", "revoke every token of a user (and end their dashboard sessions)"),
                       ("disable", "disable a user (their tokens stop working, dashboard sessions end)"),
                       ("enable", "enable a disabled user")):
        actions.add_parser(name, parents=[common], help=help).add_argument("name", metavar="NAME")


def cmd_users(args: argparse.Namespace) -> int:
    """``servio users ACTION``: run it on the database of the service's settings."""
    if args.users_command is None:
        from servio.cli import UsageError

        *first, last = _ACTIONS
        raise UsageError(f"servio users: give an action: {', '.join(first)} or {last}")
    overrides = {"database_url": args.database} if args.database else {}
    settings = _checked_settings(args.config, overrides)
    url = settings.database_url
    action = _ACTIONS[args.users_command]
    try:
        with _database_errors(url):
            store = existing_store(url, pepper=settings.secret_key.get_secret_value())
            try:
                return action(_Run(store, store.url, args, settings))  # store.url: no password shown
            finally:
                store.close()
    except Refused as exc:
        print(f"servio: error: {exc}", file=sys.stderr)
        return EXIT_REFUSED


class _Run:
    """One action's store, database URL, arguments and settings."""

    def __init__(self, store: Any, url: str, args: argparse.Namespace, settings: Any) -> None:
        self.store, self.url, self.args, self.settings = store, url, args, settings

    def user(self) -> Any:
        """The user named on the command line; :class:`Refused` when there is none."""
        found = self.store.get_user(name=self.args.name)
        if found is None:
            raise Refused(f"no user {self.args.name!r} in {self.url} (servio users list shows who there is)")
        return found

    def audit(self, action: str, user: Any, **more: Any) -> None:
        """The ``servio.audit`` line of a change to ``user`` (who ran it: the operating-system account)."""
        from servio import audit

        audit.by_cli(action, database=self.url, target_user_id=user.id, target_user=user.name, **more)

    def say(self, message: str) -> None:
        print(f"servio: {message}", file=sys.stderr)

    def token_out(self, token: str) -> None:
        """The token alone on stdout (``T=$(servio users ...)``), which secret key it needs on stderr."""
        from servio.service.settings import DEFAULT_SECRET

        print(token)
        if self.settings.secret_key.get_secret_value() == DEFAULT_SECRET:
            self.say("note: SERVIO_SECRET_KEY is not set: the token works only with a service that runs "
                     "without one too (development mode)")
        else:
            self.say("the token works with a service that runs with this SERVIO_SECRET_KEY")


def _list(run: _Run) -> int:
    users = run.store.list_users()
    if run.args.json:  # the API's user objects, written as the API writes them ("...Z" times)
        from servio.service.schemas.admin import UserOut

        out = [UserOut.model_validate(u.to_dict()).model_dump(mode="json") for u in users]
        print(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        print(_table(users))
    return EXIT_OK


def _table(users: list[Any]) -> str:
    """Users as aligned columns, one a line under a header (times in UTC)."""
    rows = [("id", "name", "role", "team", "agent id", "active", "created (UTC)")]
    rows += [(str(u.id), u.name, u.role, u.team or "-", u.agent_id or "-", "yes" if u.active else "no",
              u.created_at.strftime("%Y-%m-%d %H:%M")) for u in users]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
                     for row in rows)


def _add(run: _Run) -> int:
    from pydantic import ValidationError

    from servio.cli import UsageError
    from servio.service.schemas.admin import UserIn
    from servio.store.types import StoreError

    args = run.args
    if run.store.get_user(name=args.name.strip()) is not None:
        raise Refused(f"a user named {args.name.strip()!r} exists already in {run.url}")
    fields = {"name": args.name, "role": args.role, "agent_id": args.agent_id, "team": args.team}
    try:  # the API's body model, then the store: the same checks as POST /users
        body = UserIn(**{k: v for k, v in fields.items() if v is not None})
        user, token = run.store.create_user(body.name, body.role, body.agent_id, team=body.team)
    except ValidationError as exc:
        raise UsageError(f"servio users add: {'; '.join(map(_problem, exc.errors()))}") from None
    except StoreError as exc:
        problem = str(exc).replace("agent_id", "agent id (--agent-id)")
        raise UsageError(f"servio users add: {problem}") from None
    run.audit("user.create", user, target_role=user.role, target_team=user.team,
              target_agent_id=user.agent_id)
    run.say(f"created the {user.role} {user.name!r} in {run.url}; their API token is on stdout, "
            "shown once: keep it")
    run.token_out(token)
    return EXIT_OK


def _problem(error: Any) -> str:
    """One of the API body model's errors in the command line's words."""
    where = _OPTIONS.get(str(error["loc"][0]), str(error["loc"][0])) if error["loc"] else "user"
    if error["type"] == "string_pattern_mismatch":
        return f"{where}: must not hold control characters"
    return f"{where}: {error['msg'].removeprefix('Value error, ')}"


def _token(run: _Run) -> int:
    user = run.user()
    token = run.store.issue_token(user.id)
    run.audit("token.issue", user)
    name = shlex.quote(user.name)
    run.say(f"a new API token for {user.name!r} is on stdout, shown once (older ones keep working until "
            f"servio users revoke {name})")
    if not user.active:
        run.say(f"note: {user.name!r} is disabled: the token works after servio users enable {name}")
    run.token_out(token)
    return EXIT_OK


def _revoke(run: _Run) -> int:
    user = run.user()
    revoked = int(run.store.revoke_tokens(user.id))
    run.audit("tokens.revoke", user, revoked=revoked)
    run.say(f"revoked {revoked} token{'s' * (revoked != 1)} of {user.name!r} in {run.url}, and ended "
            "their dashboard sessions")
    if user.role == "admin":
        run.say(f"{user.name!r} is an admin: servio users token {shlex.quote(user.name)} gives them "
                "a new token")
    return EXIT_OK


def _disable(run: _Run) -> int:
    return _set_active(run, run.user(), False)


def _enable(run: _Run) -> int:
    return _set_active(run, run.user(), True)


def _set_active(run: _Run, user: Any, active: bool) -> int:
    word = "enabled" if active else "disabled"
    if user.active == active:
        run.say(f"{user.name!r} is {word} already")
        return EXIT_OK
    from servio.store import LastAdmin

    try:
        run.store.set_user_active(user.id, active)
    except LastAdmin as exc:
        raise Refused(f"{exc} (servio users add NAME --role admin, or servio users enable NAME); "
                      f"database {run.url}") from exc
    run.audit("user.activate" if active else "user.deactivate", user)
    run.say(f"{word} {user.name!r} in {run.url}")
    return EXIT_OK


_ACTIONS: dict[str, Callable[[_Run], int]] = {
    "list": _list, "add": _add, "token": _token, "revoke": _revoke, "disable": _disable, "enable": _enable,
}
