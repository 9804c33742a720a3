"""The conversation list's "Export CSV" (audit 18, m6): the filtered list as the API's CSV, over the dashboard
session, with the list's role filtering. The request tests run on every store backend of the project's
``store`` fixture, and once over the demo's memory backend. The conversations are invented: eva and ott work
in North, tom in South; ott also helped South once; mari is an agent user linked to eva's id.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servio.model import Channel, ContactType, Conversation, Language, Speaker, Turn
from servio.store.export import CSV_COLUMNS
from tests.web.conftest import role_tokens, sign_in, store_app


def _chat(cid: str, agent: str, team: str, day: int, closing: bool = True) -> Conversation:
    turns = [(Speaker.AGENT, f"Hello, this is {agent.title()}. How can I help?"),
             (Speaker.CUSTOMER, "My bill is wrong."),
             (Speaker.AGENT, "I have fixed the bill." + (" Anything else? Goodbye!" if closing else ""))]
    return Conversation(id=cid, turns=tuple(Turn(speaker=s, text=t) for s, t in turns), language=Language.EN,
                        channel=Channel.CHAT, agent_id=agent, team=team, contact_type=ContactType.SUPPORT,
                        started_at=datetime(2026, 9, day, 10, 0, tzinfo=UTC))


CHATS = [_chat("eva-1", "eva", "North", 20), _chat("eva-2", "eva", "North", 22, closing=False),
         _chat("ott-1", "ott", "North", 21), _chat("tom-1", "tom", "South", 18),
         _chat("ott-south", "ott", "South", 19)]


def _rows(answer: Any) -> list[dict[str, str]]:
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"] == 'attachment; filename="conversations.csv"'
    return list(csv.DictReader(io.StringIO(answer.text)))


@pytest.fixture
def people(store: Any) -> dict[str, str]:
    from servio.analyze import analyze
    from servio.evaluate import evaluate

    store.save_results(CHATS, lambda c: evaluate(analyze(c), contact_type=c.contact_type))
    return role_tokens(store, "mari", "eva")


@pytest.fixture
def client(store: Any, people: dict[str, str]) -> Iterator[Any]:
    made: list[TestClient] = []

    def signed_in(role: str) -> TestClient:
        c = TestClient(store_app(store), raise_server_exceptions=False)
        made.append(c)
        return sign_in(c, people[role])

    yield signed_in
    for c in made:
        c.close()


def test_the_list_offers_the_export_of_its_filters(client: Any) -> None:
    page = client("admin").get("/ui/conversations?team=North&sort=overall&offset=0&lang=en").text
    assert 'id="export-csv" href="/ui/conversations.csv?sort=overall&amp;team=North"' in page
    assert "Export CSV" in page and "all 3 conversations" in page
    page = client("admin").get("/ui/conversations?lang=et").text
    assert "Ekspordi CSV-failina" in page and "kõik 5 filtritele vastavat vestlust" in page
    assert 'href="/ui/conversations.csv"' in page


def test_the_export_is_the_apis_csv_of_the_filtered_list(client: Any, store: Any, people: dict[str, str]
                                                         ) -> None:
    rows = _rows(client("reviewer").get("/ui/conversations.csv?team=North&sort=id"))
    assert [r["id"] for r in rows] == ["eva-1", "eva-2", "ott-1"]
    assert list(rows[0]) == list(CSV_COLUMNS)
    with TestClient(store_app(store)) as api:  # the API's export of the same filters, with a bearer token
        same = api.get("/conversations.csv?team=North&sort=id",
                       headers={"Authorization": f"Bearer {people['reviewer']}"})
    assert client("reviewer").get("/ui/conversations.csv?team=North&sort=id").text == same.text
    # every match, not the page the list shows (limit and offset are the list's paging)
    assert len(_rows(client("admin").get("/ui/conversations.csv?limit=1&offset=2"))) == len(CHATS)
    low = _rows(client("admin").get("/ui/conversations.csv?sort=overall"))
    assert [float(r["overall"]) for r in low] == sorted(float(r["overall"]) for r in low)


def test_a_team_lead_exports_their_team_only_and_another_team_is_refused(client: Any) -> None:
    lead = client("team_lead")
    assert sorted(r["id"] for r in _rows(lead.get("/ui/conversations.csv"))) == ["eva-1", "eva-2", "ott-1"]
    # ott's conversation in South is not the team lead's, though ott is in their team
    assert [r["id"] for r in _rows(lead.get("/ui/conversations.csv?agent_id=ott"))] == ["ott-1"]
    refused = lead.get("/ui/conversations.csv?team=South&lang=en")
    assert refused.status_code == 403 and "text/html" in refused.headers["content-type"]
    assert "South" not in refused.text.split("<main", 1)[1].split("</main>", 1)[0].replace("North", "")


def test_an_agent_exports_their_own_only(client: Any) -> None:
    mari = client("agent")
    assert sorted(r["id"] for r in _rows(mari.get("/ui/conversations.csv"))) == ["eva-1", "eva-2"]
    assert mari.get("/ui/conversations.csv?agent_id=tom").status_code == 403


def test_signed_out_the_export_leads_to_the_sign_in_page(store: Any, people: dict[str, str]) -> None:
    with TestClient(store_app(store)) as anonymous:
        answer = anonymous.get("/ui/conversations.csv?team=North", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/ui/login?next=%2Fui%2Fconversations.csv%3Fteam%3DNorth"


def test_a_bad_filter_is_the_lists_refusal_naming_the_field(client: Any) -> None:
    answer = client("admin").get("/ui/conversations.csv?score_min=lots&lang=en")
    assert answer.status_code == 422 and "Score at least" in answer.text
    assert client("admin").get("/ui/conversations.csv?failure=no_such_pattern").status_code == 422


def test_the_list_offers_the_csv_for_estonian_excel(client: Any, store: Any, people: dict[str, str]) -> None:
    """api21's note: the dashboard's export opened as one column with broken letters in an Estonian Excel;
    the API had ?dialect=excel, the page offered no such link."""
    page = client("admin").get("/ui/conversations?team=North&lang=et").text
    assert 'id="export-csv-excel" href="/ui/conversations.csv?team=North&amp;dialect=excel"' in page
    assert "CSV Exceli jaoks (eraldaja ;)" in page
    excel = client("reviewer").get("/ui/conversations.csv?team=North&sort=id&dialect=excel")
    assert excel.status_code == 200 and excel.text.startswith("\ufeff") and ";" in excel.text.splitlines()[0]
    with TestClient(store_app(store)) as api:
        same = api.get("/conversations.csv?team=North&sort=id&dialect=excel",
                       headers={"Authorization": f"Bearer {people['reviewer']}"})
    assert excel.text == same.text
    refused = client("admin").get("/ui/conversations.csv?dialect=lotus&lang=en")
    assert refused.status_code == 422 and "CSV dialect" in refused.text


@contextmanager
def _demo() -> Iterator[TestClient]:
    from servio.analyze import analyze
    from servio.evaluate import evaluate
    from servio.web.backend import MemoryBackend
    from servio.web.demo import demo_app

    app = demo_app([])
    backend = MemoryBackend()
    backend.add((c, evaluate(analyze(c), contact_type=c.contact_type)) for c in CHATS)
    app.state.web_backend = backend
    with TestClient(app) as client:
        yield client


def test_the_demos_memory_backend_exports_the_same_rows() -> None:
    with _demo() as client:
        rows = _rows(client.get("/ui/conversations.csv?team=South&sort=id"))
    assert [r["id"] for r in rows] == ["ott-south", "tom-1"]
    assert list(rows[0]) == list(CSV_COLUMNS) and rows[0]["agent_id"] == "ott"
