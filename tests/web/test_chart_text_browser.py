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
