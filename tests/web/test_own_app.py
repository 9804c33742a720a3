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
