"""Chart text in Chromium: every label inside its picture, and big enough to read on a phone.

The report's heatmap rotates its column headings; the last one ("üldhinne") ran past the picture's edge
and was cut to "üldhinn", on screen and in print. Measured in the browser, since only it knows how wide a
word is drawn.
"""

from __future__ import annotations

from typing import Any

import pytest

from servio.report.html import build_report
from tests.report.conftest import make_result
from tests.web.conftest import browser_page

#: Where any text of a chart lies outside the chart's box (its own picture), by more than half a pixel.
OUTSIDE = """svg => {
  const box = svg.getBoundingClientRect();
  return [...svg.querySelectorAll('text')].map(t => [t.textContent, t.getBoundingClientRect()])
    .filter(([, r]) => r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5
                       || r.bottom > box.bottom + 0.5)
    .map(([text]) => text);
}"""


def _team_report(language: str) -> str:
    results = [make_result(f"c{i}", agent, "North", f"2026-10-0{i + 1}", {s: 40 + 7 * s for s in range(1, 8)})
               for i, agent in enumerate(("ann", "bob", "cid"))]
    return build_report(results, scope="team", id="North", language=language)


@pytest.mark.parametrize("media", ["screen", "print"])
@pytest.mark.parametrize("language", ["et", "en"])
def test_the_heatmaps_column_headings_fit_in_the_picture(browser: Any, language: str, media: str) -> None:
    with browser_page(browser, width=1280) as page:
        page.emulate_media(media=media)
        page.set_content(_team_report(language))
        heatmaps = page.locator("svg.heatmap")
        assert heatmaps.count() == 1
        assert heatmaps.first.evaluate(OUTSIDE) == []


#: The smallest text of each chart shown, in CSS pixels as drawn (its font size times the chart's scale).
SMALLEST = """() => [...document.querySelectorAll('svg.chart')]
  .filter(s => s.getBoundingClientRect().width > 0)
  .map(s => {
    const k = s.getBoundingClientRect().width / s.viewBox.baseVal.width;
    const sizes = [...s.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) * k);
    return [s.getAttribute('class'), Math.min(...sizes)];
  })"""


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("language", ["et", "en"])
@pytest.mark.parametrize(("path", "kinds"),
                         [("agents/kati", {"bars"}), ("conversations/ex-et-04", {"timeline"})])
def test_chart_text_is_at_least_11_px_and_inside_its_chart(
        browser: Any, base_url: str, width: int, language: str, path: str, kinds: set[str]) -> None:
    with browser_page(browser, width=width) as page:
        page.goto(f"{base_url}/{path}?lang={language}")
        smallest = {cls: size for cls, size in page.evaluate(SMALLEST)}
        shown = {kind for cls in smallest for kind in kinds if kind in cls.split()}
        assert shown == kinds, smallest
        small = {cls: round(size, 1) for cls, size in smallest.items()
                 if size < 11 and not (width > 600 and "radar" in cls)}  # the radar: a wide screen's only
        assert small == {}
        for svg in page.locator("svg.chart").all():
            if svg.is_visible():
                assert svg.evaluate(OUTSIDE) == [], svg.get_attribute("class")
