"""The import's encoding and channel, on the dashboard's form and the API's POST /imports (audit 20a F8, F10).

The store tests run on every store backend of the project's ``store`` fixture. The tickets are invented."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servio.model import Channel
from tests.web.conftest import cookie_clients, store_app
from tests.web.test_import_options import finished, stored, upload

#: A ticket export saved by English Excel on Windows, with no channel column.
TICKETS = ("ticket_id,speaker,text\r\n"
           "9200,customer,\"My parcel is late, where is it? Regards, François\"\r\n"
           "9200,agent,\"Hello François, sorry for the wait. It arrives tomorrow. Anything else?\"\r\n"
           ).encode("cp1252")


@pytest.fixture
def admin(store: Any) -> Iterator[TestClient]:
    _, token = store.create_user("root", "admin")
    with cookie_clients(store_app(store), {"admin": token}) as client:
        yield client("admin")


def test_the_form_sets_the_channel_and_forces_the_encoding(admin: TestClient) -> None:
    finished(admin, "tickets.csv", TICKETS)
    conv = stored(admin)["9200"][0]
    assert conv.channel is Channel.CHAT and "François" in conv.turns[0].text
    finished(admin, "tickets.csv", TICKETS, channel="email", encoding="cp1257")
    conv = stored(admin)["9200"][0]
    assert conv.channel is Channel.EMAIL and "Franēois" in conv.turns[0].text


def test_the_form_refuses_a_bad_encoding_or_channel_naming_the_field(admin: TestClient, store: Any) -> None:
    for field, value in (("encoding", "latin-9x"), ("channel", "fax")):
        answer = upload(admin, "tickets.csv", TICKETS, **{field: value})
        assert answer.status_code == 400 and answer.json()["detail"].startswith(f"{field} '{value}'")
    assert store.list_import_jobs() == []


def test_the_form_offers_both_fields(admin: TestClient) -> None:
    for lang, channel, encoding in (("en", "Channel", "Encoding"), ("et", "Kanal", "Kodeering")):
        html = admin.get(f"/ui/import?lang={lang}").text
        assert f'<label for="channel">{channel}</label>' in html and 'name="channel"' in html
        assert f'<label for="encoding">{encoding}</label>' in html and '<option value="cp1252">' in html


def test_the_api_takes_them_as_the_page_does(store: Any) -> None:
    _, token = store.create_user("root", "admin")
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(store_app(store)) as api:
        job = api.post("/imports?wait=true", files=[("files", ("t.csv", TICKETS))],
                       data={"channel": "email", "encoding": "cp1252"}, headers=headers).json()
        assert (job["read"], job["problems"]) == (1, [])
        got = api.get("/conversations/9200", headers=headers).json()
        refused = api.post("/imports", files=[("files", ("t.csv", TICKETS))], data={"encoding": "nope"},
                           headers=headers)
    assert got["channel"] == "email" and "François" in str(got)
    # the API answers a bad field as it answers any (422 naming it); the page's form keeps its 400 sentence
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "encoding"]


NIGHT = (b'{"id": "n1", "language": "et", "started_at": "2026-08-31T22:15:00Z", "turns": ['
         b'{"speaker": "agent", "text": "Tere! Kuidas saan aidata?"}, '
         b'{"speaker": "customer", "text": "Mu arve on vale."}]}\n')


def test_the_form_offers_and_takes_the_sites_time_zone(admin: TestClient) -> None:
    """Audit rep21 F7: a UTC export's night conversation counts on the site's day."""
    for lang, label in (("en", "Time zone"), ("et", "Ajavöönd")):
        html = admin.get(f"/ui/import?lang={lang}").text
        assert f'<label for="time_zone">{label}</label>' in html and '<option value="Europe/Tallinn">' in html
    finished(admin, "n.jsonl", NIGHT, time_zone="Europe/Tallinn")
    conv = stored(admin)["n1"][0]
    assert conv.started_at is not None and conv.started_at.isoformat() == "2026-09-01T01:15:00+03:00"
    answer = upload(admin, "n.jsonl", NIGHT, time_zone="Mars/Olympus")
    said = answer.json()["detail"]
    assert answer.status_code == 400 and said.startswith("time zone 'Mars/Olympus' is not one servio knows")
