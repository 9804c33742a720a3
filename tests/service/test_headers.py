"""Security headers on every answer: the API's JSON, the dashboard's pages, errors, limits and the docs.

Browsers must not sniff JSON into HTML, frame a page, send the page's address
elsewhere or keep conversation data in a cache; pages run only servio's own
scripts. (tests/web/test_csp.py checks in Chromium that the pages still work.)
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servio.service import create_app
from tests.service.conftest import Users, make_settings
from tests.web.conftest import sign_in

# same-origin, not no-referrer: other sites get no referrer either way, and no-referrer made the sign-in
# form's Origin "null", which over plain HTTP (no Sec-Fetch-Site there) the sign-in check refused
COMMON = {"x-content-type-options": "nosniff", "referrer-policy": "same-origin", "x-frame-options": "DENY"}


def policy(answer: Any) -> dict[str, set[str]]:
    """The answer's Content-Security-Policy as directive -> sources."""
    header = answer.headers.get("content-security-policy", "")
    out: dict[str, set[str]] = {}
    for part in header.split(";"):
        name, *sources = part.split()
        out[name] = set(sources)
    return out


def guarded(answer: Any, *, cache: str = "no-store") -> dict[str, set[str]]:
    """Check the headers every answer carries; returns its policy."""
    for name, value in COMMON.items():
        assert answer.headers.get(name) == value, (name, answer.request.url, answer.headers)
    assert answer.headers.get("cache-control") == cache, answer.request.url
    csp = policy(answer)
    assert csp.get("frame-ancestors") == {"'none'"}, csp
    scripts = csp.get("script-src", csp.get("default-src"))
    assert scripts is not None and "'unsafe-inline'" not in scripts and "*" not in scripts, csp
    return csp


@pytest.fixture
def browser(filled_store: Any, users: Users) -> Iterator[TestClient]:
    """A client signed in to the dashboard as the reviewer."""
    with TestClient(create_app(make_settings(), store=filled_store), raise_server_exceptions=False) as c:
        yield sign_in(c, users.tokens["reviewer"])


def test_api_answers_are_data_that_nothing_may_run_or_keep(client: TestClient, users: Users) -> None:
    h = users.headers("admin")
    answers = [client.get("/health"), client.get("/conversations", headers=h),
               client.get("/conversations/svc-et-1", headers=h), client.get("/conversations.csv", headers=h),
               client.get("/agents/kati/profile", headers=h), client.get("/conversations"),
               client.get("/conversations/nope", headers=h), client.get("/conversations?limit=x", headers=h),
               client.get("/openapi.json")]
    for answer in answers:
        assert guarded(answer).get("default-src") == {"'none'"}, answer.request.url


def test_answers_of_the_limits_and_of_an_unexpected_error_carry_them_too(filled_store: Any,
                                                                          users: Users) -> None:
    app = create_app(make_settings(mode="production", secret_key="s" * 40, max_upload_bytes=1024,
                                   rate_limit_per_minute=1), store=filled_store)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("/srv/servio/secret/path.py exploded")

    with TestClient(app, raise_server_exceptions=False) as c:
        h = users.headers("admin")
        too_big = c.post("/live/sessions", content=b"x" * 4096, headers=h)
        assert too_big.status_code == 413
        guarded(too_big)
        failed = c.get("/boom", headers=users.headers("reviewer"))
        assert failed.status_code == 500 and "secret" not in failed.text
        guarded(failed)
        c.get("/me", headers=users.headers("agent"))
        limited = c.get("/me", headers=users.headers("agent"))
        assert limited.status_code == 429
        guarded(limited)


def test_dashboard_pages_run_only_servios_own_scripts(browser: TestClient, users: Users) -> None:
    admin = TestClient(browser.app, raise_server_exceptions=False)  # the import page is the importers'
    sign_in(admin, users.tokens["admin"])
    for path in ("/ui/team", "/ui/agents/kati", "/ui/conversations", "/ui/conversations/svc-et-1",
                 "/ui/live", "/ui/import", "/ui/login"):
        answer = (admin if path == "/ui/import" else browser).get(path)
        assert answer.status_code == 200 and "text/html" in answer.headers["content-type"], path
        csp = guarded(answer)
        assert csp["script-src"] == {"'self'"}, path
        assert csp["default-src"] == {"'none'"} and csp["connect-src"] == {"'self'"}, path
        assert csp["form-action"] == {"'self'"} and csp["base-uri"] == {"'none'"}, path
        assert "'unsafe-inline'" not in csp["style-src-elem"], path  # style attributes only


def test_a_redirect_to_sign_in_and_a_refusal_carry_them(filled_store: Any) -> None:
    with TestClient(create_app(make_settings(), store=filled_store)) as anonymous:
        guarded(anonymous.get("/ui/conversations/svc-et-1", follow_redirects=False))
        guarded(anonymous.get("/ui/report"))


def test_static_files_may_be_cached_but_not_sniffed(browser: TestClient) -> None:
    answer = browser.get("/ui/static/app.js")
    assert answer.status_code == 200
    guarded(answer, cache="max-age=300")


def _hashes(html: str, tag: str) -> set[str]:
    found = re.findall(rf"<{tag}>(.*?)</{tag}>", html, flags=re.S)
    return {"'sha256-" + base64.b64encode(hashlib.sha256(t.encode()).digest()).decode() + "'" for t in found}


def test_the_report_page_allows_its_own_style_block_and_no_script(browser: TestClient) -> None:
    answer = browser.get("/ui/report?scope=agent&id=kati")
    assert answer.status_code == 200
    csp = guarded(answer)
    assert csp["default-src"] == {"'none'"} and "script-src" not in csp
    assert _hashes(answer.text, "style") and _hashes(answer.text, "style") <= csp["style-src-elem"]
    assert "'unsafe-inline'" not in csp["style-src-elem"]


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_the_api_docs_run_their_own_inline_script_by_hash_only(client: TestClient, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 200
    csp = guarded(answer)
    assert _hashes(answer.text, "script") <= csp["script-src"]
    assert csp["connect-src"] == {"'self'"}
    # scripts, styles, fonts and images from this server only: a CDN's file (ReDoc at a floating version)
    # would run on the dashboard's origin, and every employee's browser would call the CDN and Google
    # (security audit 19b, m6)
    assert not any("http" in source for sources in csp.values() for source in sources), csp
    assert csp["script-src"] - _hashes(answer.text, "script") == {"'self'"}
    srcs = re.findall(r'(?:src|href)="([^"]+)"', answer.text)
    assert srcs and all(s.startswith("/docs/assets/") for s in srcs), srcs
    assert "googleapis" not in answer.text and "jsdelivr" not in answer.text


def test_answers_over_https_tell_the_browser_to_stay_on_https(filled_store: Any, users: Users) -> None:
    app = create_app(make_settings(), store=filled_store)
    with TestClient(app, base_url="https://servio.example") as secure, TestClient(app) as plain:
        for client in (secure, plain):
            answers = [client.get("/health"), client.get("/conversations", headers=users.headers("admin")),
                       client.get("/conversations")]
            for answer in answers:
                expected = "max-age=31536000" if client is secure else None
                assert answer.headers.get("strict-transport-security") == expected, answer.request.url
