"""The team page of everyone names each agent's team (as the profiles know it), in both languages."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from servio.results import ConversationResult, StageScore
from servio.store.types import Team
from servio.web import web_router
from servio.web.backend import MemoryBackend


def _result(cid: str, agent: str, team: str | None) -> ConversationResult:
    scores = tuple(StageScore(stage=s, score=60.0, present=True, weight=1.0) for s in range(1, 8))
    return ConversationResult(conversation_id=cid, language="en", contact_type="support", agent_id=agent,
                              team=team, turns=(), overall=60.0, stage_scores=scores,
                              started_at="2026-03-01T10:00:00+00:00")


#: eve answered once for South but mostly for North; noor's conversations name no team
RESULTS = [_result("a1", "ann", "South"), _result("e1", "eve", "North"), _result("e2", "eve", "North"),
           _result("e3", "eve", "South"), _result("n1", "noor", None)]


class Centre(MemoryBackend):
    def results(self, *, team: str | None = None, **_: Any) -> list[ConversationResult]:
        return [r for r in RESULTS if team is None or r.team == team]

    def teams(self) -> list[Team]:  # the team page asks whether a team it is given exists
        counts = Counter(r.team for r in RESULTS if r.team)
        return [Team(id=t, conversations=n) for t, n in sorted(counts.items())]


class _Rows(HTMLParser):
    """The heatmap's header texts, per body row its cells' texts, and the foot's (the team's own row)."""

    def __init__(self) -> None:
        super().__init__()
        self.head: list[str] = []
        self.rows: list[list[str]] = []
        self.foot: list[str] = []
        self.part = ""
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("thead", "tbody", "tfoot"):
            self.part = tag
        elif tag == "tr" and self.part == "tbody":
            self.rows.append([])
        elif tag in ("th", "td"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self.cell is not None:
            text = " ".join("".join(self.cell).split())
            parts = {"thead": self.head, "tfoot": self.foot}
            (parts[self.part] if self.part in parts else self.rows[-1]).append(text)
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def heatmap(path: str) -> _Rows:
    app = FastAPI()
    backend = Centre()
    app.include_router(web_router(backend=lambda _request: backend, open_access=True))
    html = TestClient(app).get(path).text
    rows = _Rows()
    rows.feed(html[html.index('<table class="heatmap'):html.index("</table>")])
    return rows


@pytest.mark.parametrize(("lang", "agent", "team", "unknown"), [
    ("en", "Agent", "Team", "(unknown)"), ("et", "Teenindaja", "Meeskond", "(teadmata)")])
def test_everyone_shows_each_agents_team_beside_the_agent(lang: str, agent: str, team: str,
                                                          unknown: str) -> None:
    table = heatmap(f"/ui/team?lang={lang}")
    assert [h.rstrip("↕ ") for h in table.head[:2]] == [agent, team]
    assert [row[:2] for row in table.rows] == [["ann", "South"], ["eve", "North"], ["noor", unknown]]


def test_one_teams_page_has_no_team_column() -> None:
    table = heatmap("/ui/team?team=North&lang=en")
    assert "Team" not in table.head
    assert [row[0] for row in table.rows] == ["eve"] and table.rows[0][1] == "60"
