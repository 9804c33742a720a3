"""The dashboard's Users page: admins list, create, deactivate and reactivate users, issue and revoke tokens.

Request tests run on every store backend of the project's ``store`` fixture. The app caches tokens
(``auth_cache_seconds``) as a deployment does, so a token refused right after a change shows that the
page cleared the cache as the API does. The people are invented.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import cookie_clients, role_tokens, store_app

JSON = {"X-Servio": "1"}
OTHERS = ("reviewer", "team_lead", "agent")


@pytest.fixture
def tokens(store: Any) -> dict[str, str]:
    return role_tokens(store, "mari", "mari")


@pytest.fixture
def app(store: Any, tokens: dict[str, str]) -> Any:
    return store_app(store, auth_cache_seconds=300)


@pytest.fixture
def as_role(app: Any, tokens: dict[str, str]) -> Iterator[Any]:
    with cookie_clients(app, tokens) as client:
        yield client


def _id(store: Any, name: str) -> int:
    user = store.get_user(name=name)
    assert user is not None, name
    return int(user.id)


def _works(app: Any, token: str) -> bool:
    """Whether the API lets ``token`` in (through the app's token cache, as every request does)."""
    with TestClient(app) as api:
        return api.get("/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _row(html: str, name: str) -> str:
    start = html.index(f'data-name="{name}"')
    return _text(html[start:html.index("</tr>", start)])


def _posts(store: Any) -> list[tuple[str, dict[str, Any]]]:
    mari = _id(store, "mari")
    return [("/ui/users", {"name": "x", "role": "reviewer"}),
            (f"/ui/users/{mari}/active", {"active": False}),
            (f"/ui/users/{mari}/tokens", {}),
            (f"/ui/users/{mari}/tokens/revoke", {})]


# -- who may ------------------------------------------------------------------------------------------


def test_an_admin_sees_every_user_in_the_page_language(as_role: Any, store: Any) -> None:
    root = as_role("admin")
    page = root.get("/ui/users?lang=et")
    assert page.status_code == 200
    assert 'href="/ui/users"' in page.text  # the nav link
    lea, mari = _row(page.text, "lea"), _row(page.text, "mari")
    assert "meeskonnajuht" in lea and "North" in lea and "aktiivne" in lea
    assert "teenindaja" in mari and "mari" in mari
    created = store.get_user(name="lea").created_at
    assert created.strftime("%d.%m.%Y") in lea
    english = root.get("/ui/users?lang=en").text
    assert "team lead" in _row(english, "lea") and created.strftime("%Y-%m-%d") in _row(english, "lea")
    assert "admin" in _row(english, "root") and "reviewer" in _row(english, "rita")


@pytest.mark.parametrize("role", OTHERS)
def test_everyone_else_gets_403_on_the_page_and_every_post(as_role: Any, store: Any, role: str) -> None:
    client = as_role(role)
    assert client.get("/ui/users").status_code == 403
    for path, body in _posts(store):
        assert client.post(path, json=body, headers=JSON).status_code == 403, path
    assert store.get_user(name="x") is None and store.get_user(name="mari").active
    start = client.get("/ui/conversations").text
    assert 'href="/ui/users"' not in start  # no nav link either


def test_a_post_without_the_x_servio_header_is_refused(as_role: Any, store: Any) -> None:
    root = as_role("admin")
    for path, body in _posts(store):
        assert root.post(path, json=body).status_code == 403, path
    assert store.get_user(name="x") is None and store.get_user(name="mari").active


def test_without_a_sign_in_the_page_asks_for_one_and_posts_are_401(app: Any, store: Any) -> None:
    with TestClient(app) as anon:
        page = anon.get("/ui/users", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/ui/login?next=")
        for path, body in _posts(store):
            assert anon.post(path, json=body, headers=JSON).status_code == 401, path


def test_the_open_demo_guest_is_not_an_admin() -> None:
    from fastapi import FastAPI

    from servio.web.backend import MemoryBackend
    from servio.web.routes import web_router

    app = FastAPI()
    app.state.web_backend = MemoryBackend()
    app.include_router(web_router(open_access=True))
    with TestClient(app) as guest:
        assert guest.get("/ui/users").status_code == 403
        assert guest.post("/ui/users", json={"name": "x", "role": "admin"}, headers=JSON).status_code == 403
        assert 'href="/ui/users"' not in guest.get("/ui/conversations").text


# -- creating -----------------------------------------------------------------------------------------


def test_a_created_users_token_is_in_the_answer_only(as_role: Any, app: Any, store: Any,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    root = as_role("admin")
    with caplog.at_level(logging.DEBUG):
        answer = root.post("/ui/users?lang=en", json={"name": "tiit", "role": "team_lead", "team": "South"},
                           headers=JSON)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    token = body["token"]
    assert answer.headers["cache-control"] == "no-store"
    assert body["user"]["name"] == "tiit" and body["user"]["team"] == "South"
    assert 'data-name="tiit"' in body["row"] and "team lead" in body["row"] and token not in body["row"]
    assert "tiit" in body["message"]
    tiit = store.user_by_token(token)
    assert tiit is not None and (tiit.name, tiit.role, tiit.team) == ("tiit", "team_lead", "South")
    assert token not in caplog.text and token.split(".")[-1] not in caplog.text
    listed = root.get("/ui/users?lang=en").text
    assert "South" in _row(listed, "tiit") and token not in listed and token.split(".")[-1] not in listed
    agent = root.post("/ui/users", json={"name": "kati", "role": "agent", "agent_id": "kati-7"}, headers=JSON)
    assert agent.status_code == 201 and store.get_user(name="kati").agent_id == "kati-7"


@pytest.mark.parametrize(("body", "field", "et", "en"), [
    ({"name": "tiit", "role": "team_lead"}, "team", "meeskonnajuhil peab olema meeskond",
     "a team lead needs a team"),
    ({"name": "tiit", "role": "team_lead", "team": "  "}, "team", "meeskonnajuhil peab olema meeskond",
     "a team lead needs a team"),
    ({"name": "kati", "role": "agent"}, "agent_id", "teenindajal peab olema teenindaja tunnus",
     "an agent needs an agent id"),
    ({"name": "rita", "role": "reviewer"}, "name", "nimega „rita” kasutaja on juba olemas",
     "a user named “rita” exists already"),
    ({"name": " ", "role": "reviewer"}, "name", "kasutajal peab olema nimi", "a user needs a name"),
    ({"name": "x", "role": "boss"}, "role", "vali roll", "choose a role"),
    ({"name": "x", "role": "reviewer", "team": "North"}, "team", "meeskond on ainult meeskonnajuhil",
     "only a team lead has a team"),
])
def test_the_servers_checks_come_back_in_the_page_language(as_role: Any, store: Any, body: dict[str, Any],
                                                           field: str, et: str, en: str) -> None:
    root = as_role("admin")
    for lang, expected in (("et", et), ("en", en)):
        answer = root.post(f"/ui/users?lang={lang}", json=body, headers=JSON)
        assert answer.status_code in (409, 422), answer.text
        assert answer.json()["field"] == field
        assert expected in answer.json()["detail"].lower(), answer.json()
    assert len(store.list_users()) == 4


def test_other_checks_of_the_api_come_back_as_given(as_role: Any, store: Any) -> None:
    root = as_role("admin")
    for body in ({"name": "bad\nname", "role": "reviewer"}, {"name": "x" * 300, "role": "reviewer"},
                 {"name": "x", "role": "agent", "agent_id": 7}, ["not", "an", "object"]):
        answer = root.post("/ui/users?lang=en", json=body, headers=JSON)
        assert answer.status_code == 422, (body, answer.text)
        assert isinstance(answer.json()["detail"], str) and answer.json()["detail"]
    assert len(store.list_users()) == 4


# -- per user -----------------------------------------------------------------------------------------


def test_deactivating_stops_the_token_at_once_and_reactivating_restores_it(
        as_role: Any, app: Any, store: Any, tokens: dict[str, str]) -> None:
    root, mari = as_role("admin"), _id(store, "mari")
    assert _works(app, tokens["agent"])  # now in the token cache
    off = root.post(f"/ui/users/{mari}/active?lang=en", json={"active": False}, headers=JSON)
    assert off.status_code == 200, off.text
    assert not store.get_user(mari).active and not _works(app, tokens["agent"])
    assert "inactive" in _text(off.json()["row"]) and "mari" in off.json()["message"]
    assert "inactive" in _row(root.get("/ui/users?lang=en").text, "mari")
    on = root.post(f"/ui/users/{mari}/active?lang=en", json={"active": True}, headers=JSON)
    assert on.status_code == 200 and store.get_user(mari).active and _works(app, tokens["agent"])
    assert root.post(f"/ui/users/{mari}/active", json={"active": "no"}, headers=JSON).status_code == 422


def test_a_new_token_is_shown_once_and_the_old_one_keeps_working(as_role: Any, app: Any, store: Any,
                                                                  tokens: dict[str, str]) -> None:
    root, rita = as_role("admin"), _id(store, "rita")
    answer = root.post(f"/ui/users/{rita}/tokens?lang=en", json={}, headers=JSON)
    assert answer.status_code == 201, answer.text
    token = answer.json()["token"]
    assert token != tokens["reviewer"] and store.user_by_token(token).name == "rita"
    assert _works(app, token) and _works(app, tokens["reviewer"])
    assert token not in root.get("/ui/users").text


def test_revoking_stops_every_token_at_once(as_role: Any, app: Any, store: Any,
                                            tokens: dict[str, str]) -> None:
    root, lea = as_role("admin"), _id(store, "lea")
    second = root.post(f"/ui/users/{lea}/tokens", json={}, headers=JSON).json()["token"]
    assert _works(app, tokens["team_lead"]) and _works(app, second)  # both cached
    answer = root.post(f"/ui/users/{lea}/tokens/revoke?lang=en", json={}, headers=JSON)
    assert answer.status_code == 200, answer.text
    assert answer.json()["revoked"] == 2 and "2" in answer.json()["message"]
    assert not _works(app, tokens["team_lead"]) and not _works(app, second)
    assert store.get_user(lea).active  # revoking is not deactivating


@pytest.mark.parametrize(("lang", "deactivate", "revoke"), [
    ("et", "iseennast ei saa deaktiveerida", "oma võtmeid ei saa tühistada"),
    ("en", "you cannot deactivate yourself", "you cannot revoke your own tokens"),
])
def test_an_admin_cannot_lock_themselves_out(as_role: Any, app: Any, store: Any, tokens: dict[str, str],
                                             lang: str, deactivate: str, revoke: str) -> None:
    root, me = as_role("admin"), _id(store, "root")
    off = root.post(f"/ui/users/{me}/active?lang={lang}", json={"active": False}, headers=JSON)
    assert off.status_code == 400 and deactivate in off.json()["detail"].lower()
    gone = root.post(f"/ui/users/{me}/tokens/revoke?lang={lang}", json={}, headers=JSON)
    assert gone.status_code == 400 and revoke in gone.json()["detail"].lower()
    assert store.get_user(me).active and _works(app, tokens["admin"])
    assert root.get("/ui/users").status_code == 200
    own = _row(root.get(f"/ui/users?lang={lang}").text, "root")
    assert deactivate.split()[-1] in own.lower()  # the own row says so instead of offering the buttons


@pytest.mark.parametrize(("lang", "words"), [("et", "viimane aktiivne administraator"),
                                              ("en", "the last active admin")])
def test_the_last_active_admin_is_not_deactivated(as_role: Any, store: Any, lang: str, words: str) -> None:
    """Only reachable when this admin was disabled elsewhere (``servio users disable``) and the token cache
    still trusts them: deactivating the only other admin would leave nobody to manage users."""
    root = as_role("admin")
    other, _ = store.create_user("olga", "admin")
    assert root.get("/ui/users").status_code == 200  # root's token is in the cache now
    store.set_user_active(_id(store, "root"), False)  # another process
    off = root.post(f"/ui/users/{other.id}/active?lang={lang}", json={"active": False}, headers=JSON)
    assert off.status_code == 409 and words in off.json()["detail"].lower() and "olga" in off.json()["detail"]
    assert store.get_user(other.id).active


def test_unknown_or_malformed_user_ids_are_not_found(as_role: Any) -> None:
    root = as_role("admin")
    for uid in ("999999", "abc", "0", "-1", "99999999999999999999"):
        for path, body in ((f"/ui/users/{uid}/active", {"active": False}), (f"/ui/users/{uid}/tokens", {}),
                           (f"/ui/users/{uid}/tokens/revoke", {})):
            assert root.post(path, json=body, headers=JSON).status_code == 404, path
