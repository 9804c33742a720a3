"""Errors as JSON answers: store and live errors map to 4xx; anything unexpected is a logged 500."""

from __future__ import annotations

import logging
import uuid

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from servio.live import LiveError, SessionNotFoundError
from servio.store.types import NotFound, StoreError

log = logging.getLogger("servio.service")


def _json(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status)


async def _not_found(request: Request, exc: Exception) -> JSONResponse:
    return _json(404, str(exc) or "not found")


async def _bad_request(request: Request, exc: Exception) -> JSONResponse:
    return _json(400, str(exc))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    ref = uuid.uuid4().hex[:12]
    log.exception("unexpected error %s on %s %s", ref, request.method, request.url.path)
    detail = f"internal error (reference {ref})"
    if request.app.state.settings.development:
        detail += f": {type(exc).__name__}: {exc}"
    return _json(500, detail)


def install_error_handlers(app: FastAPI) -> None:
    """Map servio's exceptions to HTTP answers."""
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(SessionNotFoundError, _not_found)
    app.add_exception_handler(StoreError, _bad_request)
    app.add_exception_handler(LiveError, _bad_request)
    app.add_exception_handler(Exception, _unexpected)
