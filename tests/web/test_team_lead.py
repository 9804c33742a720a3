"""The dashboard for a team lead: their team's pages, conversations and profiles, nobody else's.

The request tests run on every store backend of the project's ``store`` fixture; the browser test
(Playwright on Debian's Chromium, skipped without them as the other browser tests are) serves the
dashboard over a SQLite store. The conversations are invented: eva and ott work in North, tom in South;
ott also helped South once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servio.model import Channel, ContactType, Conversation, Language, Speaker, Turn
from servio.service import Settings, create_app
from servio.web import web_router
from tests.web.conftest import sign_in

JSON = {"X-Servio": "1"}


def _chat(cid: str, agent: str, team: str, day: int = 20) -> Conversation:
    turns = ((Speaker.AGENT, f"Hello, this is {agent.title()}. How can I help?"),
             (Speaker.CUSTOMER, "My bill is wrong."),
             (Speaker.AGENT, "I have fixed the bill. Anything else? Goodbye!"))
    return Conversation(id=cid, turns=tuple(Turn(speaker=s, text=t) for s, t in turns), language=Language.EN,
                        channel=Channel.CHAT, agent_id=agent, team=team, contact_type=ContactType.SUPPORT,
                        started_at=datetime(2026, 9, day, 10, 0, tzinfo=UTC))


def _fill(store: Any) -> dict[str, str]:
    from servio.analyze import analyze
    from servio.evaluate import evaluate

    convs = [_chat("eva-1", "eva", "North"), _chat("ott-1", "ott", "North", 21),
             _chat("tom-1", "tom", "South"), _chat("ott-south", "ott", "South", 19)]
    store.save_results(convs, lambda c: evaluate(analyze(c), contact_type=c.contact_type))
    out = {}
    people = (("root", "admin", None), ("rita", "reviewer", None), ("lea", "team_lead", "North"))
    for name, role, team in people:
        _, out[role] = store.create_user(name, role, team=team)
    return out


def _app(store: Any) -> Any:
    settings = Settings(database_url="sqlite://", live_warm_up=False, rate_limit_per_minute=0,
                        auth_cache_seconds=0, auto_migrate=False, tagger="rules")
    app = create_app(settings, store=store)
    return app


@pytest.fixture
def lead(store: Any) -> Iterator[TestClient]:
    tokens = _fill(store)
    with TestClient(_app(store), raise_server_exceptions=False) as client:
        yield sign_in(client, tokens["team_lead"])


def _options(html: str, select_id: str) -> list[str]:
    block = html.split(f'id="{select_id}"', 1)[1].split("</select>", 1)[0]
    return re.findall(r"<option[^>]*>([^<]*)</option>", block)


def test_the_start_page_is_the_own_teams_page(lead: TestClient) -> None:
    home = lead.get("/ui/", follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] == "/ui/team"
    team = lead.get("/ui/team", follow_redirects=False)
    assert team.status_code == 303 and team.headers["location"] == "/ui/team?team=North"
    page = lead.get("/ui/team?team=North&lang=en")
    assert page.status_code == 200
    assert _options(page.text, "t-team") == ["North"]  # no other team, and no "everyone"
    assert ">eva<" in page.text and ">ott<" in page.text and ">tom<" not in page.text
    assert lead.get("/ui/team?team=South").status_code == 403


def test_the_conversation_list_holds_the_team_only(lead: TestClient) -> None:
    page = lead.get("/ui/conversations?lang=en").text
    assert "eva-1" in page and "ott-1" in page and "tom-1" not in page and "ott-south" not in page
    assert _options(page, "f-team")[1:] == ["North"]
    assert _options(page, "f-agent")[1:] == ["eva", "ott"]
    ott = lead.get("/ui/conversations?agent_id=ott").text
    assert "ott-1" in ott and "ott-south" not in ott
    assert lead.get("/ui/conversations?team=South").status_code == 403


def test_a_conversation_of_another_team_is_not_found(lead: TestClient) -> None:
    assert lead.get("/ui/conversations/eva-1").status_code == 200
    for cid in ("tom-1", "ott-south", "no-such-id"):
        assert lead.get(f"/ui/conversations/{cid}").status_code == 404, cid


def test_corrections_of_the_team_only(lead: TestClient, store: Any) -> None:
    page = lead.get("/ui/conversations/eva-1").text
    assert 'data-url="/ui/conversations/eva-1/turns/0"' in page  # the correction controls are offered
    assert lead.post("/ui/conversations/eva-1/turns/0", json={"stages": [1]}, headers=JSON).status_code == 200
    assert lead.post("/ui/conversations/tom-1/turns/0", json={"stages": [1]}, headers=JSON).status_code == 404
    assert [(c.conversation_id, c.user_name) for c in store.corrections()] == [("eva-1", "lea")]


def test_agent_pages_count_the_team_only(lead: TestClient) -> None:
    ott = lead.get("/ui/agents/ott?lang=en")
    assert ott.status_code == 200 and "ott-south" not in ott.text
    assert lead.get("/ui/agents/tom").status_code == 404


def test_reports_of_the_team_only(lead: TestClient) -> None:
    assert lead.get("/ui/report?scope=team&id=North").status_code == 200
    assert lead.get("/ui/report?scope=team&id=South").status_code == 403
    assert lead.get("/ui/report?scope=period").status_code == 403
    ott = lead.get("/ui/report?scope=agent&id=ott")
    assert ott.status_code == 200 and "ott-south" not in ott.text


def test_a_team_lead_cannot_import_and_is_not_offered_it(lead: TestClient, store: Any) -> None:
    answer = lead.post("/ui/import", files={"files": ("x.jsonl", b"{}")}, headers=JSON)
    assert answer.status_code == 403
    job = store.create_import_job(["x.jsonl"], format=None, created_by=None)
    assert lead.get(f"/ui/import/{job.id}").status_code == 403
    assert 'href="/ui/import"' not in lead.get("/ui/team?team=North").text
    assert lead.get("/ui/import").status_code == 403  # nor the upload form


def test_a_live_session_is_the_teams(lead: TestClient) -> None:
    answer = lead.post("/ui/live/sessions", json={"language": "en"}, headers=JSON)
    assert answer.status_code == 201
    sid = answer.json()["session_id"]
    turn = lead.post(f"/ui/live/sessions/{sid}/turns", json={"speaker": "agent", "text": "Hello!"},
                     headers=JSON)
    assert turn.status_code == 200


# -- in a browser -------------------------------------------------------------------------------------


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """The service with the dashboard on a SQLite store with the teams above, served by uvicorn."""
    from tests.web.conftest import _skip_reason

    if _skip_reason():
        pytest.skip(_skip_reason() or "")
    from servio.store import Store
    from tests.web.conftest import served_app

    store = Store(f"sqlite:///{tmp_path / 'servio.db'}")
    store.migrate()
    tokens = _fill(store)
    app = _app(store)
    app.include_router(web_router())
    with served_app(app) as origin:
        yield origin, tokens
    store.close()


def test_a_team_lead_sees_only_their_team_in_the_browser(browser: Any, served: tuple[str, dict[str, str]],
                                                          shots: Path) -> None:
    origin, tokens = served
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(f"{origin}/ui/login?lang=en")
        page.fill("input[name=token]", tokens["team_lead"])
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r"/ui/team\?team=North"))
        assert page.locator("h1").inner_text().endswith("North")
        assert page.locator("#t-team option").all_inner_texts() == ["North"]
        rows = page.locator("#heatmap tbody th").all_inner_texts()
        assert rows == ["eva", "ott"]
        assert page.locator("nav a[href='/ui/import']").count() == 0
        page.screenshot(path=str(shots / "team-lead-team.png"), full_page=True)
        page.click("nav a[href='/ui/conversations']")
        page.wait_for_url(re.compile(r"/ui/conversations"))
        listed = page.locator("table tbody tr").all_inner_texts()
        assert len(listed) == 2 and not any("tom" in r or "South" in r for r in listed)
        assert page.locator("#f-team option").all_inner_texts()[1:] == ["North"]
        page.screenshot(path=str(shots / "team-lead-conversations.png"), full_page=True)
        answer = page.goto(f"{origin}/ui/conversations/tom-1")
        assert answer is not None and answer.status == 404
    finally:
        context.close()
