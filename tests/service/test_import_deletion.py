"""DELETE /imports/{id}: an admin removes an import job whose problems quote a customer's name (an erasure
request); 404 for none, 409 while the job is still pending or running; other roles 403."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import Users

TRANSCRIPT = "Agent: Tere! Millega saan aidata?\nMari Maasikas: Tere, arve on liiga suur.\nAgent: Aitäh!\n"


def _import_transcript(client: TestClient, users: Users) -> dict[str, Any]:
    files = [("files", ("call-88.txt", TRANSCRIPT.encode(), "text/plain"))]
    answer = client.post("/imports?wait=true", files=files, headers=users.headers("admin"))
    assert answer.status_code == 200
    job: dict[str, Any] = answer.json()
    assert any("Mari Maasikas" in m for m in job["messages"])  # the name, as the file has it
    return job


def test_an_admin_deletes_a_job_that_quotes_a_name(client: TestClient, users: Users) -> None:
    job = _import_transcript(client, users)
    admin = users.headers("admin")
    answer = client.delete(f"/imports/{job['id']}", headers=admin)
    assert answer.status_code == 204 and answer.content == b""
    assert client.get(f"/imports/{job['id']}", headers=admin).status_code == 404
    assert "Mari Maasikas" not in client.get("/imports", headers=admin).text
    again = client.delete(f"/imports/{job['id']}", headers=admin)
    assert again.status_code == 404 and again.json()["detail"] == f"no import job with id {job['id']}"
    assert client.get("/conversations/call-88-1", headers=admin).status_code == 200  # its conversation stays


@pytest.mark.parametrize("role", ["reviewer", "team_lead", "agent"])
def test_other_roles_may_not(client: TestClient, users: Users, role: str) -> None:
    job = _import_transcript(client, users)
    assert client.delete(f"/imports/{job['id']}", headers=users.headers(role)).status_code == 403
    assert client.get(f"/imports/{job['id']}", headers=users.headers("admin")).status_code == 200


@pytest.mark.parametrize("state", ["pending", "running"])
def test_a_job_still_pending_or_running_is_a_conflict(client: TestClient, users: Users, filled_store: Any,
                                                     state: str) -> None:
    job = filled_store.create_import_job(["chats.jsonl"])
    if state == "running":
        filled_store.start_import_job(job.id)
    answer = client.delete(f"/imports/{job.id}", headers=users.headers("admin"))
    assert answer.status_code == 409
    assert answer.json()["detail"].startswith(f"import job {job.id} is {state}: it can be deleted once")
    assert client.get(f"/imports/{job.id}", headers=users.headers("admin")).json()["status"] == state


@pytest.mark.parametrize("job_id", ["12345", "0", "abc"])
def test_an_unknown_or_malformed_id(client: TestClient, users: Users, job_id: str) -> None:
    answer = client.delete(f"/imports/{job_id}", headers=users.headers("admin"))
    assert answer.status_code == (404 if job_id == "12345" else 422)


def test_an_admin_finds_the_jobs_that_quote_a_name_over_http(client: TestClient, users: Users) -> None:
    # what `servio delete --imports-quoting` finds, for an admin who has only the API (privacy18's note)
    job = _import_transcript(client, users)
    admin = users.headers("admin")
    found = client.get("/imports?quoting=mari%20MAASIKAS", headers=admin)
    assert found.status_code == 200 and [j["id"] for j in found.json()] == [job["id"]]  # any case
    assert client.get("/imports?quoting=Mari%20Maasikas&status=failed", headers=admin).json() == []
    assert client.get("/imports?quoting=Juhan%20Liiv", headers=admin).json() == []
    assert client.get("/imports?quoting=%20", headers=admin).status_code == 422  # nothing to look for
    assert client.get("/imports?quoting=Mari", headers=users.headers("reviewer")).status_code == 403
