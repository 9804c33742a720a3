"""The conversation page's layout measured in the browser: no empty band under the stage timeline."""

from __future__ import annotations

from typing import Any

import pytest

#: the most room between the timeline's last line (the turn numbers) and the section under it
MOST_GAP = 16

# under the strip, or under the line saying it scrolls when a phone shows only part of it (test_phone_list)
GAP = """() => {
  const svg = document.querySelector('.timeline-wrap svg.timeline').getBoundingClientRect();
  const hint = document.getElementById('timeline-hint');
  const above = hint && !hint.hidden ? hint.getBoundingClientRect().bottom : svg.bottom;
  const grid = document.querySelector('.conv-grid').getBoundingClientRect();
  return grid.top - above;
}"""


@pytest.mark.parametrize("lang", ["et", "en"])
@pytest.mark.parametrize("width", [1280, 390])
def test_no_empty_band_under_the_timeline(page: Any, base_url: str, shots: Any, width: int,
                                          lang: str) -> None:
    # an empty status line (1.5em high, 15 px margins) and the inline SVG's descender space left
    # about 60 px of nothing between the timeline and the transcript
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{base_url}/conversations/ex-en-01?lang={lang}")
    gap = page.evaluate(GAP)
    page.screenshot(path=str(shots / f"conversation-timeline-{lang}-{width}.png"))
    assert 0 <= gap <= MOST_GAP, f"{gap}px between the timeline and the transcript at {width}px ({lang})"


def test_a_status_message_still_shows_between_the_timeline_and_the_transcript(page: Any,
                                                                               base_url: str) -> None:
    page.goto(f"{base_url}/conversations/ex-en-01?lang=en")
    page.evaluate("() => { document.getElementById('status').textContent = 'Saved: 70 → 75'; }")
    status = page.locator("#status")
    assert status.is_visible()
    box = status.bounding_box()
    svg = page.locator(".timeline-wrap svg.timeline").bounding_box()
    grid = page.locator(".conv-grid").bounding_box()
    assert box and svg and grid and box["height"] >= 18
    assert svg["y"] + svg["height"] <= box["y"] and box["y"] + box["height"] <= grid["y"]


@pytest.mark.parametrize("lang", ["et", "en"])
@pytest.mark.parametrize("width", [1280, 390])
def test_every_evidence_tooltip_fits_on_the_screen(page: Any, base_url: str, width: int, lang: str) -> None:
    # at 390 px the tooltip of a chip on the right of a turn ran past the screen's edge
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{base_url}/conversations/ex-et-04?lang={lang}")
    outside = []
    for chip in page.locator(".turn button.chip").all():
        chip.focus()
        tip = page.locator(".chip-wrap:focus-within .tip")
        box = tip.bounding_box()
        if box is None or box["x"] < 0 or box["x"] + box["width"] > width:
            outside.append((chip.inner_text(), box))
    assert outside == []
