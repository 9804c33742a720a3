"""The API docs pages (``/docs``: Swagger UI, ``/redoc``: ReDoc), each with a policy that fits it.

FastAPI's pages load their scripts and styles from a CDN and start Swagger UI
with an inline script. The pages are on the dashboard's origin, so a script
there could read what the signed-in person may see: the page's
Content-Security-Policy allows only the exact script files below (Swagger UI
at a fixed version) and that one inline script (by its hash), never the rest
of the CDN, whose files anyone can publish, nor inline scripts in general.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from servio.service.headers import DATA, inline_hashes, policy

CDN = "https://cdn.jsdelivr.net"
SWAGGER = f"{CDN}/npm/swagger-ui-dist@5.35.0"
SWAGGER_JS, SWAGGER_CSS = f"{SWAGGER}/swagger-ui-bundle.js", f"{SWAGGER}/swagger-ui.css"
REDOC_JS = f"{CDN}/npm/redoc@2/bundles/redoc.standalone.js"
FAVICON = "https://fastapi.tiangolo.com"
FONTS_CSS, FONTS = "https://fonts.googleapis.com", "https://fonts.gstatic.com"


def docs_policy(html: str) -> str:
    """The policy of a docs page ``html``: the CDN, its own inline scripts by hash, fetches to this server."""
    scripts = f"{SWAGGER_JS} {REDOC_JS} {inline_hashes(html, 'script')}".strip()
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
        return page(get_swagger_ui_html(openapi_url=openapi_url, title=f"{app.title} - Swagger UI",
                                        swagger_js_url=SWAGGER_JS, swagger_css_url=SWAGGER_CSS).body)

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        return page(get_redoc_html(openapi_url=openapi_url, title=f"{app.title} - ReDoc",
                                   redoc_js_url=REDOC_JS).body)
