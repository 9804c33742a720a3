"""A dashboard over files, without a database: for demos, screenshots and the browser tests.

``demo_app(paths)`` reads, analyses and scores the files (the bundled examples
by default) into a :class:`~servio.web.backend.MemoryBackend` and serves the
dashboard's pages with open access (everyone is a reviewer) and live assist.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from servio.analyze.registry import DEFAULT_TAGGER


def demo_app(paths: Sequence[str | Path] | None = None, *, prefix: str = "/ui",
             tagger: str = DEFAULT_TAGGER) -> Any:
    """A FastAPI app serving the dashboard over ``paths`` (the bundled examples if None)."""
    from fastapi import FastAPI
    from fastapi.responses import RedirectResponse

    from servio.jobs import JobOptions, read, scorable, score
    from servio.live import LiveSessions
    from servio.service.errors import install_error_handlers
    from servio.service.headers import SecurityHeadersMiddleware
    from servio.web.backend import MemoryBackend
    from servio.web.routes import web_router

    if paths is None:
        from servio.examples import example_paths

        paths = example_paths()
    backend = MemoryBackend(tagger=tagger)
    opts = JobOptions(tagger=tagger)
    stream = read(list(paths), opts)
    backend.add(score(scorable(stream, stream.reject), opts))
    app = FastAPI(title="servio dashboard (demo)", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.web_backend = backend
    app.state.live = LiveSessions(tagger=tagger)
    install_error_handlers(app)
    app.add_middleware(SecurityHeadersMiddleware)
    app.include_router(web_router(prefix=prefix, open_access=True))

    @app.get("/", include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse(f"{prefix}/team", status_code=303)

    return app
