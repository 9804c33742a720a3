"""Liveness and database reachability (no token needed)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from servio import __version__

router = APIRouter(tags=["health"])


class HealthOut(BaseModel):
    """Whether the service and its database work."""

    status: str = Field(description="ok, or unavailable when the database cannot be reached.")
    version: str
    database: str = Field(description="sqlite or postgresql.")
    schema_current: bool = Field(description="Whether the database is at the newest migration.")
    live_sessions: int = Field(description="Live chat sessions held in memory.")


def _head(state: Any) -> str | None:
    """The newest migration shipped (read from the migration scripts once per app)."""
    if not hasattr(state, "schema_head"):
        from servio.store.engine import head_revision

        state.schema_head = head_revision()
    head: str | None = state.schema_head
    return head


@router.get("/health", response_model=HealthOut, summary="Health check",
            description="Needs no token and is never rate-limited: the version, the database kind, whether "
                        "the schema is current and how many live sessions are held.",
            responses={503: {"model": HealthOut, "description": "The database cannot be reached."}})
def health(request: Request) -> Any:
    state = request.app.state
    body = {"status": "ok", "version": __version__, "database": state.store.dialect,
            "schema_current": False, "live_sessions": len(state.live)}
    try:
        body["schema_current"] = state.store.schema_revision() == _head(state)
    except Exception:  # the database is down or unreachable: say so rather than fail
        body["status"] = "unavailable"
        return JSONResponse(body, status_code=503)
    return body
