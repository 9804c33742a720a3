"""The trend over time in Chromium: one chart laid out for the screen's width, type a person can read
on a phone, dates clear of each other, the empty weeks shown as a gap (an audit of the dashboard)."""

from __future__ import annotations

from typing import Any

import pytest

# tom's four conversations (11 Sep, 15 Oct, 5 and 24 Nov 2026) fall in four weeks with empty weeks between
TOM = "/agents/tom"

MEASURE = """svg => {
    const scale = svg.getScreenCTM().a;  // screen pixels per unit of the chart
    const box = el => { const r = el.getBoundingClientRect(); return [r.left, r.right, r.top, r.bottom]; };
    const texts = cls => [...svg.querySelectorAll(`text.${cls}`)];
    const size = t => parseFloat(getComputedStyle(t).fontSize);
    return {
        cls: svg.getAttribute("class"),
        width: svg.getBoundingClientRect().width,
        right: svg.getBoundingClientRect().right,
        // the smallest type on screen, in CSS pixels
        font: scale * Math.min(...[...svg.querySelectorAll("text")].map(size)),
        dates: texts("date").map(box),
        values: texts("value").map(box),
        links: svg.querySelectorAll("a[href]").length,
        lines: svg.querySelectorAll("polyline").length,
        gaps: svg.querySelectorAll("g.gap").length,
    };
}"""


def _apart(boxes: list[list[float]]) -> bool:
    return all(a[1] <= b[0] or b[1] <= a[0] or a[3] <= b[2] or b[3] <= a[2]
               for i, a in enumerate(boxes) for b in boxes[i + 1:])


def _shown_trend(page: Any) -> dict[str, Any]:
    shown = page.locator("svg.trend:visible")
    assert shown.count() == 1, "one trend chart for this width, not two or none"
    return dict(shown.evaluate(MEASURE))


@pytest.mark.parametrize(("width", "layout"), [(1280, "wide"), (390, "narrow")])
def test_the_trend_is_laid_out_for_the_screen_and_readable(page: Any, base_url: str, shots: Any, width: int,
                                                           layout: str) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{base_url}{TOM}?lang=et")
    chart = _shown_trend(page)
    assert layout in chart["cls"].split()
    assert chart["right"] <= width  # on the screen, not cut off or scrolled to
    assert chart["font"] >= 10.5, chart  # the wide chart shrunk to a phone: 6.5 px
    assert len(chart["dates"]) >= 2 and _apart(chart["dates"]), chart["dates"]
    assert _apart(chart["values"]), chart["values"]
    assert chart["links"] == 4  # every week's point still leads to that week's conversations
    assert chart["gaps"] == 3 and chart["lines"] == 0  # four weeks, none next to another: no line joins them
    page.locator("section[aria-labelledby='h-trend']").screenshot(path=str(shots / f"trend-tom-{width}.png"))


def test_a_trend_point_leads_to_that_weeks_conversations_on_a_phone(page: Any, base_url: str) -> None:
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{base_url}{TOM}?lang=en")
    point = page.locator("svg.trend:visible a").last
    assert (point.get_attribute("aria-label") or "").startswith("2026-11-23: ")  # the week of 24 November
    point.locator("circle").click()  # a tap on the dot
    page.wait_for_url("**/conversations?**")
    assert "date_from=2026-11-23" in page.url and "date_to=2026-11-29" in page.url
    assert page.locator("table.list tbody tr").count() == 1


@pytest.mark.parametrize(("width", "layout"), [(1280, "wide"), (390, "narrow")])
def test_the_report_shows_one_trend_for_the_screen(page: Any, base_url: str, width: int, layout: str) -> None:
    html = page.request.get(f"{base_url}/report?scope=agent&id=tom&lang=et").text()
    page.set_viewport_size({"width": width, "height": 900})
    page.set_content(html)
    chart = _shown_trend(page)
    assert layout in chart["cls"].split()
    assert chart["font"] >= 10.5 and len(chart["dates"]) >= 2 and _apart(chart["dates"])
    page.emulate_media(media="print")
    assert "wide" in _shown_trend(page)["cls"].split()  # print (and the PDF) takes the wide one


@pytest.mark.parametrize(("width", "layout"), [(1280, "wide"), (390, "narrow")])
def test_a_compared_report_fits_a_phone_and_its_chart_reads(page: Any, base_url: str, width: int,
                                                            layout: str) -> None:
    """Audit 17 #5: the comparison's table made the whole report scroll sideways at 390 px, and its chart's
    type shrank to 5-6 px."""
    query = "scope=agent&id=tom&lang=et&date_from=2026-10-01&compare_from=2026-09-01&compare_to=2026-09-30"
    html = page.request.get(f"{base_url}/report?{query}").text()
    page.set_viewport_size({"width": width, "height": 900})
    page.set_content(html)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    chart = page.locator("svg.change:visible")
    assert chart.count() == 1 and layout in (chart.get_attribute("class") or "").split()
    font = chart.evaluate("svg => svg.getScreenCTM().a * Math.min(...[...svg.querySelectorAll('text')]"
                          ".map(t => parseFloat(getComputedStyle(t).fontSize)))")
    assert font >= 9.5
