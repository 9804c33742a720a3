"""The live-assist page in Chromium: long links (live audit F25)."""

from __future__ import annotations

from typing import Any

import pytest

SETTLED = ("(n) => document.querySelectorAll('#chat li .who[data-done]').length >= n"
           " && !document.querySelector('#chat li.pending')")
LONG_URL = "https://tracking.example.com/" + "a1b2c3d4e5" * 24


def _say(page: Any, who: str, text: str, n: int) -> None:
    page.fill(f"#msg-{who}", text)
    page.press(f"#msg-{who}", "Enter")
    page.wait_for_function(SETTLED, arg=n)


@pytest.mark.parametrize("width", [1280, 390])
def test_a_long_link_wraps_inside_its_bubble(browser: Any, base_url: str, width: int) -> None:
    # F25: a long URL ran out of its bubble, across the panel, and the page scrolled sideways
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    page = context.new_page()
    try:
        page.goto(f"{base_url}/live?lang=en")
        _say(page, "customer", f"Hi, the tracking link does not work: {LONG_URL}", 1)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        bubble = page.locator("#chat li").first
        assert bubble.evaluate("(e) => e.scrollWidth <= e.clientWidth")
    finally:
        context.close()
