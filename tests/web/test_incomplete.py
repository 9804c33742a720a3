"""An incomplete conversation (turns lost on import) is marked wherever it shows: the conversation page
(a notice at the top, in both languages), the list (a marker, and a filter), the agent and team pages (a
count), the API's JSON and the CSV export. On every store backend; no browser."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servio.store import Store
from tests.store.helpers import analyse, conversation
from tests.web.conftest import sign_in, store_app

LOST = ("/tmp/servio-upload-x/eesti_excel.csv:12",)


@pytest.fixture
def client(store: Store, tokens: dict[str, str]) -> Iterator[TestClient]:
    lost = replace(conversation(1, agent="juri", team="Tartu", language="et"), unread=LOST)
    store.save_results([lost, conversation(2, agent="juri", team="Tartu", language="et"),
                        conversation(3, agent="mari", team="Tartu")], analyse)
    with TestClient(store_app(store)) as c:
        yield sign_in(c, tokens["admin"])


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _notice(html: str) -> str:
    start = html.index('class="notice incomplete"')
    return _text(html[html.index(">", start) + 1:html.index("</p>", start)]).strip()


@pytest.mark.parametrize(("lang", "said"), [
    ("et", "Importimisel jäi selle vestluse üks repliik lugemata (eesti_excel.csv:12)."),
    ("en", "1 turn of this conversation could not be read on import (eesti_excel.csv:12)."),
])
def test_the_conversation_page_says_so_at_the_top(client: TestClient, lang: str, said: str) -> None:
    html = client.get(f"/ui/conversations/c1?lang={lang}").text
    assert _notice(html).startswith(said)
    assert html.index('class="notice incomplete"') < html.index('id="h-transcript"')  # above the transcript
    assert "/tmp/servio-upload" not in html  # the file's name, not the upload's folder
    coaching = html[html.index('id="coaching"'):]
    assert 'class="tag incomplete"' in coaching.split("</li>")[0]  # the coaching's first item
    other = client.get(f"/ui/conversations/c2?lang={lang}").text
    assert 'class="notice incomplete"' not in other and 'class="tag incomplete"' not in other


@pytest.mark.parametrize(("lang", "mark", "label"), [("et", "poolik", "Ainult poolikud"),
                                                     ("en", "incomplete", "Incomplete only")])
def test_the_list_marks_the_row_and_filters_incomplete_only(client: TestClient, lang: str, mark: str,
                                                            label: str) -> None:
    html = client.get(f"/ui/conversations?lang={lang}").text
    rows = {cid: _text(html[html.index(f'/conversations/{cid}"'):].split("</tr>")[0]) for cid in ("c1", "c2")}
    assert mark in rows["c1"] and mark not in rows["c2"]
    assert label in _text(html)
    only = client.get(f"/ui/conversations?lang={lang}&incomplete=1").text
    assert '/conversations/c1"' in only
    assert '/conversations/c2"' not in only and '/conversations/c3"' not in only
    assert 'name="incomplete" value="1" checked' in only
    assert client.get("/ui/conversations?incomplete=maybe").status_code == 422


@pytest.mark.parametrize(("lang", "said"), [
    ("et", "Neist 2 vestlusest üks on poolik"), ("en", "1 of these 2 conversations is incomplete")])
def test_the_agent_page_counts_them(client: TestClient, lang: str, said: str) -> None:
    html = client.get(f"/ui/agents/juri?lang={lang}").text
    assert _notice(html).startswith(said)
    assert "incomplete=1" in html[html.index('class="notice incomplete"'):]
    assert 'class="notice incomplete"' not in client.get(f"/ui/agents/mari?lang={lang}").text


def test_the_team_page_counts_them(client: TestClient) -> None:
    html = client.get("/ui/team?team=Tartu&lang=en").text
    assert _text(html[html.index('id="team-incomplete"'):].split("</a>")[0]).strip().endswith("1")
    assert _notice(html).startswith("1 of these 3 conversations is incomplete")


def test_the_api_and_the_csv_say_it(client: TestClient, store: Store, tokens: dict[str, str]) -> None:
    api = TestClient(client.app, headers={"Authorization": f"Bearer {tokens['admin']}"})
    body: dict[str, Any] = api.get("/conversations/c1").json()
    assert body["incomplete"] is True and body["unread"] == list(LOST)
    assert body["feedback"][0]["kind"] == "incomplete" and body["feedback"][0]["stage"] == 0
    assert api.get("/conversations/c2").json()["incomplete"] is False
    listed = api.get("/conversations", params={"incomplete": "true"}).json()
    assert [i["id"] for i in listed["items"]] == ["c1"] and listed["items"][0]["unread"] == 1
    assert api.get("/conversations", params={"incomplete": "false"}).json()["total"] == 2
    rows = list(csv.DictReader(io.StringIO(api.get("/conversations.csv").text)))
    assert {r["id"]: r["unread"] for r in rows} == {"c1": "1", "c2": "0", "c3": "0"}
    profile = api.get("/agents/juri/profile").json()
    assert (profile["conversations"], profile["incomplete"]) == (2, 1)


@pytest.mark.parametrize("query", ["scope=agent&id=juri", "scope=team&id=Tartu", "scope=period"])
def test_the_reports_json_carries_its_notice(client: TestClient, store: Store, tokens: dict[str, str],
                                           query: str) -> None:
    """Among the conversations to review first, an incomplete one's coaching starts with its notice (kind
    incomplete), as in GET /conversations/{id}: the report's schema once allowed only praise, improve and
    missing, and answered 500."""
    cut = replace(conversation(4, agent="juri", team="Tartu", language="et", turns=2), unread=LOST)
    store.save_results([cut], analyse)  # two turns: below the mean, so among those to review first
    api = TestClient(client.app, headers={"Authorization": f"Bearer {tokens['admin']}"})
    got = api.get(f"/reports?{query}&language=en")
    assert got.status_code == 200, got.text
    lost = next(w for w in got.json()["weakest_conversations"] if w["id"] == "c4")
    assert lost["coaching"][0]["kind"] == "incomplete" and lost["coaching"][0]["stage"] == 0
    assert lost["coaching"][0]["turn"] is None and "eesti_excel.csv:12" in lost["coaching"][0]["text"]
