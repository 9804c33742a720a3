"""An admin deletes an import job from the Import page (its bad records quote a customer's name as the file
had it: audit M3), after the confirmation step the conversation's erasure has.

Request tests run on every store backend of the project's ``store`` fixture; the browser test serves the
service over SQLite (``store_served``). The conversations are invented.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servio.store import import_paths
from tests.web.conftest import cookie_clients, role_tokens, signed_in_page, store_app

JSON = {"X-Servio": "1"}
TRANSCRIPT = "Agent: Tere! Millega saan aidata?\nMari Maasikas: Tere, arve on liiga suur.\nAgent: Aitäh!\n"


def _import_transcript(store: Any, folder: Path) -> int:
    """A finished import job whose bad records quote 'Mari Maasikas'; its id."""
    path = folder / "call-88.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    job_id = int(import_paths(store, path, tagger="rules").job_id)
    assert "Mari Maasikas" in str(store.get_import_job(job_id).problems)
    return job_id


@pytest.fixture
def as_role(store: Any) -> Iterator[Any]:
    with cookie_clients(store_app(store), role_tokens(store)) as client:
        yield client


def test_an_admin_sees_earlier_jobs_and_deletes_one(as_role: Any, store: Any, tmp_path: Path) -> None:
    job_id = _import_transcript(store, tmp_path)
    root = as_role("admin")
    page = root.get("/ui/import?lang=en").text
    assert "Earlier imports" in page and f'<tr data-job="{job_id}">' in page and "call-88.txt" in page
    assert f'href="/ui/import?job={job_id}&amp;lang=en#job"' in page
    assert 'id="delete-job"' in page and 'id="confirm-dialog"' in page
    assert 'data-confirm-text="Delete import job {id} for good? This cannot be undone."' in page
    assert 'data-job=""' in page  # no job opened
    assert f'data-job="{job_id}"' in root.get(f"/ui/import?job={job_id}&lang=en").text
    assert 'data-job=""' in root.get("/ui/import?job=x1").text  # a malformed id opens nothing
    assert root.post(f"/ui/import/{job_id}/delete", json={}).status_code == 403  # no X-Servio header
    answer = root.post(f"/ui/import/{job_id}/delete?lang=en", json={}, headers=JSON)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"deleted": job_id, "message": f"Import job {job_id} was deleted for good."}
    assert store.get_import_job(job_id) is None
    assert root.get(f"/ui/import/{job_id}").status_code == 404
    assert "Mari Maasikas" not in root.get("/ui/import?lang=en").text
    assert root.post(f"/ui/import/{job_id}/delete", json={}, headers=JSON).status_code == 404
    assert store.get_conversation("call-88-1") is not None  # its conversation is deleted on its own page


def test_the_estonian_page_says_it_in_estonian(as_role: Any, store: Any, tmp_path: Path) -> None:
    job_id = _import_transcript(store, tmp_path)
    root = as_role("admin")
    page = root.get("/ui/import?lang=et").text
    assert "Varasemad impordid" in page and "Kustuta import" in page and "valmis" in page
    answer = root.post(f"/ui/import/{job_id}/delete?lang=et", json={}, headers=JSON)
    assert answer.json()["message"] == f"Import {job_id} on jäädavalt kustutatud."


@pytest.mark.parametrize("state", ["pending", "running"])
def test_a_job_still_running_is_refused_and_stays(as_role: Any, store: Any, state: str) -> None:
    job = store.create_import_job(["chats.jsonl"])
    if state == "running":
        store.start_import_job(job.id)
    root = as_role("admin")
    answer = root.post(f"/ui/import/{job.id}/delete?lang=et", json={}, headers=JSON)
    assert answer.status_code == 409
    busy = f"Import {job.id} on veel pooleli: selle saab kustutada, kui see on lõppenud."
    assert answer.json()["detail"] == busy
    assert store.get_import_job(job.id).status == state


@pytest.mark.parametrize("job_id", ["99999", "0", "4294967296"])
def test_an_unknown_job_is_404(as_role: Any, job_id: str) -> None:
    assert as_role("admin").post(f"/ui/import/{job_id}/delete", json={}, headers=JSON).status_code == 404


@pytest.mark.parametrize("role", ["reviewer", "team_lead", "agent"])
def test_no_one_else_may_delete_or_is_offered_it(as_role: Any, store: Any, tmp_path: Path, role: str) -> None:
    job_id = _import_transcript(store, tmp_path)
    client = as_role(role)
    page = client.get("/ui/import")
    assert page.status_code == 403 and 'id="delete-job"' not in page.text and "call-88" not in page.text
    assert client.post(f"/ui/import/{job_id}/delete", json={}, headers=JSON).status_code == 403
    assert store.get_import_job(job_id) is not None


def test_the_open_demo_guest_may_import_but_not_delete(tmp_path: Path) -> None:
    from servio.web.demo import demo_app

    path = tmp_path / "call-88.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    with TestClient(demo_app([])) as guest:
        with path.open("rb") as f:
            started = guest.post("/ui/import", files={"files": ("call-88.txt", f)}, headers=JSON)
        assert started.status_code == 202
        page = guest.get("/ui/import?lang=en").text
        assert "Earlier imports" in page and 'id="delete-job"' not in page
        job_id = started.json()["id"]
        assert guest.post(f"/ui/import/{job_id}/delete", json={}, headers=JSON).status_code == 403


def test_the_memory_backend_deletes_only_ended_jobs_and_never_reuses_an_id() -> None:
    from dataclasses import replace
    from datetime import UTC, datetime

    from servio.store import JobBusy
    from servio.store.types import User
    from servio.web.backend import MemoryBackend
    from servio.web.memory_import import run_import

    backend = MemoryBackend()
    guest = User(id=0, name="guest", role="reviewer", agent_id=None, active=True,
                 created_at=datetime(2026, 1, 1, tzinfo=UTC))
    first = run_import(backend, [], format=None, user=guest, wait=True)
    assert backend.jobs[first.id].status in ("done", "failed")
    assert backend.delete_job(first.id) is True and backend.delete_job(first.id) is False
    second = run_import(backend, [], format=None, user=guest, wait=True)
    assert second.id == first.id + 1  # a page still polling the deleted job never sees another one
    backend.jobs[second.id] = replace(backend.jobs[second.id], status="running")
    with pytest.raises(JobBusy):
        backend.delete_job(second.id)
    assert [j.id for j in backend.recent_jobs(5)] == [second.id]


def test_deleting_in_the_browser_asks_first_with_cancel_focused(browser: Any, store_served: Any,
                                                                tmp_path: Path, shots: Path) -> None:
    origin, store, token = store_served
    job_id = _import_transcript(store, tmp_path)
    page = signed_in_page(browser, origin, token)
    try:
        page.goto(f"{origin}/ui/import?lang=en")
        page.click(f'#earlier a[href*="job={job_id}"]')
        button = page.locator("#delete-job")
        button.wait_for(state="visible")  # the job has ended: it may go
        assert "Mari Maasikas" in page.locator("#problem-rows").inner_text()
        button.click()
        dialog = page.locator("#confirm-dialog")
        dialog.wait_for(state="visible")
        assert f"Delete import job {job_id} for good?" in dialog.inner_text()
        assert page.evaluate("document.activeElement.id") == "confirm-no"
        page.screenshot(path=str(shots / "delete-import-job-confirm-1280-en.png"), full_page=True)
        page.keyboard.press("Enter")  # Enter on the focused Cancel keeps the job
        assert dialog.is_hidden() and store.get_import_job(job_id) is not None
        button.click()
        page.click("#confirm-yes")
        notice = page.locator("#import-notice")
        notice.wait_for(state="visible")
        page.wait_for_function("document.getElementById('import-notice').textContent.length > 0")
        assert notice.inner_text() == f"Import job {job_id} was deleted for good."
        assert page.locator("#job").is_hidden()
        assert page.locator(f'#earlier tr[data-job="{job_id}"]').count() == 0
        assert store.get_import_job(job_id) is None
    finally:
        page.context.close()


def test_the_earlier_imports_count_the_records_skipped_not_the_notes() -> None:
    # a Windows-1257 file's "not UTF-8" note is in the problem list but skips nothing: the list said 3 bad
    # records for 2 rows skipped
    from datetime import UTC, datetime

    from servio.store.types import ImportJob
    from servio.web.import_jobs import job_rows

    note = {"path": "/tmp/up/eesti.csv", "line": None, "offset": None, "message": "note: not UTF-8"}
    at = datetime(2026, 11, 29, 18, 35, tzinfo=UTC)
    job = ImportJob(id=7, status="done", paths=("/tmp/up/eesti.csv",), format=None, created_by=None, read=2,
                    skipped=2, new=2, updated=0, unchanged=0, problems=(note,), problem_count=3, error=None,
                    created_at=at, started_at=at, finished_at=at, updated_at=at)
    (row,) = job_rows([job], "en")
    assert row["problems"] == 2  # the rows skipped, not the 3 problems with the note
