"""Errors as JSON answers: store and live errors map to 4xx; the database out of reach is a 503 with
Retry-After; anything unexpected is a logged 500.

A 500 answer says only ``internal error (reference …)`` and the ``reference``; what went wrong is in
the server's log under that reference, in development mode too.

No answer repeats what the client sent: a 422 names each field (``loc``) and
what is wrong with it (``msg``, ``type``) but never the value, which can be a
customer's words, a password or a token.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NoReturn

from fastapi import FastAPI, Request, WebSocket, status
from fastapi.exceptions import RequestValidationError, WebSocketRequestValidationError
from fastapi.responses import JSONResponse

from servio.live import LiveError, SessionNotFoundError
from servio.references import internal_error
from servio.service.headers import headers_for
from servio.store.types import NotFound, StoreError

log = logging.getLogger("servio.service")

#: The keys of one validation error in a 422 answer (pydantic's ``input``, ``ctx`` and ``url`` are left out).
VALIDATION_KEYS = ("loc", "msg", "type")


def _json(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status)


def validation_errors(errors: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each error's field, message and type; never the value that was sent."""
    return [{"loc": [part if isinstance(part, int) else str(part) for part in e.get("loc", ())],
             "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))} for e in errors]


def invalid(*errors: tuple[str, str], where: str = "query") -> NoReturn:
    """Refuse a request whose parameters are each valid but wrong together (``date_to`` before ``date_from``)
    with the 422 FastAPI gives a malformed one: each ``(field, message)`` as a ``value_error`` at ``where``
    (the API's one shape for a bad parameter, whichever router finds it)."""
    raise RequestValidationError([{"loc": (where, field), "msg": msg, "type": "value_error"}
                                  for field, msg in errors])


async def _invalid(request: Request, exc: Exception) -> JSONResponse:
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    return JSONResponse({"detail": validation_errors(errors)}, status_code=422)


async def _invalid_socket(websocket: WebSocket, exc: Exception) -> None:
    errors = exc.errors() if isinstance(exc, WebSocketRequestValidationError) else []
    fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in validation_errors(errors))
    await websocket.close(code=status.WS_1008_POLICY_VIOLATION, reason=f"invalid {fields}"[:120])


async def _not_found(request: Request, exc: Exception) -> JSONResponse:
    return _json(404, str(exc) or "not found")


async def _bad_request(request: Request, exc: Exception) -> JSONResponse:
    return _json(400, str(exc))


#: Seconds a client is asked to wait when the database cannot be reached
RETRY_AFTER_SECONDS = 30


def _database_down(request: Request, exc: Exception) -> bool:
    """Whether ``exc`` is the database out of reach (not a bug): a connection-level SQLAlchemy error
    after which the store cannot answer a trivial query either (SQLite's OperationalError also covers
    mistakes in a statement, which leave the database reachable)."""
    from sqlalchemy.exc import InterfaceError, OperationalError

    if not isinstance(exc, OperationalError | InterfaceError):
        return False
    store = getattr(request.app.state, "store", None)
    if store is None:
        return False
    try:
        store.schema_revision()  # what /health asks
    except Exception:  # noqa: BLE001 - any failure here means the database is not answering
        return True
    return False


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    from starlette.concurrency import run_in_threadpool

    if await run_in_threadpool(_database_down, request, exc):
        # an outage, not a bug: one line (no traceback per request), and a 503 a monitor reads as such
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]
        log.error("database unavailable on %s %s: %s", request.method, request.url.path, reason)
        answer = JSONResponse({"detail": "the database is unavailable; try again shortly"}, status_code=503,
                              headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
        answer.headers.update(dict(headers_for("application/json")))
        return answer
    # never the exception's text, in any mode: it can hold SQL, parameters and customers' words
    ref, detail = internal_error(log, exc, "unexpected error %s on %s %s", request.method, request.url.path)
    answer = JSONResponse({"detail": detail, "reference": ref}, status_code=500)
    # sent past the middleware (Starlette answers a 500 outside it): the security headers are added here
    answer.headers.update(dict(headers_for("application/json")))
    return answer


def install_error_handlers(app: FastAPI) -> None:
    """Map servio's exceptions to HTTP answers; the OpenAPI schema shows the 422 answer as it is."""
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(WebSocketRequestValidationError, _invalid_socket)
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(SessionNotFoundError, _not_found)
    app.add_exception_handler(StoreError, _bad_request)
    app.add_exception_handler(LiveError, _bad_request)
    app.add_exception_handler(Exception, _unexpected)
    app.openapi = _without_inputs(app.openapi)  # type: ignore[method-assign]


#: The body of every error answer but a 422 (``HTTPValidationError``), as the schema describes it.
ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error", "type": "object", "required": ["detail"],
    "description": "An error: what is wrong, in English. A 500 says only its reference, which finds the "
                   "details in the server's log.",
    "properties": {"detail": {"type": "string", "title": "Detail"},
                   "reference": {"type": "string", "title": "Reference",
                                 "description": "A 500's reference in the server's log (only on a 500)."}},
}

#: The error answers every operation of a kind may give, which no route lists itself (docs/api.md, Errors).
COMMON_ERRORS = {
    "400": "A request servio cannot carry out, a body that cannot be read, or a JSON body nested deeper "
           "than max_json_depth.",
    "401": "No valid API token (missing, unknown, revoked or disabled); with WWW-Authenticate: Bearer.",
    "403": "The user's role, or their team or agent scope, does not allow this.",
    "404": "Not found, or not the user's to see.",
    "413": "The request body is larger than the limit (max_upload_bytes; a JSON body 1 MiB at most).",
    "429": "Too many requests: try again after Retry-After seconds.",
    "503": "The database is unavailable: try again after Retry-After seconds.",
}


def _error_codes(method: str, path: str, operation: Mapping[str, Any]) -> list[str]:
    """The common error answers an operation may give: a signed-in one 401, 403 (but ``GET /me``), 429 and
    503; one with a path parameter 404; one with a body 400 and 413."""
    if not operation.get("security"):
        return []
    codes = ["401", "429", "503"]
    if (method, path) != ("get", "/me"):
        codes.append("403")
    if "{" in path:
        codes.append("404")
    if operation.get("requestBody"):
        codes += ["400", "413"]
    return codes


def _document_errors(schema: dict[str, Any]) -> None:
    """Give every operation the error answers it may give, each with the ``Error`` body; an error answer a
    route lists without a body gets that body too."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            answers = operation.setdefault("responses", {})
            for code in _error_codes(method, path, operation):
                answers.setdefault(code, {"description": COMMON_ERRORS[code]})
            for code, answer in answers.items():
                if code.startswith(("4", "5")) and code != "422" and not answer.get("content"):
                    answer["content"] = ref


def _without_inputs(build: Callable[[], dict[str, Any]]) -> Callable[[], dict[str, Any]]:
    """``app.openapi`` whose ``ValidationError`` schema has only the keys a 422 answer carries, and whose
    operations list the error answers they may give with their body (:func:`_document_errors`)."""

    def openapi() -> dict[str, Any]:
        schema = build()
        error = schema.get("components", {}).get("schemas", {}).get("ValidationError")
        if error is not None:
            error["properties"] = {k: v for k, v in error["properties"].items() if k in VALIDATION_KEYS}
            error["required"] = list(VALIDATION_KEYS)
            error["description"] = "One problem: the field (loc), what is wrong (msg, type); never the value."
        _document_errors(schema)
        return schema

    return openapi
