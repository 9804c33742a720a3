"""The import page's reading options: CSV columns, language, the agents' e-mail domain (no browser).

The store tests run on every store backend of the project's ``store`` fixture (SQLite, and PostgreSQL
when configured); the same checks run on the open demo's in-memory backend. The chats are invented.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servio.model import Language, Speaker
from servio.store.types import ConversationFilter
from tests.web.conftest import cookie_clients, store_app

JSON = {"X-Servio": "1"}

#: A chat-system export whose header names none of the usual column names.
ODD_CSV = ("jutuajamine;osaline;repliik\n"
           "v1;teenindaja;Tere! Siin Mari. Kuidas saan teid aidata?\n"
           "v1;klient;Minu arve on vale, palun vaadake see üle.\n"
           "v2;teenindaja;Tere päevast! Millega saan aidata?\n"
           "v2;klient;Tahaksin oma lepingut pikendada.\n").encode()
MAPPING = {"column.id": "jutuajamine", "column.speaker": "osaline", "column.text": "repliik"}

#: The usual column names, in Estonian words only (no language column: the language is not said).
ESTONIAN_CSV = ("vestlus,rääkija,sõnum\n"
                "k1,teenindaja,Tere! Siin Mari. Kuidas saan teid täna aidata?\n"
                "k1,klient,Minu arve on vale ja ma ei saa sellest aru.\n"
                "k1,teenindaja,Vaatan kohe üle. Aitäh ootamast! Parandasin arve ära.\n").encode()

#: One e-mail from the shop's agent: unconfigured, the first sender of a thread is the customer.
AGENT_MAIL = """From: Kadri Kask <kadri@teenus.example>
To: Peeter Puu <peeter@post.example>
Subject: Teie tellimus 4410
Date: Tue, 06 Oct 2026 10:00:00 +0300
Message-ID: <kadri-1@teenus.example>
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

Tere, Peeter!

Teie tellimus 4410 on teele pandud ja jõuab kohale neljapäeval.

Parimate soovidega
Kadri
""".encode()

#: What the browser's FormData sends when no optional field is filled in.
EMPTY_OPTIONS = {"format": "", "language": "", "column.id": "", "column.speaker": "", "column.text": "",
                 "column.timestamp": "", "column.agent": "", "agent_domain": ""}


@pytest.fixture
def tokens(store: Any) -> dict[str, str]:
    _, token = store.create_user("root", "admin")
    return {"admin": token}


@pytest.fixture
def admin(store: Any, tokens: dict[str, str]) -> Iterator[TestClient]:
    with cookie_clients(store_app(store), tokens) as client:
        yield client("admin")


@pytest.fixture
def demo() -> Iterator[TestClient]:
    from servio.web.demo import demo_app

    with TestClient(demo_app([]), raise_server_exceptions=False) as client:
        yield client


def upload(client: TestClient, name: str, body: bytes, lang: str = "en", **form: str) -> Any:
    # in English unless asked: the dashboard lists a job's problems in its page's language (Estonian default)
    return client.post(f"/ui/import?lang={lang}", files=[("files", (name, body))], data=form, headers=JSON)


def finished(client: TestClient, name: str, body: bytes, lang: str = "en", **form: str) -> dict[str, Any]:
    """The job of an upload through the dashboard, polled as its page polls it until it ends."""
    answer = upload(client, name, body, lang, **form)
    assert answer.status_code == 202, answer.text
    job: dict[str, Any] = answer.json()
    deadline = time.monotonic() + 60
    while job["status"] in ("pending", "running"):
        assert time.monotonic() < deadline, job
        time.sleep(0.1)
        job = client.get(f"/ui/import/{job['id']}?lang={lang}").json()
    assert job["status"] == "done", job
    return job


def stored(client: TestClient) -> dict[str, Any]:
    """Every conversation the dashboard's backend holds, by id: (conversation, result)."""
    backend = client.app.state.web_backend  # type: ignore[attr-defined]
    rows = backend.listing(ConversationFilter(limit=100)).items
    return {row.id: backend.get(row.id)[:2] for row in rows}


def check_mapping(client: TestClient) -> None:
    skipped = finished(client, "vestlused.csv", ODD_CSV)
    assert (skipped["read"], skipped["skipped"]) == (0, 1)
    assert "available columns: jutuajamine, osaline, repliik" in skipped["problems"][0]["message"]
    assert stored(client) == {}
    job = finished(client, "vestlused.csv", ODD_CSV, **MAPPING)
    assert (job["read"], job["new"], job["skipped"], job["problems"]) == (2, 2, 0, [])
    convs = stored(client)
    assert set(convs) == {"v1", "v2"}
    assert [t.speaker for t in convs["v1"][0].turns] == [Speaker.AGENT, Speaker.CUSTOMER]


def check_language(client: TestClient) -> None:
    finished(client, "eesti.csv", ESTONIAN_CSV)
    assert stored(client)["k1"][1].language == "et"  # detected from the words
    job = finished(client, "eesti.csv", ESTONIAN_CSV, language="en")
    assert job["updated"] == 1
    conv, result = stored(client)["k1"]
    assert conv.language is Language.EN and result.language == "en"


def check_agent_domain(client: TestClient) -> None:
    # without the domain the agent's lone message reads as a customer's: nothing to score, so the job says
    # so and names the field that fixes it (it was stored with 0 on every stage)
    job = finished(client, "kiri.eml", AGENT_MAIL)
    assert (job["new"], job["skipped"]) == (0, 1) and stored(client) == {}
    assert "no agent turn with text, only 1 customer turn" in job["problems"][0]["message"]
    assert "fill in Agents' e-mail domain under More reading options" in job["problems"][0]["message"]
    job = finished(client, "kiri.eml", AGENT_MAIL, agent_domain="teenus.example")
    assert job["new"] == 1
    (conv, _), = stored(client).values()
    assert conv.turns[0].speaker is Speaker.AGENT and conv.turns[0].author == "Kadri Kask"


def check_refusals(client: TestClient) -> list[str]:
    details = []
    for form in ({"column.colour": "x"}, {"column": "nonsense"}, {"column": "colour=x"}, {"language": "fi"},
                 {"format": "pdf"}):
        answer = upload(client, "vestlused.csv", ODD_CSV, **form)
        assert answer.status_code in (400, 422), (form, answer.text)
        detail = answer.json()["detail"]
        assert isinstance(detail, str), detail  # the page shows a string detail as it is
        details.append(detail)
    assert "unknown column field 'colour'" in details[0] and "known fields:" in details[0]
    assert details[1] == "column must be FIELD=NAME, not 'nonsense'"  # the API's message
    assert details[3] == "language must be et or en, not 'fi'"
    assert details[4].startswith("unknown format 'pdf'; known: ")  # the API's message; no job that fails
    return details


def test_a_column_mapping_imports_a_csv_that_is_otherwise_skipped(admin: TestClient) -> None:
    check_mapping(admin)


def test_the_language_can_be_forced(admin: TestClient) -> None:
    check_language(admin)


def test_the_agents_mail_domain_decides_who_is_the_agent(admin: TestClient) -> None:
    check_agent_domain(admin)


def test_a_bad_option_is_refused_and_starts_no_job(admin: TestClient, store: Any) -> None:
    check_refusals(admin)
    assert store.list_import_jobs() == []


def test_a_file_without_ids_gives_the_ids_the_api_and_the_cli_give(admin: TestClient, tmp_path: Path) -> None:
    """Uploads keep their file name (not a numbered one): a conversation without an id is
    ``<file stem>-<n>`` however it was imported, so importing the file again updates it."""
    from servio.ingest import read_all

    (tmp_path / "kiri.eml").write_bytes(AGENT_MAIL)
    expected = {c.id for c in read_all([tmp_path / "kiri.eml"])[0]}
    finished(admin, "kiri.eml", AGENT_MAIL, agent_domain="teenus.example")
    assert set(stored(admin)) == expected == {"kiri-1"}


def test_empty_optional_fields_are_ignored(admin: TestClient) -> None:
    job = finished(admin, "eesti.csv", ESTONIAN_CSV, **EMPTY_OPTIONS)
    assert (job["new"], job["skipped"]) == (1, 0)
    assert stored(admin)["k1"][1].language == "et"


def test_the_options_reach_the_store_as_the_api_passes_them(admin: TestClient, store: Any,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import servio.store

    seen: list[Any] = []
    real = servio.store.import_paths
    monkeypatch.setattr(servio.store, "import_paths",
                        lambda *a, **kw: seen.append(kw["options"]) or real(*a, **kw))
    finished(admin, "vestlused.csv", ODD_CSV, language="et", agent_domain="teenus.example, @Pood.Example",
             **MAPPING, **{"column.timestamp": "aeg", "column.agent": "kes"})
    (options,) = seen
    columns = (options.id_column, options.speaker_column, options.text_column)
    assert columns == ("jutuajamine", "osaline", "repliik")
    assert (options.timestamp_column, options.agent_id_column) == ("aeg", "kes")
    assert options.language is Language.ET
    assert options.agent_domains == frozenset({"teenus.example", "pood.example"})


def test_the_open_demo_reads_with_the_options(demo: TestClient) -> None:
    check_mapping(demo)
    check_language(demo)


def test_the_open_demo_reads_mail_with_the_agents_domain(demo: TestClient) -> None:
    check_agent_domain(demo)


def test_the_open_demo_refuses_a_bad_option_and_starts_no_job(demo: TestClient) -> None:
    check_refusals(demo)
    assert demo.app.state.web_backend.jobs == {}  # type: ignore[attr-defined]


def test_the_form_offers_the_options_with_labels(admin: TestClient) -> None:
    for lang, words in (("en", ("More reading options", "Estonian", "agent")),
                        ("et", ("Veel lugemisvalikuid", "eesti", "teenindaja"))):
        html = admin.get(f"/ui/import?lang={lang}").text
        assert "<details" in html and all(w in html for w in words), lang
        for name in ("language", "column-id", "column-speaker", "column-text", "column-timestamp",
                     "column-agent", "agent-domain"):
            assert f'<label for="{name}"' in html and f'id="{name}"' in html, name
        assert 'placeholder="text, message' in html  # the usual names are the hint


def test_uploads_are_not_left_behind_when_an_option_is_refused(admin: TestClient,
                                                               monkeypatch: pytest.MonkeyPatch,
                                                               tmp_path: Path) -> None:
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert upload(admin, "a.csv", ODD_CSV, language="fi").status_code in (400, 422)
    assert [p for p in tmp_path.iterdir() if p.name.startswith("servio-upload-")] == []


@pytest.mark.parametrize("redact", [True, False])
def test_the_dashboard_import_follows_the_redact_setting_as_the_api_does(store: Any, tokens: dict[str, str],
                                                                        redact: bool) -> None:
    """An e-mail address in a chat is redacted unless the service runs with ``redact = false``; the
    job records what it ran with, as API jobs do."""
    chat = ("vestlus,rääkija,sõnum\n"
            "r1,klient,Tere! Minu e-post on mari.maasikas@post.example\n"
            "r1,teenindaja,\"Aitäh, kirjutan teile sinna.\"\n").encode()
    with cookie_clients(store_app(store, redact=redact), tokens) as clients:
        client = clients("admin")
        job = finished(client, "kiri.csv", chat)
        conv, _ = stored(client)["r1"]
    assert ("mari.maasikas@post.example" in conv.turns[0].text) is not redact
    recorded = store.get_import_job(job["id"]).options
    assert recorded["redact"] is redact and recorded["tagger"] == "rules"
