"""WCAG 2.1 AA in Chromium (accessibility audit 21): the stage chips' focus ring shows, Escape hides the
evidence tooltip, nothing runs past a 320 px screen, the live panel says in words which stages are done, a
refused live turn is its box's description, and the heatmap's sort arrows are silent."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.web.conftest import browser_page

#: The contrast of the focused element's outline against the background behind the element.
RING = """() => {
  const lum = (rgb) => {
    const c = rgb.map(v => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const parse = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const e = document.activeElement, cs = getComputedStyle(e);
  let bg = [255, 255, 255];
  for (let p = e.parentElement; p; p = p.parentElement) {
    const c = parse(getComputedStyle(p).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) { bg = c.slice(0, 3); break; }
  }
  const [a, b] = [lum(parse(cs.outlineColor).slice(0, 3)), lum(bg)].sort((x, y) => y - x);
  return { text: e.textContent.trim(), style: cs.outlineStyle, width: parseFloat(cs.outlineWidth),
           ratio: (a + 0.05) / (b + 0.05) };
}"""


@pytest.mark.parametrize("conversation", ["ex-et-01", "ex-en-01"])
def test_every_stage_chip_shows_a_focus_ring(page: Any, base_url: str, conversation: str) -> None:
    # WCAG 2.4.7 (audit 21 M1): a chip's ring was drawn in its text colour, white on the dark stage-1 blue,
    # so a white ring on the white turn
    page.goto(f"{base_url}/conversations/{conversation}?lang=en")
    chips = page.locator(".turn .chip-wrap button.chip")
    assert chips.count() > 3
    seen = set()
    chips.first.focus()
    for _ in range(chips.count() * 2):
        if page.evaluate("document.activeElement.classList.contains('chip')"):
            ring = page.evaluate(RING)
            seen.add(ring["text"])
            assert ring["style"] != "none" and ring["width"] >= 2 and ring["ratio"] >= 3, ring
        page.keyboard.press("Tab")
    assert any(text.startswith("1 ") for text in seen), seen  # the stage whose chip has white text


def test_escape_hides_the_evidence_without_moving_the_focus(page: Any, base_url: str) -> None:
    # WCAG 1.4.13 (audit 21 M6): the tooltip covered the turn's text until the focus left the chip
    page.goto(f"{base_url}/conversations/ex-en-01?lang=en")
    chip = page.locator(".turn .chip-wrap button.chip").first
    tip = page.locator(f"[id='{chip.get_attribute('aria-describedby')}']")
    chip.focus()
    assert tip.is_visible()
    page.keyboard.press("Escape")
    assert not tip.is_visible()
    assert page.evaluate("document.activeElement") == chip.evaluate("(e) => e")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert tip.is_visible(), "focusing the chip again shows it again"
    page.keyboard.press("Escape")
    page.mouse.move(0, 0)
    chip.hover()
    assert tip.is_visible(), "the pointer coming to the chip shows it again"
    page.keyboard.press("Escape")
    assert not tip.is_visible(), "Escape hides it under the pointer too"


@pytest.mark.parametrize("lang", ["et", "en"])
@pytest.mark.parametrize("path", ["/conversations/ex-et-01", "/conversations/ex-en-01", "/import", "/team",
                                  "/agents/kati", "/conversations", "/live"])
def test_nothing_runs_past_a_320_px_screen(browser: Any, base_url: str, path: str, lang: str) -> None:
    # WCAG 1.4.10 (audit 21 M5): the scorecard made the conversation page 352 px wide, the file input the
    # import page 354 px; boxes that scroll on their own (a wide table, the timeline) are allowed
    with browser_page(browser, 320, 640) as page:
        page.goto(f"{base_url}{path}?lang={lang}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_the_live_panel_says_which_stages_are_done_in_words(page: Any, base_url: str) -> None:
    # WCAG 1.3.1 / 1.4.1 (audit 21 M3): done was only the dot's fill, bold and colour; the accessibility tree
    # had seven identical items
    page.goto(f"{base_url}/live?lang=et")
    page.fill("#msg-agent", "Tere! Mina olen Kati. Kui palju andmesidet te kuus kasutate?")
    page.press("#msg-agent", "Enter")
    page.wait_for_function("() => document.querySelector('#done li.done') !== null")
    done = {int(li.get_attribute("data-stage") or 0) for li in page.locator("#done li.done").all()}
    assert done
    tree = page.locator("#done").aria_snapshot()
    for li in page.locator("#done li").all():
        stage = int(li.get_attribute("data-stage") or 0)
        said = "tehtud" if stage in done else "veel tegemata"
        assert f"listitem: {stage} " in tree and said in li.inner_text(), (stage, tree)
        assert li.locator(".tick").is_visible() == (stage in done)  # a ✓ to see, not the fill alone
    # the chat's own words carry the chat's language, which may not be the page's
    assert page.locator("#chat li .said").first.get_attribute("lang") == "et"


def test_a_refused_live_turn_is_its_boxes_description(page: Any, base_url: str) -> None:
    def refuse(route: Any) -> None:
        refusal = {"detail": "text on liiga pikk", "field": "text", "loc": ["body", "text"]}
        route.fulfill(status=422, content_type="application/json", body=json.dumps(refusal))

    page.goto(f"{base_url}/live?lang=et")
    page.route("**/live/sessions/*/turns*", refuse)
    page.fill("#msg-customer", "Tere!")
    page.press("#msg-customer", "Enter")
    page.wait_for_selector("#live-error:not([hidden])")
    box = page.locator("#msg-customer")
    assert (box.get_attribute("aria-describedby") or "").split() == ["live-error-text", "live-keys"]
    assert page.evaluate("document.activeElement.id") == "msg-customer"
    page.unroute("**/live/sessions/*/turns*")
    page.press("#msg-customer", "Enter")
    page.wait_for_selector("#live-error", state="hidden")
    assert box.get_attribute("aria-describedby") == "live-keys"


def test_the_heatmaps_sort_arrows_are_not_read_out(page: Any, base_url: str) -> None:
    # audit 21 m1: CSS content "▲" was part of each header's name ("Agent black up-pointing triangle")
    page.goto(f"{base_url}/team?lang=en")
    head = page.locator("#heatmap thead").aria_snapshot()
    assert "columnheader" in head and "2 interest (creating interest)" in head
    assert not any(arrow in head for arrow in "▲▼↕"), head
    agent = page.locator("#heatmap thead button.sort").first
    arrow = "(e) => getComputedStyle(e, '::after').content"
    assert "▲" in agent.evaluate(arrow), "the arrow still shows"


def test_the_live_panel_speaks_only_what_changed(page: Any, base_url: str) -> None:
    # audit 21 m2: the chat, the current stage, the hint and the warnings ("None so far." every time) were
    # all live regions re-set after every turn, so a screen reader read four things, the typed text first
    page.goto(f"{base_url}/live?lang=en")
    assert page.locator("#chat").get_attribute("aria-live") is None
    page.fill("#msg-agent", "Hello, this is Anna from Brightline. How can I help you today?")
    page.press("#msg-agent", "Enter")
    page.wait_for_function("() => document.querySelector('#chat li .who[data-done]') !== null")
    page.evaluate("""() => { for (const id of ['warnings', 'hint', 'current']) {
                               document.getElementById(id).firstChild.seen = true; } }""")
    hint = page.inner_text("#hint")
    page.fill("#msg-customer", "Hello.")
    page.press("#msg-customer", "Enter")
    page.wait_for_function("() => document.querySelectorAll('#chat li .who[data-done]').length >= 2")
    kept = page.evaluate("(id) => document.getElementById(id).firstChild.seen === true", "warnings")
    assert page.locator("#warnings li").all_inner_texts() == ["None so far."]
    assert kept, "still none: the list is not set (and read out) again"
    if page.inner_text("#hint") == hint:  # the same hint is not set (and read) again either
        assert page.evaluate("(id) => document.getElementById(id).firstChild.seen === true", "hint")
