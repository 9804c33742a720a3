"""The dashboard against people who try to reach what is not theirs, and against hostile bodies (no browser).

Runs on every store backend of the project's ``store`` fixture (SQLite, and PostgreSQL when configured).
The conversations are invented.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servio.model import Channel, ContactType, Conversation, Language, Speaker, Turn
from tests.web.conftest import cookie_clients, store_app

JSON = {"X-Servio": "1"}


def _chat(cid: str, agent: str) -> Conversation:
    turns = ((Speaker.AGENT, "Hello, this is Eva. How can I help?"), (Speaker.CUSTOMER, "My bill is wrong."),
             (Speaker.AGENT, "I have fixed the bill. Anything else? Goodbye!"))
    return Conversation(id=cid, turns=tuple(Turn(speaker=s, text=t) for s, t in turns), language=Language.EN,
                        channel=Channel.CHAT, agent_id=agent, team="North", contact_type=ContactType.SUPPORT,
                        started_at=datetime(2026, 9, 20, 10, 0, tzinfo=UTC))


@pytest.fixture
def tokens(store: Any) -> dict[str, str]:
    from servio.analyze import analyze
    from servio.evaluate import evaluate

    convs = [_chat("eva-1", "eva"), _chat("tom-1", "tom")]
    store.save_results(convs, lambda c: evaluate(analyze(c), contact_type=c.contact_type))
    out = {}
    for name, role, agent in (("root", "admin", None), ("rita", "reviewer", None), ("eva", "agent", "eva")):
        _, out[role] = store.create_user(name, role, agent)
    return out


@pytest.fixture
def app(store: Any, tokens: dict[str, str]) -> Any:
    return store_app(store)


@pytest.fixture
def as_role(app: Any, tokens: dict[str, str]) -> Iterator[Any]:
    with cookie_clients(app, tokens) as client:
        yield client


def test_only_those_who_may_import_can_read_an_import_job(as_role: Any, store: Any) -> None:
    job = store.create_import_job(["/tmp/servio-upload-x/000-chats.jsonl"], format=None, created_by=None)
    assert as_role("admin").get(f"/ui/import/{job.id}").status_code == 200
    for role in ("reviewer", "agent"):  # the API's GET /imports/{id} is for admins only, too
        assert as_role(role).get(f"/ui/import/{job.id}").status_code == 403, role


def test_an_agent_cannot_tell_anothers_conversation_from_a_missing_one(as_role: Any) -> None:
    eva = as_role("agent")
    assert eva.get("/ui/conversations/eva-1").status_code == 200
    others, missing = eva.get("/ui/conversations/tom-1"), eva.get("/ui/conversations/no-such-id")
    assert (others.status_code, missing.status_code) == (404, 404)  # as GET /conversations/{id} answers
    assert "tom-1" not in eva.get("/ui/conversations").text
    # a page with the menu and a way back, not the API's JSON; the same words for both
    assert others.headers["content-type"].startswith("text/html") and "<nav" in others.text
    assert others.text.replace("tom-1", "X") == missing.text.replace("no-such-id", "X")
    assert "/ui/conversations" in missing.text and '"detail"' not in missing.text


def test_an_agent_page_for_a_period_without_conversations_is_a_page(as_role: Any) -> None:
    """Her own page, 200, that says so (it was a 404 "not found" page for a real agent: a quiet week)."""
    reviewer = as_role("reviewer")
    for lang, words in (("en", 'Agent eva had no conversations from <span class="date">2020-01-01</span> '
                               'to <span class="date">2020-01-31</span>.'),
                        ("et", "Teenindajal eva polnud ajavahemikus 01.01.2020 – 31.01.2020 ühtegi "
                               "vestlust.")):
        empty = reviewer.get(f"/ui/agents/eva?date_from=2020-01-01&date_to=2020-01-31&lang={lang}")
        assert empty.status_code == 200 and words in empty.text and "<nav" in empty.text
        assert 'href="/ui/agents/eva"' in empty.text  # all their conversations
    assert reviewer.get("/ui/agents/eva").status_code == 200


def test_an_agent_is_not_shown_the_other_agents_and_teams(as_role: Any, app: Any,
                                                          tokens: dict[str, str]) -> None:
    page = as_role("agent").get("/ui/conversations").text  # the API refuses GET /agents, /teams to agents
    assert ">tom<" not in page and ">eva<" in page
    assert ">tom<" in as_role("reviewer").get("/ui/conversations").text
    with TestClient(app) as api:
        assert api.get("/agents", headers={"Authorization": f"Bearer {tokens['agent']}"}).status_code == 403


def test_an_import_job_does_not_show_where_the_server_keeps_uploads(as_role: Any, app: Any,
                                                                    tokens: dict[str, str]) -> None:
    import tempfile
    import time

    root = as_role("admin")
    record = b'{"id": "no-turns"}\n'  # one bad record, so that the job reports a problem with its file
    job = root.post("/ui/import", files=[("files", ("chats.jsonl", record))], headers=JSON).json()
    deadline = time.monotonic() + 30
    while (seen := root.get(f"/ui/import/{job['id']}").json())["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert seen["problems"] and "chats.jsonl" in seen["problems"][0]["path"]
    with TestClient(app) as api:
        listed = api.get("/imports", headers={"Authorization": f"Bearer {tokens['admin']}"}).text
    for answer in (str(job), str(seen), listed):
        assert "servio-upload-" not in answer and tempfile.gettempdir() not in answer, answer


DEEP = "[" * 5000 + "]" * 5000


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "APPLICATION/JSON"])
def test_deeply_nested_bodies_are_refused_not_a_server_error(as_role: Any, content_type: str) -> None:
    rita = as_role("reviewer")
    headers = {**JSON, "content-type": content_type}
    sid = rita.post("/ui/live/sessions", json={"language": "en"}, headers=JSON).json()["session_id"]
    for path in ("/ui/conversations/eva-1/turns/0", "/ui/live/sessions", f"/ui/live/sessions/{sid}/turns"):
        answer = rita.post(path, content=DEEP, headers=headers)
        assert answer.status_code == 400, (path, answer.text)
        assert "deeper" in answer.json()["detail"]


def test_a_live_turn_on_the_dashboard_has_the_apis_length_limit(as_role: Any) -> None:
    from servio.service.schemas.live import MAX_TURN_CHARS

    rita = as_role("reviewer")
    sid = rita.post("/ui/live/sessions", json={"language": "en"}, headers=JSON).json()["session_id"]
    text = "Hello, how can I help you today? " * (MAX_TURN_CHARS // 30)
    path = f"/ui/live/sessions/{sid}/turns"
    answer = rita.post(path, json={"speaker": "agent", "text": text}, headers=JSON)
    assert answer.status_code == 422
    fits = rita.post(path, json={"speaker": "agent", "text": text[:MAX_TURN_CHARS]}, headers=JSON)
    assert fits.status_code == 200 and fits.json()["turn"] == 0


ODD_ID = "INC/2026/7?x#y%z"


def test_a_conversation_whose_id_has_slashes_and_url_characters_is_linked_shown_and_corrected(
        as_role: Any, store: Any, app: Any, tokens: dict[str, str]) -> None:
    from urllib.parse import quote

    from servio.analyze import analyze
    from servio.evaluate import evaluate

    store.save_results([_chat(ODD_ID, "eva")], lambda c: evaluate(analyze(c), contact_type=c.contact_type))
    href = "/ui/conversations/" + quote(ODD_ID, safe="")
    rita = as_role("reviewer")
    assert f'href="{href}"' in rita.get("/ui/conversations").text
    page = rita.get(href)
    assert page.status_code == 200 and f'data-url="{href}/turns/0"' in page.text
    assert rita.post(f"{href}/turns/0", json={"stages": [1]}, headers=JSON).status_code == 200
    assert [c.turn_index for c in store.corrections(ODD_ID)] == [0]
    with TestClient(app) as anonymous:  # signing in comes back to the same conversation
        to_login = anonymous.get(href, follow_redirects=False).headers["location"]
        login = anonymous.get(to_login)
        nxt = login.text.split('name="next" value="')[1].split('"')[0]
        back = anonymous.post("/ui/login", data={"token": tokens["reviewer"], "next": nxt},
                              follow_redirects=False)
        assert back.headers["location"] == href


def test_a_page_offset_too_large_for_the_database_is_refused(as_role: Any) -> None:
    answer = as_role("reviewer").get("/ui/conversations?offset=99999999999999999999")
    assert answer.status_code == 422, answer.text  # was a 500: too large for an SQL integer


@pytest.mark.parametrize("path", ["/ui/team?", "/ui/conversations?", "/ui/agents/eva?",
                                  "/ui/report?scope=period&"])
def test_the_last_day_of_the_calendar_is_a_date_not_a_server_error(as_role: Any, app: Any,
                                                                   tokens: dict[str, str], path: str) -> None:
    days = "date_from=0001-01-01&date_to=9999-12-31"
    answer = as_role("reviewer").get(f"{path}{days}")
    assert answer.status_code == 200, answer.text  # was a 500: the day after 9999-12-31 overflowed
    api = TestClient(app, headers={"Authorization": f"Bearer {tokens['reviewer']}"})
    for url in ("/conversations", "/conversations.csv", "/agents/eva/profile", "/teams/North/profile"):
        assert api.get(f"{url}?{days}").status_code == 200, url


def test_another_site_cannot_sign_a_browser_in_or_out(app: Any, tokens: dict[str, str]) -> None:
    cross = {"Sec-Fetch-Site": "cross-site"}  # what a browser sends for a form posted from another site
    with TestClient(app) as browser:
        forced = browser.post("/ui/login", data={"token": tokens["reviewer"]}, headers=cross,
                              follow_redirects=False)
        assert forced.status_code == 403 and "set-cookie" not in forced.headers
        own = browser.post("/ui/login", data={"token": tokens["reviewer"]},
                           headers={"Sec-Fetch-Site": "same-origin"}, follow_redirects=False)
        assert own.status_code == 303 and "servio_token=" in own.headers["set-cookie"]
        out = browser.post("/ui/logout", headers=cross, follow_redirects=False)
        assert out.status_code == 403 and "set-cookie" not in out.headers
        sibling = browser.post("/ui/login", data={"token": tokens["reviewer"]},
                               headers={"Sec-Fetch-Site": "same-site"}, follow_redirects=False)
        assert sibling.status_code == 403  # another subdomain of the same site


def test_an_old_browser_from_another_origin_cannot_sign_in(app: Any, tokens: dict[str, Any]) -> None:
    """Without Sec-Fetch-Site (older browsers) the Origin header decides, when there is one."""
    with TestClient(app) as browser:
        forced = browser.post("/ui/login", data={"token": tokens["reviewer"]},
                              headers={"Origin": "https://attacker.example"}, follow_redirects=False)
        assert forced.status_code == 403 and "set-cookie" not in forced.headers
        own = browser.post("/ui/login", data={"token": tokens["reviewer"]},
                           headers={"Origin": "http://testserver"}, follow_redirects=False)
        assert own.status_code == 303
        bare = browser.post("/ui/login", data={"token": tokens["reviewer"]}, follow_redirects=False)
        assert bare.status_code == 303  # scripts and tests send neither header


def test_the_team_page_says_when_a_period_has_no_conversations(as_role: Any) -> None:
    reviewer = as_role("reviewer")
    empty = reviewer.get("/ui/team?date_from=2020-01-01&date_to=2020-01-31&lang=en").text
    said = re.sub(r"<[^>]+>", "", empty)  # the sentence a report of those days has
    assert "There were no conversations from 2020-01-01 to 2020-01-31." in said
    assert "No conversations yet" not in empty
    assert 'href="/ui/team"' in empty
    assert "No conversations" not in reviewer.get("/ui/team?lang=en").text
