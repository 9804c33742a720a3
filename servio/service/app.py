"""The app factory: ``create_app(settings)`` builds a FastAPI app; ``run(settings)`` serves it with uvicorn.

Nothing is created at import time. The store opens its database on first
use; ``create_app`` only wires settings, store, live sessions, limits,
CORS, error handlers and the routers.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import re
import sys
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI

from servio import __version__
from servio.live import LiveSessions
from servio.service.auth import TokenCache
from servio.service.errors import install_error_handlers
from servio.service.headers import SecurityHeadersMiddleware
from servio.service.limits import LimitsMiddleware
from servio.service.settings import Settings, load_settings

if TYPE_CHECKING:
    from servio.evaluate.scorecard import Scorecard
    from servio.store import Store

log = logging.getLogger("servio.service")

DESCRIPTION = """\
servio tags customer-service conversations (Estonian and English) with the seven stages of the
service process, scores each stage and profiles agents and teams.

**Authentication**: every endpoint except `GET /health` needs an API token,
sent as `Authorization: Bearer <token>`. Roles: **admin** (users, tokens, imports),
**reviewer** (reads everything, corrects stage tags), **team_lead** (a reviewer over their own
team's conversations only; no imports), **agent** (sees only their own
conversations and profile). The stages: 1 attunement, 2 creating interest, 3 clarifying needs,
4 clarifying values, 5 clarifying options, 6 offering a solution, 7 the goodbye procedure.

**Limits**: request bodies up to `max_upload_bytes`, JSON nesting up to `max_json_depth`,
`rate_limit_per_minute` requests per token (429 with `Retry-After` beyond that).

**Errors**: a bad parameter, field or form value is a 422 listing each problem's `loc`, `msg` and
`type` (never the value sent); every other error is `{"detail": "..."}` (`Error`).
"""

TAGS = [
    {"name": "health", "description": "Is the service up and its database reachable."},
    {"name": "imports", "description": "Upload conversation files in any format servio reads."},
    {"name": "conversations", "description": "Scored conversations: list, filter, detail, CSV."},
    {"name": "corrections", "description": "Reviewers correct a turn's stages; the audit trail and "
                                           "its export for retraining."},
    {"name": "profiles", "description": "Per-stage profiles of agents and teams over a period."},
    {"name": "reports", "description": "The report of an agent, a team or a period as JSON, HTML or PDF, "
                                       "for scheduled reporting."},
    {"name": "users", "description": "Users, roles and API tokens (admins)."},
    {"name": "live", "description": "Live stage hints during a chat (HTTP and WebSocket)."},
]


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> FastAPI:
    """A servio API app for ``settings`` (default: from the environment); ``store`` overrides the database.

    Raises :class:`~servio.service.settings.UnsafeSettingsError` for settings
    that must not serve (the default secret outside development mode).
    """
    settings = settings or load_settings()
    settings.ensure_safe()
    app = FastAPI(title="servio", version=__version__, description=DESCRIPTION, openapi_tags=TAGS,
                  lifespan=_lifespan, debug=False, docs_url=None, redoc_url=None)
    app.state.settings = settings
    card = settings_scorecard(settings)
    app.state.store = store if store is not None else open_store(settings, card)
    app.state.live = LiveSessions(ttl=settings.live_session_ttl_seconds,
                                  max_sessions=settings.live_max_sessions,
                                  max_turns=settings.live_max_turns, tagger=settings.tagger,
                                  scorecard=card, max_chars=settings.live_max_session_chars,
                                  max_per_owner=settings.live_max_sessions_per_user)
    app.state.token_cache = TokenCache(settings.auth_cache_seconds)
    from servio.service.routers.reports import PDF_PRINTS

    app.state.pdf_printers = threading.BoundedSemaphore(PDF_PRINTS)  # reports printed to PDF at once
    app.state.stopping = threading.Event()  # set when the server is told to stop: imports stop at a batch
    _middleware(app, settings)
    install_error_handlers(app)
    _routers(app, settings)
    if settings.docs_enabled:
        from servio.service.apidocs import add_docs

        add_docs(app)
    return app


def open_store(settings: Settings, scorecard: Scorecard | None = None) -> Store:
    """The store of ``settings``: its database URL, token hashes peppered with the secret key, and the
    scorecard imports and corrections score with (``settings.scorecard`` unless one is given)."""
    from servio.store import Store

    card = scorecard if scorecard is not None else settings_scorecard(settings)
    return Store(settings.database_url, pepper=settings.secret_key.get_secret_value(), scorecard=card)


def settings_scorecard(settings: Settings) -> Scorecard | None:
    """The scorecard file of ``settings.scorecard`` (None: the default); raises
    :class:`~servio.evaluate.ScorecardError` naming the file and what is wrong."""
    if not settings.scorecard:
        return None
    from servio.evaluate import load_scorecard

    return load_scorecard(settings.scorecard)


def _middleware(app: FastAPI, settings: Settings) -> None:
    app.add_middleware(LimitsMiddleware, max_body_bytes=settings.max_upload_bytes,
                       max_json_depth=settings.max_json_depth, rate_per_minute=settings.rate_limit_per_minute)
    if settings.origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=settings.origins,
                           allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                           allow_headers=["Authorization", "Content-Type"])
    if settings.open_dashboard:
        # A page on another site could point its own name at 127.0.0.1 (DNS rebinding) and read the
        # token-free dashboard as the guest reviewer: answer only requests addressed to this machine.
        from starlette.middleware.trustedhost import TrustedHostMiddleware

        app.add_middleware(TrustedHostMiddleware,
                           allowed_hosts=sorted({"localhost", "127.0.0.1", "[::1]", settings.host.lower()}))
    app.add_middleware(SecurityHeadersMiddleware)  # the outermost: also on the limits' and CORS answers


def _routers(app: FastAPI, settings: Settings) -> None:
    from fastapi.responses import RedirectResponse

    from servio.service.routers import (
        conversations,
        corrections,
        health,
        imports,
        live,
        profiles,
        reports,
        users,
    )
    from servio.web import web_router

    # corrections before conversations: an id may hold "/", so GET /conversations/{id:path} would
    # also match /conversations/{id}/corrections
    for module in (health, imports, corrections, conversations, profiles, reports, users, live):
        app.include_router(module.router)
    app.include_router(web_router(open_access=settings.open_dashboard))

    @app.get("/", include_in_schema=False)
    def _home() -> RedirectResponse:
        return RedirectResponse("/ui/team")


#: Query parameters whose values stay out of the server's log: a WebSocket's token, and the text of the
#: erasure search (``GET /imports?quoting=Mari%20Maasikas``), a customer's name.
MASKED_PARAMETERS = frozenset({"token", "quoting"})
_QUERY = re.compile(r"\?([^\s\"#]*)")  # a query string in a log line: up to a space, a quote or a fragment


def masked_query(text: str) -> str:
    """``text`` with the value of every :data:`MASKED_PARAMETERS` parameter in its query strings as ``***``.

    A parameter is known by its name as the server reads it: percent-decoded and in any case, so
    ``?%74oken=`` (which authenticates a WebSocket as ``?token=`` does) and ``?TOKEN=`` are masked too.
    """
    return _QUERY.sub(lambda m: "?" + "&".join(_masked_pair(p) for p in m.group(1).split("&")), text)


def _masked_pair(pair: str) -> str:
    from urllib.parse import unquote_plus

    name, equals, _value = pair.partition("=")
    if equals and unquote_plus(name).strip().casefold() in MASKED_PARAMETERS:
        return f"{name}=***"
    return pair


class HideQueryValues(logging.Filter):
    """Masks the values of :data:`MASKED_PARAMETERS` in a log record's arguments (uvicorn's access and
    WebSocket lines pass the path with its query string as one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(masked_query(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str) and not record.args:
            record.msg = masked_query(record.msg)
        return True


def hide_query_values_in_server_logs() -> None:
    """Keep WebSocket tokens and erasure searches (:data:`MASKED_PARAMETERS`) out of uvicorn's connection
    and access log lines."""
    for name in ("uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, HideQueryValues) for f in logger.filters):
            logger.addFilter(HideQueryValues())


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    hide_query_values_in_server_logs()
    if settings.auto_migrate:
        app.state.store.migrate()
    if settings.live_warm_up:
        from servio.service.bootstrap import warm_up

        warm_up()
    # a run killed mid-import (kill -9, an OOM kill) leaves its job "running" and its raw upload on disk
    from servio.service.housekeeping import keep_tidy

    tidying = asyncio.create_task(keep_tidy(app.state.store))
    expiring = None
    if settings.retention_days:
        from servio.service.retention import keep_expiring

        expiring = asyncio.create_task(keep_expiring(app.state.store, settings.retention_days))
    try:
        yield
    finally:
        tidying.cancel()
        if expiring is not None:
            expiring.cancel()


def log_config() -> dict[str, Any]:
    """uvicorn's logging set-up plus servio's own loggers at INFO on the same handler: without it
    servio's records (retention's deletions, import jobs marked failed at start-up, unexpected errors)
    would meet Python's default WARNING level with no handler, and an operator would never see what
    retention removed."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["servio"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def cookie_notice(settings: Settings, *, tls: bool = False) -> str | None:
    """What `servio serve` says at start-up about the dashboard's Secure cookie in production (None:
    nothing to say). It cannot tell whether browsers reach it over HTTPS (a TLS proxy in front that is
    not in ``trusted_proxies`` looks like plain HTTP and works), so it warns instead of refusing: a
    dashboard reached over plain HTTP with a Secure cookie would send people back to the sign-in page."""
    if settings.development or tls:
        return None
    if settings.cookie_secure is None:
        return ("the dashboard's session cookie is Secure (SERVIO_COOKIE_SECURE is unset: always in "
                "production), and browsers keep it only over HTTPS: if people reach this service over plain "
                "http://, set SERVIO_COOKIE_SECURE=never, or they cannot stay signed in")
    if settings.cookie_secure == "auto" and not settings.trusted_proxies:
        return ("SERVIO_COOKIE_SECURE=auto: the dashboard's session cookie is Secure only for requests that "
                "arrive as HTTPS; behind a TLS proxy, list it in SERVIO_TRUSTED_PROXIES (it must send "
                "X-Forwarded-Proto), or set SERVIO_COOKIE_SECURE=always")
    return None


def run(settings: Settings | None = None, **uvicorn_options: Any) -> None:
    """Serve the API with uvicorn on ``settings.host:settings.port`` until interrupted."""
    from servio.service.bootstrap import ensure_admin

    settings = settings or load_settings()
    app = create_app(settings)
    store = app.state.store
    if settings.auto_migrate:
        store.migrate()
    token = ensure_admin(store)
    url = f"http://{settings.host}:{settings.port}"
    docs = f"{url}/docs" if settings.docs_enabled else f"{url}/openapi.json (SERVIO_API_DOCS=true: /docs)"
    print(f"servio {__version__}: serving {url} on {store.url}\n"
          f"  dashboard: {url}/ui/team   API docs: {docs}   health: {url}/health", file=sys.stderr)
    if settings.open_dashboard:
        print("  the dashboard is open (development): no token needed in the browser", file=sys.stderr)
    if (notice := cookie_notice(settings, tls=bool(uvicorn_options.get("ssl_certfile")))) is not None:
        print(f"  {notice}", file=sys.stderr)
    if settings.retention_days:
        print(f"  retention: conversations that started more than {settings.retention_days} days ago, and "
              "import jobs that finished before then, are deleted at start-up and then daily (logged as "
              "servio.retention)", file=sys.stderr)
    if token is not None and (settings.development or sys.stderr.isatty()):
        print(f"  the database had no user: created user 'admin' with the token below (shown once)\n"
              f"  {token}\n"
              f"  sign in with it at {url}/ui/login, and make everyone else's users and tokens on the\n"
              f"  dashboard's Users page ({url}/ui/users); or try: curl -H 'Authorization: Bearer {token}' "
              f"{url}/conversations\n"
              "  lost it? `servio users token admin` on this machine (same settings) gives a new one",
              file=sys.stderr)
    elif token is not None:  # production into a log (journald, docker logs): no lasting admin token there
        print("  the database had no user: created user 'admin'; its token is not written to a log: run\n"
              "  `servio users token admin` on this machine (same settings) for one, sign in with it at\n"
              f"  {url}/ui/login and make everyone else's users and tokens on the dashboard's Users page",
              file=sys.stderr)
    options: dict[str, Any] = {"log_level": "info", "ws": "auto", "ws_max_size": 1024 * 1024,
                               "proxy_headers": bool(settings.trusted_proxies), "log_config": log_config()}
    if settings.trusted_proxies:
        options["forwarded_allow_ips"] = settings.trusted_proxies
    options.update(uvicorn_options)
    serve(app, settings.host, settings.port, options)


def serve(app: FastAPI, host: str, port: int, options: dict[str, Any]) -> None:
    """Serve ``app`` with uvicorn until told to stop (as ``uvicorn.run``); being told to stop also sets
    ``app.state.stopping``, so that running imports stop at their next batch, as a Ctrl-C stops
    ``servio import`` (the job failed as interrupted, what was stored kept, the upload removed): uvicorn
    waits for them (background tasks) before it exits."""
    import uvicorn

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: Any) -> None:
            app.state.stopping.set()
            super().handle_exit(sig, frame)

    server = Server(uvicorn.Config(app, host=host, port=port, **options))
    try:
        server.run()
    except KeyboardInterrupt:  # a second Ctrl-C while stopping: uvicorn has said so already
        pass
    if not server.started:
        sys.exit(3)  # as uvicorn.run: the server could not start (uvicorn logged why)
