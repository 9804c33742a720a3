"""Users and tokens: a new user's token works, disabling and revoking stop it at once."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.service.conftest import Users


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_new_user_gets_a_working_token(client: TestClient, users: Users) -> None:
    made = client.post(
        "/users", json={"name": "liis", "role": "agent", "agent_id": "liis"}, headers=users.headers("admin")
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["user"]["role"] == "agent" and body["user"]["agent_id"] == "liis"
    assert "token" not in body["user"]
    me = client.get("/me", headers=_bearer(body["token"])).json()
    assert me["name"] == "liis"
    listed = client.get("/users", headers=users.headers("admin")).json()
    assert "liis" in {u["name"] for u in listed}
    assert all("token" not in u for u in listed)
    assert (
        client.post(
            "/users", json={"name": "liis", "role": "agent", "agent_id": "other"},
            headers=users.headers("admin"),
        ).status_code
        == 409  # the name is taken (a body that is valid otherwise: an agent names its agent_id)
    )


def test_disabling_a_user_stops_their_token(client: TestClient, users: Users) -> None:
    uid = users.ids["reviewer"]
    headers = users.headers("reviewer")
    assert client.get("/me", headers=headers).status_code == 200
    off = client.patch(f"/users/{uid}", json={"active": False}, headers=users.headers("admin"))
    assert off.status_code == 200 and off.json()["active"] is False
    assert client.get("/me", headers=headers).status_code == 401
    client.patch(f"/users/{uid}", json={"active": True}, headers=users.headers("admin"))
    assert client.get("/me", headers=headers).status_code == 200


def test_admins_cannot_lock_themselves_out(client: TestClient, users: Users) -> None:
    response = client.patch(
        f"/users/{users.ids['admin']}", json={"active": False}, headers=users.headers("admin")
    )
    assert response.status_code == 400


def test_revoking_tokens_and_issuing_a_new_one(client: TestClient, users: Users) -> None:
    uid = users.ids["agent"]
    old = users.headers("agent")
    fresh = client.post(f"/users/{uid}/tokens", headers=users.headers("admin")).json()["token"]
    assert client.get("/me", headers=_bearer(fresh)).status_code == 200
    revoked = client.delete(f"/users/{uid}/tokens", headers=users.headers("admin")).json()
    assert revoked == {"revoked": 2}
    assert client.get("/me", headers=old).status_code == 401
    assert client.get("/me", headers=_bearer(fresh)).status_code == 401


def test_bad_tokens_are_401_with_a_bearer_challenge(client: TestClient) -> None:
    for headers in (
        {},
        {"Authorization": "Bearer nonsense"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer "},
    ):
        response = client.get("/conversations", headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"


def test_unknown_user_is_404(client: TestClient, users: Users) -> None:
    assert client.get("/users/9999", headers=users.headers("admin")).status_code == 404
    assert client.post("/users/9999/tokens", headers=users.headers("admin")).status_code == 404


def test_the_token_cache_forgets_on_every_change(filled_store: object, users: Users) -> None:
    from servio.service import create_app
    from tests.service.conftest import make_settings

    app = create_app(make_settings(auth_cache_seconds=600), store=filled_store)  # type: ignore[arg-type]
    with TestClient(app) as client:
        headers = users.headers("reviewer")
        assert client.get("/me", headers=headers).status_code == 200  # now cached
        client.patch(
            f"/users/{users.ids['reviewer']}", json={"active": False}, headers=users.headers("admin")
        )
        assert client.get("/me", headers=headers).status_code == 401


def test_admins_cannot_revoke_their_own_tokens(client: TestClient, users: Users) -> None:
    response = client.delete(f"/users/{users.ids['admin']}/tokens", headers=users.headers("admin"))
    assert response.status_code == 400
    assert "servio users token" in response.json()["detail"]
    assert client.get("/me", headers=users.headers("admin")).status_code == 200  # still signed in


def test_an_admin_revokes_another_admins_tokens(client: TestClient, users: Users,
                                                filled_store: object) -> None:
    other, token = filled_store.create_user("toomas", "admin")  # type: ignore[attr-defined]
    assert client.get("/me", headers=_bearer(token)).status_code == 200
    revoked = client.delete(f"/users/{other.id}/tokens", headers=users.headers("admin"))
    assert revoked.status_code == 200 and revoked.json() == {"revoked": 1}
    assert client.get("/me", headers=_bearer(token)).status_code == 401


def test_disabling_the_last_active_admin_is_409(filled_store: object, users: Users) -> None:
    """Reachable only when the requesting admin is no longer active in the database, as when
    ``servio users disable`` ran while the token cache still vouches for them."""
    from servio.service import create_app
    from tests.service.conftest import make_settings

    store: Any = filled_store
    other, _ = store.create_user("toomas", "admin")
    app = create_app(make_settings(auth_cache_seconds=600), store=store)
    with TestClient(app) as client:
        assert client.get("/me", headers=users.headers("admin")).status_code == 200  # now cached
        store.set_user_active(users.ids["admin"], False)  # another process: this cache does not know
        response = client.patch(f"/users/{other.id}", json={"active": False}, headers=users.headers("admin"))
        assert response.status_code == 409 and "last active admin" in response.json()["detail"]
        assert store.get_user(other.id).active
        store.set_user_active(users.ids["admin"], True)
        assert client.patch(f"/users/{other.id}", json={"active": False},
                            headers=users.headers("admin")).status_code == 200
