"""The team page of a contact centre: 150 agents stay readable in Chromium.

With 150 rows the heatmap ran 5,800 px down the page and its stage headings scrolled away after
twenty agents: every number below them was a score of an unnamed stage.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI

from servio.results import ConversationResult, StageScore
from servio.store.types import Team
from servio.web import web_router
from servio.web.backend import MemoryBackend
from tests.web.conftest import served_app

AGENTS = 150


def _result(n: int) -> ConversationResult:
    scores = tuple(StageScore(stage=s, score=float((n * 7 + s * 13) % 100), present=True, weight=1.0)
                   for s in range(1, 8))
    return ConversationResult(conversation_id=f"c{n}", language="en", contact_type="support",
                              agent_id=f"agent{n:03d}", team=f"team-{n % 12}", turns=(), overall=50.0,
                              stage_scores=scores, started_at="2026-03-01T10:00:00+00:00")


class Centre(MemoryBackend):
    """A contact centre's results without their conversations: one per agent is enough for the heatmap."""

    def results(self, **_: Any) -> list[ConversationResult]:
        return [_result(n) for n in range(AGENTS)]

    def teams(self) -> list[Team]:
        return [Team(id=f"team-{t}", conversations=AGENTS // 12) for t in range(12)]


@pytest.fixture
def origin(browser: Any) -> Iterator[str]:
    app = FastAPI()
    backend = Centre()
    app.include_router(web_router(backend=lambda _request: backend, open_access=True))
    with served_app(app) as served:
        yield served


@pytest.mark.parametrize("width", [1280, 390])
def test_the_stage_headings_stay_in_view_down_to_the_last_agent(page: Any, origin: str, shots: Any,
                                                                width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{origin}/ui/team?lang=en")
    table = page.locator("#heatmap")
    assert table.locator("tbody tr").count() == AGENTS
    box = table.bounding_box()
    page.mouse.move(box["x"] + min(box["width"], width) / 2, min(box["y"] + 400, 850))
    for _ in range(40):
        page.mouse.wheel(0, 600)
    page.wait_for_timeout(300)
    last = page.locator("#heatmap tbody tr").last
    assert last.is_visible()
    last_box = last.bounding_box()
    assert 0 <= last_box["y"] <= 900, "the last agent cannot be scrolled into view"
    heading = page.locator("#heatmap thead th").nth(5).bounding_box()  # stage 4 values (after agent, team)
    assert 0 <= heading["y"] and heading["y"] + heading["height"] <= last_box["y"], \
        f"the stage headings are out of view (y={heading['y']:.0f}) beside the last agent"
    page.screenshot(path=str(shots / f"team-{AGENTS}-agents-{width}.png"))


@pytest.mark.parametrize("width", [1280, 390])
def test_everyone_tells_each_agents_team_and_sorts_by_it(page: Any, origin: str, shots: Any,
                                                         width: int) -> None:
    # a team lead looking at everyone could not tell which of the 12 teams an agent belonged to
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{origin}/ui/team?lang=en")
    header = page.locator("#heatmap thead th").nth(1)
    assert header.inner_text().startswith("Team")
    first = page.locator("#heatmap tbody tr").first
    agent, team = first.locator("th").bounding_box(), first.locator("td").first.bounding_box()
    assert first.locator("td").first.inner_text() == "team-0"  # agent000 works in team-0
    assert team["x"] + team["width"] <= width, "the team is off the screen beside the first agent"
    assert abs(team["y"] - agent["y"]) < 2 and team["height"] < 2 * agent["height"]  # one line, same row
    header.locator("button").click()
    texts = "cells => cells.map(c => c.innerText)"
    teams = page.eval_on_selector_all("#heatmap tbody tr td:first-of-type", texts)
    agents = page.eval_on_selector_all("#heatmap tbody tr th", texts)
    assert teams == sorted(teams) and teams[0] == "team-0" and teams[-1] == "team-9"
    assert agents[:3] == ["agent000", "agent012", "agent024"]  # by agent within a team, as the page began
    page.screenshot(path=str(shots / f"team-{AGENTS}-agents-by-team-{width}.png"))
