"""The server-rendered dashboard served by ``servio serve``.

``web_router(...)`` (in :mod:`servio.web.routes`) builds a FastAPI router of
pages over the service's store; importing this package imports no web
library, so reports can share its interface strings.
"""

from __future__ import annotations

from typing import Any


def web_router(*args: Any, **kwargs: Any) -> Any:
    """The dashboard's APIRouter (see :func:`servio.web.routes.web_router`)."""
    from servio.web.routes import web_router as build

    return build(*args, **kwargs)


__all__ = ["web_router"]
