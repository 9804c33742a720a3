"""An agent's page says why a stage carried in every conversation has a mean of 0 (audit 18, m3).

"present 100 %" beside a mean score of 0 read as a bug: the conversation page and the CLI say "present,
but: <the failed checks>", the agent's page said nothing. Under such a stage's row it now says in how many
of the conversations where the stage applies it was carried but scored 0, and the checks that failed most
there, with their counts. The counts come from the stored checks of those scores only
(``Store.zero_scores``); the request tests run on every store backend of the project's ``store`` fixture
and on the demo's memory backend. The results are invented.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servio.results import CheckResult, ConversationResult
from servio.store.types import ConversationFilter
from tests.report.conftest import make_conversation, make_result
from tests.web.conftest import sign_in, store_app

OPTIONS_LATE = CheckResult("options_before_solution", 5, False)
ONE_OPTION = CheckResult("several_options", 5, False, 0.75)
NO_AGREEMENT = CheckResult("acceptance_sought", 6, False)


def _with_checks(result: ConversationResult,
                 checks: dict[int, tuple[CheckResult, ...]]) -> ConversationResult:
    return replace(result, stage_scores=tuple(replace(s, checks=checks.get(s.stage, s.checks))
                                              for s in result.stage_scores))


def _results() -> list[ConversationResult]:
    """tom carries options in all five conversations and scores 0 in each (one also offered one option
    only); stage 6 scores 0 once, 80 otherwise; stage 1 scores 100 with a failed check (coaching, no
    puzzle); values do not apply and never say anything. ann's stage 5 is fine."""
    out = []
    for i in range(5):
        scores = {1: 100.0, 5: 0.0, 6: 0.0 if i == 0 else 80.0}
        base = make_result(f"t{i}", "tom", "Online", f"2026-10-0{i + 1}", scores)
        out.append(_with_checks(base, {5: (OPTIONS_LATE, ONE_OPTION) if i == 0 else (OPTIONS_LATE,),
                                       6: (NO_AGREEMENT,) if i == 0 else (),
                                       1: (CheckResult("self_introduction", 1, False),)}))
    out.append(make_result("a1", "ann", "Online", "2026-10-02", {1: 90, 5: 70, 6: 70}))
    return out


def _conversation(r: ConversationResult) -> Any:
    """The conversation of ``r`` as a store keeps its agent, team and start."""
    from datetime import datetime

    assert r.started_at is not None
    return replace(make_conversation(r.conversation_id), agent_id=r.agent_id, team=r.team,
                   started_at=datetime.fromisoformat(r.started_at))


def _why(html: str) -> dict[int, str]:
    return {int(s): " ".join(text.split())
            for s, text in re.findall(r'<td colspan="4" data-stage-why="(\d)">(.*?)</td>', html, re.S)}


EXPECTED = {
    "en": {5: "present, but scored 0 in 5 of 5: options not laid out before the solution (5); only one "
              "option offered (1)",
           6: "present, but scored 0 in 1 of 5: no agreement sought (1)"},
    "et": {5: "olemas, kuid 5 vestluses 5-st oli hinne 0: võimalusi ei selgitatud enne lahendust (5); pakuti "
              "vaid üht võimalust (1)",
           6: "olemas, kuid 1 vestluses 5-st oli hinne 0: kliendi nõusolekut ei küsitud (1)"},
}


@pytest.fixture
def stored(store: Any) -> Iterator[TestClient]:
    pairs = {r.conversation_id: r for r in _results()}
    store.save_results([_conversation(r) for r in pairs.values()], lambda c: pairs[c.id])
    _, token = store.create_user("rita", "reviewer")
    with TestClient(store_app(store)) as client:
        yield sign_in(client, token)


@pytest.fixture
def memory() -> TestClient:
    from fastapi import FastAPI

    from servio.web.backend import MemoryBackend
    from servio.web.routes import web_router

    backend = MemoryBackend()
    backend.add((make_conversation(r.conversation_id), r) for r in _results())
    app = FastAPI()
    app.state.web_backend = backend
    app.include_router(web_router(prefix="/ui", open_access=True))
    return TestClient(app)


@pytest.mark.parametrize("lang", ["en", "et"])
def test_the_agent_page_says_why_a_carried_stage_scores_0(stored: TestClient, lang: str) -> None:
    html = stored.get(f"/ui/agents/tom?lang={lang}").text
    assert 'data-stage-present="5">100' in html and 'data-stage-score="5"><a' in html  # the puzzle
    assert _why(html) == EXPECTED[lang]


def test_the_memory_backend_says_the_same(memory: TestClient) -> None:
    assert _why(memory.get("/ui/agents/tom?lang=en").text) == EXPECTED["en"]
    assert _why(memory.get("/ui/agents/tom?lang=et").text) == EXPECTED["et"]


def test_an_agent_without_such_a_stage_gets_no_reason(stored: TestClient) -> None:
    assert _why(stored.get("/ui/agents/ann?lang=en").text) == {}


def test_the_period_counts_as_the_page_does(stored: TestClient) -> None:
    # 2026-10-02..05: t1..t4, where stage 6 never scored 0
    html = stored.get("/ui/agents/tom?lang=en&date_from=2026-10-02&date_to=2026-10-05").text
    assert _why(html) == {5: "present, but scored 0 in 4 of 4: options not laid out before the solution (4)"}


def test_the_store_reads_the_checks_of_the_zero_scores_only(store: Any) -> None:
    from servio.evaluate.tally import zero_scores_of

    pairs = {r.conversation_id: r for r in _results()}
    store.save_results([_conversation(r) for r in pairs.values()], lambda c: pairs[c.id])
    found = store.zero_scores(ConversationFilter(agent_id="tom"))
    assert found == zero_scores_of(pairs[f"t{i}"] for i in range(5))
    assert {s: (z.conversations, dict(z.failed)) for s, z in found.items()} == {
        5: (5, {"options_before_solution": 5, "several_options": 1}), 6: (1, {"acceptance_sought": 1})}
    assert store.zero_scores(ConversationFilter(agent_id="ann")) == {}


def _cell_titles(html: str, agent: str) -> list[str]:
    """The title of each stage cell of the agent's heatmap row, in stage order ("" for a cell without)."""
    from html import unescape

    row = html.split(f'data-value="{agent}"', 1)[1].split("</tr>", 1)[0]
    cells = re.findall(r'<td class="num heat"[^>]*>(.*?)</td>', row, re.S)[:7]
    return [unescape(m.group(1)) if (m := re.search(r'title="([^"]*)"', c)) else "" for c in cells]


@pytest.mark.parametrize(("lang", "said"), [
    ("en", "tom, clarifying options: 0. Never missing where it applies, but scored 0 in 5 of 5 conversations "
           "(the agent's page says which checks failed)"),
    ("et", "kuid 5 vestluses 5-st oli hinne 0 (teenindaja lehel on näha, millised kontrollid läbi "
           "kukkusid)")])
def test_the_team_page_cell_says_a_carried_stage_scored_0(stored: TestClient, lang: str, said: str) -> None:
    html = stored.get(f"/ui/team?team=Online&lang={lang}").text
    titles = _cell_titles(html, "tom")
    assert said in titles[4], titles  # stage 5
    assert "scored 0 in 1 of 5" in titles[5] or "1 vestluses 5-st oli hinne 0" in titles[5]  # stage 6
    assert not any("scored 0" in t or "hinne 0" in t for t in _cell_titles(html, "ann"))
    # the team's own row counts them too, from the same tallies (no statement more)
    foot = html.split("<tfoot>", 1)[1]
    assert "scored 0 in 5 of 6" in foot or "5 vestluses 6-st oli hinne 0" in foot


def test_the_tallies_count_the_zero_scores_as_from_the_results(store: Any) -> None:
    from servio.evaluate.tally import tally, zero_of

    results = _results()
    pairs = {r.conversation_id: r for r in results}
    store.save_results([_conversation(r) for r in results], lambda c: pairs[c.id])
    counted = store.tallies(ConversationFilter(), "agent")
    assert zero_of(counted["tom"]) == zero_of(tally([r for r in results if r.agent_id == "tom"]))
    assert zero_of(counted["tom"]) == {1: 0, 2: 0, 3: 0, 4: 0, 5: 5, 6: 1, 7: 0}
    assert set(zero_of(counted["ann"]).values()) == {0}
