"""The team page shows the team's own numbers (dashboard audit F15): its mean overall score, its
conversations and each stage's mean, the same as the API's team profile and the team report give,
each linked to the conversations behind it; a team lead no longer has to download the report to
learn their team's score. Runs on every store backend of the project's ``store`` fixture; the
conversations are invented (eva and ott in North, tom in South).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servio.model import Channel, ContactType, Conversation, Language, Speaker, Turn
from tests.web.conftest import sign_in, store_app


def _chat(cid: str, agent: str, team: str, day: int, kind: ContactType, close: bool) -> Conversation:
    turns = [(Speaker.AGENT, f"Hello, this is {agent.title()}. How can I help?"),
             (Speaker.CUSTOMER, "My bill is wrong."),
             (Speaker.AGENT, "I have fixed the bill." + (" Anything else? Goodbye!" if close else ""))]
    return Conversation(id=cid, turns=tuple(Turn(speaker=s, text=t) for s, t in turns), language=Language.EN,
                        channel=Channel.CHAT, agent_id=agent, team=team, contact_type=kind,
                        started_at=datetime(2026, 9, day, 10, 0, tzinfo=UTC))


@pytest.fixture
def served(store: Any) -> Iterator[tuple[TestClient, str]]:
    from servio.analyze import analyze
    from servio.evaluate import evaluate

    convs = [_chat("eva-1", "eva", "North", 20, ContactType.SUPPORT, True),
             _chat("eva-2", "eva", "North", 21, ContactType.SALES, False),
             _chat("ott-1", "ott", "North", 22, ContactType.COMPLAINT, False),
             _chat("tom-1", "tom", "South", 22, ContactType.SUPPORT, True)]
    store.save_results(convs, lambda c: evaluate(analyze(c), contact_type=c.contact_type))
    _, lead = store.create_user("lea", "team_lead", team="North")
    with TestClient(store_app(store), raise_server_exceptions=False) as client:
        yield sign_in(client, lead), lead


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def test_the_team_page_gives_the_teams_own_numbers_as_its_profile(served: tuple[TestClient, str]) -> None:
    client, token = served
    page = client.get("/ui/team?team=North&lang=en").text
    api = client.get("/teams/North/profile", headers={"Authorization": f"Bearer {token}"}).json()
    overall = re.search(r'id="team-overall">([^<]+)</a>', page)
    count = re.search(r'id="team-n">([^<]+)</a>', page)
    assert overall and count, "no team summary on the team page"
    assert overall.group(1) == f"{api['overall']:.0f}" and int(count.group(1)) == api["conversations"] == 3
    foot = page.split("<tfoot>", 1)[1].split("</tfoot>", 1)[0]
    assert "Whole team" in foot
    cells = [_text(c) for c in re.findall(r'<td class="num heat"[^>]*>(.*?)</td>', foot, re.S)]
    means = {s["stage"]: f"{s['mean_score']:.0f}" for s in api["stages"]}
    assert cells[:7] == [means.get(stage, "–") for stage in range(1, 8)]
    assert cells[7] == f"{api['overall']:.0f}"
    weakest = re.search(r'id="team-weakest">([^<]+)</a>', page)
    assert weakest and api["weakest"] is not None


def test_the_numbers_lead_to_the_teams_conversations(served: tuple[TestClient, str]) -> None:
    client, _ = served
    page = client.get("/ui/team?team=North&date_from=2026-09-01&lang=en").text
    href = html.unescape(re.search(r'<a href="([^"]+)" id="team-n">', page).group(1))
    assert "team=North" in href and "date_from=2026-09-01" in href
    listed = client.get(href).text
    assert re.search(r'id="count">[^<]*of 3</p>', listed), listed


def test_everyone_has_a_total_row_too_and_sorting_leaves_it_at_the_foot(served: tuple[TestClient, str],
                                                                        store: Any) -> None:
    _, token = served
    _, root = store.create_user("root", "admin")
    with TestClient(store_app(store), raise_server_exceptions=False) as admin:
        page = sign_in(admin, root).get("/ui/team?lang=et").text
    assert 'id="team-n">4</a>' in page
    foot = page.split("<tfoot>", 1)[1]
    assert "Kõik kokku" in foot.split("</tfoot>", 1)[0]
    assert "Kõik kokku" not in page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
