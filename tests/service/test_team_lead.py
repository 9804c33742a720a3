"""A team lead sees their own team's conversations, profiles and live sessions, and nobody else's.

The team lead (lea) leads Online: tom's svc-en-1 and svc-en-2. kati's svc-et-* are Tallinn's and
svc-en-3 has no team. Status codes of every endpoint are in test_roles.py; these tests check
what comes back.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import Users

ONLINE = {"svc-en-1", "svc-en-2"}


def _ids(client: TestClient, users: Users, query: str = "") -> set[str]:
    answer = client.get(f"/conversations{query}", headers=users.headers("team_lead"))
    assert answer.status_code == 200, answer.text
    return {c["id"] for c in answer.json()["items"]}


def _kati_in_online(store: Any, scored: list[tuple[Any, Any]]) -> None:
    """kati helped Online once: one of her chats stored again as svc-kati-online, team Online."""
    from dataclasses import replace

    conv, result = next((c, r) for c, r in scored if c.id == "svc-et-1")
    conv = replace(conv, id="svc-kati-online", team="Online")
    store.save_result(conv, replace(result, conversation_id=conv.id, team="Online"))


def test_the_listing_holds_only_the_team(client: TestClient, users: Users) -> None:
    assert _ids(client, users) == ONLINE
    assert _ids(client, users, "?team=Online") == ONLINE
    assert _ids(client, users, "?agent_id=tom") == ONLINE
    assert _ids(client, users, "?agent_id=kati") == set()  # not an error: none of kati's are Online's
    other = client.get("/conversations?team=Tallinn", headers=users.headers("team_lead"))
    assert other.status_code == 403 and "team" in other.json()["detail"]


def test_the_csv_export_holds_only_the_team(client: TestClient, users: Users) -> None:
    answer = client.get("/conversations.csv", headers=users.headers("team_lead"))
    assert answer.status_code == 200
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert {r["id"] for r in rows} == ONLINE and {r["team"] for r in rows} == {"Online"}


def test_one_conversation_of_the_team_and_none_of_the_others(client: TestClient, users: Users) -> None:
    mine = client.get("/conversations/svc-en-1", headers=users.headers("team_lead"))
    assert mine.status_code == 200 and mine.json()["team"] == "Online"
    for cid in ("svc-et-1", "svc-en-3", "nope"):
        answer = client.get(f"/conversations/{cid}", headers=users.headers("team_lead"))
        assert answer.status_code == 404 and answer.json()["detail"] == f"no conversation {cid!r}"


def test_an_agent_profile_counts_the_team_conversations_only(
        client: TestClient, users: Users, filled_store: Any, scored: list[tuple[Any, Any]]) -> None:
    lead = users.headers("team_lead")
    tom = client.get("/agents/tom/profile", headers=lead).json()
    assert tom["conversations"] == 2
    assert client.get("/agents/kati/profile", headers=lead).status_code == 404
    _kati_in_online(filled_store, scored)
    kati = client.get("/agents/kati/profile", headers=lead).json()
    assert kati["conversations"] == 1 and kati["team"] == "Online"
    everywhere = client.get("/agents/kati/profile", headers=users.headers("reviewer")).json()
    assert everywhere["conversations"] == 4


def test_the_team_profile_is_the_own_team_only(client: TestClient, users: Users) -> None:
    lead = users.headers("team_lead")
    own = client.get("/teams/Online/profile", headers=lead)
    assert own.status_code == 200 and own.json()["id"] == "Online" and own.json()["conversations"] == 2
    other = client.get("/teams/Tallinn/profile", headers=lead)
    assert other.status_code == 403 and "own team" in other.json()["detail"]
    assert client.get("/teams/Nowhere/profile", headers=lead).status_code == 403


def test_agents_and_teams_lists_hold_the_team_only(
        client: TestClient, users: Users, filled_store: Any, scored: list[tuple[Any, Any]]) -> None:
    lead = users.headers("team_lead")
    assert client.get("/agents", headers=lead).json() == [{"id": "tom", "team": "Online", "conversations": 2}]
    assert client.get("/teams", headers=lead).json() == [{"id": "Online", "conversations": 2}]
    _kati_in_online(filled_store, scored)
    agents = client.get("/agents", headers=lead).json()
    assert agents == [{"id": "kati", "team": "Online", "conversations": 1},
                      {"id": "tom", "team": "Online", "conversations": 2}]
    assert len(client.get("/teams", headers=users.headers("reviewer")).json()) == 2


def test_corrections_of_the_team_only(client: TestClient, users: Users) -> None:
    lead, reviewer = users.headers("team_lead"), users.headers("reviewer")
    assert client.put("/conversations/svc-et-1/turns/0/stages", json={"stages": [1]},
                      headers=reviewer).status_code == 200
    done = client.put("/conversations/svc-en-1/turns/0/stages", json={"stages": [1, 2]}, headers=lead)
    assert done.status_code == 200 and done.json()["correction"]["user_name"] == "lea"
    refused = client.put("/conversations/svc-et-2/turns/0/stages", json={"stages": [1]}, headers=lead)
    assert refused.status_code == 404
    assert [c["conversation_id"] for c in client.get("/corrections", headers=lead).json()] == ["svc-en-1"]
    assert len(client.get("/corrections", headers=reviewer).json()) == 2
    exported = client.get("/corrections/export", headers=lead).text.splitlines()
    assert [json.loads(line)["id"] for line in exported] == ["svc-en-1"]
    everything = client.get("/corrections/export?everything=true", headers=lead).text.splitlines()
    assert {json.loads(line)["id"] for line in everything} == ONLINE


def test_team_leads_cannot_import(client: TestClient, users: Users) -> None:
    files = {"files": ("x.jsonl", b'{"id": "x-1", "team": "Online", "turns": [{"speaker": "agent", '
                                  b'"text": "Hello!"}]}\n')}
    answer = client.post("/imports", files=files, headers=users.headers("team_lead"))
    assert answer.status_code == 403
    assert "admin" in answer.json()["detail"] and "any team" in answer.json()["detail"]
    assert client.get("/imports", headers=users.headers("team_lead")).status_code == 403


def test_live_sessions_of_the_team(client: TestClient, users: Users) -> None:
    lead = users.headers("team_lead")
    own = client.post("/live/sessions", json={"language": "en"}, headers=lead)
    assert own.status_code == 201 and own.json()["team"] == "Online"
    tom = client.post("/live/sessions", json={"agent_id": "tom", "team": "Online"}, headers=lead)
    assert tom.status_code == 201 and tom.json()["agent_id"] == "tom" and tom.json()["team"] == "Online"
    for body in ({"team": "Tallinn"}, {"agent_id": "kati"}, {"agent_id": "nobody"}):
        answer = client.post("/live/sessions", json=body, headers=lead)
        assert answer.status_code == 403, body
    turn = client.post(f"/live/sessions/{own.json()['id']}/turns",
                       json={"speaker": "agent", "text": "Hello! How can I help?"}, headers=lead)
    assert turn.status_code == 200


def test_a_live_socket_for_another_team_is_refused(client: TestClient, users: Users) -> None:
    from starlette.websockets import WebSocketDisconnect

    lead = users.headers("team_lead")
    with client.websocket_connect("/live/own?agent_id=tom", headers=lead) as ws:
        assert ws.receive_json()["type"] == "ready"
    for query in ("?team=Tallinn", "?agent_id=kati"):
        with pytest.raises(WebSocketDisconnect), client.websocket_connect(f"/live/other{query}",
                                                                          headers=lead) as ws:
            ws.receive_json()


def test_an_admin_creates_a_team_lead_with_a_team(client: TestClient, users: Users) -> None:
    made = client.post("/users", json={"name": "tiina", "role": "team_lead", "team": "Tallinn"},
                       headers=users.headers("admin"))
    assert made.status_code == 201, made.text
    assert made.json()["user"]["team"] == "Tallinn" and made.json()["user"]["role"] == "team_lead"
    token = {"Authorization": f"Bearer {made.json()['token']}"}
    assert client.get("/me", headers=token).json()["team"] == "Tallinn"
    ids = {c["id"] for c in client.get("/conversations", headers=token).json()["items"]}
    assert ids == {"svc-et-1", "svc-et-2", "svc-et-3"}
    listed = {u["name"]: u for u in client.get("/users", headers=users.headers("admin")).json()}
    assert listed["tiina"]["team"] == "Tallinn" and listed["mari"]["team"] is None


@pytest.mark.parametrize("body", [{"name": "x", "role": "team_lead"},
                                  {"name": "x", "role": "team_lead", "team": None}])
def test_a_team_lead_without_a_team_is_refused(client: TestClient, users: Users, body: dict) -> None:
    answer = client.post("/users", json=body, headers=users.headers("admin"))
    assert answer.status_code == 422, answer.text
    errors = answer.json()["detail"]
    assert any(e["loc"][-1] == "team" and "team_lead" in e["msg"] for e in errors), errors


@pytest.mark.parametrize("body", [{"name": "x", "role": "agent"},
                                  {"name": "x", "role": "agent", "agent_id": None}])
def test_an_agent_without_an_agent_id_is_refused_like_a_team_lead_without_a_team(
        client: TestClient, users: Users, body: dict) -> None:
    answer = client.post("/users", json=body, headers=users.headers("admin"))  # was a 400 from the store
    assert answer.status_code == 422, answer.text
    errors = answer.json()["detail"]
    assert any(e["loc"][-1] == "agent_id" and "agent role" in e["msg"] for e in errors), errors
    made = client.post("/users", json={"name": "y", "role": "agent", "agent_id": "y"},
                       headers=users.headers("admin"))
    assert made.status_code == 201 and set(made.json()) == {"token", "user"}  # no token_id, always null


def test_only_a_team_lead_has_a_team(client: TestClient, users: Users) -> None:
    answer = client.post("/users", json={"name": "x", "role": "reviewer", "team": "Online"},
                         headers=users.headers("admin"))
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"][-1] == "team"


def test_the_schema_names_the_role(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    for model in ("UserIn", "UserOut"):
        role = schemas[model]["properties"]["role"]
        assert role["enum"] == ["admin", "reviewer", "team_lead", "agent"], model
        assert "team" in schemas[model]["properties"]
