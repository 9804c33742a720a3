"""The dashboard mounted on the real service: sign-in by token, roles, import, correction, live (no browser).

Runs on every store backend of the project's ``store`` fixture (SQLite, and PostgreSQL when configured).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servio.service import Settings, create_app
from servio.web import web_router
from tests.web.conftest import DATA

JSON = {"X-Servio": "1"}


@pytest.fixture
def app(store: Any, tokens: dict[str, str]) -> Any:
    settings = Settings(database_url="sqlite://", live_warm_up=False, rate_limit_per_minute=0,
                        auth_cache_seconds=0, auto_migrate=False)
    app = create_app(settings, store=store)
    app.include_router(web_router())
    return app


def signed_in(app: Any, token: str) -> TestClient:
    client = TestClient(app)
    form = {"token": token, "next": "/ui/conversations"}
    answer = client.post("/ui/login", data=form, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/ui/conversations"
    assert "httponly" in answer.headers["set-cookie"].lower()
    return client


def imported(client: TestClient) -> dict[str, Any]:
    with (DATA / "import.jsonl").open("rb") as fh:
        answer = client.post("/ui/import", files={"files": ("import.jsonl", fh)}, headers=JSON)
    assert answer.status_code == 202, answer.text
    job = answer.json()
    deadline = time.monotonic() + 60
    while job["status"] in ("pending", "running"):
        assert time.monotonic() < deadline, job
        time.sleep(0.2)
        job = client.get(f"/ui/import/{job['id']}").json()
    return job


@pytest.fixture
def admin(app: Any, tokens: dict[str, str]) -> Iterator[TestClient]:
    with signed_in(app, tokens["admin"]) as client:
        yield client


def test_pages_need_a_sign_in_and_a_bad_token_is_refused(app: Any) -> None:
    client = TestClient(app)
    answer = client.get("/ui/team", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/ui/login")
    refused = client.post("/ui/login", data={"token": "not-a-token"}, follow_redirects=False)
    assert refused.status_code == 401
    assert "not valid" in refused.text or "ei kehti" in refused.text


def test_import_lands_in_the_store_and_a_correction_rescores(admin: TestClient, store: Any) -> None:
    job = imported(admin)
    assert job["status"] == "done" and job["new"] == 2 and job["skipped"] == 2
    assert {p["line"] for p in job["problems"]} == {3, 4}
    listing = admin.get("/ui/conversations?agent_id=mari&lang=en")
    assert "web-en-1" in listing.text and "web-en-2" in listing.text
    page = admin.get("/ui/conversations/web-en-1?lang=en")
    assert page.status_code == 200 and 'id="turn-0"' in page.text
    before = store.get_conversation("web-en-1")[1].overall
    answer = admin.post("/ui/conversations/web-en-1/turns/0", json={"stages": []}, headers=JSON)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["overall_before"] == round(before, 1)
    stored = round(store.get_conversation("web-en-1")[1].overall, 1)
    assert body["overall"] == stored != body["overall_before"]
    audit = store.corrections("web-en-1")
    assert [(c.turn_index, c.user_name, c.after) for c in audit] == [(0, "root", ())]
    assert 'class="turn agent corrected"' in admin.get("/ui/conversations/web-en-1").text
    profile = admin.get("/ui/agents/mari?lang=en")
    assert profile.status_code == 200 and "svg" in profile.text


def test_a_correction_a_reimport_ended_is_no_longer_marked(admin: TestClient, store: Any) -> None:
    """D20: the turn kept its 'corrected' mark (and the list its badge) with the tagger's stages back."""
    from dataclasses import replace

    imported(admin)
    answer = admin.post("/ui/conversations/web-en-1/turns/0", json={"stages": []}, headers=JSON)
    assert answer.status_code == 200
    assert 'class="turn agent corrected"' in admin.get("/ui/conversations/web-en-1").text
    conv, result = store.get_conversation("web-en-1")
    turns = list(conv.turns)
    turns[0] = replace(turns[0], text=turns[0].text + " Welcome!")
    changed = replace(conv, turns=tuple(turns))
    assert store.save_result(changed, result) == "updated"
    assert 'corrected"' not in admin.get("/ui/conversations/web-en-1").text
    row = admin.get("/ui/conversations?agent_id=mari&lang=en").text.split('web-en-1"', 1)[1].split("</td>")[0]
    assert 'class="badge"' not in row


def test_the_pickers_leave_out_agents_and_teams_whose_conversations_were_erased(admin: TestClient,
                                                                               store: Any) -> None:
    """D17: the filter form offered agents and teams with no conversation left."""
    imported(admin)
    assert "<option>mari</option>" in admin.get("/ui/conversations").text
    assert store.delete_conversations(["web-en-1", "web-en-2"]) == 2
    page = admin.get("/ui/conversations").text
    assert "<option>mari</option>" not in page and "<option>North</option>" not in page


def test_bad_corrections_are_refused(admin: TestClient) -> None:
    imported(admin)
    def post(path: str, stages: list[int], headers: dict[str, str] = JSON) -> int:
        return admin.post(f"/ui/conversations/{path}", json={"stages": stages}, headers=headers).status_code

    assert post("web-en-1/turns/0", [9]) == 422
    assert post("web-en-1/turns/99", [1]) == 422
    assert post("nope/turns/0", [1]) == 404
    assert post("web-en-1/turns/0", [1], headers={}) == 403


def test_agents_see_only_their_own_and_cannot_correct(app: Any, admin: TestClient,
                                                      tokens: dict[str, str]) -> None:
    imported(admin)
    with signed_in(app, tokens["agent"]) as agent:
        assert agent.get("/ui/team", follow_redirects=False).headers["location"] == "/ui/agents/mari"
        assert agent.get("/ui/agents/someone-else").status_code == 403
        assert agent.get("/ui/agents/mari").status_code == 200
        assert agent.post("/ui/conversations/web-en-1/turns/0", json={"stages": [1]},
                          headers=JSON).status_code == 403
        assert agent.post("/ui/import", files={"files": ("x.jsonl", b"{}")}, headers=JSON).status_code == 403
        assert agent.get("/ui/report?scope=team&id=North").status_code == 403


def test_live_endpoints_use_the_service_sessions(admin: TestClient) -> None:
    opened = admin.post("/ui/live/sessions", json={"language": "en"}, headers=JSON)
    assert opened.status_code == 201
    sid = opened.json()["session_id"]
    turn = admin.post(f"/ui/live/sessions/{sid}/turns", headers=JSON,
                      json={"speaker": "agent", "text": "Hello, this is Anna. How can I help you?"})
    assert turn.status_code == 200, turn.text
    body = turn.json()
    assert 1 in body["stages"] and body["hint"]
    assert admin.post("/ui/live/sessions/unknown/turns", headers=JSON,
                      json={"speaker": "agent", "text": "hi"}).status_code == 404


def test_report_download_is_self_contained(admin: TestClient) -> None:
    imported(admin)
    report = admin.get("/ui/report?scope=agent&id=mari&lang=et")
    assert report.status_code == 200
    assert "Teenindusprotsessi raport: teenindaja mari" in report.text
    assert "<script" not in report.text and "<link" not in report.text
    assert 'class="chart timeline"' in report.text  # the weakest conversations are loaded in full
    assert 'class="coach"' in report.text


def test_an_import_job_id_out_of_the_databases_range_is_not_found(admin: TestClient) -> None:
    # SQLite takes 64-bit integers, PostgreSQL's job ids 32-bit: beyond them the query failed (500)
    for job_id in ("0", "-3", "2147483648", "9223372036854775808", "99999999999999999999"):
        answer = admin.get(f"/ui/import/{job_id}")
        assert answer.status_code == 404, (job_id, answer.text)
        assert answer.json()["detail"] == f"no import job {job_id}"
