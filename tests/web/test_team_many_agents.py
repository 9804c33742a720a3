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
    heading = page.locator("#heatmap thead th").nth(4).bounding_box()  # stage 4 values
    assert 0 <= heading["y"] and heading["y"] + heading["height"] <= last_box["y"], \
        f"the stage headings are out of view (y={heading['y']:.0f}) beside the last agent"
    page.screenshot(path=str(shots / f"team-{AGENTS}-agents-{width}.png"))
