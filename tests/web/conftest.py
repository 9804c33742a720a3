"""Browser tests: the dashboard served by uvicorn in a thread, driven by Playwright on Debian's Chromium.

They skip (with the reason) when Playwright or /usr/bin/chromium is missing;
no browser is ever downloaded. ``SERVIO_SCREENSHOTS=<folder>`` keeps the
screenshots the tests take.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("SERVIO_CHROMIUM", "/usr/bin/chromium")
DATA = Path(__file__).parent / "data"
#: A name the browser fixture's Chromium resolves to 127.0.0.1: a plain-HTTP address that, unlike
#: 127.0.0.1 itself, browsers do not treat as secure (no Secure cookies, no Sec-Fetch-Site from it).
PLAIN_HTTP_HOST = "servio.test"


def _skip_reason() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install playwright; no browser download needed)"
    if not Path(CHROMIUM).is_file():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set SERVIO_CHROMIUM)"
    return None


@pytest.fixture(scope="session")
def base_url() -> Iterator[str]:
    """The dashboard over the two bundled example conversations' file and an empty start for imports."""
    reason = _skip_reason()
    if reason and os.environ.get("SERVIO_REQUIRE_BROWSER"):
        pytest.fail(f"{reason}; make test promised a browser (SERVIO_REQUIRE_BROWSER)")
    if reason:
        pytest.skip(reason)

    from servio.examples import example_gold_path
    from servio.web.demo import demo_app

    with served_app(demo_app([example_gold_path()])) as origin:
        yield f"{origin}/ui"


def store_app(store: Any, **overrides: Any) -> Any:
    """The service with the dashboard over ``store``: no warm-up, no rate limit, no token cache, the rules."""
    from servio.service import Settings, create_app

    options: dict[str, Any] = {"database_url": "sqlite://", "live_warm_up": False, "rate_limit_per_minute": 0,
                               "auth_cache_seconds": 0, "auto_migrate": False, "tagger": "rules"}
    return create_app(Settings(**{**options, **overrides}), store=store)


def sign_in(client: Any, token: str) -> Any:
    """``client`` signed in to the dashboard through its sign-in form with the API token ``token``: the
    cookie it gets holds a dashboard session, never the token. Returns the client."""
    answer = client.post("/ui/login", data={"token": token}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    session = client.cookies.get("servio_token")
    assert session and token not in session, "the dashboard's cookie must not hold the API token"
    return client

def lets_in(client: Any) -> bool:
    """Whether the client's cookie lets it in: a page shows, and a JSON post passes the sign-in check.

    Both or neither: a page that shows while the JSON post is 401 (or the other way round) fails here.
    """
    page = client.get("/ui/conversations", follow_redirects=False)
    post = client.post("/ui/live/sessions", json={"language": "en"}, headers={"X-Servio": "1"})
    if page.status_code == 200 and post.status_code == 201:
        return True
    assert page.status_code == 303 and page.headers["location"].startswith("/ui/login?next="), page.text
    assert post.status_code == 401, post.text
    return False


def role_tokens(store: Any, agent_user: str = "eva", agent_id: str = "eva") -> dict[str, str]:
    """A token per role on ``store``: root (admin), rita (reviewer), lea (team lead of North) and an agent
    user ``agent_user`` linked to the agent ``agent_id``."""
    tokens = {}
    people = (("root", "admin", None, None), ("rita", "reviewer", None, None),
              ("lea", "team_lead", None, "North"), (agent_user, "agent", agent_id, None))
    for name, role, agent, team in people:
        _, tokens[role] = store.create_user(name, role, agent, team=team)
    return tokens


@contextmanager
def cookie_clients(app: Any, tokens: dict[str, str]) -> Iterator[Any]:
    """``client(role)`` (or ``client(role, token)``): a new test client of ``app`` signed in through the
    sign-in form with that role's token (a dashboard session in its cookie); every client is closed at
    the end."""
    from fastapi.testclient import TestClient

    clients: list[TestClient] = []

    def client(role: str, token: str | None = None) -> TestClient:
        c = TestClient(app, raise_server_exceptions=False)
        clients.append(c)
        return sign_in(c, token or tokens[role])

    try:
        yield client
    finally:
        for c in clients:
            c.close()


@contextmanager
def served_app(app: Any) -> Iterator[str]:
    """``app`` served by uvicorn in a thread on a free loopback port; yields its origin."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="package")
def browser(base_url: str) -> Iterator[Any]:
    """One Chromium for the tests of this folder. Closed when they are done, not at the end of the session:
    Playwright's sync API keeps an event loop running in the main thread while it is open, and later tests
    that call ``asyncio.run`` (tests/service) would fail when run after these."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM,
                              args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                                    f"--host-resolver-rules=MAP {PLAIN_HTTP_HOST} 127.0.0.1"])
        yield b
        b.close()


@pytest.fixture
def tokens(store: Any) -> dict[str, str]:
    """An admin (root), a reviewer (rita) and agent mari's user in ``store``: their tokens by role. A test
    file that needs other people defines its own ``tokens``."""
    out = {}
    for name, role, agent in (("root", "admin", None), ("rita", "reviewer", None), ("mari", "agent", "mari")):
        _, out[role] = store.create_user(name, role, agent)
    return out


@contextmanager
def browser_page(browser: Any, width: int = 1280, height: int = 900, locale: str = "en-GB") -> Iterator[Any]:
    """A page of a new browser context of that size and locale (20 s timeouts), closed afterwards."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    try:
        yield pg
    finally:
        context.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    with browser_page(browser) as pg:
        yield pg


@pytest.fixture()
def shots(tmp_path: Path) -> Path:
    """Where screenshots go: ``$SERVIO_SCREENSHOTS`` if set, else a temporary folder."""
    folder = Path(os.environ.get("SERVIO_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def store_served(tmp_path: Path) -> Iterator[tuple[str, Any, str]]:
    """The service (API and dashboard) on a new SQLite store with one admin, served by uvicorn.

    Yields the origin, the store and the admin's token (the admin is named *root*).
    """
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    from servio.service import Settings, create_app
    from servio.store import Store

    store = Store(f"sqlite:///{tmp_path / 'servio.db'}")
    store.migrate()
    _, token = store.create_user("root", "admin")
    settings = Settings(database_url="sqlite://", live_warm_up=False, rate_limit_per_minute=0,
                        auth_cache_seconds=0, auto_migrate=False, tagger="rules")
    try:
        with served_app(create_app(settings, store=store)) as origin:
            yield origin, store, token
    finally:
        store.close()


def signed_in_page(browser: Any, origin: str, token: str, width: int = 1280) -> Any:
    """A new page of a new browser context, signed in with ``token`` (close its ``.context`` when done)."""
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{origin}/ui/login?lang=en")
    page.fill("input[name=token]", token)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/ui/login" not in url)
    return page
