"""The pages mounted in an application of one's own: a store is all they need (no token cache to set up)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from servio.service.auth import TokenCache
from servio.web import web_router

JSON = {"X-Servio": "1"}


def own_app(store: Any) -> FastAPI:
    app = FastAPI()
    app.state.store = store
    app.include_router(web_router())
    return app


def signed_in(app: FastAPI, token: str) -> TestClient:
    client = TestClient(app)
    answer = client.post("/ui/login", data={"token": token, "next": "/ui/team"}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/ui/team"
    return client


def test_signing_in_needs_no_token_cache_of_ones_own(store: Any) -> None:
    _, token = store.create_user("rita", "reviewer")
    app = own_app(store)
    client = signed_in(app, token)
    assert client.get("/ui/team").status_code == 200
    assert isinstance(app.state.token_cache, TokenCache)  # made on first use, kept where the API keeps it
    wrong = TestClient(app).post("/ui/login", data={"token": "nope", "next": "/ui/team"})
    assert wrong.status_code == 401


def test_the_default_cache_forgets_a_deactivated_user_at_once(store: Any) -> None:
    _, admin = store.create_user("root", "admin")
    mari, agent = store.create_user("mari", "agent", "mari")
    app = own_app(store)
    root, her = signed_in(app, admin), signed_in(app, agent)
    assert her.get("/ui/conversations", follow_redirects=False).status_code == 200  # now in the cache
    off = root.post(f"/ui/users/{mari.id}/active", json={"active": False}, headers=JSON)
    assert off.status_code == 200, off.text
    assert her.get("/ui/conversations", follow_redirects=False).status_code != 200


def test_without_live_sessions_the_live_page_is_left_out_and_refused(store: Any) -> None:
    """D14: the documented mount sets no app.state.live; its live page was there and its calls a 500."""
    _, admin = store.create_user("root", "admin")
    client = signed_in(own_app(store), admin)
    team = client.get("/ui/team")
    assert team.status_code == 200 and 'href="/ui/live"' not in team.text  # no menu entry
    page = client.get("/ui/live", headers={"Accept-Language": "en"})
    assert page.status_code == 404 and "Live assist is not served here" in page.text
    opened = client.post("/ui/live/sessions", json={"language": "en", "contact_type": None}, headers=JSON)
    assert opened.status_code == 404 and "app.state.live" in opened.json()["detail"]
    turn = client.post("/ui/live/sessions/x/turns", json={"speaker": "customer", "text": "Hi"}, headers=JSON)
    assert turn.status_code == 404 and turn.json()["detail"] == opened.json()["detail"]
    assert client.delete("/ui/live/sessions/x", headers=JSON).status_code == 404


def test_with_live_sessions_the_documented_mount_serves_live_assist(store: Any) -> None:
    from servio.live import LiveSessions

    _, admin = store.create_user("root", "admin")
    app = own_app(store)
    app.state.live = LiveSessions(tagger="rules")
    client = signed_in(app, admin)
    assert 'href="/ui/live"' in client.get("/ui/team").text
    assert client.get("/ui/live").status_code == 200
    opened = client.post("/ui/live/sessions", json={"language": "en", "contact_type": None}, headers=JSON)
    assert opened.status_code == 201, opened.text
    sid = opened.json()["session_id"]
    turn = client.post(f"/ui/live/sessions/{sid}/turns", json={"speaker": "customer", "text": "Hi"},
                       headers=JSON)
    assert turn.status_code == 200, turn.text
