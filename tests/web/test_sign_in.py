"""Signing in to the dashboard makes a session of its own: the cookie never holds the API token, signing
out ends the session on the server, and it ends when it expires, when the user's tokens are revoked and
when the user is deactivated. A session is no API token, nor an API token a session.

Runs on every store backend of the project's ``store`` fixture (SQLite, and PostgreSQL when configured).
The people are invented.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from tests.web.conftest import lets_in, sign_in, store_app

JSON = {"X-Servio": "1"}
COOKIE = "servio_token"


@pytest.fixture(params=[0, 300], ids=["no-cache", "cache"])
def app(request: pytest.FixtureRequest, store: Any, tokens: dict[str, str]) -> Any:
    """The service with its dashboard, without and with the token cache a deployment has (300 s: an ended
    session that still works shows that the cache kept it)."""
    return store_app(store, auth_cache_seconds=request.param)


@pytest.fixture
def clients(app: Any) -> Iterator[Any]:
    made: list[TestClient] = []

    def client(cookie: str | None = None) -> TestClient:
        c = TestClient(app, raise_server_exceptions=False)
        if cookie is not None:
            c.cookies.set(COOKIE, cookie)
        made.append(c)
        return c

    yield client
    for c in made:
        c.close()


def _signed_in(clients: Any, token: str) -> tuple[TestClient, str]:
    """A client signed in with ``token`` and the session its cookie holds."""
    c = sign_in(clients(), token)
    return c, str(c.cookies.get(COOKIE))


def _api(app: Any, token: str) -> int:
    with TestClient(app) as api:
        return api.get("/me", headers={"Authorization": f"Bearer {token}"}).status_code


def _id(store: Any, name: str) -> int:
    return int(store.get_user(name=name).id)


def test_the_cookie_holds_a_session_not_the_api_token(clients: Any, tokens: dict[str, str]) -> None:
    browser = clients()
    answer = browser.post("/ui/login", data={"token": tokens["reviewer"], "next": "/ui/team"},
                          follow_redirects=False)
    assert answer.status_code == 303
    cookie = answer.headers["set-cookie"]
    session = browser.cookies.get(COOKIE)
    assert session and session.startswith("servio_session_")
    assert tokens["reviewer"] not in cookie and tokens["reviewer"].partition(".")[2] not in cookie
    lowered = cookie.lower()
    assert "httponly" in lowered and "samesite=strict" in lowered and "max-age=43200" in lowered
    assert lets_in(browser)
    again = sign_in(clients(), tokens["reviewer"]).cookies.get(COOKIE)
    assert again != session  # every sign-in is a session of its own


def test_a_signed_out_cookie_no_longer_works(clients: Any, tokens: dict[str, str]) -> None:
    browser, session = _signed_in(clients, tokens["reviewer"])
    copy = clients(session)  # someone who copied the cookie
    assert lets_in(copy)  # (with the cache on: the session is cached now)
    out = browser.post("/ui/logout", follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/ui/login"
    assert not lets_in(copy)
    assert not lets_in(clients(session))
    other, _ = _signed_in(clients, tokens["reviewer"])  # another sign-in of the same user goes on
    assert lets_in(other)


def test_signing_in_again_ends_the_session_the_browser_held(clients: Any, tokens: dict[str, str]) -> None:
    browser, first = _signed_in(clients, tokens["reviewer"])
    copy = clients(first)
    assert lets_in(copy)
    sign_in(browser, tokens["admin"])  # someone else signs in on the same browser
    second = browser.cookies.get(COOKIE)
    assert second != first and lets_in(browser)
    assert not lets_in(copy)


def test_an_expired_session_does_not_work(clients: Any, store: Any, tokens: dict[str, str]) -> None:
    from sqlalchemy import update

    from servio.store.schema import DashboardSessionRow

    _, session = _signed_in(clients, tokens["reviewer"])
    with store.engine.begin() as conn:
        conn.execute(update(DashboardSessionRow).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert not lets_in(clients(session))


def test_a_session_is_not_an_api_token(app: Any, clients: Any, tokens: dict[str, str]) -> None:
    browser, session = _signed_in(clients, tokens["admin"])
    assert lets_in(browser)  # (with the cache on: the session is cached now)
    assert _api(app, session) == 401
    assert _api(app, tokens["admin"]) == 200
    with TestClient(app) as api:
        assert api.get("/conversations", headers={"Authorization": f"Bearer {session}"}).status_code == 401
        with pytest.raises(WebSocketDisconnect), api.websocket_connect(f"/live/chat-1?token={session}") as ws:
            ws.receive_json()


def test_an_api_token_is_not_a_session(app: Any, clients: Any, tokens: dict[str, str]) -> None:
    """The cookie of an older servio held the API token: it leads to the sign-in page now."""
    assert _api(app, tokens["reviewer"]) == 200  # (with the cache on: the token is cached now)
    old = clients(tokens["reviewer"])
    assert not lets_in(old)
    assert old.get("/ui/login").status_code == 200


def test_revoking_a_users_tokens_on_the_users_page_ends_their_sessions(
        clients: Any, store: Any, tokens: dict[str, str]) -> None:
    root, _ = _signed_in(clients, tokens["admin"])
    rita, _ = _signed_in(clients, tokens["reviewer"])
    assert lets_in(rita)
    answer = root.post(f"/ui/users/{_id(store, 'rita')}/tokens/revoke", json={}, headers=JSON)
    assert answer.status_code == 200 and answer.json()["revoked"] == 1
    assert not lets_in(rita) and lets_in(root)


def test_revoking_a_users_tokens_through_the_api_ends_their_sessions(
        app: Any, clients: Any, store: Any, tokens: dict[str, str]) -> None:
    rita, _ = _signed_in(clients, tokens["reviewer"])
    assert lets_in(rita)
    with TestClient(app) as api:
        gone = api.delete(f"/users/{_id(store, 'rita')}/tokens",
                          headers={"Authorization": f"Bearer {tokens['admin']}"})
    assert gone.status_code == 200 and gone.json() == {"revoked": 1}
    assert not lets_in(rita)


def test_deactivating_a_user_ends_their_sessions(app: Any, clients: Any, store: Any,
                                                  tokens: dict[str, str]) -> None:
    root, _ = _signed_in(clients, tokens["admin"])
    rita, _ = _signed_in(clients, tokens["reviewer"])
    mari, _ = _signed_in(clients, tokens["agent"])
    assert lets_in(rita) and lets_in(mari)
    off = root.post(f"/ui/users/{_id(store, 'rita')}/active", json={"active": False}, headers=JSON)
    assert off.status_code == 200, off.text
    assert not lets_in(rita)
    with TestClient(app) as api:
        patched = api.patch(f"/users/{_id(store, 'mari')}", json={"active": False},
                            headers={"Authorization": f"Bearer {tokens['admin']}"})
    assert patched.status_code == 200, patched.text
    assert not lets_in(mari)
    on = root.post(f"/ui/users/{_id(store, 'rita')}/active", json={"active": True}, headers=JSON)
    assert on.status_code == 200 and not lets_in(rita)  # enabled again: she signs in again
    assert lets_in(sign_in(clients(), tokens["reviewer"]))


def test_ending_sessions_on_the_server_takes_them_out_without_a_cache(
        clients: Any, store: Any, tokens: dict[str, str], app: Any) -> None:
    """``servio users revoke`` and ``disable`` change the database from another process: without the
    token cache the next request sees it (with it, within ``auth_cache_seconds``, as for API tokens)."""
    if app.state.token_cache.ttl:
        pytest.skip("another process cannot clear this process's token cache")
    rita, _ = _signed_in(clients, tokens["reviewer"])
    mari, _ = _signed_in(clients, tokens["agent"])
    store.revoke_tokens(_id(store, "rita"))
    store.set_user_active(_id(store, "mari"), False)
    assert not lets_in(rita) and not lets_in(mari)


def test_signing_out_without_a_session_or_with_a_made_up_one_just_signs_out(clients: Any) -> None:
    for cookie in (None, "servio_session_0123456789abcdef.nope", "x" * 300):
        out = clients(cookie).post("/ui/logout", follow_redirects=False)
        assert out.status_code == 303 and out.headers["location"] == "/ui/login"
