"""What an integration (help desk, BI) meets at the edges of the API: a channel filter with a typo, the
day of one conversation, a date-time whose + the query string ate, and a JSON body over a small upload
limit."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from fastapi.testclient import TestClient

from servio.service import create_app
from tests.service.conftest import Users, make_settings

H = "Authorization"


def _import(client: TestClient, users: Users, name: str, body: bytes) -> dict[str, Any]:
    answer = client.post("/imports?wait=true", files=[("files", (name, body))],
                         headers=users.headers("admin"))
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_an_unknown_channel_is_a_422_like_an_unknown_language_not_an_empty_page(client: TestClient,
                                                                                users: Users) -> None:
    for path in ("/conversations", "/conversations.csv"):
        answer = client.get(path, params={"channel": "e-mail"}, headers=users.headers("admin"))
        assert answer.status_code == 422, answer.text
        [problem] = answer.json()["detail"]
        assert problem["loc"] == ["query", "channel"] and "'chat'" in problem["msg"]
    everyone = client.get("/conversations?limit=1000", headers=users.headers("admin")).json()["items"]
    chats = client.get("/conversations?limit=1000&channel=chat", headers=users.headers("admin")).json()
    assert chats["total"] == sum(c["channel"] == "chat" for c in everyone) > 0


def test_one_conversation_gives_its_day_as_the_listing_does(client: TestClient, users: Users) -> None:
    late = {"id": "late-1", "language": "et", "agent_id": "kati", "team": "Tallinn",
            "started_at": "2026-10-01T01:30:00+03:00",  # 30 September in UTC
            "turns": [{"speaker": "agent", "text": "Tere! Kuidas saan aidata?"},
                      {"speaker": "customer", "text": "Tere, arve on vale."}]}
    _import(client, users, "late.jsonl", (json.dumps(late) + "\n").encode())
    # a source time without an offset (an Estonian Excel export): its own date
    excel = ("vestlus;aeg;rääkija;tekst\r\nx-1;01.10.2026 23:30;teenindaja;Tere! Kuidas saan aidata?\r\n"
             "x-1;01.10.2026 23:31;klient;Tere\r\n")
    _import(client, users, "excel.csv", excel.encode())
    for cid in ("late-1", "x-1"):
        one = client.get(f"/conversations/{cid}", headers=users.headers("admin")).json()
        [listed] = [c for c in client.get("/conversations?limit=1000", headers=users.headers("admin")).json()
                    ["items"] if c["id"] == cid]
        assert one["started_day"] == listed["started_day"] == "2026-10-01", (one, listed)
    assert client.get("/conversations/late-1", headers=users.headers("admin")).json()["started_at"] == \
        "2026-10-01T01:30:00+03:00"
    schema = client.get("/openapi.json").json()["components"]["schemas"]["ConversationOut"]
    assert "started_day" in schema["properties"]


def test_a_plus_the_query_string_read_as_a_space_is_named(client: TestClient, users: Users) -> None:
    # curl '...?date_from=2026-10-01T00:00:00+03:00' sends the + as it is; a query string reads it as a space
    for value in ("2026-10-01T00:00:00 03:00", "2026-10-01T00:00 0300", "2026-10-01 00:00:00 03:00"):
        answer = client.get("/conversations", params={"date_from": value}, headers=users.headers("admin"))
        assert answer.status_code == 422
        [problem] = answer.json()["detail"]
        assert problem["loc"] == ["query", "date_from"] and "%2B" in problem["msg"], problem
    answer = client.get("/conversations?date_from=2026-10-01T00:00:00%2B03:00",
                        headers=users.headers("admin"))
    assert answer.status_code == 200
    garbage = client.get("/conversations", params={"date_from": "eile"}, headers=users.headers("admin"))
    assert "%2B" not in garbage.text and "YYYY-MM-DD" in garbage.text


def test_a_json_body_over_a_small_upload_limit_is_told_it_is_json(filled_store: Any, users: Users) -> None:
    app = create_app(make_settings(max_upload_bytes=4096), store=filled_store)
    with TestClient(app) as small:
        answer = small.post("/users", json={"name": "x" * 8000, "role": "reviewer"},
                            headers=users.headers("admin"))
        upload = small.post("/imports", files=[("files", ("a.jsonl", b"x" * 8000))],
                            headers=users.headers("admin"))
    assert answer.status_code == 413 and "the JSON body is larger" in answer.json()["detail"]
    assert "POST /imports" in answer.json()["detail"]
    assert upload.status_code == 413 and "the upload is larger" in upload.json()["detail"]


def test_the_csv_export_comes_for_an_estonian_excel_too(client: TestClient, users: Users) -> None:
    plain = client.get("/conversations.csv", headers=users.headers("admin"))
    excel = client.get("/conversations.csv?dialect=excel", headers=users.headers("admin"))
    assert excel.status_code == 200 and excel.headers["content-type"] == "text/csv; charset=utf-8"
    assert not plain.content.startswith(b"\xef\xbb\xbf") and excel.content.startswith(b"\xef\xbb\xbf")
    ours = list(csv.DictReader(io.StringIO(excel.content.decode("utf-8-sig")), delimiter=";"))
    theirs = list(csv.DictReader(io.StringIO(plain.text)))
    assert len(ours) == len(theirs) > 0 and [r["id"] for r in ours] == [r["id"] for r in theirs]
    for a, b in zip(ours, theirs, strict=True):
        assert a["overall"] == b["overall"].replace(".", ",") and a["failures"] == b["failures"]
        assert a["started_at"] == b["started_at"] and a["stage_1"] == b["stage_1"].replace(".", ",")
    assert any("," in r["overall"] for r in ours)
    refused = client.get("/conversations.csv?dialect=excel-et", headers=users.headers("admin"))
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["query", "dialect"]


def _chat(cid: str) -> bytes:
    return (json.dumps({"id": cid, "language": "et", "agent_id": "kati", "team": "Tallinn",
                        "started_at": "2026-10-05T10:00:00+03:00",
                        "turns": [{"speaker": "agent", "text": "Tere! Kuidas saan aidata?"},
                                  {"speaker": "customer", "text": "Tere, arve on vale."}]}) + "\n").encode()


def test_a_sync_asks_for_what_changed_since_its_last_run(client: TestClient, users: Users) -> None:
    admin = users.headers("admin")
    _import(client, users, "first.jsonl", _chat("sync-1"))
    second = _import(client, users, "second.jsonl", _chat("sync-2"))
    since = second["started_at"]  # the moment the second import began (UTC, with Z)

    def changed(**extra: str) -> list[str]:
        answer = client.get("/conversations", params={"updated_from": since, "limit": 1000, **extra},
                            headers=admin)
        assert answer.status_code == 200, answer.text
        return [c["id"] for c in answer.json()["items"]]

    assert changed() == ["sync-2"]
    csv_ids = [r["id"] for r in csv.DictReader(io.StringIO(client.get(
        "/conversations.csv", params={"updated_from": since}, headers=admin).text))]
    assert csv_ids == ["sync-2"]
    # importing the same file again changes nothing, so it is not a change to sync
    assert _import(client, users, "first.jsonl", _chat("sync-1"))["unchanged"] == 1
    assert changed() == ["sync-2"]
    # a reviewer's correction changes a conversation too
    assert client.put("/conversations/sync-1/turns/1/stages", json={"stages": [3]},
                      headers=users.headers("reviewer")).status_code == 200
    assert sorted(changed()) == ["sync-1", "sync-2"]
    assert changed(sort="-updated_at") == ["sync-1", "sync-2"]  # the latest change first
    # the same moment in Tallinn's time, its + encoded; a day is its first moment in UTC
    tallinn = since.replace("Z", "+00:00")
    assert client.get(f"/conversations?limit=1000&updated_from={tallinn.replace('+', '%2B')}",
                      headers=admin).json()["total"] == 2
    total = client.get("/conversations", headers=admin).json()["total"]
    day = since[:10]
    assert client.get("/conversations", params={"updated_from": day}, headers=admin).json()["total"] <= total
    later = client.get("/conversations", params={"updated_from": "9999-12-31T00:00:00Z"}, headers=admin)
    assert later.json()["total"] == 0
    bad = client.get("/conversations", params={"updated_from": "eile"}, headers=admin)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "updated_from"]


def test_an_empty_filter_is_refused_naming_it_not_an_empty_page(client: TestClient, users: Users) -> None:
    # a URL template with an unset variable (?team=$TEAM) gave 0 conversations for team and agent_id, and a
    # 422 for date_from: every empty filter is now a 422 naming it
    for field in ("agent_id", "team", "failure", "date_from", "channel", "language"):
        for path in ("/conversations", "/conversations.csv"):
            answer = client.get(path, params={field: ""}, headers=users.headers("admin"))
            assert answer.status_code == 422, (field, path, answer.text)
            assert [p["loc"] for p in answer.json()["detail"]] == [["query", field]]
    assert client.get("/conversations", params={"team": "Online"},
                      headers=users.headers("admin")).json()["total"] > 0
