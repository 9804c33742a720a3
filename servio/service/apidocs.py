"""The API docs pages (``/docs``: Swagger UI, ``/redoc``: ReDoc), each with a policy that fits it.

FastAPI's pages load their scripts and styles from a CDN and start Swagger UI
with an inline script; the page's Content-Security-Policy allows that CDN and
that one script (by its hash), never inline scripts in general.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from servio.service.headers import DATA, inline_hashes, policy

CDN = "https://cdn.jsdelivr.net"
FAVICON = "https://fastapi.tiangolo.com"
FONTS_CSS, FONTS = "https://fonts.googleapis.com", "https://fonts.gstatic.com"


def docs_policy(html: str) -> str:
    """The policy of a docs page ``html``: the CDN, its own inline scripts by hash, fetches to this server."""
    scripts = f"{CDN} {inline_hashes(html, 'script')}".strip()
    return policy({**DATA, "script-src": scripts, "style-src": f"'self' 'unsafe-inline' {CDN} {FONTS_CSS}",
                   "font-src": FONTS, "img-src": f"'self' data: {FAVICON}", "connect-src": "'self'",
                   "worker-src": "blob:"})


def add_docs(app: FastAPI, openapi_url: str = "/openapi.json") -> None:
    """Serve ``/docs`` and ``/redoc`` (build the app with ``docs_url=None, redoc_url=None``)."""
    from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html

    def page(body: bytes | memoryview) -> HTMLResponse:
        html = bytes(body).decode("utf-8")
        return HTMLResponse(html, headers={"Content-Security-Policy": docs_policy(html)})

    @app.get("/docs", include_in_schema=False)
    async def swagger(request: Request) -> HTMLResponse:
        return page(get_swagger_ui_html(openapi_url=openapi_url, title=f"{app.title} - Swagger UI").body)

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        return page(get_redoc_html(openapi_url=openapi_url, title=f"{app.title} - ReDoc").body)
