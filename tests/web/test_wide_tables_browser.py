"""Wide tables on a desktop and a phone, in Chromium (audit 18: m1 and m7).

m1: on the Estonian team page at 1280 and 1440 px the heatmap was 1219 px in a 1192 px box, so the
conversations column ("Vestlusi") was cut off with no visible scroll bar. Every column fits an ordinary
desktop in both languages now, and where the table must scroll (a narrow window, a phone) a hint above it
says so. m7: on a phone the report's comparison hid its reading ("within chance", "clear decline") off to
the side; the interval goes under the change there, and the reading is on the screen.

Over every bundled example file (what ``servio serve --examples`` shows), not only the gold set.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.conftest import browser_page, served_app

REPORT = ("/report?scope=team&id=Tallinn&date_from=2026-10-01&date_to=2026-11-30"
          "&compare_from=2026-08-01&compare_to=2026-09-30")


@pytest.fixture(scope="module")
def examples(base_url: str) -> Iterator[str]:
    from servio.web.demo import demo_app

    with served_app(demo_app()) as origin:
        yield f"{origin}/ui"


def _heatmap(page: Any) -> dict[str, Any]:
    return page.evaluate("""() => {
        const box = document.getElementById("heat-scroll");
        const hint = document.getElementById("heat-scroll-hint");
        const right = box.getBoundingClientRect().right;
        const heads = [...document.querySelectorAll("#heatmap thead th")];
        return {box: box.clientWidth, table: box.scrollWidth, hint: !hint.hidden,
                cut: heads.filter(th => th.getBoundingClientRect().right > right + 1)
                          .map(th => th.textContent.trim()),
                last: heads[heads.length - 1].textContent.trim()};
    }""")


@pytest.mark.parametrize("lang", ["et", "en"])
@pytest.mark.parametrize("width", [1280, 1440])
def test_every_heatmap_column_fits_a_desktop(browser: Any, examples: str, shots: Any, lang: str,
                                             width: int) -> None:
    with browser_page(browser, width=width) as page:
        page.goto(f"{examples}/team?lang={lang}")
        seen = _heatmap(page)
        page.screenshot(path=str(shots / f"heatmap-{lang}-{width}.png"), full_page=True)
    assert seen["last"].startswith({"et": "Vestlusi", "en": "Conversations"}[lang])
    assert seen["cut"] == [] and seen["table"] <= seen["box"], seen
    assert seen["hint"] is False  # nothing to scroll, nothing said


@pytest.mark.parametrize(("lang", "said"), [("et", "keri külgsuunas, et näha kõiki 11 veergu"),
                                            ("en", "scroll sideways to see all 11 columns")])
def test_a_heatmap_wider_than_the_screen_says_it_scrolls(browser: Any, examples: str, shots: Any, lang: str,
                                                          said: str) -> None:
    with browser_page(browser, width=390) as page:
        page.goto(f"{examples}/team?lang={lang}")
        seen = _heatmap(page)
        hint = page.locator("#heat-scroll-hint")
        assert hint.is_visible() and said in hint.inner_text()
        # above the table: read before the columns that are out of view
        assert hint.bounding_box()["y"] < page.locator("#heatmap").bounding_box()["y"]
        page.screenshot(path=str(shots / f"heatmap-{lang}-390.png"), full_page=True)
    assert seen["table"] > seen["box"] and seen["hint"] is True


@pytest.mark.parametrize("lang", ["et", "en"])
@pytest.mark.parametrize("width", [390, 360])
def test_the_reports_comparison_shows_its_reading_on_a_phone(browser: Any, examples: str, shots: Any,
                                                             lang: str, width: int) -> None:
    from servio.web.i18n import strings

    # every reading as the longest the language has ("selge paranemine"): the examples' are short, and the
    # Estonian table was cut off at 390 px with longer ones (audit 18b)
    t = strings(lang)
    longest = max((t[f"compare_{v}"] for v in ("up", "down", "chance", "few")), key=len)
    with browser_page(browser, width=width) as page:
        page.goto(f"{examples}{REPORT}&lang={lang}")
        page.evaluate("text => document.querySelectorAll('table.compare tbody tr td:last-child')"
                      ".forEach(td => { td.textContent = text; })", longest)
        table = page.locator("table.compare")
        box = table.evaluate("t => ({box: t.parentElement.clientWidth, table: t.parentElement.scrollWidth, "
                             "right: t.parentElement.getBoundingClientRect().right})")
        reading = page.locator("table.compare thead th").last
        assert reading.inner_text() == {"et": "Tõlgendus", "en": "Reading"}[lang]
        assert reading.bounding_box()["x"] + reading.bounding_box()["width"] <= box["right"] + 1, box
        assert box["table"] <= box["box"], box  # nothing of the table off to the side
        # the interval is not lost: under the change, and its own column gone
        first = page.locator("table.compare tbody tr").first
        assert first.locator("td.interval").is_hidden()
        under = first.locator("td .in-change")
        assert under.is_visible() and "…" in under.inner_text()
        table.screenshot(path=str(shots / f"report-compare-{lang}-{width}.png"))


def test_the_reports_comparison_on_a_desktop_keeps_its_columns(browser: Any, examples: str) -> None:
    with browser_page(browser, width=1280) as page:
        page.goto(f"{examples}{REPORT}&lang=en")
        heads = page.locator("table.compare thead th")
        assert [heads.nth(i).inner_text() for i in range(heads.count()) if heads.nth(i).is_visible()] == [
            "Stage", "Earlier", "Now", "Change", "95% interval", "Reading"]
        assert page.locator("table.compare tbody tr").first.locator(".in-change").is_hidden()


@pytest.mark.parametrize("lang", ["et", "en"])
def test_the_report_fits_320_px_and_has_a_main_landmark(browser: Any, examples: str, shots: Any,
                                                        lang: str) -> None:
    """Audit a11y21 (WCAG 1.4.10 reflow, 1.3.1): the report was 343-361 px wide at 320 px (the failure
    patterns' table with its conversation ids) and had no <main>."""
    with browser_page(browser, width=320) as page:
        page.goto(f"{examples}{REPORT}&lang={lang}")
        page.evaluate("() => document.querySelectorAll('#patterns td.ids').forEach(td => {"
                      " td.textContent = 'tugi-2026-1101-x, tugi-2026-1102-x, tugi-2026-1103-x'; })")
        width = page.evaluate("document.documentElement.scrollWidth")
        page.screenshot(path=str(shots / f"report-{lang}-320.png"), full_page=True)
        assert width <= 320, width
        assert page.locator("main #headline").count() == 1
