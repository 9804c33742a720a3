"""Accessibility basics: labelled controls, keyboard focus (skip link, evidence on focus), text contrast."""

from __future__ import annotations

from typing import Any

import pytest

UNLABELLED = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
               && !e.getAttribute('aria-labelledby')).map(e => e.outerHTML.slice(0, 80))"""

CONTRAST = """(selector) => {
  const lum = (rgb) => {
    const c = rgb.map(v => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const parse = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const bgOf = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const shown = [...document.querySelectorAll(selector)]
    .filter(e => e.offsetParent !== null && e.textContent.trim());
  return shown.map(e => {
    const fg = parse(getComputedStyle(e).color).slice(0, 3), bg = bgOf(e);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    return { text: e.textContent.trim().slice(0, 30), ratio: (a + 0.05) / (b + 0.05) };
  });
}"""

PAGES = ["/team", "/conversations", "/conversations/ex-et-01", "/agents/kati", "/import", "/live"]


@pytest.mark.parametrize("path", PAGES)
def test_every_control_has_a_label_and_charts_are_described(page: Any, base_url: str, path: str) -> None:
    page.goto(f"{base_url}{path}?lang=et")
    assert page.evaluate(UNLABELLED) == []
    for svg in page.locator("svg.chart").all():
        assert svg.get_attribute("role") == "img"
        ids = (svg.get_attribute("aria-labelledby") or "").split()
        assert len(ids) == 2 and all(page.locator(f"[id='{i}']").count() == 1 for i in ids)
    assert page.locator("h1").count() == 1


@pytest.mark.parametrize("path", PAGES)
def test_text_contrast_is_at_least_4_5(page: Any, base_url: str, path: str) -> None:
    page.goto(f"{base_url}{path}?lang=en")
    checked = page.evaluate(CONTRAST, "a, p, td, th, li, label, button, .chip, .tag, h1, h2, h3, span.who")
    assert checked, "nothing was checked"
    poor = [c for c in checked if c["ratio"] < 4.5]
    assert poor == [], poor[:5]


def test_keyboard_reaches_the_skip_link_and_evidence(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/conversations/ex-en-01?lang=en")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    chip = page.locator(".turn .chip-wrap button.chip").first
    tip_id = chip.get_attribute("aria-describedby")
    tip = page.locator(f"[id='{tip_id}']")
    assert not tip.is_visible()
    chip.focus()
    assert tip.is_visible(), "the evidence must show on keyboard focus"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.mouse.move(0, 0)
    chip.blur()
    assert not tip.is_visible()
    chip.hover()
    assert tip.is_visible(), "the evidence must show on hover"


def test_correction_editor_works_from_the_keyboard(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/conversations/ex-en-02?lang=en")
    edit = page.locator("#turn-0 button.edit")
    edit.focus()
    page.keyboard.press("Enter")
    assert edit.get_attribute("aria-expanded") == "true"
    assert page.evaluate("document.activeElement.name") == "stage"
    page.keyboard.press("Escape")
    page.locator("#edit-0 button.cancel").focus()
    page.keyboard.press("Enter")
    assert edit.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.classList.contains('edit')")
