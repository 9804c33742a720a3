"""``/docs`` and ``/redoc`` work in Chromium under their policy, with every file from this server.

Their scripts were a CDN's (security audit 19b, m6); now they are the pinned
package's, served under ``/docs/assets/``: the pages must still show the API,
with no policy violation and no request to another host.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from servio.service import create_app
from tests.service.conftest import make_settings
from tests.web.conftest import browser_page, served_app
from tests.web.test_csp import WATCH

REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@pytest.mark.parametrize(("path", "shown"), [("/docs", ".swagger-ui .info .title"),
                                             ("/redoc", "h1")])
def test_the_docs_pages_show_the_api_from_this_server_alone(browser: Any, tmp_path: Path, path: str,
                                                            shown: str) -> None:
    app = create_app(make_settings(database_url=f"sqlite:///{tmp_path / 'servio.db'}", auto_migrate=True))
    with served_app(app) as origin, browser_page(browser) as page:
        hosts: list[str] = []
        console: list[str] = []
        failed: list[str] = []
        # over the network only (ReDoc's worker is a blob: and its icons data: addresses, with no host)
        network = ("http://", "https://", "ws://", "wss://")
        page.on("requestfinished", lambda r: hosts.append(urlsplit(r.url).netloc) if r.url.startswith(network)
                else None)
        page.on("requestfailed", lambda r: failed.append(f"{r.url} {r.failure}"))
        page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
        page.add_init_script(WATCH)
        assert page.goto(origin + path).ok
        page.wait_for_selector(shown, timeout=30_000)
        assert "servio" in page.locator(shown).first.inner_text()
        # ReDoc's sidebar shows Redocly's logo from its CDN, whatever its options say: the policy blocks it,
        # so the browser never asks that host (the link's words stay); nothing else is refused
        blocked = [v for v in page.evaluate("window.__cspViolations") if v != f"img-src {REDOC_LOGO}"]
        assert blocked == [] and all(REDOC_LOGO in line for line in console), (blocked, console)
        assert set(hosts) == {urlsplit(origin).netloc}, hosts  # every request that went out went here
        assert all(f.startswith(REDOC_LOGO) and "csp" in f for f in failed), failed
