"""The live-assist demo page and its two JSON endpoints (signed in by the dashboard's cookie).

The endpoints call the service's :class:`~servio.live.LiveSessions` (``app.state.live``)
directly: the same sessions, tagger and hints as ``/live/sessions`` and the
WebSocket, with the owner key the API uses for the same user.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from servio.web.render import language_of

if TYPE_CHECKING:
    from servio.web.routes import _Ui

SPEAKERS = ("customer", "agent")


def add_live(router: APIRouter, ui: _Ui) -> None:
    """Add ``/live`` (the page), ``POST /live/sessions`` and ``POST /live/sessions/{id}/turns``."""

    async def live_page(request: Request) -> Response:
        return ui.page(request, "live.html")

    async def open_session(request: Request) -> Response:
        user = ui.json_post(request)
        from servio.live import SessionInfo
        from servio.model import Language
        from servio.service.scope import Scope

        lang = (await _body(request)).get("language")
        agent_id, team = Scope.of(user).live(None, None, lambda _agent: None)  # the page names no agent
        info = SessionInfo(language=Language(lang) if lang in ("et", "en") else None, agent_id=agent_id,
                           team=team)
        session = request.app.state.live.create(_owner(user), info)
        return JSONResponse({"session_id": session.id}, status_code=201)

    async def add_turn(request: Request, session_id: str) -> Response:
        user = ui.json_post(request)
        from servio.live import LiveError, SessionNotFoundError
        from servio.model import Speaker
        from servio.service.schemas.live import MAX_TURN_CHARS

        body = await _body(request)
        speaker, text = body.get("speaker"), body.get("text")
        if speaker not in SPEAKERS or not isinstance(text, str) or not text.strip():
            raise HTTPException(422, "send {\"speaker\": \"customer\"|\"agent\", \"text\": \"...\"}")
        if len(text) > MAX_TURN_CHARS:  # the API's limit: a longer turn would hold the event loop for seconds
            raise HTTPException(422, f"a turn holds at most {MAX_TURN_CHARS} characters")
        try:
            # in a worker thread, as the API does: the event loop stays free for everyone else
            update = await run_in_threadpool(request.app.state.live.add_turn, session_id, _owner(user),
                                             Speaker(speaker), text)
        except SessionNotFoundError as exc:
            raise HTTPException(404, str(exc)) from None
        except LiveError as exc:
            raise HTTPException(422, str(exc)) from None
        answer = update.to_dict()
        answer["language_ui"] = language_of(request)
        return JSONResponse(answer)

    router.add_api_route("/live", live_page, methods=["GET"])
    router.add_api_route("/live/sessions", open_session, methods=["POST"])
    router.add_api_route("/live/sessions/{session_id}/turns", add_turn, methods=["POST"])


def _owner(user: Any) -> str:
    return f"user:{user.id}"


async def _body(request: Request) -> dict[str, Any]:
    from servio.web.routes import json_body

    body = await json_body(request)
    if not isinstance(body, dict):
        raise HTTPException(422, "the body must be a JSON object")
    return body
