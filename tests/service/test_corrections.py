"""A reviewer's correction re-scores the conversation, leaves an audit record and shows in the export."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from tests.service.conftest import Users


def test_correction_rescores_and_is_audited(client: TestClient, users: Users) -> None:
    before = client.get("/conversations/svc-et-2", headers=users.headers("reviewer")).json()
    # the agent's bare "restart the router" becomes a greeting + needs turn: stages 1 and 3 appear
    response = client.put(
        "/conversations/svc-et-2/turns/1/stages", json={"stages": [3, 1]}, headers=users.headers("reviewer")
    )
    assert response.status_code == 200, response.text
    body = response.json()
    record = body["correction"]
    assert record["after"] == [1, 3]
    assert record["before"] == before["turns"][1]["stages"]
    assert record["user_name"] == "mari" and record["user_id"] == users.ids["reviewer"]
    assert record["turn_index"] == 1 and record["conversation_id"] == "svc-et-2"
    assert record["overall_before"] == before["overall"]
    after = body["conversation"]
    assert after["turns"][1]["stages"] == [1, 3]
    assert after["overall"] == record["overall_after"]
    assert after["corrections"] == 1
    present = {s["stage"]: s["present"] for s in after["stage_scores"]}
    assert present[1] and present[3]
    again = client.get("/conversations/svc-et-2", headers=users.headers("agent")).json()
    assert again["turns"][1]["stages"] == [1, 3]
    listing = client.get("/conversations?agent_id=kati", headers=users.headers("agent")).json()["items"]
    assert next(c for c in listing if c["id"] == "svc-et-2")["corrected"] is True


def test_corrected_turns_false_once_a_reimport_changed_the_corrected_turn(client: TestClient,
                                                                          users: Users) -> None:
    """D20: after a re-import changed the corrected turn, 'corrected' still said true."""
    headers = users.headers("admin")
    conv = client.get("/conversations/svc-et-2", headers=headers).json()
    assert client.put("/conversations/svc-et-2/turns/1/stages", json={"stages": [1, 2, 3]},
                      headers=headers).status_code == 200
    detail = client.get("/conversations/svc-et-2", headers=headers).json()
    assert detail["corrected"] is True and detail["corrections"] == 1
    turns = [{"speaker": t["speaker"], "text": t["text"]} for t in conv["turns"]]
    turns[1]["text"] += " Palun."
    record = {"id": "svc-et-2", "language": "et", "agent_id": conv["agent_id"], "team": conv["team"],
              "started_at": conv["started_at"], "turns": turns}
    job = client.post("/imports?wait=true", headers=headers,
                      files=[("files", ("u.jsonl", json.dumps(record, ensure_ascii=False).encode(), "x"))])
    assert job.json()["updated"] == 1, job.text
    detail = client.get("/conversations/svc-et-2", headers=headers).json()
    assert detail["corrected"] is False and detail["corrections"] == 1  # the trail keeps it
    kinds = {e["kind"] for tag in detail["turns"][1]["tags"] for e in tag["evidence"]}
    assert "reviewer" not in kinds
    listing = client.get("/conversations?limit=1000", headers=headers).json()["items"]
    assert next(c for c in listing if c["id"] == "svc-et-2")["corrected"] is False
    rows = client.get("/conversations.csv", headers=headers).text.splitlines()
    assert next(r for r in rows if r.startswith("svc-et-2,")).endswith(",0")


def test_audit_trail_keeps_every_change_newest_first(client: TestClient, users: Users) -> None:
    for stages in ([6], [], [5, 6]):
        ok = client.post(
            "/conversations/svc-en-2/turns/1/stages", json={"stages": stages}, headers=users.headers("admin")
        )
        assert ok.status_code == 200, ok.text
    trail = client.get("/conversations/svc-en-2/corrections", headers=users.headers("reviewer")).json()
    assert [t["after"] for t in trail] == [[5, 6], [], [6]]
    assert trail[0]["before"] == [] and trail[1]["before"] == [6]
    assert [t["user_name"] for t in trail] == ["root"] * 3
    everything = client.get("/corrections", headers=users.headers("reviewer")).json()
    assert len(everything) == 3


def test_bad_corrections_are_refused(client: TestClient, users: Users) -> None:
    headers = users.headers("reviewer")
    assert (
        client.put(
            "/conversations/svc-en-2/turns/99/stages", json={"stages": [1]}, headers=headers
        ).status_code
        == 400
    )
    assert (
        client.put("/conversations/nope/turns/0/stages", json={"stages": [1]}, headers=headers).status_code
        == 404
    )
    for body in (
        {"stages": [0]},
        {"stages": [8]},
        {"stages": [1, 1]},
        {"stages": "1"},
        {},
        {"stages": [1], "x": 1},
    ):
        assert (
            client.put("/conversations/svc-en-2/turns/0/stages", json=body, headers=headers).status_code
            == 422
        )
    assert client.get("/corrections", headers=headers).json() == []


def test_export_is_shared_data_jsonl_with_the_reviewers_stages(client: TestClient, users: Users) -> None:
    headers = users.headers("reviewer")
    client.put("/conversations/svc-en-1/turns/5/stages", json={"stages": [6, 7]}, headers=headers)
    response = client.get("/corrections/export", headers=headers)
    assert response.headers["content-type"].startswith("application/x-ndjson")
    records = [json.loads(line) for line in response.text.splitlines()]
    assert [r["id"] for r in records] == ["svc-en-1"]
    record = records[0]
    assert record["language"] == "en" and record["agent_id"] == "tom"
    assert all({"speaker", "text", "stages"} <= set(t) for t in record["turns"])
    assert record["turns"][5]["stages"] == [6, 7]
    full = client.get("/corrections/export?everything=true", headers=headers).text.splitlines()
    assert len(full) == 6
