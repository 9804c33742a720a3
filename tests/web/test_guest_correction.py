"""The open dashboard's guest (``servio serve --open-dashboard``, what ``make run`` starts) corrects stages.

The guest is a reviewer without a users row: its correction is kept with its name and no user id, on every
store backend. An unexpected error reaches neither a page nor an API answer: only a reference does, and
the details go to the server's log.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servio.analyze import analyze
from servio.evaluate import evaluate
from servio.model import Conversation, Speaker, Turn
from tests.web.conftest import store_app

JSON = {"X-Servio": "1"}


def _conversation() -> Conversation:
    texts = [(Speaker.AGENT, "Tere, mina olen Mari. Kuidas saan aidata?"),
             (Speaker.CUSTOMER, "Mu internet ei tööta."),
             (Speaker.AGENT, "Saame pakkuda uut ruuterit rendiga või ostuna. Kumb sobib?"),
             (Speaker.CUSTOMER, "Rendiga, aitäh."),
             (Speaker.AGENT, "Aitäh, head päeva!")]
    return Conversation(id="guest-1", turns=tuple(Turn(speaker=s, text=t) for s, t in texts),
                        agent_id="mari", team="Tartu")


@pytest.fixture
def guest(store: Any) -> Any:
    conv = _conversation()
    store.save_result(conv, evaluate(analyze(conv, tagger="rules")), tagger="rules")
    app = store_app(store, open_dashboard=True)
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as client:
        yield client


def test_the_guest_correction_is_saved_with_its_name_and_no_user(guest: TestClient, store: Any) -> None:
    answer = guest.post("/ui/conversations/guest-1/turns/2?lang=et", json={"stages": [5, 6]}, headers=JSON)
    assert answer.status_code == 200, answer.text
    assert answer.json()["stages"] == [5, 6]
    [corr] = store.corrections("guest-1")
    assert (corr.user_id, corr.user_name, corr.after) == (None, "guest", (5, 6))
    assert store.get_reviewed("guest-1") is not None
    page = guest.get("/ui/conversations/guest-1?lang=et")
    assert page.status_code == 200 and "parandatud" in page.text


def test_an_unexpected_error_on_the_dashboard_shows_a_reference_only(
        guest: TestClient, store: Any, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("(sqlite3.IntegrityError) FOREIGN KEY constraint failed [SQL: INSERT INTO x]")

    monkeypatch.setattr(type(store), "correct_turn", broken)
    with caplog.at_level(logging.ERROR):
        answer = guest.post("/ui/conversations/guest-1/turns/2?lang=et", json={"stages": [5]}, headers=JSON)
    assert answer.status_code == 500
    body = answer.json()
    ref = body["reference"]
    assert body["detail"] == f"internal error (reference {ref})"
    for leak in ("IntegrityError", "FOREIGN KEY", "SQL", "sqlalche.me", "RuntimeError"):
        assert leak not in answer.text
    assert ref in caplog.text and "FOREIGN KEY constraint failed" in caplog.text
