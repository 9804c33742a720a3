"""The import page lists a job's problems in the page's language: in Estonian on the Estonian dashboard
(``?lang=et``), with the remedies in the dashboard's own Estonian words; in English on the English one and
always in the API. Runs on every store backend of the ``store`` fixture and on the open demo's in-memory
backend. The chats are invented."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import cookie_clients, store_app
from tests.web.test_import_options import finished

JSON = {"X-Servio": "1"}
#: One good turn, a speaker nobody knows, a row with a delimiter too many, and a time that is no time.
BAD_CSV = ("id,speaker,text,timestamp\n"
           "c1,klient,Tere! Mu arve on vale.,\n"
           "c1,kati,Vaatan kohe.,\n"
           "c1,teenindaja,Parandasin,ära,jah\n"
           "c1,teenindaja,Kas veel midagi?,homme\n").encode()

ESTONIAN = [
    "rida jäeti vahele",
    "rääkija „kati” on tundmatu",  # the label in Estonian quotes, and the remedy in the page's words
    "anna sellele jaotises „Veel lugemisvalikuid” väljal „Rääkijate rollid” roll: kati=teenindaja, "
    "=klient või =süsteem; või kirjuta failis selle asemele teenindaja, klient või süsteem); "
    "rida jäeti vahele",
    "real on 5 välja, päises aga 4 (jutumärkideta eraldaja tekstis?); rida jäeti vahele",
    "märkus: ajatempleid, millest aru ei saadud: 1 (esimene: 'homme'); repliigid jäeti alles ilma ajata",
]
ENGLISH = [
    "speaker 'kati' is not known",
    "give it a role in Speaker roles under More reading options: kati=agent, =customer or =system; or write "
    "agent, customer or system for it in the file); row skipped",
    "row has 5 fields but the header has 4 (an unquoted delimiter in the text?); row skipped",
    "note: 1 timestamp(s) not understood (first: 'homme'); turns kept without a time",
]


def _finished(client: TestClient, lang: str) -> dict[str, Any]:
    return finished(client, "chats.csv", BAD_CSV, lang)


def _said(job: dict[str, Any]) -> str:
    assert all("said" not in p for p in job["problems"])  # the stored form is the job's, not the page's
    return "\n".join([p["message"] for p in job["problems"]] + job["messages"])


@pytest.fixture
def admin(store: Any) -> Iterator[tuple[TestClient, str]]:
    _, token = store.create_user("root", "admin")
    with cookie_clients(store_app(store), {"admin": token}) as client:
        yield client("admin"), token


@pytest.fixture
def demo() -> Iterator[TestClient]:
    from servio.web.demo import demo_app

    with TestClient(demo_app([]), raise_server_exceptions=False) as client:
        yield client


def test_the_estonian_dashboard_lists_import_problems_in_estonian(admin: tuple[TestClient, str]) -> None:
    client, token = admin
    job = _finished(client, "et")
    said = _said(job)
    for words in ESTONIAN:
        assert words in said
    for words in ENGLISH:
        assert words not in said
    assert "chats.csv:3: rääkija „kati” on tundmatu" in said  # the CLI-style lines too


def test_the_english_dashboard_and_the_api_keep_english(admin: tuple[TestClient, str]) -> None:
    client, token = admin
    job = _finished(client, "et")
    english = client.get(f"/ui/import/{job['id']}?lang=en").json()
    api = client.get(f"/imports/{job['id']}", headers={"Authorization": f"Bearer {token}"}).json()
    for words in ENGLISH:
        assert words in _said(english)
    # the API's readers are not on the Import page: the same problems, the remedy in the import's fields
    assert [p["line"] for p in api["problems"]] == [p["line"] for p in english["problems"]]
    assert ("map it in the import's speaker roles (kati=agent, =customer or =system; on the dashboard under "
            "More reading options), or write agent, customer or system for it in the file); row skipped"
            ) in _said(api)
    assert all("said" not in p for p in api["problems"])


def test_an_old_job_without_codes_shows_its_stored_messages(store: Any,
                                                             admin: tuple[TestClient, str]) -> None:
    client, _ = admin
    job = store.create_import_job(["old.csv"], format=None)
    store.start_import_job(job.id)
    store.finish_import_job(job.id, "done", problems=[
        {"path": "old.csv", "line": 2, "offset": None, "message": "speaker 'x' is not known; row skipped"},
        {"path": "old.csv", "line": 3, "offset": None, "message": "odd",
         "said": {"code": "no.such.code", "params": {}}}])
    shown = client.get(f"/ui/import/{job.id}?lang=et").json()
    assert [p["message"] for p in shown["problems"]] == ["speaker 'x' is not known; row skipped", "odd"]


def test_no_message_names_the_servers_upload_folder(admin: tuple[TestClient, str]) -> None:
    """A duplicate id names the file it was first read from: the upload's name, not the server's folder."""
    client, token = admin
    record = b'{"id": "same", "turns": [{"speaker": "agent", "text": "Tere"}]}\n'
    files = [("files", ("a.jsonl", record)), ("files", ("b.jsonl", record))]
    job = client.post("/ui/import?lang=et", files=files, headers=JSON).json()
    deadline = time.monotonic() + 60
    while job["status"] in ("pending", "running"):
        assert time.monotonic() < deadline, job
        time.sleep(0.1)
        job = client.get(f"/ui/import/{job['id']}?lang=et").json()
    api = client.get(f"/imports/{job['id']}", headers={"Authorization": f"Bearer {token}"}).json()
    assert "(esimest korda loetud failist a.jsonl); jäeti vahele" in job["problems"][0]["message"]
    assert "(first read from a.jsonl); skipped" in api["problems"][0]["message"]
    for answer in (job, api):
        assert "servio-upload-" not in str(answer), answer


def test_the_open_demo_lists_import_problems_in_estonian_too(demo: TestClient) -> None:
    said = _said(_finished(demo, "et"))
    assert "rääkija „kati” on tundmatu" in said and "real on 5 välja, päises aga 4" in said
    english = _said(_finished(demo, "en"))
    assert "speaker 'kati' is not known" in english and "\u27e6" not in english
