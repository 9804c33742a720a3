"""The live-assist demo page and its JSON endpoints (signed in by the dashboard's cookie).

The endpoints call the service's :class:`~servio.live.LiveSessions` (``app.state.live``)
directly: the same sessions, tagger and hints as ``/live/sessions`` and the
WebSocket, with the owner key the API uses for the same user. A refusal
answers ``{"detail": ..., "field": ..., "loc": [...]}``: ``detail`` in the
page's language, ``field`` (and ``loc``, as the API names it) the field it is
about, or null.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, TypeVar

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from servio.model import ContactType, Language
from servio.service.schemas.live import MAX_TURN_CHARS
from servio.web.i18n import strings
from servio.web.render import language_of

if TYPE_CHECKING:
    from servio.web.routes import _Ui


class PageSessionIn(BaseModel):
    """What the page opens a chat with: its language and contact type (left out: detected)."""

    model_config = ConfigDict(extra="forbid")

    language: Language | None = None
    contact_type: ContactType | None = None


class PageTurnIn(BaseModel):
    """One turn typed on the page."""

    model_config = ConfigDict(extra="forbid")

    speaker: Literal["customer", "agent"]
    text: str = Field(min_length=1, max_length=MAX_TURN_CHARS)


M = TypeVar("M", bound=BaseModel)

# the i18n key (and its values) of a refusal per field, for the pydantic error's type
FIELD_TEXTS = {"language": "live_bad_language", "contact_type": "live_bad_contact_type",
               "speaker": "live_bad_speaker", "text": "live_bad_text"}


def add_live(router: APIRouter, ui: _Ui) -> None:
    """Add ``/live`` (the page), ``POST /live/sessions``, ``DELETE /live/sessions/{id}`` and
    ``POST /live/sessions/{id}/turns``."""

    async def live_page(request: Request) -> Response:
        if _sessions(request) is None and ui.user(request) is not None:
            return ui.missing(request, "live_off", "", [(ui.link("team"), "to_team_overview")])
        return ui.page(request, "live.html", contact_types=[c.value for c in ContactType])

    async def open_session(request: Request) -> Response:
        user = ui.json_post(request)
        from servio.live import SessionInfo
        from servio.service.scope import Scope

        if (live := _sessions(request)) is None:
            return _refused(request, 404, "live_off")
        body = _valid(request, PageSessionIn, await _body(request))
        if isinstance(body, Response):
            return body
        agent_id, team = Scope.of(user).live(None, None, lambda _agent: None)  # the page names no agent
        # a chat whose first turns show no language ("OK", an order number) is in the page's language
        info = SessionInfo(language=body.language, contact_type=body.contact_type, agent_id=agent_id,
                           team=team, fallback_language=Language(language_of(request)))
        session = live.create(_owner(user), info)
        return JSONResponse({"session_id": session.id, "language": body.language,
                             "contact_type": body.contact_type}, status_code=201)

    async def end_session(request: Request, session_id: str) -> Response:
        user = ui.json_post(request)
        from servio.live import SessionNotFoundError

        if (live := _sessions(request)) is None:
            return _refused(request, 404, "live_off")
        try:
            live.close(session_id, _owner(user))
        except SessionNotFoundError:
            return _refused(request, 404, "live_expired")
        return Response(status_code=204)

    async def add_turn(request: Request, session_id: str) -> Response:
        user = ui.json_post(request)
        from servio.live import LiveError, SessionNotFoundError
        from servio.model import Speaker

        if (live := _sessions(request)) is None:
            return _refused(request, 404, "live_off")
        turn = _valid(request, PageTurnIn, await _body(request))
        if isinstance(turn, Response):
            return turn
        if not turn.text.strip():
            return _refused(request, 422, "live_bad_text", "text")
        try:
            session = live.get(session_id, _owner(user))
            if len(session.turns) >= live.max_turns:
                return _refused(request, 422, "live_full", n=live.max_turns)
            if session.chars + len(turn.text) > session.max_chars:  # each turn re-tags the chat (audit S2)
                return _refused(request, 422, "live_chat_too_long", "text", n=session.max_chars)
            # in a worker thread, as the API does: the event loop stays free for everyone else
            update = await run_in_threadpool(live.add_turn, session_id, _owner(user), Speaker(turn.speaker),
                                             turn.text)
        except SessionNotFoundError:
            return _refused(request, 404, "live_expired")
        except LiveError:
            return _refused(request, 422, "live_refused")
        answer = update.to_dict()
        answer["language_ui"] = language_of(request)
        return JSONResponse(answer)

    router.add_api_route("/live", live_page, methods=["GET"])
    router.add_api_route("/live/sessions", open_session, methods=["POST"])
    router.add_api_route("/live/sessions/{session_id}", end_session, methods=["DELETE"])
    router.add_api_route("/live/sessions/{session_id}/turns", add_turn, methods=["POST"])


def _sessions(request: Request) -> Any:
    """The application's :class:`~servio.live.LiveSessions` (``app.state.live``), or None: an application
    of one's own that mounts the pages without live sessions serves no live page (no menu entry, a 404)."""
    return getattr(request.app.state, "live", None)


def _owner(user: Any) -> str:
    return f"user:{user.id}"


def _refused(request: Request, status: int, key: str, field: str | None = None, **values: Any) -> Response:
    detail = strings(language_of(request))[key].format(**values)
    return JSONResponse({"detail": detail, "field": field, "loc": ["body", field] if field else None},
                        status_code=status)


def _valid(request: Request, model: type[M], body: dict[str, Any]) -> M | Response:
    """``body`` as ``model``, or a 422 naming the first field that is wrong (in the page's language)."""
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        field = str(error["loc"][0]) if error["loc"] else None
        if error["type"] == "extra_forbidden":
            return _refused(request, 422, "live_unknown_field", field, name=field)
        if field == "text" and error["type"] == "string_too_long":
            return _refused(request, 422, "live_too_long", field, n=MAX_TURN_CHARS,
                            length=len(str(body.get("text", ""))))
        return _refused(request, 422, FIELD_TEXTS.get(field or "", "live_refused"), field)


async def _body(request: Request) -> dict[str, Any]:
    from servio.web.routes import json_body

    body = await json_body(request)
    if not isinstance(body, dict):
        raise HTTPException(422, "the body must be a JSON object")
    return body
