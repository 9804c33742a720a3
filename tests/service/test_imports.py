"""POST /imports: every format servio reads, bad records reported like the CLI, idempotent, redacted."""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi.testclient import TestClient

from servio.examples import example_paths
from servio.service import create_app
from tests.service.conftest import Users, make_settings


def _record(cid: str, text: str = "Tere! Kuidas saan aidata?", agent: str = "kati") -> str:
    return json.dumps(
        {
            "id": cid,
            "language": "et",
            "agent_id": agent,
            "team": "Tallinn",
            "turns": [
                {"speaker": "agent", "text": text},
                {"speaker": "customer", "text": "tere, mul on arvega probleem"},
                {"speaker": "agent", "text": "Mis täpselt juhtus?"},
            ],
        },
        ensure_ascii=False,
    )


def _upload(
    client: TestClient, users: Users, files: list[tuple[str, bytes]], wait: bool = True, **form: Any
) -> Any:
    parts = [("files", (name, data, "application/octet-stream")) for name, data in files]
    return client.post(
        f"/imports?wait={str(wait).lower()}", files=parts, data=form, headers=users.headers("admin")
    )


def test_good_and_bad_records_are_reported_like_the_cli(client: TestClient, users: Users) -> None:
    body = "\n".join([_record("imp-1"), "{not json", _record("imp-2")]) + "\n"
    response = _upload(client, users, [("chats.jsonl", body.encode())])
    assert response.status_code == 200, response.text
    job = response.json()
    assert job["status"] == "done" and job["paths"] == ["chats.jsonl"]
    assert (job["read"], job["skipped"], job["new"]) == (2, 1, 2)
    assert job["problem_count"] == 1 and job["messages"][0].startswith("chats.jsonl:2: ")
    assert job["problems"][0]["line"] == 2 and job["problems"][0]["path"] == "chats.jsonl"
    detail = client.get("/conversations/imp-2", headers=users.headers("admin")).json()
    assert detail["agent_id"] == "kati" and len(detail["turns"]) == 3
    assert (
        client.get(f"/imports/{job['id']}", headers=users.headers("admin")).json()["messages"]
        == job["messages"]
    )


def test_reimport_changes_nothing_and_updates_changed_content(client: TestClient, users: Users) -> None:
    first = _upload(client, users, [("a.jsonl", (_record("re-1") + "\n" + _record("re-2") + "\n").encode())])
    assert first.json()["new"] == 2
    again = _upload(client, users, [("a.jsonl", (_record("re-1") + "\n" + _record("re-2") + "\n").encode())])
    assert (again.json()["new"], again.json()["unchanged"], again.json()["updated"]) == (0, 2, 0)
    changed = _record("re-2", text="Tere! Siin Kati. Kuidas saan aidata?")
    third = _upload(client, users, [("a.jsonl", (_record("re-1") + "\n" + changed + "\n").encode())])
    assert (third.json()["unchanged"], third.json()["updated"]) == (1, 1)
    detail = client.get("/conversations/re-2", headers=users.headers("admin")).json()
    assert detail["turns"][0]["text"].startswith("Tere! Siin Kati")


def test_every_bundled_format_imports(client: TestClient, users: Users) -> None:
    files = [(path.name, path.read_bytes()) for path in example_paths()]
    assert len({name.rsplit(".", 1)[-1] for name, _ in files}) >= 6
    job = _upload(client, users, files, agent_domain="lainemobiil.ee").json()
    assert job["status"] == "done", job
    assert job["read"] >= len(files) and job["new"] == job["read"]
    listed = client.get("/conversations?limit=1", headers=users.headers("admin")).json()
    assert listed["total"] == 6 + job["read"]


def test_personal_data_is_redacted_before_it_is_stored(client: TestClient, users: Users) -> None:
    text = "Tere! Kirjutage mulle kati.tamm@example.com või helistage +372 5123 4567."
    job = _upload(client, users, [("pii.jsonl", (_record("pii-1", text=text) + "\n").encode())]).json()
    assert job["redacted"] == {"email": 1, "phone": 1}
    stored = client.get("/conversations/pii-1", headers=users.headers("admin")).json()["turns"][0]["text"]
    assert "example.com" not in stored and "5123" not in stored
    assert "REDACTED-EMAIL" in stored and "REDACTED-PHONE" in stored


def test_a_job_answered_202_keeps_its_redaction_counts(client: TestClient, users: Users) -> None:
    """D10: only wait=true showed the counts; a job polled after a 202 said null ("nothing redacted")."""
    text = "Tere! Helistage +372 5123 4567 või 5123 4568."
    response = _upload(client, users, [("bg.jsonl", (_record("pii-bg", text=text) + "\n").encode())],
                       wait=False)
    assert response.status_code == 202 and response.json()["redacted"] == {}  # nothing committed yet
    done = client.get(response.headers["location"], headers=users.headers("admin")).json()
    assert done["status"] == "done" and done["redacted"] == {"phone": 2}
    listed = client.get("/imports", headers=users.headers("admin")).json()
    assert [j["redacted"] for j in listed if j["id"] == done["id"]] == [{"phone": 2}]


def test_redaction_can_be_switched_off(filled_store: Any, users: Users) -> None:
    app = create_app(make_settings(redact=False), store=filled_store)
    with TestClient(app) as client:
        text = "Tere! Kirjutage mulle kati.tamm@example.com."
        _upload(client, users, [("pii.jsonl", (_record("pii-2", text=text) + "\n").encode())])
        stored = client.get("/conversations/pii-2", headers=users.headers("admin")).json()["turns"][0]["text"]
        assert stored == text


def test_background_import_answers_202_and_the_job_finishes(client: TestClient, users: Users) -> None:
    response = _upload(client, users, [("bg.jsonl", (_record("bg-1") + "\n").encode())], wait=False)
    assert response.status_code == 202
    job = response.json()
    assert job["status"] == "pending" and response.headers["location"] == f"/imports/{job['id']}"
    done = client.get(f"/imports/{job['id']}", headers=users.headers("admin")).json()
    assert done["status"] == "done" and done["new"] == 1
    listed = client.get("/imports?status=done", headers=users.headers("admin")).json()
    assert job["id"] in [j["id"] for j in listed]


def test_csv_with_a_column_mapping(client: TestClient, users: Users) -> None:
    rows = "vestlus;kes;sõnum\nc1;agent;Tere! Kuidas saan aidata?\nc1;klient;Arve on vale\n"
    job = _upload(
        client, users, [("chats.csv", rows.encode())], column=["id=vestlus", "speaker=kes", "text=sõnum"]
    )
    assert job.json()["new"] == 1, job.text
    assert client.get("/conversations/c1", headers=users.headers("admin")).status_code == 200


def test_a_job_says_how_to_fix_a_problem_with_the_import_fields_not_the_command_line(
        client: TestClient, users: Users) -> None:
    # dashboard audit F5: problems told an admin on the dashboard to use --format and "format= in Python"
    job = _upload(client, users, [("chats.csv", b"vestlus;kes;jutt\nc1;agent;Tere\n"),
                                  ("notes.md", b"# Oktoobri vestlused\n\nsiin on kirjas midagi\n")]).json()
    said = " ".join(job["messages"])
    assert ("name it in the import's column field (text=NAME; on the dashboard under More reading options)"
            in said)
    assert "choose one in the import's format field (on the dashboard: Format)" in said
    for other in ("--column", "--format", "ReaderOptions", "format=", "\u27e6"):
        assert other not in said


def test_a_conversation_with_nothing_to_score_is_a_problem_not_a_zero(client: TestClient,
                                                                       users: Users) -> None:
    # dashboard audit F6: a bot's lone turn and an empty agent turn were stored and scored 0, silently
    robot = json.dumps({"id": "badspeaker", "turns": [{"speaker": "robot", "text": "hi"}]})
    empty = json.dumps({"id": "emptytext", "turns": [{"speaker": "agent", "text": ""}]})
    body = "\n".join([_record("ok-1"), robot, empty, _record("ok-2")]) + "\n"
    job = _upload(client, users, [("mixed.jsonl", body.encode())]).json()
    assert (job["read"], job["skipped"], job["new"]) == (2, 2, 2)
    assert job["messages"] == [
        "mixed.jsonl:2: no agent turn with text, only 1 system turn (if the agent's turns have another "
        "label, map it in the import's speaker roles (LABEL=agent; on the dashboard under More reading "
        "options)): nothing to score; conversation skipped",
        "mixed.jsonl:3: no turn has any text: nothing to score; conversation skipped"]
    for cid, status in (("badspeaker", 404), ("emptytext", 404), ("ok-2", 200)):
        assert client.get(f"/conversations/{cid}", headers=users.headers("admin")).status_code == status


BAD_UPLOADS: list[tuple[dict[str, Any], list[tuple[str, bytes]]]] = [
    ({"format": "docx"}, [("a.jsonl", b"{}")]),
    ({"column": "nonsense"}, [("a.csv", b"a,b\n")]),
    ({"column": "colour=x"}, [("a.csv", b"a,b\n")]),
    ({"language": "fi"}, [("a.jsonl", b"{}")]),
    ({}, []),
]


def test_bad_uploads_are_client_errors(client: TestClient, users: Users) -> None:
    for form, files in BAD_UPLOADS:
        response = _upload(client, users, files, **form)
        assert response.status_code == 422, (form, response.text)
    assert client.get("/imports", headers=users.headers("admin")).json() == []  # no job was made


def test_file_names_cannot_escape_the_upload_folder(client: TestClient, users: Users) -> None:
    job = _upload(
        client,
        users,
        [
            ("../../etc/evil.jsonl", (_record("esc-1") + "\n").encode()),
            ("evil.jsonl", (_record("esc-2") + "\n").encode()),
        ],
    ).json()
    assert job["paths"] == ["evil.jsonl", "evil-1.jsonl"] and job["new"] == 2


def test_unknown_job_is_404(client: TestClient, users: Users) -> None:
    assert client.get("/imports/12345", headers=users.headers("admin")).status_code == 404


def test_a_job_never_shows_the_upload_folder(store: Any) -> None:
    from servio.service.routers.imports import job_out

    folder = "/var/tmp/servio-upload-k3j2/"
    job = store.create_import_job([folder + "000-chats.csv"], format=None, created_by=None)
    store.finish_import_job(job.id, "failed", error=f"cannot read '{folder}000-chats.csv': I/O error")
    shown = job_out(store.get_import_job(job.id))
    assert "servio-upload-" not in str(shown) and "/var/tmp" not in str(shown), shown
    assert shown["paths"] == ["000-chats.csv"] and "'000-chats.csv'" in shown["error"]


def test_imports_with_worker_processes_store_what_one_process_does(filled_store: Any, users: Users) -> None:
    from servio.store.importer import analyser

    records = "\n".join(_record(f"w-{n}", text=f"Tere! Olen Kati. Kuidas saan aidata? ({n})")
                        for n in range(6))
    settings = make_settings(import_workers=2)
    app = create_app(settings, store=filled_store)
    with TestClient(app) as client:
        job = _upload(client, users, [("w.jsonl", (records + "\n").encode())]).json()
        assert (job["status"], job["read"], job["new"], job["problem_count"]) == ("done", 6, 6, 0)
    for n in range(6):
        conv, result = filled_store.get_conversation(f"w-{n}")
        assert result == analyser(settings.tagger)(conv)


def test_the_service_fails_import_jobs_a_dead_run_left_running_when_it_starts(store: Any) -> None:
    from datetime import timedelta

    from sqlalchemy import update

    from servio.store.schema import ImportJobRow, utcnow

    dead, alive = store.create_import_job(["killed.jsonl"]), store.create_import_job(["going.jsonl"])
    for job in (dead, alive):
        store.start_import_job(job.id)
    with store.engine.begin() as conn:  # the killed run's last batch was an hour ago
        conn.execute(update(ImportJobRow).where(ImportJobRow.id == dead.id)
                     .values(updated_at=utcnow() - timedelta(hours=1)))
    with TestClient(create_app(make_settings(auto_migrate=True), store=store)):
        pass
    failed, running = store.get_import_job(dead.id), store.get_import_job(alive.id)
    assert failed.status == "failed" and "import the same files again" in failed.error
    assert running.status == "running"  # an import another process is carrying out right now


def test_a_second_upload_of_a_file_with_the_same_name_keeps_the_first(client: TestClient,
                                                                       users: Users) -> None:
    """Audit 19b, M1: a daily ``export.txt`` names its first conversation ``export-1`` every day; the second
    day's upload no longer replaces the first day's customer's call, and the job says where it went."""
    day1 = "[10:00] Teenindaja: Tere!\n[10:01] Klient: Päev üks klient Aino, arve küsimus.\n" \
           "[10:02] Teenindaja: Head aega!\n"
    day2 = "[11:00] Teenindaja: Tere!\n[11:01] Klient: Päev kaks klient Boris, kaardi blokeerimine.\n" \
           "[11:02] Teenindaja: Aitäh, head aega!\n"
    assert _upload(client, users, [("export.txt", day1.encode())]).json()["new"] == 1
    job = _upload(client, users, [("export.txt", day2.encode())]).json()
    assert (job["new"], job["updated"]) == (1, 0)
    expected = (r"\(store\): note: conversation id 'export-1', made from the file name, holds another "
                r"conversation, imported on \d{4}-\d\d-\d\d; that one is kept, "
                r"and this one's id is 'export-1~2'")
    assert len(job["messages"]) == 1 and re.fullmatch(expected, job["messages"][0])
    admin = users.headers("admin")
    texts = {cid: client.get(f"/conversations/{cid}", headers=admin).json()["turns"][1]["text"]
             for cid in ("export-1", "export-1~2")}
    assert texts == {"export-1": "Päev üks klient Aino, arve küsimus.",
                     "export-1~2": "Päev kaks klient Boris, kaardi blokeerimine."}
    from servio.service.routers.imports import job_out

    stored = client.app.state.store.get_import_job(job["id"])  # type: ignore[attr-defined]
    shown = job_out(stored, "et")["messages"][0]  # the dashboard says it in its page's language
    assert "see jäi alles" in shown and "'export-1~2'" in shown
