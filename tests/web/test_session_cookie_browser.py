"""In Chromium: a production dashboard reached over plain HTTP at an address browsers do not treat as
secure (``servio.test``, which the browser fixture maps to 127.0.0.1). With the production default the
Secure session cookie is dropped by the browser, and the sign-in page says why instead of asking again
without a word; with ``SERVIO_COOKIE_SECURE=never`` signing in and out works. On a loopback address
Chromium keeps a Secure cookie, so the default works there.

Skips (with the reason) without Playwright or Chromium, as the other browser tests do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import PLAIN_HTTP_HOST, served_app


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[[str | None], tuple[str, str]]]:
    """``serve(policy)``: a production service on a new SQLite store with one admin, served by uvicorn;
    gives its port and the admin's token. Every server stops at the end."""
    from contextlib import ExitStack

    from servio.service import Settings, create_app
    from servio.store import Store

    store = Store(f"sqlite:///{tmp_path / 'servio.db'}")
    store.migrate()
    _, token = store.create_user("root", "admin")
    with ExitStack() as servers:
        def start(policy: str | None) -> tuple[str, str]:
            options: dict[str, Any] = {"database_url": "sqlite://", "live_warm_up": False,
                                       "rate_limit_per_minute": 0, "auth_cache_seconds": 0,
                                       "auto_migrate": False, "tagger": "rules", "mode": "production",
                                       "secret_key": "s" * 40}
            if policy is not None:
                options["cookie_secure"] = policy
            origin = servers.enter_context(served_app(create_app(Settings(**options), store=store)))
            return origin.rsplit(":", 1)[1], token

        yield start
    store.close()


def _sign_in(browser: Any, origin: str, token: str) -> Any:
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{origin}/ui/login?lang=en&next=/ui/team")
    page.fill("input[name=token]", token)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def _cookies(page: Any) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in page.context.cookies()}


def test_a_dropped_secure_cookie_is_explained_on_the_sign_in_page(browser: Any, serve: Any) -> None:
    port, token = serve(None)
    page = _sign_in(browser, f"http://{PLAIN_HTTP_HOST}:{port}", token)
    try:
        assert "/ui/login" in page.url
        alert = page.locator("[role=alert]").inner_text()
        assert "did not keep the session cookie" in alert and "SERVIO_COOKIE_SECURE=never" in alert
        assert "__Host-servio_token" not in _cookies(page)
        page.reload()  # said for that sign-in, not forever
        assert page.locator("[role=alert]").count() == 0
    finally:
        page.context.close()


@pytest.mark.parametrize(("host", "policy", "name", "secure"), [
    (PLAIN_HTTP_HOST, "never", "servio_token", False),
    ("127.0.0.1", None, "__Host-servio_token", True),
])
def test_signing_in_and_out_works_where_the_browser_keeps_the_cookie(
        browser: Any, serve: Any, host: str, policy: str | None, name: str, secure: bool) -> None:
    port, token = serve(policy)
    page = _sign_in(browser, f"http://{host}:{port}", token)
    try:
        assert page.url.endswith("/ui/team"), page.content()[:500]
        cookie = _cookies(page)[name]
        assert cookie["secure"] is secure and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        with page.expect_navigation():
            page.locator("form[action$='/logout'] button").click()
        assert "/ui/login" in page.url and name not in _cookies(page)
    finally:
        page.context.close()
