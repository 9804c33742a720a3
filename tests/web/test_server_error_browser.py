"""A server error on a dashboard page says its reference in the page's language, never the exception
(audit 19a M1: the Estonian page showed the SQL statement, its parameters and a link to sqlalche.me)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.web.conftest import browser_page

ANSWER = {"detail": "internal error (reference 9b5475e62220)", "reference": "9b5475e62220"}


@pytest.mark.parametrize(("lang", "said"), [
    ("et", "Parandust ei õnnestunud salvestada: serveri viga (viide 9b5475e62220; üksikasjad on "
           "serveri logis)"),
    ("en", "Could not save the correction: a server error (reference 9b5475e62220; the details are in the "
           "server's log)"),
])
def test_a_failed_correction_says_the_reference_in_the_pages_language(browser: Any, base_url: str, lang: str,
                                                                       said: str) -> None:
    with browser_page(browser, 390, 844) as page:
        page.route("**/turns/1", lambda route: route.fulfill(status=500, content_type="application/json",
                                                             body=json.dumps(ANSWER)))
        page.goto(f"{base_url}/conversations/ex-et-01?lang={lang}")
        page.click("button[aria-controls=edit-1]")
        page.click("#edit-1 button[type=submit]")
        page.wait_for_function("() => document.getElementById('status').textContent.length > 0")
        assert page.inner_text("#status") == said
