"""Live stage hints over plain HTTP and over a WebSocket.

The analysis is CPU-bound and takes a few milliseconds, so it runs inline
on the event loop (no thread hop, no GIL hand-offs between threads).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, HTTPException, Request, WebSocket, WebSocketDisconnect, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from servio.live import LiveError, LiveSession, LiveSessions, SessionInfo, SessionNotFoundError
from servio.live.session import LiveFieldError
from servio.service.auth import CurrentUser, authenticate, websocket_token
from servio.service.limits import json_depth_exceeds
from servio.service.schemas.live import LiveSessionIn, LiveSessionOut, LiveTurnIn, LiveUpdateOut
from servio.service.scope import Scope
from servio.store.types import User

router = APIRouter(tags=["live"])


def _sessions(request: Request | WebSocket) -> LiveSessions:
    live: LiveSessions = request.app.state.live
    return live


def _owner(user: User) -> str:
    return f"user:{user.id}"


def _info(body: LiveSessionIn, user: User, store: Any) -> SessionInfo:
    """What a session opens with, within the user's scope (403 outside it)."""
    agent_id, team = Scope.of(user).live(body.agent_id, body.team, store.agent_team)
    return SessionInfo(language=body.language, channel=body.channel, agent_id=agent_id, team=team,
                       contact_type=body.contact_type)


def _session_out(session: LiveSession, ttl: float) -> LiveSessionOut:
    info = session.info
    return LiveSessionOut(id=session.id, turns=len(session.turns), language=info.language,
                          channel=info.channel, agent_id=info.agent_id, team=info.team,
                          contact_type=info.contact_type, ttl_seconds=int(ttl))


@router.post("/live/sessions", status_code=201, response_model=LiveSessionOut,
             summary="Start a live chat session",
             description="Opens a session for one chat. Send each turn to "
                         "`POST /live/sessions/{id}/turns` as it happens. Sessions live in memory: "
                         "one idle for `live_session_ttl_seconds` is forgotten. An agent's session is "
                         "their own; a team lead's is for their team and only names an agent whose "
                         "latest team is theirs.")
async def create_session(request: Request, user: CurrentUser, body: LiveSessionIn | None = None) -> Any:
    live = _sessions(request)
    session = live.create(_owner(user), _info(body or LiveSessionIn(), user, request.app.state.store))
    return _session_out(session, live.ttl)


@router.get("/live/sessions/{session_id}", response_model=LiveSessionOut, summary="Look at a live session",
            description="What the session was opened with and how many turns it holds (own sessions only).")
async def get_session(request: Request, session_id: str, user: CurrentUser) -> Any:
    live = _sessions(request)
    return _session_out(live.get(session_id, _owner(user)), live.ttl)


@router.delete("/live/sessions/{session_id}", status_code=204, summary="End a live session",
               description="Forgets the session and its turns at once (they are never stored).")
async def delete_session(request: Request, session_id: str, user: CurrentUser) -> None:
    _sessions(request).close(session_id, _owner(user))


@router.post("/live/sessions/{session_id}/turns", response_model=None,
             responses={200: {"model": LiveUpdateOut, "description": "The stages and the hint."}},
             summary="Send one turn, get the stages and the next-stage hint",
             description="Tags the chat so far with the same tagger and scorecard as the batch path and "
                         "answers with this turn's stages, the stages done so far, the next-stage hint in "
                         "the chat's language and the warnings that show so far.")
async def add_turn(request: Request, session_id: str, turn: LiveTurnIn, user: CurrentUser) -> JSONResponse:
    # answered as JSON directly: LiveUpdate.to_dict() is already the documented shape (tests check it)
    # tagging the chat so far takes longer as it grows: in a worker thread, so the event loop (every other
    # request) is not held while it runs; the session's own lock orders turns of one chat
    try:
        update = await run_in_threadpool(_sessions(request).add_turn, session_id, _owner(user), turn.speaker,
                                         turn.text, author=turn.author, timestamp=turn.timestamp)
    except LiveFieldError as exc:  # e.g. no visible text: a 422 on the field, like the schema's own checks
        raise RequestValidationError([_field_error(exc, "body")]) from None
    return JSONResponse(update.to_dict())


@router.websocket("/live/{session_id}")
async def live_socket(websocket: WebSocket, session_id: str) -> None:
    """One chat over a WebSocket: send turns as JSON, receive one update per turn (docs/live.md).

    The handshake is accepted before the token and the query are checked, so a refusal is a close
    frame with code 1008 and a reason the client can read: closed before the handshake, uvicorn
    answers a bare HTTP 403 and a browser sees only code 1006.
    """
    await websocket.accept()
    state, token = websocket.app.state, websocket_token(websocket)
    try:
        user = authenticate(state, token)
    except HTTPException:
        await _refuse(websocket, "a valid API token is required")
        return
    live = _sessions(websocket)
    try:
        session = live.get_or_create(session_id, _owner(user), _query_info(websocket, user, state.store))
    except LiveError as exc:
        await _refuse(websocket, str(exc))
        return
    await websocket.send_json({"type": "ready", "session_id": session.id, "turns": len(session.turns)})
    owner, depth = _owner(user), state.settings.max_json_depth
    try:
        while (message := await websocket.receive())["type"] != "websocket.disconnect":
            if not _still_valid(state, token):  # disabled or revoked since the socket opened
                await _refuse(websocket, "token no longer valid")
                return
            raw = message.get("text")
            if raw is None:  # a binary frame: many clients send bytes that way
                await websocket.send_json(_error(400, "binary frame: send each turn as JSON in a text frame"))
                continue
            await websocket.send_json(await run_in_threadpool(_answer, live, session.id, owner, raw, depth))
    except WebSocketDisconnect:
        return


def _still_valid(state: Any, token: str | None) -> bool:
    """Whether the socket's token still authenticates (from the token cache: no database round trip
    for most turns; a change through the API clears the cache, so it is seen at the next turn)."""
    try:
        authenticate(state, token)
    except HTTPException:
        return False
    return True


async def _refuse(websocket: WebSocket, reason: str) -> None:
    """Close with 1008 (policy violation) and ``reason``, cut to the 123 bytes a close frame carries."""
    reason = reason.encode()[:123].decode(errors="ignore")
    await websocket.close(code=status.WS_1008_POLICY_VIOLATION, reason=reason)


def _query_info(websocket: WebSocket, user: User, store: Any) -> SessionInfo:
    """The session's set-up from the query parameters, as the HTTP body would give it; a
    :class:`LiveError` naming the parameter (never its value) when one is bad or out of the user's scope."""
    params = {k: v for k, v in websocket.query_params.items() if k != "token"}
    try:
        body = LiveSessionIn.model_validate(params)
    except ValidationError as exc:
        raise LiveError("; ".join(_param_problem(e) for e in exc.errors(include_url=False))) from None
    try:
        return _info(body, user, store)
    except HTTPException as exc:
        raise LiveError(str(exc.detail)) from None


def _param_problem(error: Any) -> str:
    name = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":  # as the HTTP body: a typo is refused, not silently dropped
        return f"unknown query parameter {name}"
    return f"query parameter {name}: {error['msg']}"


def _answer(live: LiveSessions, session_id: str, owner: str, raw: str, max_depth: int) -> dict[str, Any]:
    if json_depth_exceeds(raw, max_depth):
        return _error(400, f"JSON nested deeper than {max_depth} levels")
    try:
        turn = LiveTurnIn.model_validate_json(raw)
    except ValidationError as exc:
        errors = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors(include_url=False)]
        return _error(422, json.dumps(errors, ensure_ascii=False))
    try:
        update = live.add_turn(session_id, owner, turn.speaker, turn.text, author=turn.author,
                               timestamp=turn.timestamp)
    except SessionNotFoundError as exc:
        return _error(404, str(exc))
    except LiveFieldError as exc:
        error = _field_error(exc)
        return _error(422, json.dumps([{"loc": error["loc"], "msg": error["msg"]}], ensure_ascii=False))
    except LiveError as exc:
        return _error(400, str(exc))
    return {"type": "update", **update.to_dict()}


def _field_error(exc: LiveFieldError, *where: str) -> dict[str, Any]:
    """``exc`` as one validation error (``loc``, ``msg``, ``type``) of the field it names."""
    return {"loc": [*where, exc.field], "msg": exc.problem, "type": "value_error"}


def _error(code: int, detail: str) -> dict[str, Any]:
    return {"type": "error", "status": code, "detail": detail}
