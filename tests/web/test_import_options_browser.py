"""The import page's reading options in Chromium: name the text column of an odd CSV, see it imported.

Serves the service over a SQLite store (``store_served`` in conftest); skipped without Playwright or
Chromium as the other browser tests are. Screenshots go to ``SERVIO_SCREENSHOTS`` when set.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import signed_in_page

WIDER_THAN_SCREEN = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"

#: Usual names for the id and the speaker, an odd one for the text (invented chats).
CSV = ("vestlus;rääkija;repliik\n"
       "b1;teenindaja;Tere! Siin Mari. Kuidas saan aidata?\n"
       "b1;klient;Arve summa on vale.\n"
       "b2;teenindaja;Tere päevast! Millega saan aidata?\n"
       "b2;klient;Soovin lepingut lõpetada.\n")


@pytest.fixture
def import_page(browser: Any, store_served: Any, tmp_path: Path) -> Iterator[tuple[Any, Any, Path]]:
    """The import page in English, signed in as an admin, its store and the export to upload."""
    origin, store, token = store_served
    export = tmp_path / "eksport.csv"
    export.write_text(CSV, encoding="utf-8")
    page = signed_in_page(browser, origin, token)
    try:
        page.goto(f"{origin}/ui/import?lang=en")
        yield page, store, export
    finally:
        page.context.close()


def test_naming_the_text_column_imports_the_file(import_page: tuple[Any, Any, Path], shots: Path) -> None:
    page, store, export = import_page
    options = page.locator("#read-options")
    assert options.get_attribute("open") is None and page.locator("#column-text").is_hidden()
    page.locator("#read-options summary").focus()  # the fold-out opens from the keyboard
    page.keyboard.press("Enter")
    assert options.get_attribute("open") is not None and page.locator("#column-text").is_visible()
    assert "text, message" in (page.get_attribute("#column-text", "placeholder") or "")
    page.get_by_label("Text", exact=True).fill("repliik")
    page.set_input_files("#files", str(export))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#job-status[data-state=done]")
    assert (page.inner_text("#job-read"), page.inner_text("#job-new")) == ("2", "2")
    assert page.inner_text("#job-skipped") == "0" and page.locator("#problems").is_hidden()
    assert {row.id for row in store.list_conversations(_all()).items} == {"b1", "b2"}
    page.screenshot(path=str(shots / "import-options-done-1280-en.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate(WIDER_THAN_SCREEN) <= 0


def test_a_refusal_shows_beside_the_form_and_the_form_can_be_sent_again(
        import_page: tuple[Any, Any, Path]) -> None:
    page, store, export = import_page
    page.click("#read-options summary")
    # a value the form cannot produce but a tampered page can: the server's message is shown
    page.evaluate("document.getElementById('language').add(new Option('fi', 'fi', true, true))")
    page.set_input_files("#files", str(export))
    page.click("#import-form button[type=submit]")
    error = page.locator("#import-error")
    error.wait_for(state="visible")
    assert "language must be et or en" in error.inner_text()
    assert page.locator("#job").is_hidden() and store.list_import_jobs() == []
    page.select_option("#language", "")
    page.fill("#column-text", "repliik")
    page.click("#import-form button[type=submit]")  # the button is usable again
    page.wait_for_selector("#job-status[data-state=done]")
    assert error.is_hidden() and page.inner_text("#job-new") == "2"


def _all() -> Any:
    from servio.store.types import ConversationFilter

    return ConversationFilter(limit=100)


def test_earlier_imports_with_long_paths_fit_a_phone(import_page: tuple[Any, Any, Path], shots: Path) -> None:
    """A job of files given by their full paths (``servio serve --examples``, ``servio import``): the paths
    break anywhere, so status and problems stay on a 390 px screen instead of beyond a sideways scroll."""
    page, store, _ = import_page
    folder = "/srv/contact-centre/exports/2026-11/servio-examples-formats"
    store.create_import_job([f"{folder}/chat_export_et.csv", f"{folder}/support_thread.mbox"])
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.url)
    table = page.locator("#earlier .scroll")
    assert table.evaluate("e => e.scrollWidth - e.clientWidth") <= 0
    page.screenshot(path=str(shots / "import-earlier-390-en.png"), full_page=True)
