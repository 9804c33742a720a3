"""The conversation page numbers turns from 1 for people; ids, links, URLs and JSON keep 0-based indexes.

No browser: the dashboard over a memory backend through FastAPI's test client.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servio.evaluate.feedback import pattern_name
from servio.web.backend import MemoryBackend
from servio.web.evidence import describe
from tests.report.conftest import make_conversation, make_result


@pytest.fixture
def client() -> TestClient:
    from fastapi import FastAPI

    from servio.web.routes import web_router

    backend = MemoryBackend()
    # the coaching item and the failure pattern point at index 1, the second turn
    backend.add([(make_conversation("a1"), make_result("a1", "ann", "North", "2026-09-01", {1: 90, 3: 30},
                                                       ("no_close",)))])
    app = FastAPI()
    app.state.web_backend = backend
    app.include_router(web_router(prefix="/ui", open_access=True))
    return TestClient(app)


def _visible(html: str) -> str:
    """The page's text without the transcript's own words (the fixture's turns say "turn 0 of a1")."""
    html = re.sub(r'<p class="text"[^>]*>.*?</p>', " ", html, flags=re.S)  # it carries the turn's lang
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(("lang", "word", "agent", "legend"), [
    ("en", "turn", "agent", "Stages of turn 1"), ("et", "repliik", "teenindaja", "Repliigi 1 etapid")])
def test_conversation_page_counts_turns_from_one(client: TestClient, lang: str, word: str, agent: str,
                                                 legend: str) -> None:
    html = client.get(f"/ui/conversations/a1?lang={lang}").text
    # ids, data attributes, the correction URL and the timeline links stay 0-based
    assert 'id="turn-0"' in html and 'data-turn="0"' in html and 'id="edit-0"' in html
    assert 'href="#turn-0"' in html and "/conversations/a1/turns/0" in html
    assert 'id="turn-4"' not in html
    # what a person reads is 1-based
    heads = re.findall(r'<span class="who">(\d+) · ', html)
    assert heads == ["1", "2", "3", "4"]
    assert f"<legend>{legend}</legend>" in html
    assert f'aria-label="{word} 1, {agent}: ' in html and f'aria-label="{word} 0,' not in html
    coaching = html[html.index('id="coaching"'):]
    assert f'<a href="#turn-1">{word} 2</a>' in coaching  # Feedback.turn == 1
    patterns = html[html.index(pattern_name("no_close", lang)):html.index('id="coaching"')]
    assert f'(<a href="#turn-1">{word} 2</a>)' in patterns  # FailurePattern.turn == 1
    assert f"{word} 0" not in _visible(html)


def test_correction_json_keeps_zero_based_indexes(client: TestClient) -> None:
    answer = client.post("/ui/conversations/a1/turns/0", json={"stages": [1]}, headers={"X-Servio": "1"})
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    assert body["turn"] == 0 and body["stages"] == [1]
    turns = [f["turn"] for f in body["feedback"] if f["turn"] is not None]
    assert all(0 <= t < 4 for t in turns)
    assert 'class="turn agent corrected" id="turn-0"' in client.get("/ui/conversations/a1?lang=en").text


@pytest.mark.parametrize(("feature", "en", "et"), [
    ("index:0", "place from the start: 1", "koht algusest: 1"),
    ("index:4", "place from the start: 5", "koht algusest: 5"),
    ("index:>8", "place from the start: >9", "koht algusest: >9"),
    ("from_end:0", "place from the end: 1", "koht lõpust: 1"),
])
def test_position_evidence_counts_from_one(feature: str, en: str, et: str) -> None:
    assert describe("feature", feature, "", "en") == f"model: {en}"
    assert describe("feature", feature, "", "et") == f"mudel: {et}"


def test_coaching_links_reach_their_turn_before_and_after_a_correction(page: Any, base_url: str,
                                                                        shots: Any) -> None:
    """Browser: 'repliik N' in the coaching opens turn N (index N - 1), outlined; also after a correction."""
    page.goto(f"{base_url}/conversations/ex-et-01?lang=et")
    _follow_first_coaching_link(page)
    page.screenshot(path=str(shots / "turn-numbers-et-01.png"), full_page=False)
    last = page.locator("li.turn").last  # re-save its own stages: the scores stay, the coaching is redrawn
    last.locator("button.edit").click()
    last.locator("form.editor button[type=submit]").click()
    page.wait_for_function("() => document.getElementById('status').textContent.includes('→')")
    _follow_first_coaching_link(page)
    page.screenshot(path=str(shots / "turn-numbers-et-01-after.png"), full_page=False)


def _follow_first_coaching_link(page: Any) -> None:
    link = page.locator("#coaching a").first
    href, text = link.get_attribute("href"), link.inner_text()
    index = int(href.removeprefix("#turn-"))
    assert text == f"repliik {index + 1}"
    link.click()
    page.wait_for_function(f"() => location.hash === '#turn-{index}'")
    target = page.locator(":target")
    assert target.get_attribute("id") == f"turn-{index}"
    assert target.locator(".who").inner_text().startswith(f"{index + 1} · ")
    assert page.evaluate("getComputedStyle(document.querySelector(':target')).outlineStyle") != "none"
