"""Every page at 1280 px and 390 px: key elements present, nothing wider than the screen, drill-down links."""

from __future__ import annotations

from typing import Any

import pytest

PAGES = {
    "team": ("/team", ["table#heatmap", "table#heatmap td.heat a"]),
    "conversations": ("/conversations", ["#filter-fold summary", "table.list"]),  # folded on a phone
    "conversation": ("/conversations/ex-en-01", ["#overall", "svg.timeline", "table.scorecard", "#coaching",
                                                 ".turn .chip"]),
    "agent": ("/agents/tom", ["#profile-overall", "svg.bars", "svg.trend:visible", "#stage-table"]),
    "live": ("/live", ["#msg-customer", "#msg-agent", "#done li", "#hint"]),
    "import": ("/import", ["#files", "#format"]),
}


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_renders_at_width(page: Any, base_url: str, shots: Any, name: str, width: int) -> None:
    path, selectors = PAGES[name]
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{base_url}{path}?lang=et")
    for sel in selectors:
        assert page.locator(sel).first.is_visible(), f"{sel} not visible on {name} at {width}px"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{name} is {overflow}px wider than a {width}px screen"
    assert page.locator("html").get_attribute("lang") == "et"
    page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize(("width", "radar"), [(1280, True), (390, False)])
def test_radar_on_wide_screens_bars_everywhere(page: Any, base_url: str, width: int, radar: bool) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{base_url}/agents/kati?lang=en")
    assert page.locator("svg.radar").is_visible() is radar
    bars = page.locator("svg.bars")
    assert bars.is_visible()
    assert bars.bounding_box()["width"] >= min(width - 40, 440) * 0.8  # readable, not shrunk to a stamp


def test_heatmap_sorts_and_drills_down(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/team?lang=en")
    header = page.locator("#heatmap thead th").nth(9)  # overall, after the agent, the team and 7 stages
    header.locator("button").click()
    values = [float(v) for v in page.eval_on_selector_all(
        "#heatmap tbody tr td:nth-of-type(9)", "cells => cells.map(c => c.dataset.value)")]
    assert values == sorted(values)
    assert header.get_attribute("aria-sort") == "ascending"
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "descending"
    # a cell leads to the agent's conversations missing the stage when there are some (else to all of
    # the agent's, lowest score first: tests/web/test_heatmap_links.py)
    cell = page.locator("#heatmap tbody td.heat a[href*='missing_stage=']").first
    href = cell.get_attribute("href")
    assert "missing_stage=" in href and "agent_id=" in href
    cell.click()
    page.wait_for_url("**/conversations?**")
    assert page.locator("form.filters select#f-missing option[selected]").count() == 1


@pytest.mark.parametrize("width", [1280, 390])
def test_a_sort_arrow_stays_on_the_line_of_its_header(page: Any, base_url: str, width: int) -> None:
    # the arrow after each sortable header wrapped onto a line of its own ("attunement" / "↕")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{base_url}/team?lang=et")
    below = page.eval_on_selector_all("#heatmap thead button.sort", """buttons => buttons.map(b => {
        const range = document.createRange();
        range.selectNodeContents(b);
        const lines = [...range.getClientRects()].filter(r => r.width > 0);
        const last = lines[lines.length - 1];
        const padding = parseFloat(getComputedStyle(b).paddingBottom);
        return (b.getBoundingClientRect().bottom - padding - last.bottom) / last.height;
    })""")
    assert len(below) >= 9 and max(below) < 0.5, below  # no line of the button below its text's last line


def test_agent_numbers_lead_to_their_conversations(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/agents/tom?lang=en")
    pattern = page.locator("a[data-pattern]").first
    count = int(pattern.inner_text())
    pattern.click()
    page.wait_for_url("**failure=**")
    assert page.locator("table.list tbody tr").count() == count


@pytest.mark.parametrize("lang", ["et", "en"])
def test_heatmap_caption_wraps_on_a_phone(page: Any, base_url: str, lang: str) -> None:
    # the caption said what the colours and numbers mean, but sat in the table's scroll box at the
    # table's width: on a phone it ran off the screen mid-sentence
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{base_url}/team?lang={lang}")
    caption = page.locator("#heat-caption")
    box = caption.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    assert caption.evaluate("e => e.scrollWidth <= e.clientWidth")  # no line runs past its own box
    assert len(caption.inner_text()) > 60  # the whole sentence, not a stub
    assert page.locator("#heatmap").get_attribute("aria-describedby") == "heat-caption"


@pytest.mark.parametrize("lang", ["et", "en"])
def test_scorecard_score_and_bar_share_a_line_on_a_phone(page: Any, base_url: str, lang: str) -> None:
    # with the longer Estonian names a "100" and its bar broke onto two lines, a bar under each number
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{base_url}/conversations/ex-en-02?lang={lang}")
    for stage in range(1, 8):
        number = page.locator(f"#score-{stage}").bounding_box()
        bar = page.locator(f"#bar-{stage}").locator("xpath=..").bounding_box()
        assert number and bar and bar["y"] < number["y"] + number["height"], (stage, number, bar)
    table = page.locator("table.scorecard").bounding_box()
    assert table and table["x"] + table["width"] <= 390


@pytest.mark.parametrize("lang", ["et", "en"])
def test_conversation_list_rows_stay_short_on_a_phone(page: Any, base_url: str, lang: str) -> None:
    # the table scrolled sideways on a phone, yet it squeezed the failure-pattern column to a word or two
    # a line, so a row with three patterns stood 400 px tall; each row is now a card (test_phone_list)
    # whose failure patterns take its whole width
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{base_url}/conversations?lang={lang}")
    heights = page.eval_on_selector_all("table.list tbody tr",
                                        "rs => rs.map(r => r.getBoundingClientRect().height)")
    widths = page.eval_on_selector_all("table.list tbody td:last-child:not(:empty)",
                                        "cs => cs.map(c => c.getBoundingClientRect().width)")
    assert max(heights) <= 300, max(heights)
    assert widths and min(widths) >= 300, widths
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing runs off the screen


def test_pages_name_an_icon_the_dashboard_serves(page: Any, base_url: str) -> None:
    # without one the browser asks for /favicon.ico, gets 404 and shows a blank tab icon
    page.goto(f"{base_url}/team")
    href = page.locator("link[rel=icon]").get_attribute("href")
    assert href and href.startswith("/") and href.endswith(".svg")
    answer = page.request.get(base_url.removesuffix("/ui") + href)
    assert answer.status == 200 and answer.headers["content-type"].startswith("image/svg+xml")
    assert "<svg" in answer.text()
