"""The import page says how an import ended (dashboard audit F4, F7): a file of which nothing could be
read ends with "No conversation was imported" and the reasons, in a warning style, without a full
bar or a link to imported conversations; and where the upload's size in records is known (JSON Lines)
the page shows the total beside the counts.

Chromium against the service over a SQLite store (``store_served`` in conftest); skipped without
Playwright or Chromium like the other browser tests. The request test runs on every store backend.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import DATA, sign_in, signed_in_page, store_app

JSON = {"X-Servio": "1"}


@pytest.fixture
def import_page(browser: Any, store_served: Any) -> Iterator[Any]:
    origin, _, token = store_served
    page = signed_in_page(browser, origin, token)
    try:
        page.goto(f"{origin}/ui/import?lang=en")
        yield page
    finally:
        page.context.close()


def _upload(page: Any, path: Path) -> None:
    page.set_input_files("#files", str(path))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#job-status[data-state=done], #job-status[data-state=nothing], "
                           "#job-status[data-state=failed]")


def test_a_file_nothing_could_be_read_from_says_nothing_was_imported(import_page: Any, tmp_path: Path,
                                                                      shots: Path) -> None:
    page = import_page
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.7\n\x00\x01\x02\xff binary" * 20)
    _upload(page, pdf)
    status = page.locator("#job-status")
    assert status.get_attribute("data-state") == "nothing"
    assert status.inner_text() == "No conversation was imported. The reasons are listed below (in all: 1)."
    assert page.locator("#problem-rows tr").count() == 1
    assert page.locator("#job-link").is_hidden()
    assert page.locator("#job-progress").is_hidden()
    assert "warn" in (page.locator("#job").get_attribute("class") or "")
    page.screenshot(path=str(shots / "import-nothing-1280.png"), full_page=True)


def test_an_empty_file_says_nothing_was_imported(import_page: Any, tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", "utf-8")
    _upload(import_page, empty)
    assert import_page.locator("#job-status").get_attribute("data-state") == "nothing"
    assert import_page.locator("#job-status").inner_text().startswith("No conversation was imported")
    assert import_page.locator("#job-link").is_hidden()
    assert "empty file" in import_page.locator("#problem-rows").inner_text()


def test_a_file_with_good_records_is_done_with_its_total_and_the_link(import_page: Any) -> None:
    page = import_page
    _upload(page, DATA / "import.jsonl")  # two good records, two bad
    assert page.locator("#job-status").get_attribute("data-state") == "done"
    assert page.locator("#job-status").inner_text() == "done"
    assert page.locator("#job-total").inner_text() == "Records read: 4 of 4"
    assert page.locator("#job-link").is_visible()
    assert "warn" not in (page.locator("#job").get_attribute("class") or "")


def test_the_answer_to_an_upload_says_how_many_records_it_holds_where_known(store: Any,
                                                                           tmp_path: Path) -> None:
    _, token = store.create_user("root", "admin")
    csv = tmp_path / "chats.csv"
    csv.write_text("conversation_id,speaker,text\nc1,agent,Hello\n", "utf-8")
    with TestClient(store_app(store), raise_server_exceptions=False) as client:
        sign_in(client, token)
        for path, expected in ((DATA / "import.jsonl", 4), (csv, None)):
            with path.open("rb") as f:
                answer = client.post("/ui/import", files={"files": (path.name, f.read())}, headers=JSON)
            assert answer.status_code == 202, answer.text
            assert answer.json()["expected"] == expected, path.name
