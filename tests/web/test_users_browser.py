"""The Users page in Chromium: an admin creates a team lead through the form and sees the token once.

Serves the service over a SQLite store (``store_served`` in conftest); skipped without Playwright or
Chromium as the other browser tests are. Screenshots at 1280 and 390 px in both languages go to
``SERVIO_SCREENSHOTS`` when set.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.web.conftest import signed_in_page

WIDER_THAN_SCREEN = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_an_admin_creates_a_team_lead_and_sees_the_token_once(browser: Any, store_served: Any,
                                                               shots: Path) -> None:
    origin, store, token = store_served
    page = signed_in_page(browser, origin, token)
    try:
        page.goto(f"{origin}/ui/users?lang=en")
        assert page.locator("nav a[href='/ui/users']").get_attribute("aria-current") == "page"
        page.select_option("#u-role", "team_lead")
        assert page.locator("#u-team").is_visible() and not page.locator("#u-agent").is_visible()
        page.fill("#u-name", "lea")
        page.click("#user-form button[type=submit]")  # no team yet: the server's check, beside the form
        error = page.locator("#user-form-error")
        error.wait_for(state="visible")
        assert "team lead needs a team" in error.inner_text()
        assert page.locator("#u-team").get_attribute("aria-invalid") == "true"
        assert store.get_user(name="lea") is None
        page.fill("#u-team", "North")
        page.click("#user-form button[type=submit]")
        box = page.locator("#token-box")
        box.wait_for(state="visible")
        shown = page.locator("#token-value")
        new_token = shown.input_value()
        assert shown.get_attribute("readonly") is not None and new_token.startswith("servio_")
        assert "cannot be shown again" in box.inner_text() and "lea" in box.inner_text()
        assert page.evaluate("document.activeElement.id") == "token-value"
        assert error.is_hidden()
        lea = store.user_by_token(new_token)
        assert lea is not None and (lea.name, lea.role, lea.team) == ("lea", "team_lead", "North")
        row = page.locator("tr[data-name='lea']")
        assert "team lead" in row.inner_text() and "North" in row.inner_text()
        page.screenshot(path=str(shots / "users-created-1280-en.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        assert page.evaluate(WIDER_THAN_SCREEN) <= 0
        page.screenshot(path=str(shots / "users-created-390-en.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})

        page.click("#token-done")  # put away: the value leaves the page
        assert box.is_hidden() and shown.input_value() == ""
        page.reload()
        assert new_token not in page.content() and page.locator("#token-box").is_hidden()

        deactivate = page.locator("tr[data-name='lea'] button[data-action='deactivate']")
        deactivate.click()  # a confirmation step: cancel changes nothing
        dialog = page.locator("#confirm-dialog")
        dialog.wait_for(state="visible")
        assert "lea" in dialog.inner_text()
        page.click("#confirm-no")
        assert dialog.is_hidden() and store.get_user(name="lea").active
        deactivate.click()
        page.click("#confirm-yes")
        page.wait_for_function("() => document.getElementById('users-status').textContent.includes('lea')")
        assert not store.get_user(name="lea").active
        assert "inactive" in page.locator("tr[data-name='lea']").inner_text()
    finally:
        page.context.close()


def test_the_page_fits_both_widths_in_both_languages(browser: Any, store_served: Any, shots: Path) -> None:
    origin, store, token = store_served
    store.create_user("kati", "agent", "kati-7")
    store.create_user("lea", "team_lead", team="Põhja")
    for width in (1280, 390):
        page = signed_in_page(browser, origin, token, width)
        try:
            for lang in ("et", "en"):
                page.goto(f"{origin}/ui/users?lang={lang}")
                assert page.locator("h1").count() == 1
                assert page.evaluate(WIDER_THAN_SCREEN) <= 0, (width, lang)
                assert page.locator("#user-form button[type=submit]").is_visible()
                page.screenshot(path=str(shots / f"users-{width}-{lang}.png"), full_page=True)
        finally:
            page.context.close()
