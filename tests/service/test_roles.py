"""The role x endpoint matrix: every route, every role (and no token), the expected status.

The agent is kati: her conversations are svc-et-* (team Tallinn), tom's are svc-en-1/2 (team Online).
The team lead leads Online: tom's conversations, not kati's nor svc-en-3 (no team).
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import Users

ROLES = ("admin", "reviewer", "team_lead", "agent", "anonymous")
ALL = {"admin": 200, "reviewer": 200, "team_lead": 200, "agent": 200, "anonymous": 401}
STAFF = {"admin": 200, "reviewer": 200, "team_lead": 200, "agent": 403, "anonymous": 401}
ADMIN = {"admin": 200, "reviewer": 403, "team_lead": 403, "agent": 403, "anonymous": 401}


def _with(expect: dict[str, int], code: int) -> dict[str, int]:
    return {role: (code if status == 200 else status) for role, status in expect.items()}


def _lead(expect: dict[str, int], code: int) -> dict[str, int]:
    """``expect`` with the team lead's answer replaced (another team's things)."""
    return {**expect, "team_lead": code}


STAGES = {"stages": [1, 2]}
OCT_VS_SEPT = "date_from=2026-10-01&compare_from=2026-09-01&compare_to=2026-09-30"
UPLOAD = ("files", b'{"id": "up-1", "turns": [{"speaker": "agent", "text": "Hello! How can I help?"}]}\n')
# (method, path template, json body, expected status per role). {user} is a throwaway user's id,
# {session} a live session of the calling user, {job} an import job.
MATRIX: list[tuple[str, str, Any, dict[str, int]]] = [
    ("GET", "/health", None, {r: 200 for r in ROLES}),
    ("GET", "/me", None, ALL),
    ("GET", "/conversations", None, ALL),
    ("GET", "/conversations?agent_id=kati", None, ALL),
    ("GET", "/conversations?agent_id=tom", None, STAFF),
    ("GET", "/conversations.csv", None, ALL),
    ("GET", "/conversations.csv?team=Online", None, ALL),
    ("GET", "/conversations?team=Tallinn", None, _lead(ALL, 403)),
    ("GET", "/conversations/svc-et-1", None, _lead(ALL, 404)),
    ("GET", "/conversations/svc-en-1", None, {**STAFF, "agent": 404}),
    ("GET", "/conversations/svc-en-3", None, {**STAFF, "team_lead": 404, "agent": 404}),
    ("PUT", "/conversations/svc-et-1/turns/0/stages", STAGES, _lead(STAFF, 404)),
    ("POST", "/conversations/svc-et-1/turns/0/stages", STAGES, _lead(STAFF, 404)),
    ("PUT", "/conversations/svc-en-1/turns/1/stages", STAGES, STAFF),
    ("GET", "/conversations/svc-et-1/corrections", None, _lead(STAFF, 404)),
    ("GET", "/conversations/svc-en-1/corrections", None, STAFF),
    ("GET", "/corrections", None, STAFF),
    ("GET", "/corrections/export", None, STAFF),
    ("GET", "/agents/kati/profile", None, _lead(ALL, 404)),
    ("GET", "/agents/tom/profile", None, STAFF),
    ("GET", "/teams/Tallinn/profile", None, _lead(STAFF, 403)),
    ("GET", "/teams/Online/profile", None, STAFF),
    ("GET", f"/agents/kati/comparison?{OCT_VS_SEPT}", None, _lead(ALL, 404)),
    ("GET", f"/agents/tom/comparison?{OCT_VS_SEPT}", None, STAFF),
    ("GET", f"/teams/Tallinn/comparison?{OCT_VS_SEPT}", None, _lead(STAFF, 403)),
    ("GET", f"/teams/Online/comparison?{OCT_VS_SEPT}", None, STAFF),
    ("GET", "/reports?scope=agent&id=kati", None, _lead(ALL, 404)),
    ("GET", "/reports?scope=agent&id=tom", None, STAFF),
    ("GET", "/reports?scope=team&id=Tallinn&format=html", None, _lead(STAFF, 403)),
    ("GET", "/reports?scope=team&id=Online", None, STAFF),
    ("GET", "/reports?scope=period", None, _lead(STAFF, 403)),
    ("GET", "/agents", None, STAFF),
    ("GET", "/teams", None, STAFF),
    ("GET", "/users", None, ADMIN),
    ("POST", "/users", {"name": "new-{role}", "role": "reviewer"}, _with(ADMIN, 201)),
    ("GET", "/users/{user}", None, ADMIN),
    ("PATCH", "/users/{user}", {"active": True}, ADMIN),
    ("POST", "/users/{user}/tokens", None, _with(ADMIN, 201)),
    ("DELETE", "/users/{user}/tokens", None, ADMIN),
    ("POST", "/imports?wait=true", UPLOAD, ADMIN),
    ("POST", "/imports", UPLOAD, _with(ADMIN, 202)),
    ("GET", "/imports", None, ADMIN),
    ("GET", "/imports/{job}", None, ADMIN),
    ("DELETE", "/imports/{job}", None, _with(ADMIN, 204)),
    ("POST", "/live/sessions", {"language": "en"}, _with(ALL, 201)),
    ("POST", "/live/sessions", {"team": "Tallinn"}, _lead(_with(ALL, 201), 403)),
    ("POST", "/live/sessions", {"team": "Online"}, {**_with(ALL, 201), "agent": 403}),
    ("GET", "/live/sessions/{session}", None, ALL),
    ("POST", "/live/sessions/{session}/turns", {"speaker": "agent", "text": "Hello! How can I help?"}, ALL),
    ("DELETE", "/live/sessions/{session}", None, _with(ALL, 204)),
    ("DELETE", "/conversations/svc-en-2", None, _with(ADMIN, 204)),  # the admin goes first: then it is gone
]


def _fill(client: TestClient, users: Users, role: str, template: str) -> str:
    values: dict[str, Any] = {"role": role}
    if "{user}" in template:
        admin = users.headers("admin")
        made = client.post(
            "/users", json={"name": f"throwaway-{role}", "role": "agent", "agent_id": "x"}, headers=admin
        )
        values["user"] = made.json()["user"]["id"]
    if "{session}" in template:
        # a session of the caller (anonymous callers use an admin's session: they must not get in)
        owner = role if role != "anonymous" else "admin"
        made = client.post("/live/sessions", json={"language": "en"}, headers=users.headers(owner))
        values["session"] = made.json()["id"]
    if "{job}" in template:
        files = {"files": ("job.jsonl", UPLOAD[1])}
        values["job"] = client.post("/imports", files=files, headers=users.headers("admin")).json()["id"]
    return template.format(**values)


@pytest.mark.parametrize("method,template,body,expected", MATRIX, ids=[f"{m} {p}" for m, p, _, _ in MATRIX])
def test_role_matrix(
    client: TestClient, users: Users, method: str, template: str, body: Any, expected: dict[str, int]
) -> None:
    """One endpoint, every role (one store per endpoint keeps the matrix fast on both backends)."""
    wrong = []
    for role in ROLES:
        path = _fill(client, users, role, template)
        if isinstance(body, tuple):
            files = {"files": ("upload.jsonl", body[1])}
            response = client.post(path, files=files, headers=users.headers(role))
        else:
            payload = body
            if isinstance(body, dict):
                payload = {k: v.format(role=role) if isinstance(v, str) else v for k, v in body.items()}
            response = client.request(method, path, json=payload, headers=users.headers(role))
        if response.status_code != expected[role]:
            wrong.append(f"{role}: {response.status_code} (expected {expected[role]}) {response.text[:200]}")
    assert not wrong, "\n".join(wrong)


def test_the_matrix_covers_every_operation(client: TestClient) -> None:
    """Every operation of the OpenAPI schema is walked by at least one row of the matrix."""
    import re

    operations = [
        (method.upper(), path)
        for path, item in client.get("/openapi.json").json()["paths"].items()
        for method in item
    ]
    assert len(operations) >= 25
    rows = [(m, p.split("?")[0]) for m, p, _, _ in MATRIX]
    missing = []
    for method, template in operations:
        pattern = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")
        if not any(m == method and pattern.match(p) for m, p in rows):
            missing.append(f"{method} {template}")
    assert missing == []


def test_live_sessions_are_private(client: TestClient, users: Users) -> None:
    other = client.post("/live/sessions", json={}, headers=users.headers("other_agent")).json()["id"]
    for role in ("admin", "reviewer", "team_lead", "agent"):
        response = client.post(
            f"/live/sessions/{other}/turns",
            json={"speaker": "agent", "text": "Hi"},
            headers=users.headers(role),
        )
        assert response.status_code == 404, role


def test_websocket_needs_a_token(client: TestClient, users: Users) -> None:
    from starlette.websockets import WebSocketDisconnect

    for role in ("admin", "reviewer", "team_lead", "agent"):
        with client.websocket_connect("/live/chat", headers=users.headers(role)) as ws:
            assert ws.receive_json()["type"] == "ready"
    for query in ("", "?token=", "?token=nonsense"):
        with pytest.raises(WebSocketDisconnect), client.websocket_connect(f"/live/chat{query}") as ws:
            ws.receive_json()


def test_a_refusal_names_the_roles_as_a_list(client: TestClient, users: Users) -> None:
    """Docs audit D18: "this needs the role admin or reviewer or team_lead"."""
    answer = client.get("/corrections", headers=users.headers("agent"))
    assert answer.status_code == 403
    assert answer.json()["detail"] == "this needs one of the roles admin, reviewer, team_lead"
    answer = client.get("/users", headers=users.headers("reviewer"))
    assert answer.status_code == 403 and answer.json()["detail"].startswith("this needs the role admin")
