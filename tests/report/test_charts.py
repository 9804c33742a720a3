"""The SVG charts: well-formed, labelled for screen readers, numbers printed, readable colours."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from servio.report import charts
from servio.stages import ALL_STAGES, info

NS = "{http://www.w3.org/2000/svg}"
VALUES = {1: 97.4, 2: 66.7, 3: 12.0, 4: None, 5: 100.0, 6: 76.2, 7: 54.8}


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    ids = root.get("aria-labelledby", "").split()
    assert len(ids) == 2
    title, desc = root.find(f"{NS}title"), root.find(f"{NS}desc")
    assert title is not None and desc is not None
    assert [title.get("id"), desc.get("id")] == ids
    assert title.text and desc.text
    return root


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{NS}text")]


@pytest.mark.parametrize("language", ["et", "en"])
def test_radar_names_every_stage_with_its_score(language: str) -> None:
    root = parse(charts.profile_radar(VALUES, language=language, links={3: "/c?stage=3"}))
    joined = " ".join(texts(root))
    for s in ALL_STAGES:
        assert info(s).short(language) in joined
    assert "97" in joined and "12" in joined and "–" in joined  # n/a stage shows a dash
    links = root.findall(f".//{NS}a")
    assert [a.get("href") for a in links] == ["/c?stage=3"]
    assert "12" in links[0].get("aria-label", "")


def test_radar_description_lists_the_scores_for_screen_readers() -> None:
    root = parse(charts.profile_radar(VALUES, language="en"))
    desc = root.find(f"{NS}desc")
    assert desc is not None and "needs 12" in (desc.text or "")


def test_bars_scale_with_the_score_and_show_coverage() -> None:
    svg = charts.profile_bars(VALUES, language="en", coverage={s: 0.5 for s in ALL_STAGES})
    root = parse(svg)
    fills = {r.get("fill"): float(r.get("width", 0)) for r in root.iter(f"{NS}rect")}
    assert fills[info(5).colour] > fills[info(1).colour] > fills[info(3).colour] > 0
    assert info(4).colour not in fills  # a stage that never applies draws no bar
    assert texts(root).count("50%") == 7


def test_heatmap_prints_every_cell_and_links_it() -> None:
    rows = [("kati", VALUES, 71.0), ("tom & co", {s: 10.0 for s in ALL_STAGES}, 10.0)]
    root = parse(charts.heatmap(rows, language="et", link=lambda who, s: f"/a/{who}?stage={s}"))
    cells = root.findall(f".//{NS}a")
    assert len(cells) == 2 * 8
    assert cells[0].get("href") == "/a/kati?stage=1"
    assert cells[7].get("href") == "/a/kati?stage=None"
    assert "tom & co" in texts(root)  # escaped in the source, intact when parsed
    assert "–" in texts(root) and "71" in texts(root)


@pytest.mark.parametrize("score", [*range(0, 101, 1), None])
def test_heat_colours_keep_text_readable(score: float | None) -> None:
    bg, fg = charts.heat_colour(score)
    assert charts.contrast(bg, fg) >= 4.5


def test_heat_colours_run_from_red_to_blue() -> None:
    low, _ = charts.heat_colour(0)
    high, _ = charts.heat_colour(100)
    assert int(low[1:3], 16) > int(low[5:7], 16)  # more red than blue
    assert int(high[5:7], 16) > int(high[1:3], 16)


def test_contrast_matches_wcag_reference_values() -> None:
    assert charts.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert charts.contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_trend_plots_points_in_order_and_handles_no_data() -> None:
    pts = [charts.TrendPoint("2026-09-01", 40, 3, "/x?from=1"), charts.TrendPoint("2026-09-08", 80, 1)]
    root = parse(charts.trend(pts, language="en"))
    line = root.find(f"{NS}polyline")
    assert line is not None
    (x0, y0), (x1, y1) = [tuple(map(float, p.split(","))) for p in line.get("points", "").split()]
    assert x1 > x0 and y1 < y0  # later and higher
    assert [a.get("href") for a in root.findall(f".//{NS}a")] == ["/x?from=1"]
    empty = parse(charts.trend([], language="et"))
    assert "Kuupäevaga vestlusi pole." in texts(empty)


def test_timeline_colours_each_stage_of_each_turn() -> None:
    stages = [frozenset({1, 2}), frozenset(), frozenset({3})]
    who = ["agent", "customer", "agent"]
    root = parse(charts.timeline(stages, who, language="en", href=lambda i: f"#t{i}"))
    groups = root.findall(f".//{NS}a")
    assert [a.get("href") for a in groups] == ["#t0", "#t1", "#t2"]
    first = [r.get("fill") for r in groups[0].iter(f"{NS}rect")]
    assert info(1).colour in first and info(2).colour in first and info(3).colour not in first
    assert "turn 3, agent: needs" in (groups[2].get("aria-label") or "")  # index 2 is the third turn


@pytest.mark.parametrize(("lang", "agent", "customer"), [("et", "teenindaja", "klient"),
                                                         ("en", "agent", "customer")])
@pytest.mark.parametrize("n_turns", [1, 2, 40])
def test_timeline_has_a_key_to_the_speaker_marks(lang: str, agent: str, customer: str, n_turns: int) -> None:
    # the top row marks who speaks, in two greys a reader could not tell apart without a key
    who = ["agent", "customer"] * n_turns
    root = parse(charts.timeline([frozenset({1})] * len(who), who, language=lang, href=lambda i: f"#t{i}"))
    marks = {w: [r.get("fill") for r in a.iter(f"{NS}rect")][0]
             for w, a in zip(who, root.findall(f"{NS}a"), strict=True)}
    assert marks["agent"] != marks["customer"]
    key = root.find(f"{NS}g[@class='key']")
    assert key is not None, "no key to the speaker marks"
    items = dict(zip(texts(key)[1:], [r.get("fill") for r in key.iter(f"{NS}rect")], strict=True))
    assert items == {agent: marks["agent"], customer: marks["customer"]}
    # the key fits inside the chart, even for a one-turn conversation
    width = float(root.get("width") or 0)
    assert all(float(r.get("x") or 0) + float(r.get("width") or 0) <= width for r in key.iter(f"{NS}rect"))
    last = [t for t in key.iter(f"{NS}text")][-1]
    assert float(last.get("x") or 0) + 6.5 * len("".join(last.itertext())) <= width


def test_timeline_key_names_only_the_speakers_there() -> None:
    who = ["system", "agent", "customer"]
    root = parse(charts.timeline([frozenset()] * 3, who, language="en"))
    assert texts(root.find(f"{NS}g[@class='key']"))[1:] == ["agent", "customer", "system"]
    root = parse(charts.timeline([frozenset()] * 2, ["agent", "agent"], language="en"))
    assert texts(root.find(f"{NS}g[@class='key']"))[1:] == ["agent"]


def _luminance(colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_speaker_fills_are_told_apart_from_the_page_and_from_each_other() -> None:
    from servio.report.charts import SPEAKER_FILL

    agent, customer = SPEAKER_FILL["agent"], SPEAKER_FILL["customer"]
    for fill in (agent, customer):
        assert _contrast(fill, "#ffffff") >= 3.0, fill
    assert _contrast(agent, customer) >= 3.0


def test_trend_dates_never_print_over_each_other() -> None:
    """Estonian dates are ten characters wide: on a narrow chart some points go without one, never two
    on top of each other (a report printed "02.11.20216.11.2026")."""
    import re

    from servio.report.charts import TrendPoint, trend

    points = [TrendPoint(f"{d:02d}.11.2026", 60.0 + d, 1) for d in (2, 9, 16, 23, 30)] + [
        TrendPoint("07.12.2026", 70.0, 2)]
    svg = trend(points, language="et", width=300)
    labels = [(float(x), anchor, text) for x, anchor, text in
              re.findall(r'<text x="([\d.]+)" y="208" text-anchor="(\w+)"[^>]*>([^<]+)</text>', svg)]
    assert labels[-1][2] == "07.12.2026" and len(labels) < len(points)
    spans = sorted((x - 60 if a == "end" else x - 30, x if a == "end" else x + 30) for x, a, _ in labels)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))
