"""A stage the agent carried that scores 0 says why in words: the checks it failed, in the page's language.

"present" beside a 0 read as a contradiction (options were offered, but not laid out before the
solution and only one of them). No browser: the page over a memory backend, and the correction answer.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servio.results import CheckResult, ConversationResult
from servio.web.backend import MemoryBackend
from servio.web.pages import score_update
from tests.report.conftest import make_conversation, make_result


def _result() -> ConversationResult:
    base = make_result("p1", "ann", "North", "2026-09-01", {1: 100, 5: 0, 6: 0, 7: 50})
    scores = {s.stage: s for s in base.stage_scores}
    scores[1] = replace(scores[1], checks=(CheckResult("greeting_first_turn", 1, True),))
    scores[5] = replace(scores[5], checks=(CheckResult("options_before_solution", 5, False),
                                           CheckResult("several_options", 5, False, 0.75)))
    scores[6] = replace(scores[6], checks=())  # a stored result without its checks
    scores[7] = replace(scores[7], checks=(CheckResult("thanks", 7, True),
                                           CheckResult("mentions_survey", 7, False)))
    return replace(base, stage_scores=tuple(scores[s] for s in sorted(scores)))


@pytest.fixture
def client() -> TestClient:
    from fastapi import FastAPI

    from servio.web.routes import web_router

    backend = MemoryBackend()
    backend.add([(make_conversation("p1"), _result())])
    app = FastAPI()
    app.state.web_backend = backend
    app.include_router(web_router(prefix="/ui", open_access=True))
    return TestClient(app)


def _why(html: str, stage: int) -> str | None:
    found = re.search(rf'<tr class="why" id="why-{stage}"[^>]*>\s*<td[^>]*>(.*?)</td>', html, re.S)
    return " ".join(found.group(1).split()) if found else None


@pytest.mark.parametrize(("lang", "options", "solution"), [
    ("et", "olemas, kuid: võimalusi ei selgitatud enne lahendust; pakuti vaid üht võimalust",
     "olemas, kuid ükski kontroll ei läinud läbi"),
    ("en", "present, but: options not laid out before the solution; only one option offered",
     "present, but no check passed"),
])
def test_present_stage_scoring_0_names_its_failed_checks(client: TestClient, lang: str, options: str,
                                                         solution: str) -> None:
    html = client.get(f"/ui/conversations/p1?lang={lang}").text
    assert _why(html, 5) == options
    assert _why(html, 6) == solution  # no checks stored: still not a bare "present" beside 0


def test_only_a_present_stage_at_0_gets_a_reason(client: TestClient) -> None:
    html = client.get("/ui/conversations/p1?lang=en").text
    shown = re.findall(r'<tr class="why" id="why-(\d)"(?! hidden)', html)
    assert shown == ["5", "6"]  # 1 scored 100, 7 scored 50 (a failed check there is coaching, not a puzzle)


def test_a_check_without_a_name_is_named_by_its_id() -> None:
    result = _result()
    scores = {s.stage: s for s in result.stage_scores}
    scores[7] = replace(scores[7], score=0.0, checks=(CheckResult("mentions_survey", 7, False),))
    answer = score_update(replace(result, stage_scores=tuple(scores.values())), "en")
    assert {s["stage"]: s["why"] for s in answer["scores"]}[7] == "present, but: mentions survey"


def test_a_correction_answer_carries_the_reasons() -> None:
    answer = score_update(_result(), "et")
    why = {s["stage"]: s["why"] for s in answer["scores"]}
    assert why[5].startswith("olemas, kuid: võimalusi") and why[1] == "" and why[7] == ""


def test_the_reason_follows_a_correction_in_the_browser(page: Any, base_url: str) -> None:
    # ex-et-06: the agent carries options (turn 11) but does not lay them out before the solution
    pg = page
    pg.goto(f"{base_url}/conversations/ex-et-06?lang=et")
    why = pg.locator("#why-5")
    assert why.is_visible() and why.inner_text() == "olemas, kuid: võimalusi ei selgitatud enne lahendust"
    pg.locator("#turn-10 button.edit").click()
    pg.locator("#edit-10 input[name=stage][value='5']").uncheck()
    pg.locator("#edit-10 button[type=submit]").click()
    pg.wait_for_function("() => document.getElementById('status').textContent.includes('→')")
    assert pg.locator("#present-5").inner_text() == "puudub"
    assert why.is_hidden()  # absent now: "puudub" says it, no reason line left over
