"""POST /imports refuses a bad or unknown form field as every endpoint refuses a bad field: 422 naming it.

It answered a bad ``format``, ``column``, ``speaker``, ``encoding`` or ``channel`` with 400 and a sentence
repeating the value (a speaker label is a customer's name), while ``language`` and a missing ``files`` were
422 in the API's shape; and it took a misspelt field (``langauge``, ``columns``) without a word, importing
everything without the option.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import Users

CALL = b"Agent Peter: Tere, Laine Mobiil, Peter kuuleb.\nMari Maasikas: Tere, mu arve on vale.\n"


def _post(client: TestClient, users: Users, form: dict[str, Any], files: Any = None) -> Any:
    return client.post("/imports?wait=true", data=form, headers=users.headers("admin"),
                       files=[("files", ("kone.txt", CALL))] if files is None else files)


@pytest.mark.parametrize(("form", "field"), [
    ({"format": "docx-secret"}, "format"),
    ({"column": "nonsense-secret"}, "column"),
    ({"column": "colour-secret=Message"}, "column"),
    ({"speaker": "Jaan Tamm-secret"}, "speaker"),
    ({"speaker": "Jaan Tamm-secret=boss"}, "speaker"),
    ({"speaker": "Tamm-secret" * 30 + "=customer"}, "speaker"),
    ({"encoding": "latin-secret"}, "encoding"),
    ({"channel": "fax-secret"}, "channel"),
    ({"time_zone": "Europe/Talinn-secret"}, "time_zone"),
    ({"language": "fi"}, "language"),
])
def test_a_bad_form_value_is_a_422_naming_the_field_without_the_value(
        client: TestClient, users: Users, store: Any, form: dict[str, Any], field: str) -> None:
    answer = _post(client, users, form)
    assert answer.status_code == 422, answer.text
    [problem] = answer.json()["detail"]
    assert problem["loc"] == ["body", field] and set(problem) == {"loc", "msg", "type"}
    assert problem["msg"] and "secret" not in answer.text, answer.text
    assert store.list_import_jobs() == []


def test_the_message_says_what_a_good_value_is(client: TestClient, users: Users) -> None:
    said = {field: _post(client, users, {field: value}).json()["detail"][0]["msg"]
            for field, value in (("channel", "fax"), ("encoding", "x"), ("column", "bogus=X"),
                                 ("format", "docx"), ("speaker", "Mari=boss"))}
    assert said["channel"] == "channel must be one of chat, email, other, phone, twitter"
    assert "cp1257 for Windows-1257" in said["encoding"]
    assert "text" in said["column"] and "speaker" in said["column"]
    assert "jsonl, csv" in said["format"]
    assert said["speaker"] == "speaker: the role (after the last =) must be agent, customer or system"


@pytest.mark.parametrize("field", ["langauge", "columns", "agent_domains"])
def test_a_misspelt_field_is_refused_not_ignored(client: TestClient, users: Users, store: Any,
                                                 field: str) -> None:
    answer = _post(client, users, {field: "en"})
    assert answer.status_code == 422, answer.text
    [problem] = answer.json()["detail"]
    assert problem["loc"] == ["body", field] and problem["type"] == "extra_forbidden"
    assert "agent_domain" in problem["msg"] and "speaker" in problem["msg"]
    assert store.list_import_jobs() == []


def test_every_documented_field_is_taken(client: TestClient, users: Users) -> None:
    form = {"format": "text", "language": "et", "column": "text=Message", "agent_domain": "laine.ee",
            "speaker": "Mari Maasikas=customer", "encoding": "utf-8", "channel": "phone",
            "time_zone": "Europe/Tallinn"}
    answer = _post(client, users, form)
    assert answer.status_code == 200, answer.text
    assert answer.json()["problems"] == [] and answer.json()["read"] == 1


def test_a_form_without_a_file_is_a_422_on_files(client: TestClient, users: Users) -> None:
    answer = _post(client, users, {"language": "et"}, files=[])
    assert answer.status_code == 422
    assert [p["loc"] for p in answer.json()["detail"]] == [["body", "files"]]




def _thread() -> bytes:
    return (b"From mari@gmail.example Mon Nov 16 09:00:00 2026\n"
            b"From: Mari Maasikas <mari@gmail.example>\nTo: tugi@laine.ee\nSubject: Arve\n"
            b"Date: Mon, 16 Nov 2026 09:00:00 +0200\nMessage-ID: <a1@gmail.example>\n\n"
            b"Tere, arve on vale.\n\n"
            b"From kati@laine.ee Mon Nov 16 10:00:00 2026\n"
            b"From: Kati <kati@laine.ee>\nTo: mari@gmail.example\nSubject: Re: Arve\n"
            b"Date: Mon, 16 Nov 2026 10:00:00 +0200\nMessage-ID: <a2@laine.ee>\n"
            b"In-Reply-To: <a1@gmail.example>\n"
            b"\nTere! Kuidas saan aidata? Vaatan arve kohe ule.\n")


def test_several_agent_domains_in_one_field_are_read_as_the_dashboard_reads_them(
        client: TestClient, users: Users) -> None:
    # "telia.ee, laine.ee" was one domain that matched no sender: every mail lost its agent and was skipped
    for value in ("telia.example, laine.ee", "telia.example;laine.ee", "@laine.ee"):
        answer = _post(client, users, {"agent_domain": value}, files=[("files", ("arve.mbox", _thread()))])
        assert answer.status_code == 200, answer.text
        job = answer.json()
        assert (job["read"], job["skipped"]) == (1, 0), (value, job["messages"])
        conv = client.get("/conversations/arve-1", headers=users.headers("admin")).json()
        # the mail's From name "Kati" takes the spelling of the agent user kati (agent ids regardless of case)
        assert conv["agent_id"] == "kati", conv["agent_id"]


def test_an_agent_domain_that_is_no_domain_is_refused(client: TestClient, users: Users, store: Any) -> None:
    for value in ("tugi@firma", "firma", "firma.example/tugi"):
        answer = _post(client, users, {"agent_domain": value})
        assert answer.status_code == 422, (value, answer.text)
        assert answer.json()["detail"][0]["loc"] == ["body", "agent_domain"]
        assert value not in answer.text
    assert store.list_import_jobs() == []


def test_several_speaker_roles_in_one_field_are_read_as_the_dashboard_reads_them(
        client: TestClient, users: Users) -> None:
    # "Mari Maasikas=customer; Peeter=agent" was one label, "Mari Maasikas=customer; Peeter", of an agent
    call = b"Peeter: Tere, Laine Mobiil, Peeter kuuleb.\nMari Maasikas: Tere, mu arve on vale.\n"
    for value in ("Mari Maasikas=customer; Peeter=agent", "Mari Maasikas=customer\nPeeter=agent",
                  "Mari Maasikas=customer, Peeter=agent"):
        answer = _post(client, users, {"speaker": value}, files=[("files", ("kone.txt", call))])
        job = answer.json()
        assert (job["read"], job["skipped"], job["problems"]) == (1, 0, []), (value, job["messages"])
        turns = client.get("/conversations/kone-1", headers=users.headers("admin")).json()["turns"]
        assert [t["speaker"] for t in turns] == ["agent", "customer"], value


def test_the_time_zone_puts_a_utc_night_on_the_sites_day(client: TestClient, users: Users) -> None:
    """Audit rep21 F7: 22:15 UTC on 31 August is 1 September in Tallinn."""
    line = (b'{"id": "n1", "language": "et", "started_at": "2026-08-31T22:15:00Z", "turns": ['
            b'{"speaker": "agent", "text": "Tere! Kuidas saan aidata?"}, '
            b'{"speaker": "customer", "text": "Mu arve on vale."}]}\n')
    answer = _post(client, users, {"time_zone": "Europe/Tallinn"}, files=[("files", ("n.jsonl", line))])
    assert answer.status_code == 200, answer.text
    stored = client.get("/conversations/n1", headers=users.headers("admin")).json()
    assert stored["started_day"] == "2026-09-01"
