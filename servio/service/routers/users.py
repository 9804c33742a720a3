"""Users, roles and API tokens (admins), and ``GET /me`` for everyone."""

from __future__ import annotations

import shlex
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Request, status

from servio import audit
from servio.service.auth import Admin, CurrentUser
from servio.service.schemas.admin import TokenOut, UserIn, UserOut, UserPatch
from servio.store.types import LastAdmin, User

router = APIRouter(tags=["users"])

UserId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The user's id.")]


def _user(request: Request, user_id: int) -> User:
    found: User | None = request.app.state.store.get_user(user_id)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no user with id {user_id}")
    return found


def audit_target(user: User) -> dict[str, object]:
    """A new user as the audit log names them: id, name, role, and the team or agent id it is bound to."""
    return {"target_user_id": user.id, "target_user": user.name, "target_role": user.role,
            "target_team": user.team, "target_agent_id": user.agent_id}


def _changed(request: Request) -> None:
    request.app.state.token_cache.clear()


@router.get("/me", response_model=UserOut, summary="Who am I", description="The user behind the token.")
def me(user: CurrentUser) -> Any:
    return user.to_dict()


@router.get("/users", response_model=list[UserOut], summary="Every user",
            description="Every user with role, linked agent id, team (team leads) and whether active "
                        "(never a token).")
def list_users(request: Request, admin: Admin) -> Any:
    return [u.to_dict() for u in request.app.state.store.list_users()]


@router.post("/users", response_model=TokenOut, status_code=201,
             summary="Create a user and their first token",
             description="The token is in the answer only; the store keeps a salted hash. An agent user "
                         "sees the conversations whose agent id is the user's `agent_id`; a team_lead user "
                         "needs a `team` and sees the conversations of that team.",
             responses={409: {"description": "A user of that name exists already."}})
def create_user(request: Request, body: UserIn, admin: Admin) -> Any:
    store = request.app.state.store
    if store.get_user(name=body.name) is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, f"a user named {body.name!r} exists already")
    user, token = store.create_user(body.name, body.role, body.agent_id, team=body.team)
    _changed(request)
    audit.of_request(request, admin, "user.create", via="api", **audit_target(user))
    return {"token": token, "user": user.to_dict()}


@router.get("/users/{user_id}", response_model=UserOut, summary="One user",
            description="One user by id (never a token).")
def get_user(request: Request, user_id: UserId, admin: Admin) -> Any:
    return _user(request, user_id).to_dict()


@router.patch("/users/{user_id}", response_model=UserOut, summary="Enable or disable a user",
              description="A disabled user's tokens stop working at once and their dashboard sessions "
                          "end. An admin cannot disable themselves (400), nor the last active admin (409).",
              responses={409: {"description": "The last active admin cannot be disabled."}})
def patch_user(request: Request, user_id: UserId, body: UserPatch, admin: Admin) -> Any:
    target = _user(request, user_id)
    if user_id == admin.id and body.active is False:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "you cannot disable yourself")
    try:  # the last active admin: only when the requesting admin is disabled already and a token cache
        # still vouches for them (the store checks it in the same transaction as the change)
        user = request.app.state.store.set_user_active(user_id, body.active) if body.active is not None \
            else target
    except LastAdmin as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
    _changed(request)
    if body.active is not None:
        audit.of_request(request, admin, "user.activate" if body.active else "user.deactivate", via="api",
                         target_user_id=user.id, target_user=user.name)
    return user.to_dict()


@router.post("/users/{user_id}/tokens", response_model=TokenOut, status_code=201,
             summary="Issue another token",
             description="A new token for the user (shown once); older tokens keep working until revoked.")
def issue_token(request: Request, user_id: UserId, admin: Admin) -> Any:
    user = _user(request, user_id)
    token = request.app.state.store.issue_token(user_id)
    audit.of_request(request, admin, "token.issue", via="api", target_user_id=user.id, target_user=user.name)
    return {"token": token, "user": user.to_dict()}


@router.delete("/users/{user_id}/tokens", summary="Revoke every token of a user",
               description="Returns how many tokens were live; the user's dashboard sessions end too. "
                           "An admin cannot revoke their own tokens (400): that would sign them out for "
                           "good.",
               responses={400: {"description": "An admin's own tokens (another admin revokes them)."}})
def revoke_tokens(request: Request, user_id: UserId, admin: Admin) -> dict[str, int]:
    target = _user(request, user_id)
    if user_id == admin.id:  # every token includes the one this request is made with
        name = shlex.quote(admin.name)
        raise HTTPException(status.HTTP_400_BAD_REQUEST,
                            "you cannot revoke your own tokens: that would sign you out for good; another "
                            f"admin can, or on the server: servio users revoke {name}, then servio users "
                            f"token {name}")
    revoked = int(request.app.state.store.revoke_tokens(user_id))
    _changed(request)
    audit.of_request(request, admin, "tokens.revoke", via="api", target_user_id=target.id,
                     target_user=target.name, revoked=revoked)
    return {"revoked": revoked}
