"""The Users page for admins: list users, create one, deactivate or reactivate, issue and revoke tokens.

The handlers call the store as the API's ``/users`` endpoints do (the same
body model, the same store methods) and clear ``app.state.token_cache`` after
every change to users or tokens, as the API does, so a deactivated user or a
revoked token stops working at once (the store ends such a user's dashboard
sessions in the same transaction). A new token is only ever in the JSON
answer of the post that made it: never in a page, never logged.

The checks people meet in the form (a team lead without a team, an agent
without an agent id, a name already taken) come back in the page's language,
with the form field they concern; any other refusal comes back as the
server gives it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import JSONResponse

from servio import audit
from servio.store.types import ROLES, LastAdmin, StoreError, User
from servio.web.i18n import strings
from servio.web.render import language_of

if TYPE_CHECKING:
    from servio.web.routes import _Ui

ADMINS = ("admin",)
#: The order the form offers the roles in: the most common users first.
FORM_ROLES = ("agent", "team_lead", "reviewer", "admin")
MAX_ID = 2**31 - 1


def manages_users(user: User | None) -> bool:
    """Whether ``user`` may use the Users page: a signed-in admin (never an open dashboard's guest)."""
    return user is not None and user.role in ADMINS and user.id > 0


class Refusal(Exception):
    """A check the form shows: an i18n key (with values), the field it concerns and the HTTP status."""

    def __init__(self, key: str, field: str | None = None, status: int = 422, **values: Any) -> None:
        super().__init__(key)
        self.key, self.field, self.status, self.values = key, field, status, values


def form_problem(body: dict[str, Any]) -> Refusal | None:
    """The first check of a new user the form words itself, or None (the API's model checks the rest)."""
    name, role = body.get("name"), body.get("role")
    agent_id, team = body.get("agent_id"), body.get("team")
    if not isinstance(name, str) or not name.strip():
        return Refusal("users_error_name", "name")
    if role not in ROLES:
        return Refusal("users_error_role", "role")
    if role == "agent" and (not isinstance(agent_id, str) or not agent_id.strip()):
        return Refusal("users_error_agent_id", "agent_id")
    if role == "team_lead" and (not isinstance(team, str) or not team.strip()):
        return Refusal("users_error_team", "team")
    if role != "team_lead" and team not in (None, ""):
        return Refusal("users_error_team_only", "team")
    return None


def new_user_fields(body: dict[str, Any]) -> dict[str, Any]:
    """The form's fields, trimmed and without blanks, for the API's body model ``UserIn``."""
    out = {k: v.strip() if isinstance(v, str) else v for k, v in body.items()}
    return {k: v for k, v in out.items() if v not in (None, "")}


def add_users(router: APIRouter, ui: _Ui) -> None:
    """Add ``/users`` (the page and creating), ``/users/{id}/active``, ``/tokens`` and ``/tokens/revoke``."""
    pages = _UsersPages(ui)
    router.add_api_route("/users", ui.guarded(pages.page), methods=["GET"])  # a refusal as a page
    router.add_api_route("/users", pages.create, methods=["POST"])
    router.add_api_route("/users/{user_id}/active", pages.set_active, methods=["POST"])
    router.add_api_route("/users/{user_id}/tokens", pages.issue, methods=["POST"])
    router.add_api_route("/users/{user_id}/tokens/revoke", pages.revoke, methods=["POST"])


class _UsersPages:
    """The Users page's handlers over ``request.app.state.store``."""

    def __init__(self, ui: _Ui) -> None:
        self.ui = ui

    # -- helpers -------------------------------------------------------------

    def admin(self, request: Request, *, post: bool) -> User:
        """The signed-in admin; 403 for everyone else (and for a post without ``X-Servio: 1``)."""
        user = self.ui.json_post(request, ADMINS) if post else self.ui.need_user(request, ADMINS)
        if not manages_users(user):
            raise HTTPException(403, "managing users needs a signed-in admin")
        return user

    @staticmethod
    def store(request: Request) -> Any:
        store = getattr(request.app.state, "store", None)
        if store is None:
            raise HTTPException(404, "this dashboard has no user store")
        return store

    def target(self, request: Request, user_id: str) -> User:
        """The user an action is for; 404 for an unknown or malformed id."""
        uid = int(user_id) if user_id.isdigit() and len(user_id) < 12 else 0
        found: User | None = self.store(request).get_user(uid) if 0 < uid <= MAX_ID else None
        if found is None:
            raise HTTPException(404, f"no user with id {user_id}")
        return found

    @staticmethod
    def changed(request: Request) -> None:
        from servio.service.auth import token_cache

        token_cache(request.app.state).clear()  # as servio.service.routers.users does after every change

    def row(self, request: Request, user: User, me: User) -> str:
        return self.ui.render.page("_user_row.html", lang=language_of(request), u=user, me=me)

    @staticmethod
    def text(request: Request, key: str, **values: Any) -> str:
        return strings(language_of(request))[key].format(**values)

    def refused(self, request: Request, refusal: Refusal) -> JSONResponse:
        detail = self.text(request, refusal.key, **refusal.values)
        return JSONResponse({"detail": detail, "field": refusal.field}, status_code=refusal.status)

    # -- handlers ------------------------------------------------------------

    async def page(self, request: Request) -> Response:
        user = self.ui.viewer(request)
        if isinstance(user, Response):
            return user
        if not manages_users(user):  # the page says so in its language (the posts answer JSON)
            from servio.web.routes import PageRefusal

            raise PageRefusal(403, "forbidden_admin")
        me = self.admin(request, post=False)
        store = self.store(request)
        return self.ui.page(request, "users.html", users=store.list_users(), me=me, roles=FORM_ROLES,
                            known_teams=[t.id for t in store.teams()],
                            known_agents=[a.id for a in store.agents()])

    async def create(self, request: Request) -> Response:
        me = self.admin(request, post=True)
        body = await _body(request)
        problem = form_problem(body)
        if problem is None and self.store(request).get_user(name=str(body["name"]).strip()) is not None:
            problem = Refusal("users_error_exists", "name", 409, name=str(body["name"]).strip())
        if problem is not None:
            return self.refused(request, problem)
        user, token = _create(self.store(request), new_user_fields(body))
        self.changed(request)
        from servio.service.routers.users import audit_target

        audit.of_request(request, me, "user.create", via="dashboard", **audit_target(user))
        return JSONResponse({"token": token, "user": user.to_dict(), "row": self.row(request, user, me),
                             "message": self.text(request, "users_created", name=user.name)}, status_code=201)

    async def set_active(self, request: Request, user_id: str) -> Response:
        me = self.admin(request, post=True)
        user = self.target(request, user_id)
        active = (await _body(request)).get("active")
        if not isinstance(active, bool):
            raise HTTPException(422, "send {\"active\": true|false}")
        if user.id == me.id and not active:
            return self.refused(request, Refusal("users_error_self_deactivate", status=400))
        try:
            user = self.store(request).set_user_active(user.id, active)
        except LastAdmin:  # only when this admin was disabled meanwhile and the token cache still trusts them
            return self.refused(request, Refusal("users_error_last_admin", status=409, name=user.name))
        self.changed(request)
        audit.of_request(request, me, "user.activate" if active else "user.deactivate", via="dashboard",
                         target_user_id=user.id, target_user=user.name)
        key = "users_activated" if active else "users_deactivated"
        return JSONResponse({"user": user.to_dict(), "row": self.row(request, user, me),
                             "message": self.text(request, key, name=user.name)})

    async def issue(self, request: Request, user_id: str) -> Response:
        me = self.admin(request, post=True)
        user = self.target(request, user_id)
        token = self.store(request).issue_token(user.id)
        audit.of_request(request, me, "token.issue", via="dashboard", target_user_id=user.id,
                         target_user=user.name)
        return JSONResponse({"token": token, "user": user.to_dict(),
                             "message": self.text(request, "users_token_issued", name=user.name)},
                            status_code=201)

    async def revoke(self, request: Request, user_id: str) -> Response:
        me = self.admin(request, post=True)
        user = self.target(request, user_id)
        if user.id == me.id:  # revoking every token includes the one this admin is signed in with
            return self.refused(request, Refusal("users_error_self_revoke", status=400))
        revoked = int(self.store(request).revoke_tokens(user.id))
        self.changed(request)
        audit.of_request(request, me, "tokens.revoke", via="dashboard", target_user_id=user.id,
                         target_user=user.name, revoked=revoked)
        return JSONResponse({"revoked": revoked,
                             "message": self.text(request, "users_revoked", name=user.name, n=revoked)})


def _create(store: Any, fields: dict[str, Any]) -> tuple[User, str]:
    """A new user and token through the API's body model and the store (422 with their message)."""
    from pydantic import ValidationError

    from servio.service.schemas.admin import UserIn

    try:
        body = UserIn(**fields)
        created: tuple[User, str] = store.create_user(body.name, body.role, body.agent_id, team=body.team)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise HTTPException(422, f"{where}: {first.get('msg', 'invalid')}" if where else str(first)) from None
    except StoreError as exc:
        raise HTTPException(422, str(exc)) from None
    return created


async def _body(request: Request) -> dict[str, Any]:
    from servio.web.routes import json_body

    body = await json_body(request)
    if not isinstance(body, dict):
        raise HTTPException(422, "the body must be a JSON object")
    return body
