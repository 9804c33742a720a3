"""Hostile values in stored data: what the API hands out must not run in a spreadsheet or lose a record.

The conversations here are invented; their ids, agents and teams are what an
attacker (or an unlucky export from another system) could put in an upload.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servio.model import Channel, ContactType, Conversation, Language, Speaker, Turn
from tests.service.conftest import Users
from tests.service.data import TZ

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _chat(cid: str, agent: str, team: str) -> Conversation:
    turns = ((Speaker.AGENT, "Hello, this is Eva. How can I help?"), (Speaker.CUSTOMER, "My bill is wrong."),
             (Speaker.AGENT, "I have fixed the bill. Anything else? Goodbye!"))
    return Conversation(id=cid, turns=tuple(Turn(speaker=s, text=t) for s, t in turns), language=Language.EN,
                        channel=Channel.CHAT, agent_id=agent, team=team, contact_type=ContactType.SUPPORT,
                        started_at=datetime(2026, 9, 20, 10, 0, tzinfo=TZ))


def _save(store: Any, convs: list[Conversation]) -> None:
    from servio.analyze import analyze
    from servio.evaluate import evaluate

    store.save_results(convs, lambda c: evaluate(analyze(c), contact_type=c.contact_type))


def test_csv_export_cells_cannot_start_a_spreadsheet_formula(client: TestClient, users: Users,
                                                             filled_store: Any) -> None:
    evil = [_chat('=HYPERLINK("http://evil.example","x")', "=cmd|' /C calc'!A0", "@SUM(1+1)"),
            _chat("+1-2", "-agent", "\tTeam")]
    _save(filled_store, evil)
    response = client.get("/conversations.csv?sort=id", headers=users.headers("admin"))
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    cells = [value for row in rows for value in row.values()]
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)]
    ids = {r["id"] for r in rows}
    # the value is kept, behind the apostrophe spreadsheets read as "text follows"
    assert {"'=HYPERLINK(\"http://evil.example\",\"x\")", "'+1-2"} <= ids
    assert {r["agent_id"] for r in rows} >= {"'=cmd|' /C calc'!A0", "'-agent"}


@pytest.mark.parametrize("value", ["=1+1", "+49", "-x", "@a", "\tx"])
def test_write_csv_neutralises_formula_starts(value: str) -> None:
    from servio.store.export import CSV_COLUMNS, write_csv

    row = dict.fromkeys(CSV_COLUMNS, "")
    row.update(id=value, overall=-3.5, turns=2)
    out = io.StringIO()
    write_csv([row], out)
    back = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert back["id"] == "'" + value
    assert back["overall"] == "-3.5"  # numbers stay numbers


def test_a_line_break_inside_a_value_does_not_split_a_csv_row(client: TestClient, users: Users,
                                                              filled_store: Any) -> None:
    _save(filled_store, [_chat("crlf-1", "eva", "North\rEast"), _chat("crlf-2", "eva", "West\nSide")])
    response = client.get("/conversations.csv?agent_id=eva&sort=id", headers=users.headers("admin"))
    rows = list(csv.DictReader(io.StringIO(response.text, newline="")))
    assert [(r["id"], r["team"]) for r in rows] == [("crlf-1", "North\rEast"), ("crlf-2", "West\nSide")]


def test_write_csv_keeps_a_carriage_return_inside_its_cell() -> None:
    from servio.store.export import CSV_COLUMNS, write_csv

    row = dict.fromkeys(CSV_COLUMNS, "")
    row.update(id="\rx", team="a\rb")
    out = io.StringIO()
    write_csv([row], out)
    back = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert [(r["id"], r["team"]) for r in back] == [("'\rx", "a\rb")]


ODD_ID = "INC/2026/7?x#y%z"


def test_a_conversation_whose_id_has_slashes_and_url_characters_can_be_read_and_corrected(
        client: TestClient, users: Users, filled_store: Any) -> None:
    from urllib.parse import quote

    _save(filled_store, [_chat(ODD_ID, "eva", "North")])
    path = "/conversations/" + quote(ODD_ID, safe="")
    headers = users.headers("reviewer")
    detail = client.get(path, headers=headers)
    assert detail.status_code == 200 and detail.json()["id"] == ODD_ID
    corrected = client.put(f"{path}/turns/0/stages", json={"stages": [1]}, headers=headers)
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["correction"]["conversation_id"] == ODD_ID
    audit = client.get(f"{path}/corrections", headers=headers)
    assert audit.status_code == 200 and [c["turn_index"] for c in audit.json()] == [0]
    assert client.get(path, headers=users.headers("agent")).status_code == 404  # kati's it is not


def test_agents_and_teams_whose_ids_hold_a_slash_have_profiles(client: TestClient, users: Users,
                                                               filled_store: Any) -> None:
    from urllib.parse import quote

    _save(filled_store, [_chat("slash-1", "eva/2", "Tartu/Online")])
    headers = users.headers("reviewer")
    agent = client.get(f"/agents/{quote('eva/2', safe='')}/profile", headers=headers)
    team = client.get(f"/teams/{quote('Tartu/Online', safe='')}/profile", headers=headers)
    assert (agent.status_code, team.status_code) == (200, 200)
    assert (agent.json()["conversations"], team.json()["conversations"]) == (1, 1)


@pytest.mark.parametrize("path", ["/conversations?team=a%00b", "/conversations?agent_id=%00",
                                  "/conversations?failure=%00", "/conversations/a%00b",
                                  "/agents/a%00b/profile", "/teams/%00/profile",
                                  "/conversations.csv?team=%00"])
def test_nul_characters_in_ids_and_filters_are_not_a_server_error(client: TestClient, users: Users,
                                                                   path: str) -> None:
    answer = client.get(path, headers=users.headers("admin"))
    assert answer.status_code in (200, 404, 422), (answer.status_code, answer.text)
