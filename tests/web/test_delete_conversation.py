"""An admin deletes a conversation from its page (erasure on request), after a confirmation step.

Request tests run on every store backend of the project's ``store`` fixture; the browser test serves the
service over SQLite (``store_served``). The conversations are invented.
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
from tests.web.conftest import cookie_clients, role_tokens, signed_in_page, store_app

JSON = {"X-Servio": "1"}


def _chat(cid: str) -> Conversation:
    turns = ((Speaker.AGENT, "Hello, this is Eva. How can I help?"), (Speaker.CUSTOMER, "I am Jaan Tamm."),
             (Speaker.AGENT, "I have fixed it. Anything else? Goodbye!"))
    return Conversation(id=cid, turns=tuple(Turn(speaker=s, text=t) for s, t in turns), language=Language.EN,
                        channel=Channel.CHAT, agent_id="eva", team="North", contact_type=ContactType.SUPPORT,
                        started_at=datetime(2026, 9, 20, 10, 0, tzinfo=UTC))


def _save(store: Any, *ids: str) -> None:
    from servio.analyze import analyze
    from servio.evaluate import evaluate

    store.save_results([_chat(i) for i in ids], lambda c: evaluate(analyze(c), contact_type=c.contact_type))


@pytest.fixture
def as_role(store: Any) -> Iterator[Any]:
    _save(store, "eva-1", "eva-2")
    with cookie_clients(store_app(store), role_tokens(store)) as client:
        yield client


def test_an_admin_deletes_a_conversation_for_good(as_role: Any, store: Any) -> None:
    root = as_role("admin")
    page = root.get("/ui/conversations/eva-1?lang=en").text
    assert 'id="delete-conversation"' in page and 'data-url="/ui/conversations/eva-1/delete' in page
    assert root.post("/ui/conversations/eva-1/delete", json={}).status_code == 403  # no X-Servio header
    answer = root.post("/ui/conversations/eva-1/delete?lang=en", json={}, headers=JSON)
    assert answer.status_code == 200, answer.text
    assert answer.json()["next"] == "/ui/conversations" and "eva-1" in answer.json()["message"]
    assert store.get_conversation("eva-1") is None and store.get_conversation("eva-2") is not None
    assert root.get("/ui/conversations/eva-1").status_code == 404
    assert root.post("/ui/conversations/eva-1/delete", json={}, headers=JSON).status_code == 404


@pytest.mark.parametrize("role", ["reviewer", "team_lead", "agent"])
def test_no_one_else_may_delete_or_is_offered_it(as_role: Any, store: Any, role: str) -> None:
    client = as_role(role)
    page = client.get("/ui/conversations/eva-1")
    assert page.status_code == 200 and 'id="delete-conversation"' not in page.text
    assert client.post("/ui/conversations/eva-1/delete", json={}, headers=JSON).status_code == 403
    assert store.get_conversation("eva-1") is not None


def test_the_open_demo_guest_may_not_delete() -> None:
    from servio.examples import example_gold_path
    from servio.web.demo import demo_app

    with TestClient(demo_app([example_gold_path()])) as guest:
        assert 'id="delete-conversation"' not in guest.get("/ui/conversations/ex-en-01").text
        answer = guest.post("/ui/conversations/ex-en-01/delete", json={}, headers=JSON)
        assert answer.status_code == 403
        assert guest.get("/ui/conversations/ex-en-01").status_code == 200


def test_deleting_in_the_browser_asks_first_and_returns_to_the_list(browser: Any, store_served: Any,
                                                                    shots: Path) -> None:
    origin, store, token = store_served
    _save(store, "eva-1", "eva-2")
    page = signed_in_page(browser, origin, token)
    try:
        page.goto(f"{origin}/ui/conversations/eva-1?lang=en")
        page.click("#delete-conversation")
        dialog = page.locator("#confirm-dialog")
        dialog.wait_for(state="visible")
        assert "eva-1" in dialog.inner_text()
        page.screenshot(path=str(shots / "delete-confirm-1280-en.png"), full_page=True)
        page.click("#confirm-no")
        assert dialog.is_hidden() and store.get_conversation("eva-1") is not None
        page.click("#delete-conversation")
        page.click("#confirm-yes")
        page.wait_for_url(re.compile(r"/ui/conversations$"))
        notice = page.locator("#notice")
        notice.wait_for(state="visible")
        assert "eva-1" in notice.inner_text()
        assert store.get_conversation("eva-1") is None
        listed = page.locator("table tbody").inner_text()
        assert "eva-2" in listed and "eva-1" not in listed
        page.reload()  # the notice was for that one arrival
        assert page.locator("#notice").inner_text() == ""
    finally:
        page.context.close()
