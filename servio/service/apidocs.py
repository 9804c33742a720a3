"""The API docs pages (``/docs``: Swagger UI, ``/redoc``: ReDoc), served with their scripts from this server.

The pages are on the dashboard's origin and need no sign-in, so a script on
them could act as whoever is signed in to the dashboard in the same browser.
FastAPI's pages load Swagger UI and ReDoc from a CDN (ReDoc at a floating
version) and fonts from Google; servio serves instead the files that the
``fastapi-offline`` package (pinned in pyproject.toml) ships, under
``/docs/assets/``, and loads nothing from another site. The page's
Content-Security-Policy allows scripts from this server and the one inline
start-up script of Swagger UI by its hash, no other inline script.

``SERVIO_API_DOCS`` (:attr:`~servio.service.settings.Settings.docs_enabled`)
switches the pages off, as production mode does unless told otherwise;
``/openapi.json`` stays.
"""

from __future__ import annotations

import functools

from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.responses import HTMLResponse

from servio.service.headers import DATA, inline_hashes, policy

#: Where the pages load their files from.
ASSETS = "/docs/assets"
#: The files served there (from the ``fastapi_offline`` package's ``static`` folder), with their types.
ASSET_TYPES = {"swagger-ui-bundle.js": "text/javascript; charset=utf-8",
               "swagger-ui.css": "text/css; charset=utf-8",
               "redoc.standalone.js": "text/javascript; charset=utf-8",
               "favicon.png": "image/png"}
#: Swagger UI's own settings: no validator badge, which would send the schema's address to swagger.io.
SWAGGER_PARAMETERS = {"validatorUrl": None}


def docs_policy(html: str) -> str:
    """The policy of a docs page ``html``: this server's files, its own inline scripts by hash, fetches to
    this server, ReDoc's worker; nothing from another site."""
    scripts = f"'self' {inline_hashes(html, 'script')}".strip()
    return policy({**DATA, "script-src": scripts, "style-src": "'self' 'unsafe-inline'",
                   "img-src": "'self' data:", "connect-src": "'self'", "worker-src": "blob:"})


@functools.cache
def asset(name: str) -> bytes:
    """The bytes of the docs file ``name`` (one of :data:`ASSET_TYPES`) as the pinned package ships it."""
    from importlib import resources

    return resources.files("fastapi_offline").joinpath("static", name).read_bytes()


def add_docs(app: FastAPI, openapi_url: str = "/openapi.json") -> None:
    """Serve ``/docs``, ``/redoc`` and their files (build the app with ``docs_url=None, redoc_url=None``)."""
    from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html

    def page(body: bytes | memoryview) -> HTMLResponse:
        html = bytes(body).decode("utf-8")
        return HTMLResponse(html, headers={"Content-Security-Policy": docs_policy(html)})

    @app.get("/docs", include_in_schema=False)
    async def swagger(request: Request) -> HTMLResponse:
        return page(get_swagger_ui_html(openapi_url=openapi_url, title=f"{app.title} - Swagger UI",
                                        swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
                                        swagger_css_url=f"{ASSETS}/swagger-ui.css",
                                        swagger_favicon_url=f"{ASSETS}/favicon.png",
                                        swagger_ui_parameters=SWAGGER_PARAMETERS).body)

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        return page(get_redoc_html(openapi_url=openapi_url, title=f"{app.title} - ReDoc",
                                   redoc_js_url=f"{ASSETS}/redoc.standalone.js",
                                   redoc_favicon_url=f"{ASSETS}/favicon.png", with_google_fonts=False).body)

    @app.get(ASSETS + "/{name}", include_in_schema=False)
    async def files(name: str) -> Response:
        if name not in ASSET_TYPES:
            raise HTTPException(404, "no such file")
        return Response(asset(name), media_type=ASSET_TYPES[name], headers={"Cache-Control": "max-age=3600"})
