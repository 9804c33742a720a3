"""The live-assist page: two people type, the side panel follows the process turn by turn."""

from __future__ import annotations

from typing import Any


def test_panel_updates_per_turn(page: Any, base_url: str, shots: Any) -> None:
    page.goto(f"{base_url}/live?lang=en")
    assert page.inner_text("#current") == "Nothing yet."
    page.fill("#msg-agent", "Hello, this is Anna from Brightline. How can I help you today?")
    page.press("#msg-agent", "Enter")  # Enter sends, as in a chat
    page.wait_for_function("() => document.getElementById('live-overall').textContent !== '–'")
    done = page.eval_on_selector_all("#done li.done", "items => items.map(i => i.dataset.stage)")
    assert "1" in done and "2" in done
    assert page.inner_text("#current") != "Nothing yet."
    first_hint = page.inner_text("#hint")
    assert first_hint and first_hint != "Nothing yet."

    page.fill("#msg-customer", "My internet has been down since yesterday evening.")
    page.click(".composer.customer button[type=submit]")
    page.wait_for_function("() => document.querySelectorAll('#chat li').length === 2 && "
                           "document.querySelectorAll('#chat li .who')[1].dataset.done === '1'")
    page.fill("#msg-agent", "I'm sorry to hear that. What exactly happens when you try to connect?")
    page.click(".composer.agent button[type=submit]")
    page.wait_for_function("() => document.querySelectorAll('#chat li .who')[2]?.dataset.done === '1'")
    done = page.eval_on_selector_all("#done li.done", "items => items.map(i => i.dataset.stage)")
    assert "3" in done
    assert page.locator("#done li[aria-current=step]").count() <= 1
    page.screenshot(path=str(shots / "live-1280.png"), full_page=True)

    page.click("#restart")
    assert page.locator("#chat li").count() == 0
    assert page.locator("#done li.done").count() == 0
