"""The conversation list and the stage timeline on a phone (dashboard audit F12), measured in the browser.

At 390 px the list showed eleven filter fields before the first conversation and its Score column was
off the screen; the conversation page's timeline was cut at about turn 11 with no sign that it scrolls.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import browser_page

PHONE = {"width": 390, "height": 844}

FIRST_ROW = """() => {
  const row = document.querySelector('table.list tbody tr');
  const box = (el) => el.getBoundingClientRect();
  const cell = row.querySelector('td.c-score');
  const id = box(row.querySelector('td.c-id')), score = box(cell);
  return {top: box(row).top, idTop: id.top, idBottom: id.bottom, scoreTop: score.top, scoreRight: score.right,
          score: cell.innerText, label: cell.dataset.label, shown: getComputedStyle(cell, '::before').content,
          wide: document.documentElement.scrollWidth};
}"""


@pytest.mark.parametrize(("lang", "score_word"), [("et", "Hinne"), ("en", "Score")])
def test_a_phone_sees_conversations_and_their_scores_first(browser: Any, base_url: str, shots: Any, lang: str,
                                                           score_word: str) -> None:
    with browser_page(browser, **PHONE) as page:
        page.goto(f"{base_url}/conversations?lang={lang}")
        page.screenshot(path=str(shots / f"list-phone-{lang}.png"))
        fold = page.locator("#filter-fold")
        assert fold.evaluate("d => d.open") is False  # folded: no filter is set
        assert page.locator("#f-agent").is_hidden()
        row = page.evaluate(FIRST_ROW)
        assert row["top"] < PHONE["height"] / 2, row  # the first conversation in the upper half of the screen
        assert row["scoreRight"] <= 390 and row["wide"] <= 390, row  # nothing off the screen
        assert row["scoreTop"] < row["idBottom"], row  # the score on the id's line
        assert row["label"] == score_word and row["shown"] != "none" and row["score"].isdigit(), row
        fold.locator("summary").click()
        assert page.locator("#f-agent").is_visible()


def test_a_phone_keeps_the_filters_open_when_one_is_set(browser: Any, base_url: str) -> None:
    with browser_page(browser, **PHONE) as page:
        page.goto(f"{base_url}/conversations?lang=en&missing_stage=7&team=")
        assert page.locator("#filter-fold").evaluate("d => d.open") is True
        assert page.locator("#filter-fold summary").inner_text() == "Filters 1 chosen"
        assert page.locator("#f-missing").is_visible()


def test_a_wide_screen_opens_the_filters_and_keeps_the_table(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/conversations?lang=et")
    assert page.locator("#filter-fold").evaluate("d => d.open") is True
    assert page.locator("#filter-fold summary").inner_text() == "Filtrid"
    assert page.locator("table.list thead th").nth(4).is_visible()  # "Hinne" as a column heading
    shown = page.locator("table.list tbody tr").first.evaluate("r => getComputedStyle(r).display")
    assert shown == "table-row"


@pytest.mark.parametrize(("lang", "words"), [("et", "Keri külgsuunas, et näha kõiki 20 repliiki"),
                                             ("en", "Scroll sideways to see all 20 turns")])
def test_a_timeline_wider_than_a_phone_says_it_scrolls(browser: Any, base_url: str, shots: Any, lang: str,
                                                      words: str) -> None:
    with browser_page(browser, **PHONE) as page:
        page.goto(f"{base_url}/conversations/ex-et-04?lang={lang}")
        page.screenshot(path=str(shots / f"timeline-phone-{lang}.png"))
        hint = page.locator("#timeline-hint")
        assert hint.is_visible() and words in hint.inner_text()
        wrap = page.locator("#timeline-wrap").bounding_box()
        box = hint.bounding_box()
        assert wrap and box and 0 <= box["y"] - (wrap["y"] + wrap["height"]) <= 12  # right under the strip
        page.goto(f"{base_url}/conversations/ex-et-03?lang={lang}")  # 8 turns: the strip fits
        assert page.locator("#timeline-hint").is_hidden()


def test_a_timeline_that_fits_says_nothing(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/conversations/ex-et-04?lang=en")
    assert page.locator("#timeline-hint").is_hidden()
