"""Turn numbers a person reads start at 1; the indexes in data, links and ids stay 0-based."""

from __future__ import annotations

import re
from dataclasses import replace
from xml.etree import ElementTree as ET

from servio.report import charts
from servio.report.html import build_report
from servio.report.numbers import turn_number
from servio.report.terminal import Painter, render_feedback, render_timeline
from tests.report.conftest import make_conversation, make_result

SVG = "{http://www.w3.org/2000/svg}"


def _result(language: str = "en"):  # feedback and a failure point at index 1, the second turn
    return replace(make_result("a1", "ann", "North", "2026-09-01", {1: 90, 3: 30}, ("no_close",)),
                   language=language)


def test_turn_number_is_the_index_plus_one() -> None:
    assert [turn_number(i) for i in (0, 1, 9)] == [1, 2, 10]


def test_terminal_timeline_counts_turns_from_one() -> None:
    result = _result()
    lines = render_timeline(make_conversation("a1"), result, Painter(False)).splitlines()
    assert [line.split()[0] for line in lines] == ["1", "2", "3", "4"]
    assert lines[0].split()[1] == "agent" and result.turns[0].index == 0


def test_terminal_feedback_names_the_turn_a_person_counts() -> None:
    for language, word in (("en", "turn"), ("et", "repliik")):
        text = render_feedback(_result(language), Painter(False))
        assert f"[{word} 2] Ask an open question." in text  # Feedback.turn == 1
        assert f"no close ({word} 2)" in text  # FailurePattern.turn == 1
        assert f"{word} 1]" not in text and f"({word} 1)" not in text


def test_html_report_coaching_names_the_turn_from_one() -> None:
    results = [_result()]
    html = build_report(results, {"a1": make_conversation("a1")}, scope="agent", id="ann", language="en")
    worst = html[html.index('id="worst"'):]
    assert re.search(r"<span class=\"tag\">[^<]* · turn 2</span> Ask an open question\.", worst)
    assert "· turn 1<" not in worst
    assert "turn 1 of a1" in worst  # the quote is still the text of index 1
    titles = re.findall(r"<title>(turn \d+, \w+)", worst)
    assert titles[:2] == ["turn 1, agent", "turn 2, customer"]


def test_timeline_labels_turns_from_one_and_links_by_index() -> None:
    stages = [frozenset({1})] * 12
    who = ["agent", "customer"] * 6
    root = ET.fromstring(charts.timeline(stages, who, language="et", href=lambda i: f"#turn-{i}"))
    links = root.findall(f".//{SVG}a")
    assert links[0].get("href") == "#turn-0" and links[0].get("aria-label", "").startswith("repliik 1,")
    assert links[11].get("href") == "#turn-11" and links[11].get("aria-label", "").startswith("repliik 12,")
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "middle"]  # under the strip
    assert ticks == ["1", "5", "10"]

