"""The dashboard's session cookie is Secure as ``SERVIO_COOKIE_SECURE`` says, and then named
``__Host-servio_token`` (security audit S7): for each setting over plain HTTP and HTTPS, what
``Set-Cookie`` says, that signing in works (or, where a browser drops the cookie, that the sign-in page
says why), and that signing out drops the right cookie. The test client keeps a Secure cookie from a
plain-HTTP answer but never sends it over plain HTTP, as a browser that drops it would.

Runs on every store backend of the project's ``store`` fixture. The people are invented.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from http.cookies import SimpleCookie
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import lets_in, store_app

JSON = {"X-Servio": "1"}
PLAIN, SECURE, CHECK = "servio_token", "__Host-servio_token", "servio_cookie_check"
GOOD_SECRET = "s" * 40
HTTP, HTTPS = "http://servio.example", "https://servio.example"

# (mode, SERVIO_COOKIE_SECURE, scheme) -> whether the session cookie is Secure
CASES = [
    ("production", None, HTTPS, True),  # production's default: always
    ("production", None, HTTP, True),
    ("development", None, HTTP, False),  # development's default: auto
    ("development", None, HTTPS, True),
    ("production", "always", HTTPS, True),
    ("development", "always", HTTP, True),
    ("production", "auto", HTTP, False),
    ("production", "auto", HTTPS, True),
    ("production", "never", HTTP, False),
    ("production", "never", HTTPS, False),
]


def _app(store: Any, mode: str, policy: str | None, **more: Any) -> Any:
    options: dict[str, Any] = {"mode": mode, **more}
    if mode == "production":
        options["secret_key"] = GOOD_SECRET
    if policy is not None:
        options["cookie_secure"] = policy
    return store_app(store, **options)


@pytest.fixture
def clients() -> Iterator[Any]:
    made: list[TestClient] = []

    def client(app: Any, base_url: str) -> TestClient:
        c = TestClient(app, base_url=base_url, raise_server_exceptions=False)
        made.append(c)
        return c

    yield client
    for c in made:
        c.close()


def _set_cookies(answer: Any) -> dict[str, dict[str, Any]]:
    """The answer's ``Set-Cookie`` headers by cookie name: its value and attributes (lower-case names;
    flags as True)."""
    out: dict[str, dict[str, Any]] = {}
    for header in answer.headers.get_list("set-cookie"):
        name_value, *attributes = [part.strip() for part in header.split(";")]
        name, _, value = name_value.partition("=")
        attrs: dict[str, Any] = {"value": value}
        for attribute in attributes:
            key, equals, val = attribute.partition("=")
            attrs[key.lower()] = val if equals else True
        out[name] = attrs
    return out


def _sign_in(client: TestClient, token: str) -> Any:
    answer = client.post("/ui/login", data={"token": token, "next": "/ui/team"}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/ui/team", answer.text
    return answer


@pytest.mark.parametrize(("mode", "policy", "base", "secure"), CASES)
def test_the_cookie_is_secure_and_named_as_the_setting_says(
        store: Any, tokens: dict[str, str], clients: Any, mode: str, policy: str | None, base: str,
        secure: bool) -> None:
    app = _app(store, mode, policy)
    browser = clients(app, base)
    cookies = _set_cookies(_sign_in(browser, tokens["reviewer"]))
    name, other = (SECURE, PLAIN) if secure else (PLAIN, SECURE)
    assert other not in cookies
    cookie = cookies[name]
    assert cookie["value"].startswith("servio_session_")
    assert cookie.get("secure", False) is secure
    assert cookie["httponly"] is True and cookie["samesite"].lower() == "strict"
    assert cookie["path"] == "/" and "domain" not in cookie and cookie["max-age"] == "43200"
    # the check cookie only where a browser may drop the session cookie: Secure, but the request was http
    assert (CHECK in cookies) is (secure and base == HTTP)
    if secure and base == HTTP:
        return  # test_a_browser_that_drops_the_cookie_is_told_why
    assert lets_in(browser)
    out = browser.post("/ui/logout", follow_redirects=False)
    assert out.status_code == 303
    dropped = _set_cookies(out)[name]
    assert dropped["value"] in ("", '""') and dropped["max-age"] == "0" and dropped["path"] == "/"
    assert dropped.get("secure", False) is secure  # a browser ignores a __Host- deletion without Secure
    assert store.user_by_session(cookie["value"]) is None  # ended on the server, not only in the browser
    assert not lets_in(browser)


@pytest.mark.parametrize("policy", [None, "always"])
def test_a_browser_that_drops_the_cookie_is_told_why(
        store: Any, tokens: dict[str, str], clients: Any, policy: str | None,
        caplog: pytest.LogCaptureFixture) -> None:
    """Production over plain HTTP with the Secure cookie: the browser keeps only the check cookie, and the
    sign-in page it is sent back to says why and what to set, once, instead of a silent sign-in loop."""
    browser = clients(_app(store, "production", policy), HTTP)
    _sign_in(browser, tokens["reviewer"])
    team = browser.get("/ui/team", follow_redirects=False)
    assert team.status_code == 303 and team.headers["location"].startswith("/ui/login?next=")
    with caplog.at_level(logging.WARNING, logger="servio.web"):
        page = browser.get(team.headers["location"] + "&lang=en")
    assert page.status_code == 200
    assert "did not keep the session cookie" in page.text and "SERVIO_COOKIE_SECURE=never" in page.text
    assert any("SERVIO_COOKIE_SECURE=never" in r.getMessage() for r in caplog.records), caplog.text
    assert CHECK in _set_cookies(page)  # dropped: said once per sign-in
    again = browser.get("/ui/login?lang=et")
    assert again.status_code == 200 and "SERVIO_COOKIE_SECURE" not in again.text


def test_the_estonian_sign_in_page_says_it_in_estonian(store: Any, tokens: dict[str, str],
                                                      clients: Any) -> None:
    browser = clients(_app(store, "production", None), HTTP)
    _sign_in(browser, tokens["reviewer"])
    page = browser.get("/ui/login?lang=et")
    assert "brauser ei jätnud seansiküpsist alles" in page.text and "SERVIO_COOKIE_SECURE=never" in page.text


def test_behind_a_tls_proxy_servio_is_not_told_about_always_works_and_says_nothing(
        store: Any, tokens: dict[str, str], clients: Any) -> None:
    """The browser talks HTTPS to the proxy (so it keeps and sends the Secure cookie), servio sees plain
    HTTP: the usual production deployment, and what ``always`` is the default for."""
    app = _app(store, "production", None)

    async def tls_proxy(scope: Any, receive: Any, send: Any) -> None:
        await app({**scope, "scheme": "http"} if scope["type"] == "http" else scope, receive, send)

    browser = clients(tls_proxy, HTTPS)
    cookies = _set_cookies(_sign_in(browser, tokens["reviewer"]))
    assert cookies[SECURE].get("secure") is True and CHECK in cookies
    assert lets_in(browser)
    page = browser.get("/ui/login?lang=en")
    assert page.status_code == 200 and "SERVIO_COOKIE_SECURE" not in page.text
    out = _set_cookies(browser.post("/ui/logout", follow_redirects=False))
    assert out[SECURE]["max-age"] == "0" and out[CHECK]["max-age"] == "0"


def test_auto_behind_a_trusted_proxy_takes_https_from_x_forwarded_proto(
        store: Any, tokens: dict[str, str], clients: Any) -> None:
    """``servio serve`` with SERVIO_TRUSTED_PROXIES runs uvicorn's proxy headers for those addresses:
    their ``X-Forwarded-Proto: https`` makes the request HTTPS, and ``auto`` makes the cookie Secure."""
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    app = _app(store, "production", "auto")
    trusted = clients(ProxyHeadersMiddleware(app, trusted_hosts="testclient"), HTTP)
    untrusted = clients(ProxyHeadersMiddleware(app, trusted_hosts="10.0.0.1"), HTTP)
    for client, secure in ((trusted, True), (untrusted, False)):
        answer = client.post("/ui/login", data={"token": tokens["reviewer"]},
                             headers={"X-Forwarded-Proto": "https"}, follow_redirects=False)
        cookies = _set_cookies(answer)
        assert (SECURE in cookies, PLAIN in cookies) == (secure, not secure)


def test_the_cookie_of_an_older_servio_asks_for_a_new_sign_in_and_goes(
        store: Any, tokens: dict[str, str], clients: Any) -> None:
    """After the upgrade to a Secure cookie the old ``servio_token`` (a live session) is not read: the
    sign-in page comes, once, without an error; signing in drops the old cookie and ends its session."""
    rita = store.get_user(name="rita")
    old = store.start_session(rita.id, timedelta(hours=12))
    browser = clients(_app(store, "production", None), HTTPS)
    browser.cookies.set(PLAIN, old)
    page = browser.get("/ui/team", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/ui/login?next=")
    login = browser.get(page.headers["location"])
    assert login.status_code == 200 and 'role="alert"' not in login.text
    cookies = _set_cookies(_sign_in(browser, tokens["reviewer"]))
    assert cookies[PLAIN]["max-age"] == "0" and cookies[SECURE]["value"] != old
    assert store.user_by_session(old) is None
    assert lets_in(browser)  # (the old cookie the test set by hand is still sent, and still not read)


def test_a_plain_cookie_is_not_read_where_the_cookie_is_secure(
        store: Any, tokens: dict[str, str], clients: Any) -> None:
    """A plain-HTTP page or a sibling subdomain can set ``servio_token`` but not ``__Host-servio_token``: a
    planted session (someone else's, signing the victim in as them) must not count."""
    root = store.get_user(name="root")
    planted = store.start_session(root.id, timedelta(hours=12))
    browser = clients(_app(store, "production", "always"), HTTPS)
    browser.cookies.set(PLAIN, planted)
    assert not lets_in(browser)
    browser.cookies.set(SECURE, planted)
    assert lets_in(browser)


def test_signing_out_ends_the_sessions_of_both_names(store: Any, tokens: dict[str, str],
                                                     clients: Any) -> None:
    rita = store.get_user(name="rita")
    old = store.start_session(rita.id, timedelta(hours=12))
    browser = clients(_app(store, "production", None), HTTPS)
    _sign_in(browser, tokens["reviewer"])
    current = browser.cookies.get(SECURE)
    browser.cookies.set(PLAIN, old)  # left by an older servio, say
    out = browser.post("/ui/logout", follow_redirects=False)
    cookies = _set_cookies(out)
    assert cookies[SECURE]["max-age"] == "0" and cookies[SECURE].get("secure") is True
    assert cookies[PLAIN]["max-age"] == "0" and "secure" not in cookies[PLAIN]
    assert store.user_by_session(current) is None and store.user_by_session(old) is None


def test_the_rate_limit_keys_a_session_of_either_name() -> None:
    from servio.service.limits import client_key

    def key(cookie: str) -> str:
        scope = {"type": "http", "client": ("1.2.3.4", 1), "headers": [(b"cookie", cookie.encode())]}
        return client_key(scope)

    assert key(f"{SECURE}=servio_session_a.b").startswith("s:")
    assert key(f"{SECURE}=servio_session_a.b") != key(f"{SECURE}=servio_session_c.d")
    assert key(f"servio_lang=et; {SECURE}=") == "ip:1.2.3.4"
    assert key("x__Host-servio_token=servio_session_a.b") == "ip:1.2.3.4"


def test_a_simple_cookie_parser_reads_what_servio_sets(store: Any, tokens: dict[str, str],
                                                       clients: Any) -> None:
    """The header as a standard parser reads it (the name with its prefix, the flags)."""
    answer = _sign_in(clients(_app(store, "production", None), HTTPS), tokens["reviewer"])
    header = next(h for h in answer.headers.get_list("set-cookie") if h.startswith(SECURE + "="))
    parsed = SimpleCookie()
    parsed.load(header)
    morsel = parsed[SECURE]
    assert morsel["secure"] is True and morsel["httponly"] is True and morsel["path"] == "/"
    assert morsel["samesite"].lower() == "strict" and not morsel["domain"]
