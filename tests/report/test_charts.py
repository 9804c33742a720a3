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
    from datetime import date

    pts = [charts.TrendPoint(date(2026, 9, 1), "2026-09-01", 40, 3, "/x?from=1"),
           charts.TrendPoint(date(2026, 9, 8), "2026-09-08", 80, 1)]
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


def test_timeline_tells_a_carried_stage_from_an_empty_cell_at_3_to_1() -> None:
    # WCAG 1.4.11 (audit 21 M4): orange (2), teal (4) and green (5) were 2.2-3.0:1 against an empty cell,
    # and the fill was all that said whether the turn carries the stage
    root = parse(charts.timeline([frozenset(ALL_STAGES), frozenset()], ["agent", "customer"], language="en"))
    columns = [a for a in root.iter(f"{NS}g") if a.find(f"{NS}title") is not None]
    carried, empty = ([r for r in a.iter(f"{NS}rect")][1:] for a in columns)  # after the speaker mark
    blank = {r.get("fill") for r in empty}
    assert len(blank) == 1
    (blank_fill,) = blank
    for stage, cell in zip(ALL_STAGES, carried, strict=True):
        assert cell.get("fill") == info(stage).colour
        edge = cell.get("stroke")
        edged = edge is not None and float(cell.get("stroke-width") or 0) >= 1
        best = max(charts.contrast(cell.get("fill") or "", blank_fill),
                   charts.contrast(edge, blank_fill) if edge and edged else 0)
        assert best >= 3, (stage, cell.get("fill"), edge)
    assert all(r.get("stroke") is None for r in empty)


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
    from datetime import date

    from servio.report.charts import TrendPoint, trend

    points = [TrendPoint(date(2026, 11, d), f"{d:02d}.11.2026", 60.0 + d, 1) for d in (2, 9, 16, 23, 30)] + [
        TrendPoint(date(2026, 12, 7), "07.12.2026", 70.0, 2)]
    labels = _date_spans(parse(trend(points, language="et", bucket="week", width=300)))
    assert labels[-1][2] == "07.12.2026" and len(labels) < len(points)
    assert all(a[1] <= b[0] for a, b in zip(labels, labels[1:], strict=False))


# ------------------------------------------------------------------ the trend's time axis
# A dashboard audit: three busy weeks in March and one in June were drawn as four weeks in a row, the
# line joined across the empty weeks, so a team lead read a steady trend over a two-month gap.

def _weeks(*mondays: str, value: float = 60.0) -> list[charts.TrendPoint]:
    from datetime import date

    return [charts.TrendPoint(start=date.fromisoformat(d), label=d, value=value + i, count=1, href=f"/w/{d}")
            for i, d in enumerate(mondays)]


MARCH_AND_JUNE = ("2026-03-02", "2026-03-09", "2026-03-16", "2026-06-01")


def _dots(root: ET.Element) -> list[tuple[float, float]]:
    return [(float(c.get("cx", 0)), float(c.get("cy", 0))) for c in root.iter(f"{NS}circle")]


def _lines(root: ET.Element) -> list[list[tuple[float, float]]]:
    return [[(float(x), float(y)) for x, y in (p.split(",") for p in line.get("points", "").split())]
            for line in root.iter(f"{NS}polyline")]


def _date_spans(root: ET.Element) -> list[tuple[float, float, str]]:
    """Each date under the axis as (left, right, text), its width estimated at 0.62 em a character."""
    out = []
    for el in root.iter(f"{NS}text"):
        if "date" not in (el.get("class") or "").split():
            continue
        text, x, size = "".join(el.itertext()), float(el.get("x", 0)), float(el.get("font-size", 12))
        w = 0.62 * size * len(text)
        left = {"start": x, "middle": x - w / 2, "end": x - w}[el.get("text-anchor", "start")]
        out.append((left, left + w, text))
    return sorted(out)


def test_trend_places_points_by_date_not_by_index() -> None:
    from datetime import date

    days = [(date.fromisoformat(d) - date(2026, 3, 2)).days for d in MARCH_AND_JUNE]
    for width in (640, 360):
        root = parse(charts.trend(_weeks(*MARCH_AND_JUNE), language="en", bucket="week", width=width))
        xs = [x for x, _ in _dots(root)]
        assert len(xs) == 4
        for x, d in zip(xs, days, strict=True):  # the distance from the first point grows with the days
            assert (x - xs[0]) / (xs[-1] - xs[0]) == pytest.approx(d / days[-1], abs=0.005)
        assert xs[3] - xs[2] > 8 * (xs[1] - xs[0])  # eleven weeks after 16 March, not one


def test_trend_months_are_placed_by_their_days() -> None:
    from datetime import date

    starts = [date(2025, m, 1) for m in (1, 2, 3, 5, 6, 10)]
    pts = [charts.TrendPoint(start=s, label=s.strftime("%m.%Y"), value=50, count=2) for s in starts]
    xs = [x for x, _ in _dots(parse(charts.trend(pts, language="et", bucket="month")))]
    days = [(s - starts[0]).days for s in starts]
    for x, d in zip(xs, days, strict=True):
        assert (x - xs[0]) / (xs[-1] - xs[0]) == pytest.approx(d / days[-1], abs=0.005)


def test_a_gap_of_empty_buckets_breaks_the_line() -> None:
    root = parse(charts.trend(_weeks(*MARCH_AND_JUNE), language="en", bucket="week"))
    dots = _dots(root)
    lines = _lines(root)
    assert lines == [dots[:3]]  # March joined, nothing runs on to June
    desc = root.find(f"{NS}desc")
    assert desc is not None and "No conversations: 2026-03-23 – 2026-05-31." in (desc.text or "")
    gap = root.find(f".//{NS}g[@class='gap']")
    assert gap is not None, "the empty weeks are not marked"
    band = gap.find(f"{NS}rect")
    assert band is not None
    left, right = float(band.get("x", 0)), float(band.get("x", 0)) + float(band.get("width", 0))
    assert dots[2][0] < left < right < dots[3][0]
    assert "no conversations" in texts(gap)


def test_consecutive_buckets_stay_joined_and_every_gap_is_its_own_break() -> None:
    from datetime import date

    days = ["2026-04-01", "2026-04-02", "2026-04-04", "2026-04-05", "2026-04-06", "2026-04-09"]
    pts = [charts.TrendPoint(start=date.fromisoformat(d), label=d, value=50, count=1) for d in days]
    root = parse(charts.trend(pts, language="en", bucket="day"))
    dots = _dots(root)
    assert _lines(root) == [dots[0:2], dots[2:5]]  # the last day stands alone: a dot, no line
    assert len(root.findall(f".//{NS}g[@class='gap']")) == 2
    desc = root.find(f"{NS}desc")
    assert desc is not None and "No conversations: 2026-04-03; 2026-04-07 – 2026-04-08." in (desc.text or "")


def test_empty_buckets_are_not_drawn_as_a_score_of_zero() -> None:
    root = parse(charts.trend(_weeks(*MARCH_AND_JUNE, value=70), language="en", bucket="week", height=240))
    dots = _dots(root)
    assert len(dots) == 4  # one dot a week with conversations, none for the eleven without
    zero = max(float(line.get("y1", 0)) for line in root.iter(f"{NS}line"))  # the grid's 0 line
    vertices = [v for line in _lines(root) for v in line]
    assert all(v in dots for v in vertices)
    assert all(y < zero - 50 for _, y in vertices + dots)  # scores of 70-73 stand well above 0
    printed = ["".join(el.itertext()) for el in root.iter(f"{NS}text") if "value" in (el.get("class") or "")]
    assert printed == ["70", "71", "72", "73"]


@pytest.mark.parametrize("width", [300, 360, 640])
@pytest.mark.parametrize(("language", "fmt"), [("et", "%d.%m.%Y"), ("en", "%Y-%m-%d")])
def test_dates_never_overlap_when_points_crowd_and_spread(width: int, language: str, fmt: str) -> None:
    from datetime import date, timedelta

    starts = [date(2026, 3, 2) + timedelta(days=d) for d in (0, 1, 2, 3, 4, 6, 7, 9, 10, 11, 13, 14, 20)]
    pts = [charts.TrendPoint(start=s, label=s.strftime(fmt), value=40 + i, count=1)
           for i, s in enumerate(starts)]
    root = parse(charts.trend(pts, language=language, bucket="day", width=width))
    spans = _date_spans(root)
    assert spans[0][2] == pts[0].label and spans[-1][2] == pts[-1].label  # the first and the last day
    assert all(a[1] + 2 <= b[0] for a, b in zip(spans, spans[1:], strict=False)), spans
    assert spans[0][0] >= 0 and spans[-1][1] <= width


def test_the_point_before_a_gap_is_dated_when_there_is_room() -> None:
    """The first and the last point are dated first, then the points either side of a gap."""
    narrow = parse(charts.trend(_weeks(*MARCH_AND_JUNE), language="en", bucket="week", width=360))
    assert [text for _, _, text in _date_spans(narrow)] == ["2026-03-02", "2026-06-01"]  # 16 March: no room
    wide = parse(charts.trend(_weeks(*MARCH_AND_JUNE), language="en", bucket="week", width=640))
    assert [text for _, _, text in _date_spans(wide)] == ["2026-03-02", "2026-03-16", "2026-06-01"]


def test_scores_printed_over_crowded_points_never_overlap() -> None:
    from datetime import date, timedelta

    pts = [charts.TrendPoint(start=date(2026, 4, 1) + timedelta(days=d), label=f"{d}", value=60.0 + d // 11,
                             count=1) for d in range(22)]  # a flat line: every score wants the same place
    root = parse(charts.trend(pts, language="en", bucket="day", width=360))
    boxes = []
    for el in root.iter(f"{NS}text"):
        if "value" in (el.get("class") or "").split():
            x, y, size = float(el.get("x", 0)), float(el.get("y", 0)), float(el.get("font-size", 12))
            w = 0.62 * size * len("".join(el.itertext()))
            left = {"start": x, "middle": x - w / 2, "end": x - w}[el.get("text-anchor", "start")]
            boxes.append((left, left + w, y - 0.75 * size, y))
    assert 2 <= len(boxes) < len(pts)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[1] <= b[0] or b[1] <= a[0] or a[3] <= b[2] or b[3] <= a[2], (a, b)
    desc = root.find(f"{NS}desc")
    assert desc is not None and all(f"{p.label} {p.value:.0f} (n=1)" in (desc.text or "") for p in pts)


@pytest.mark.parametrize("width", [360, 640])
def test_one_bucket_is_one_dated_point_in_the_middle(width: int) -> None:
    from datetime import date

    pts = [charts.TrendPoint(start=date(2026, 5, 4), label="2026-05-04", value=64, count=3, href="/w")]
    root = parse(charts.trend(pts, language="en", bucket="week", width=width))
    [(x, _)] = _dots(root)
    assert x == pytest.approx(36 + (width - 36 - 16) / 2, abs=0.1)
    assert _lines(root) == [] and root.find(f".//{NS}g[@class='gap']") is None
    assert [text for _, _, text in _date_spans(root)] == ["2026-05-04"]
    assert [a.get("href") for a in root.iter(f"{NS}a")] == ["/w"]
    assert "64" in texts(root)


def test_trend_refuses_points_out_of_date_order_and_unknown_buckets() -> None:
    pts = _weeks("2026-03-09", "2026-03-02")
    with pytest.raises(ValueError, match="date order"):
        charts.trend(pts, language="en", bucket="week")
    with pytest.raises(ValueError, match="bucket"):
        charts.trend(_weeks("2026-03-02"), language="en", bucket="fortnight")


def test_a_score_is_printed_where_the_line_does_not_run_through_it() -> None:
    """Above a peak, below a dip, up and away from the line on a slope; beside a dip that nears the 0 line."""
    from datetime import date

    values = [50, 80, 40, 60, 70, 65, 3, 55]  # a peak, a dip, rising, a peak, falling, a dip to 3
    pts = [charts.TrendPoint(start=date(2026, 4, 1 + i), label=f"{i}", value=v, count=1)
           for i, v in enumerate(values)]
    root = parse(charts.trend(pts, language="en", bucket="day", width=640))
    dots = _dots(root)
    printed = {"".join(el.itertext()): (el.get("text-anchor"), float(el.get("x", 0)), float(el.get("y", 0)))
               for el in root.iter(f"{NS}text") if "value" in (el.get("class") or "").split()}
    anchor, x, y = printed["80"]
    assert anchor == "middle" and x == dots[1][0] and y < dots[1][1]  # peak: above
    anchor, x, y = printed["40"]
    assert anchor == "middle" and x == dots[2][0] and y > dots[2][1]  # dip: below
    anchor, x, y = printed["70"]
    assert anchor == "middle" and y < dots[4][1]  # peak again
    anchor, x, y = printed["3"]
    assert anchor == "start" and x > dots[6][0] and y < dots[6][1] + 6  # beside, not into the dates
    assert [t for t, (a, _, _) in printed.items() if a == "end"] == ["60"]  # 40 -> 60 -> 70: up, left
    assert [t for t, (a, _, _) in printed.items() if a == "start"] == ["65", "3"]  # 70 -> 65 -> 3: up, right


def test_the_trend_for_screens_is_the_same_chart_laid_out_twice() -> None:
    """640 wide for wide screens and print, 360 for phones (a 560-wide chart shrunk to a phone had 6 px
    type): the same points, links and words in each, its own ids, its dates placed for its width."""
    import re

    ids = charts.ChartIds()
    charts.profile_bars(VALUES, language="en", ids=ids)
    both = charts.trend_for_screens(_weeks(*MARCH_AND_JUNE), language="en", bucket="week", ids=ids)
    wide, narrow = (parse(svg) for svg in re.findall(r"<svg.*?</svg>", both, flags=re.S))
    assert wide.get("class") == "chart trend wide" and narrow.get("class") == "chart trend narrow"
    assert (wide.get("viewBox"), narrow.get("viewBox")) == ("0 0 640 240", "0 0 360 240")
    assert wide.get("aria-labelledby") == "ttrend1 dtrend1"
    assert narrow.get("aria-labelledby") == "ttrend2 dtrend2"
    for root in (wide, narrow):
        assert [a.get("href") for a in root.iter(f"{NS}a")] == [f"/w/{d}" for d in MARCH_AND_JUNE]
        assert len(_dots(root)) == 4 and len(_lines(root)) == 1
    assert wide.find(f"{NS}desc").text == narrow.find(f"{NS}desc").text  # type: ignore[union-attr]
    assert len(_date_spans(narrow)) < len(_date_spans(wide))


def test_a_gap_too_narrow_to_say_so_is_named_by_a_key() -> None:
    """On a phone, tom's four weeks (September to November with empty weeks between) left grey bands
    too narrow for "no conversations" and nothing said what the grey was."""
    weeks = ("2026-09-07", "2026-10-12", "2026-11-02", "2026-11-23")
    narrow = parse(charts.trend(_weeks(*weeks), language="et", bucket="week", width=360))
    bands = narrow.findall(f".//{NS}g[@class='gap']")
    assert len(bands) == 3 and any(not texts(b) for b in bands)
    key = narrow.find(f"{NS}g[@class='key']")
    assert key is not None and texts(key) == ["vestlusi pole"]
    swatch, band = key.find(f"{NS}rect"), bands[0].find(f"{NS}rect")
    assert swatch is not None and band is not None and swatch.get("fill") == band.get("fill")
    top_of_plot = min(float(line.get("y1", 0)) for line in narrow.iter(f"{NS}line"))  # the 100 line
    assert float(swatch.get("y", 0)) + float(swatch.get("height", 0)) < top_of_plot - 12  # clear of a 100
    # every band says it itself: no key
    wide = parse(charts.trend(_weeks(*MARCH_AND_JUNE), language="en", bucket="week", width=640))
    assert wide.find(f"{NS}g[@class='key']") is None
    assert all(texts(b) == ["no conversations"] for b in wide.findall(f".//{NS}g[@class='gap']"))


def test_the_gap_band_and_its_words_stay_readable() -> None:
    assert charts.contrast(charts.MUTED, charts.GAP_FILL) >= 4.5  # "no conversations" on the band
    assert charts.GAP_FILL != "#ffffff" and charts.contrast("#ffffff", charts.GAP_FILL) > 1.1  # a band to see


def test_coverage_is_the_share_where_the_stage_applies_and_a_dash_where_it_never_does() -> None:
    # the bars printed present-in-all-conversations (33%) beside the table's present-where-it-applies (67%)
    from servio.report.summary import stage_values
    from tests.report.conftest import make_result

    results = [make_result("a", "ann", "T", "2026-10-01", {4: 80.0}),  # values carried
               make_result("b", "ann", "T", "2026-10-02", {1: 50.0}, missing=(4,)),  # applies, not carried
               make_result("c", "ann", "T", "2026-10-03", {1: 70.0})]  # values do not apply (a complaint)
    values, coverage = stage_values(results)
    assert coverage[4] == 0.5 and values[4] == 40.0
    assert coverage[1] == 1.0 and coverage[2] is None and values[2] is None
    root = parse(charts.profile_bars(values, language="en", coverage=coverage))
    printed = [t for t in texts(root) if t.endswith("%") or t == "–"]  # per stage: score dash, share
    assert printed == ["100%", "–", "–", "–", "–", "50%", "–", "–", "–", "–", "–", "–"]


def test_estonian_shares_put_a_space_before_the_percent_sign() -> None:
    # Estonian writes "50 %" (a no-break space, so the number and the sign never part); English "50%"
    from servio.report.numbers import percent_text

    assert percent_text(0.5, "et") == "50\u00a0%" and percent_text(0.5, "en") == "50%"
    assert percent_text(1 / 3, "et") == "33\u00a0%" and percent_text(None, "et") == "–"
    root = parse(charts.profile_bars({1: 60.0}, language="et", coverage={1: 0.5}))
    assert [t for t in texts(root) if t.endswith("%")] == ["50\u00a0%"]
