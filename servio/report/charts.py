"""Charts as inline SVG strings, generated in Python (no plotting library).

Every chart carries ``role="img"``, an ``aria-labelledby`` pointing at its
``<title>`` and ``<desc>``, and prints its numbers as text so that colour is
never the only carrier of meaning. Labels come from the stage metadata and
the interface strings (:mod:`servio.web.i18n`) in the requested language.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from servio.report import buckets
from servio.report.numbers import day_text, percent_text, turn_number
from servio.stages import ALL_STAGES, info
from servio.web.i18n import strings

Values = Mapping[int, float | None]  # stage -> score 0..100, None when the stage never applies
INK = "#1f2328"
MUTED = "#57606a"
GRID = "#d0d7de"


class ChartIds:
    """The numbers of one page's charts (a report, a dashboard page), each kind counted from 1.

    A chart's ``<title>``/``<desc>`` ids carry its kind and number. Pass one ``ChartIds`` to every
    chart of a page: the ids are then unique in the page and depend only on the page, not on what
    else was drawn in the process. A chart drawn without one is number 1 of its kind, which is
    enough for a page with at most one chart of each kind.
    """

    __slots__ = ("_counts",)

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}

    def next(self, kind: str) -> int:
        """The next number of a chart of ``kind`` on this page: 1, 2, …"""
        self._counts[kind] = self._counts.get(kind, 0) + 1
        return self._counts[kind]


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One bucket of the trend: the day it starts, that day as a label (as the page writes days), the
    mean score, how many conversations, a link to them. The chart places the point by ``start``."""

    start: date
    label: str
    value: float
    count: int
    href: str | None = None


# ------------------------------------------------------------------ colour


def _luminance(colour: str) -> float:
    rgb = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours (1..21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_on(background: str) -> str:
    """Dark ink or white, whichever reads better on ``background``; pure black when neither reaches 4.5:1."""
    best = max((INK, "#ffffff"), key=lambda c: contrast(c, background))
    return best if contrast(best, background) >= 4.5 else max(("#000000", "#ffffff"),
                                                                key=lambda c: contrast(c, background))


_HEAT = ((0.0, (165, 15, 45)), (50.0, (247, 247, 247)), (100.0, (25, 90, 160)))  # red - white - blue


def heat_colour(score: float | None) -> tuple[str, str]:
    """Background and text colour of a heatmap cell (red weak, blue strong; grey when not applicable)."""
    if score is None:
        return "#eaeef2", MUTED
    s = min(100.0, max(0.0, score))
    (x0, c0), (x1, c1) = (_HEAT[0], _HEAT[1]) if s <= 50 else (_HEAT[1], _HEAT[2])
    t = (s - x0) / (x1 - x0)
    bg = "#" + "".join(f"{round(a + (b - a) * t):02x}" for a, b in zip(c0, c1, strict=True))
    return bg, text_on(bg)


# ------------------------------------------------------------------ svg pieces


def _open(width: float, height: float, title: str, desc: str, css_class: str,
          ids: ChartIds | None, extra_class: str | None = None) -> tuple[str, str]:
    n = (ids if ids is not None else ChartIds()).next(css_class)
    classes = f"chart {css_class} {extra_class}" if extra_class else f"chart {css_class}"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{classes}" '
        f'viewBox="0 0 {width:g} {height:g}" '
        f'width="{width:g}" height="{height:g}" role="img" aria-labelledby="t{css_class}{n} d{css_class}{n}" '
        f'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="12">'
        f'<title id="t{css_class}{n}">{escape(title)}</title><desc id="d{css_class}{n}">{escape(desc)}</desc>'
    )
    return head, "</svg>"


def _link(href: str | None, inner: str, label: str) -> str:
    if not href:
        return inner
    return f'<a href="{escape(href)}" aria-label="{escape(label)}">{inner}</a>'


def score_text(v: float | None) -> str:
    """A score as the charts and tables print it: a whole number, or a dash where there is none."""
    return "–" if v is None else f"{v:.0f}"


# ------------------------------------------------------------------ profile


def profile_radar(values: Values, *, language: str, title: str | None = None,
                  links: Mapping[int, str] | None = None, size: int = 360,
                  ids: ChartIds | None = None) -> str:
    """The seven-stage profile as a radar: one axis per stage, rings at 25/50/75/100."""
    t = strings(language)
    width = size + 140
    cx, cy, r = width / 2, size / 2, size / 2 - 50
    desc = _profile_desc(values, language)
    head, tail = _open(width, size, title or t["chart_profile_title"], desc, "radar", ids)
    parts = [head]
    angle: dict[int, float] = {s: -math.pi / 2 + 2 * math.pi * i / len(ALL_STAGES)
                               for i, s in enumerate(ALL_STAGES)}

    def at(stage: int, score: float) -> tuple[float, float]:
        a = angle[stage]
        return cx + r * score / 100 * math.cos(a), cy + r * score / 100 * math.sin(a)

    for ring in (25, 50, 75, 100):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (at(s, ring) for s in ALL_STAGES))
        parts.append(f'<polygon points="{pts}" fill="none" stroke="{GRID}"/>')
        parts.append(f'<text x="{cx + 4:.1f}" y="{cy - r * ring / 100 + 12:.1f}" fill="{MUTED}" '
                     f'font-size="9">{ring}</text>')
    for s in ALL_STAGES:
        x, y = at(s, 100)
        parts.append(f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
    shape = " ".join(f"{x:.1f},{y:.1f}" for x, y in (at(s, values.get(s) or 0) for s in ALL_STAGES))
    parts.append(f'<polygon points="{shape}" fill="#4e79a7" fill-opacity="0.22" stroke="#2b5783" '
                 f'stroke-width="2"/>')
    for s in ALL_STAGES:
        parts.append(_radar_point(s, values.get(s), at, angle[s], cx, cy, r, language, links))
    parts.append(tail)
    return "".join(parts)


def _radar_point(s: int, v: float | None, at: Callable[[int, float], tuple[float, float]], a: float,
                 cx: float, cy: float, r: float, language: str, links: Mapping[int, str] | None) -> str:
    meta = info(s)
    x, y = at(s, v or 0)
    lx, ly = cx + (r + 16) * math.cos(a), cy + (r + 16) * math.sin(a)
    anchor = "middle" if abs(math.cos(a)) < 0.3 else ("start" if math.cos(a) > 0 else "end")
    dy = -4 if math.sin(a) < -0.3 else (12 if math.sin(a) > 0.3 else 4)
    name = f"{s} {meta.short(language)}"
    dot = "" if v is None else (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{meta.colour}" '
                                f'stroke="#fff" stroke-width="1.5"/>')
    label = (f'<text x="{lx:.1f}" y="{ly + dy:.1f}" text-anchor="{anchor}" fill="{INK}">{escape(name)} '
             f'<tspan font-weight="700">{score_text(v)}</tspan></text>')
    href = (links or {}).get(s)
    return _link(href, dot + label, f"{meta.name(language)}: {score_text(v)}")


def _profile_desc(values: Values, language: str) -> str:
    t = strings(language)
    parts = [f"{info(s).short(language)} {score_text(values.get(s))}" for s in ALL_STAGES]
    return f"{t['chart_profile_desc']} " + "; ".join(parts) + "."


def profile_bars(values: Values, *, language: str, coverage: Mapping[int, float | None] | None = None,
                 title: str | None = None, links: Mapping[int, str] | None = None, width: int = 440,
                 ids: ChartIds | None = None) -> str:
    """The seven-stage profile as horizontal bars in the stage colours, score (and coverage) printed.

    ``coverage`` is a share (0..1) per stage, None (a dash) where the stage never applies.
    """
    t = strings(language)
    row, left = 30, 120
    top = 24 if coverage is not None else 8  # room for the column heads over the printed numbers
    track = width - left - (110 if coverage else 44)
    height = top + row * len(ALL_STAGES) + 8
    desc = _profile_desc(values, language) + " " + t["chart_bars_desc"]
    head, tail = _open(width, height, title or t["chart_profile_title"], desc, "bars", ids)
    parts = [head]
    if coverage is not None:  # say what the two numbers are: the grey one is no score
        for dx, head in ((6, t["score"]), (42, t["coverage_col"].lower())):  # the stage table's words
            parts.append(f'<text x="{left + track + dx}" y="14" fill="{MUTED}" font-size="{_SMALL_FONT}">'
                         f'{escape(head)}</text>')
    for i, s in enumerate(ALL_STAGES):
        meta, v = info(s), values.get(s)
        y = top + i * row
        inner = [f'<text x="{left - 8}" y="{y + 17}" text-anchor="end" fill="{INK}">{s} '
                 f'{escape(meta.short(language))}</text>',
                 f'<rect x="{left}" y="{y + 5}" width="{track}" height="16" rx="3" fill="#eef1f4"/>']
        if v is not None:
            inner.append(f'<rect x="{left}" y="{y + 5}" width="{track * max(v, 0) / 100:.1f}" height="16" '
                         f'rx="3" fill="{meta.colour}"/>')
        inner.append(f'<text x="{left + track + 6}" y="{y + 17}" fill="{INK}" font-weight="700">'
                     f'{score_text(v)}</text>')
        if coverage is not None:
            share = coverage.get(s)
            inner.append(f'<text x="{left + track + 42}" y="{y + 17}" fill="{MUTED}">'
                         f'{percent_text(share, language)}</text>')
        label = f"{meta.name(language)}: {t['score']} {score_text(v)}"
        parts.append(_link((links or {}).get(s), "".join(inner), label))
    parts.append(tail)
    return "".join(parts)


#: Colours of a change that its interval calls clear (GitHub's accessible green and red on white).
UP, DOWN = "#1a7f37", "#cf222e"


def signed(v: float | None) -> str:
    """A change as printed: ``+12``, ``−8`` (a minus sign, not a hyphen), ``0``, or a dash."""
    if v is None:
        return "–"
    r = round(v)
    return f"+{r}" if r > 0 else f"−{-r}" if r < 0 else "0"


def bound_text(v: float) -> str:
    """An interval's bound as printed: :func:`signed`, but a bound near zero keeps the decimals that say
    which side of zero it is on ("+0.1 … +9", "−0.3 … +4"), so that an interval read as a clear change
    never prints as "0 … +9", like one that holds zero."""
    if v == 0 or round(v) != 0:
        return signed(v)
    digits = 1
    while round(abs(v), digits) == 0 and digits < 3:
        digits += 1
    text = f"{abs(v):.{digits}f}" if round(abs(v), digits) else "<0.001"
    return f"+{text}" if v > 0 else f"−{text}"


def shown_change(before: float | None, after: float | None) -> str:
    """The change between two means as printed beside them: that of the whole numbers shown
    (``73 → 67`` is ``−6`` even when the exact means, 73.4 and 66.6, differ by 6.8), so that a reader can
    check it in their head; the exact figures stay in the API's JSON."""
    if before is None or after is None:
        return "–"
    return signed(float(score_text(after)) - float(score_text(before)))


def change_chart(rows: Sequence[tuple[str, str, float | None, float | None, str]], *,
                 language: str, earlier: str, later: str, width: int = 640,
                 ids: ChartIds | None = None, extra_class: str | None = None) -> str:
    """An earlier period against a later one, a row per figure: a hollow grey dot at the earlier score, a
    filled dot at the later one, a line between, and the change printed, in green or red where it is
    clear (``verdict`` ``up`` or ``down``, see :mod:`servio.report.compare`), grey otherwise.

    ``rows`` are ``(label, colour, before, after, verdict)``, scores 0..100 or None (the change printed is
    :func:`shown_change`'s);
    ``earlier`` and ``later`` name the two periods in the key.
    """
    t = strings(language)
    narrow = width < 500  # a phone's: the key on two lines, less room for the labels
    row, left, top, right = 30, (116 if narrow else 150), (62 if narrow else 44), (40 if narrow else 70)
    track = width - left - right
    height = top + row * len(rows) + 8
    desc = t["chart_change_desc"] + " " + "; ".join(
        f"{label}: {score_text(b)} → {score_text(a)} ({shown_change(b, a)}, {t['compare_' + verdict]})"
        for label, _, b, a, verdict in rows) + "."
    head, tail = _open(width, height, t["chart_change_title"], desc, "change", ids, extra_class)
    parts = [head]
    # the key: what the two dots are
    key_then = f'{escape(t["compare_earlier"])}: {escape(earlier)}'
    key_now = f'{escape(t["compare_now"])}: {escape(later)}'
    x_now, y_now = (0, 30) if narrow else (width * 0.5, 12)
    parts.append(f'<circle cx="14" cy="12" r="5" fill="#ffffff" stroke="{MUTED}" stroke-width="2"/>'
                 f'<text x="24" y="16" fill="{INK}">{key_then}</text>'
                 f'<circle cx="{x_now + 14:.0f}" cy="{y_now}" r="5" fill="{INK}"/>'
                 f'<text x="{x_now + 24:.0f}" y="{y_now + 4}" fill="{INK}">{key_now}</text>')
    for tick in (0, 25, 50, 75, 100):
        x = left + track * tick / 100
        parts.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 8}" '
                     f'stroke="{GRID}" stroke-dasharray="2 3"/><text x="{x:.1f}" y="{top - 10}" '
                     f'text-anchor="middle" fill="{MUTED}" font-size="{_SMALL_FONT}">{tick}</text>')
    for i, (label, colour, before, after, verdict) in enumerate(rows):
        y = top + i * row + row / 2
        parts.append(f'<text x="{left - 10}" y="{y + 4:.0f}" text-anchor="end" fill="{INK}">'
                     f'{escape(label)}</text>')
        xb = None if before is None else left + track * min(max(before, 0), 100) / 100
        xa = None if after is None else left + track * min(max(after, 0), 100) / 100
        if xb is not None and xa is not None:
            parts.append(f'<line x1="{xb:.1f}" y1="{y:.0f}" x2="{xa:.1f}" y2="{y:.0f}" stroke="{MUTED}" '
                         f'stroke-width="2"/>')
        if xb is not None:
            parts.append(f'<circle cx="{xb:.1f}" cy="{y:.0f}" r="6" fill="#ffffff" stroke="{MUTED}" '
                         f'stroke-width="2"/>')
        if xa is not None:
            parts.append(f'<circle cx="{xa:.1f}" cy="{y:.0f}" r="6" fill="{colour}" stroke="{INK}" '
                         f'stroke-width="1"/>')
        ink = UP if verdict == "up" else DOWN if verdict == "down" else MUTED
        weight = "700" if verdict in ("up", "down") else "400"
        parts.append(f'<text x="{width - 8}" y="{y + 4:.0f}" text-anchor="end" fill="{ink}" '
                     f'font-weight="{weight}">{shown_change(before, after)}</text>')
    parts.append(tail)
    return "".join(parts)


# ------------------------------------------------------------------ heatmap


_COS25 = math.cos(math.radians(25))
#: The smallest type of a chart a phone shows: 11 px (10 and 9 px were too small to read at 390 px).
_SMALL_FONT = 11


def heatmap(rows: Sequence[tuple[str, Values, float]], *, language: str, title: str | None = None,
            link: Callable[[str, int | None], str] | None = None, ids: ChartIds | None = None) -> str:
    """Agents (rows) × stages (columns) plus the overall score; every cell prints its value.

    ``rows`` are ``(label, stage values, overall)``; ``link(label, stage)`` gives a cell's
    address (``stage`` None for the overall column).
    """
    t = strings(language)
    cell_w, cell_h, left, top = 62, 30, 130, 78
    columns: list[tuple[int | None, str]] = [(s, f"{s} {info(s).short(language)}") for s in ALL_STAGES]
    columns.append((None, t["overall"]))
    # the headings rise to the right at 25°: the picture is wide enough for the last one's end
    # ("üldhinne" ran past the edge), whichever language's words these are
    ends = [left + (j + 0.5) * cell_w + _text_width(name, 11) * _COS25 for j, (_, name) in enumerate(columns)]
    width = max(left + cell_w * len(columns) + 4, math.ceil(max(ends)) + 4)
    height = top + cell_h * len(rows) + 4
    head, tail = _open(width, height, title or t["chart_heatmap_title"], t["chart_heatmap_desc"], "heatmap",
                       ids)
    parts = [head]
    for j, (_, name) in enumerate(columns):
        x = left + j * cell_w + cell_w / 2
        parts.append(f'<text x="{x:.0f}" y="{top - 10}" text-anchor="start" fill="{INK}" font-size="11" '
                     f'transform="rotate(-25 {x:.0f} {top - 10})">{escape(name)}</text>')
    for i, (label, values, overall) in enumerate(rows):
        y = top + i * cell_h
        parts.append(f'<text x="{left - 8}" y="{y + 19}" text-anchor="end" fill="{INK}">'
                     f'{escape(label)}</text>')
        for j, (stage, name) in enumerate(columns):
            v = overall if stage is None else values.get(stage)
            bg, fg = heat_colour(v)
            x = left + j * cell_w
            cell = (f'<rect x="{x + 1}" y="{y + 1}" width="{cell_w - 2}" height="{cell_h - 2}" fill="{bg}"/>'
                    f'<text x="{x + cell_w / 2:.0f}" y="{y + 19}" text-anchor="middle" fill="{fg}" '
                    f'font-weight="600">{score_text(v)}</text>')
            href = link(label, stage) if link else None
            parts.append(_link(href, cell, f"{label}, {name}: {score_text(v)}"))
    parts.append(tail)
    return "".join(parts)


# ------------------------------------------------------------------ trend

TREND_INK = "#2b5783"
GAP_FILL = "#eef1f4"  # the bars' track: a band that shows on a phone, its words 5.6:1
_AXIS_FONT, _DATE_FONT, _VALUE_FONT = 11, 11, 12
_EM = 0.62  # a character's width per unit of font size: digits, dots and hyphens of system-ui, room to spare


def _text_width(text: str, size: float) -> float:
    return _EM * size * len(text)


def trend_gaps(points: Sequence[TrendPoint], bucket: str) -> list[tuple[date, date]]:
    """The stretches without conversations between the points: (first day, last day) of each run of
    empty buckets, in date order. Raises ValueError for points out of date order or an unknown bucket."""
    buckets.check(bucket)
    out = []
    for a, b in zip(points, points[1:], strict=False):
        if b.start <= a.start:
            raise ValueError(f"trend points must be in date order, one a bucket: {b.start} after {a.start}")
        after = buckets.following(a.start, bucket)
        if after < b.start:
            out.append((after, b.start - timedelta(days=1)))
    return out


def _gap_text(gaps: Sequence[tuple[date, date]], language: str, bucket: str) -> str:
    """The gaps in words: "2026-03-23 – 2026-05-31; 2026-07" (a month or a day alone when it is one)."""
    words = []
    for first, last in gaps:
        lo, hi = (day_text(d, language, month=bucket == "month") for d in (first, last))
        words.append(lo if lo == hi else f"{lo} – {hi}")
    return "; ".join(words)


def trend_caption(points: Sequence[TrendPoint], *, language: str, bucket: str = "week") -> str:
    """What the trend shows, in words: the mean overall score per bucket, each point with its count,
    then the days without conversations (where the line breaks)."""
    t = strings(language)
    listed = ", ".join(f"{p.label} {p.value:.0f} (n={p.count})" for p in points) or t["chart_trend_empty"]
    text = t["chart_trend_desc"].format(bucket=t.get(f"bucket_{bucket}", bucket), points=listed)
    gaps = trend_gaps(points, bucket)
    return f"{text} {t['chart_trend_gaps'].format(gaps=_gap_text(gaps, language, bucket))}" if gaps else text


def trend(points: Sequence[TrendPoint], *, language: str, bucket: str = "week", title: str | None = None,
          width: int = 640, height: int = 240, screen: str | None = None, ids: ChartIds | None = None) -> str:
    """A line of the mean overall score per time bucket, y from 0 to 100, each point labelled.

    The x axis is time: each point stands at its bucket's first day, so a bucket without conversations
    keeps its room. It has no point (no conversations is no score, not a score of 0), the line breaks
    there and a grey band says "no conversations"; a band too narrow to say so is named by a key above
    the plot. ``screen`` ("wide" or "narrow") adds that class for the style sheets that show one chart
    per screen width (:func:`trend_for_screens`).
    """
    if screen not in (None, "wide", "narrow"):
        raise ValueError(f"screen must be 'wide', 'narrow' or None, not {screen!r}")
    trend_gaps(points, bucket)  # refuses points out of order and an unknown bucket
    t = strings(language)
    desc = trend_caption(points, language=language, bucket=bucket)
    head, tail = _open(width, height, title or t["chart_trend_title"], desc, "trend", ids, screen)
    left, right, top, bottom = 36, 16, 24, 36
    pad = 18  # keeps the first and last point clear of the axis labels and the edge
    pw, words = width - left - right, t["chart_trend_gap"]
    if not points:
        return "".join([head, *_trend_grid(left, width - right, top, height - top - bottom),
                        f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" fill="{MUTED}">'
                        f'{escape(t["chart_trend_empty"])}</text>', tail])
    first, days = points[0].start, (points[-1].start - points[0].start).days
    xs = [left + pad + (pw - 2 * pad) * (p.start - first).days / days if days else left + pw / 2
          for p in points]
    breaks = {i for i, (a, b) in enumerate(zip(points, points[1:], strict=False))
              if buckets.following(a.start, bucket) < b.start}
    keyed = any(not _band_says(words, xs[i], xs[i + 1]) for i in breaks)
    top += 18 if keyed else 0  # a row above the plot for the key
    ph = height - top - bottom
    xy = [(x, top + ph * (1 - p.value / 100)) for x, p in zip(xs, points, strict=True)]
    parts = [head, *([_gap_key(left, words)] if keyed else []), *_trend_grid(left, width - right, top, ph)]
    parts += [_gap_band(xy[i][0], xy[i + 1][0], top, ph, words) for i in sorted(breaks)]
    parts += _trend_lines(xy, breaks)
    parts += _trend_marks(points, xy, _date_labels(points, xy, pad, width, breaks), height - 14,
                          _value_labels(points, xy, breaks, top + ph))
    parts.append(tail)
    return "".join(parts)


def trend_for_screens(points: Sequence[TrendPoint], *, language: str, bucket: str = "week",
                      ids: ChartIds | None = None) -> str:
    """The trend twice: 640 wide for wide screens and 360 wide for phones, each laid out for its width
    (its dates, scores and gaps placed for it). The style sheets show one: ``svg.trend.narrow`` under
    600 px, ``svg.trend.wide`` otherwise and in print, so a phone gets a chart drawn at about its own size
    instead of the wide one shrunk to unreadable 6 px type."""
    ids = ids if ids is not None else ChartIds()
    return (trend(points, language=language, bucket=bucket, ids=ids, screen="wide")
            + trend(points, language=language, bucket=bucket, ids=ids, screen="narrow", width=360))


def _trend_marks(points: Sequence[TrendPoint], xy: Sequence[tuple[float, float]],
                 dated: Mapping[int, tuple[str, float]], date_y: float,
                 valued: Mapping[int, tuple[str, float, float]]) -> list[str]:
    """Each point's dot, its score and its date where they were given room, linked to its conversations."""
    out = []
    for i, (p, (x, y)) in enumerate(zip(points, xy, strict=True)):
        dot = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{TREND_INK}" stroke="#fff" stroke-width="1.5"/>'
        if i in valued:
            anchor, tx, base = valued[i]
            dot += (f'<text class="value" x="{tx:.1f}" y="{base:.1f}" text-anchor="{anchor}" fill="{INK}" '
                    f'font-size="{_VALUE_FONT}" font-weight="600">{p.value:.0f}</text>')
        if i in dated:
            anchor, tx = dated[i]
            dot += (f'<text class="date" x="{tx:.1f}" y="{date_y}" text-anchor="{anchor}" '
                    f'fill="{MUTED}" font-size="{_DATE_FONT}">{escape(p.label)}</text>')
        out.append(_link(p.href, dot, f"{p.label}: {p.value:.0f} (n={p.count})"))
    return out


def _trend_grid(x0: float, x1: float, top: float, ph: float) -> list[str]:
    out = []
    for g in (0, 25, 50, 75, 100):
        y = top + ph * (1 - g / 100)
        out.append(f'<line x1="{x0}" x2="{x1}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
                   f'<text x="{x0 - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}" '
                   f'font-size="{_AXIS_FONT}">{g}</text>')
    return out


def _band_says(words: str, xa: float, xb: float) -> bool:
    """Whether the band between points at ``xa`` and ``xb`` has room to write ``words`` across it."""
    return _text_width(words, _DATE_FONT) + 8 <= (xb - 9) - (xa + 9)


def _gap_band(xa: float, xb: float, top: float, ph: float, words: str) -> str:
    """A grey band over the plot between two points with empty buckets between them, the grid hidden
    under it, and "no conversations" written across it where that fits."""
    lo, hi = xa + 9, xb - 9  # clear of the dots
    band = (f'<g class="gap"><rect x="{lo:.1f}" y="{top - 4}" width="{max(0.0, hi - lo):.1f}" '
            f'height="{ph + 8:.1f}" fill="{GAP_FILL}"/>')
    if _band_says(words, xa, xb):
        band += (f'<text x="{(lo + hi) / 2:.1f}" y="{top + ph / 2 + 4:.1f}" text-anchor="middle" '
                 f'fill="{MUTED}" font-size="{_DATE_FONT}">{escape(words)}</text>')
    return band + "</g>"


def _gap_key(x: float, words: str) -> str:
    """The key above the plot: a swatch of the gap's grey, "no conversations"."""
    return (f'<g class="key"><rect x="{x}" y="6" width="16" height="12" fill="{GAP_FILL}" stroke="{GRID}"/>'
            f'<text x="{x + 22}" y="16" fill="{MUTED}" font-size="{_DATE_FONT}">{escape(words)}</text></g>')


def _trend_lines(xy: Sequence[tuple[float, float]], breaks: set[int]) -> list[str]:
    """One polyline per run of consecutive buckets (a run of one point is its dot alone)."""
    runs: list[list[tuple[float, float]]] = [[]]
    for i, point in enumerate(xy):
        runs[-1].append(point)
        if i in breaks:
            runs.append([])
    return [f'<polyline fill="none" stroke="{TREND_INK}" stroke-width="2.5" points="'
            + " ".join(f"{x:.1f},{y:.1f}" for x, y in run) + '"/>' for run in runs if len(run) > 1]


def _date_labels(points: Sequence[TrendPoint], xy: Sequence[tuple[float, float]], pad: float, width: float,
                 breaks: set[int]) -> dict[int, tuple[str, float]]:
    """Which points get a date under the axis (``{index: (anchor, x)}``): the last one (anchored at its
    end), the first, the points either side of a gap, then the others from the left; each only where it
    stays inside the chart and clear of a date already placed."""
    last = len(points) - 1
    edges = [j for i in sorted(breaks) for j in (i + 1, i)]
    taken: list[tuple[float, float]] = []
    out: dict[int, tuple[str, float]] = {}
    for i in dict.fromkeys([last, 0, *edges, *range(1, last)]):
        w = _text_width(points[i].label, _DATE_FONT)
        x = xy[i][0]
        if i == last and last > 0:
            anchor, tx, span = "end", x + pad, (x + pad - w, x + pad)
        else:
            anchor, tx, span = "middle", x, (x - w / 2, x + w / 2)
        inside = span[0] >= 0 and span[1] <= width
        if inside and all(span[1] + 4 <= lo or span[0] >= hi + 4 for lo, hi in taken):
            taken.append(span)
            out[i] = (anchor, tx)
    return out


def _value_labels(points: Sequence[TrendPoint], xy: Sequence[tuple[float, float]], breaks: set[int],
                  floor: float) -> dict[int, tuple[str, float, float]]:
    """Where points print their score, ``{index: (anchor, x, baseline)}``, so that the line does not run
    through the number: above the dot; below it in a dip (each neighbour higher), or beside it when that
    would reach the 0 line; on a slope, up and to the side the line falls away from. The last, the
    first, then the others from the left, each only where it does not run into one already printed
    (the desc and the links say every score). ``floor`` is the y of the 0 line, ``breaks`` the indexes
    after which the line breaks."""
    cap = 0.75 * _VALUE_FONT  # the height of a digit
    boxes: list[tuple[float, float, float, float]] = []
    out: dict[int, tuple[str, float, float]] = {}
    for i in dict.fromkeys([len(points) - 1, 0, *range(len(points))]):
        (x, y), w = xy[i], _text_width(f"{points[i].value:.0f}", _VALUE_FONT)
        before = xy[i - 1][1] if i > 0 and i - 1 not in breaks else None
        after = xy[i + 1][1] if i + 1 < len(points) and i not in breaks else None
        near = [v for v in (before, after) if v is not None]  # y grows downwards: smaller is higher
        if near and all(v < y for v in near):  # a dip: under the dot, or beside it near the 0 line
            below = y + 9 + cap <= floor - 2
            anchor, tx, base = ("middle", x, y + 9 + cap) if below else ("start", x + 8, y + 4)
        elif before is not None and after is not None and before > y > after:  # rising: upper left is free
            anchor, tx, base = "end", x - 5, y - 7
        elif before is not None and after is not None and before < y < after:  # falling: the upper right
            anchor, tx, base = "start", x + 5, y - 7
        else:
            anchor, tx, base = "middle", x, y - 9
        lo = {"start": tx, "middle": tx - w / 2, "end": tx - w}[anchor]
        box = (lo - 1, lo + w + 1, base - cap - 2, base + 2)
        if all(box[1] <= b[0] or b[1] <= box[0] or box[3] <= b[2] or b[3] <= box[2] for b in boxes):
            boxes.append(box)
            out[i] = (anchor, tx, base)
    return out


# ------------------------------------------------------------------ timeline


#: Speaker row fills: each keeps 3:1 against the white page and against the other (WCAG non-text contrast).
SPEAKER_FILL = {"agent": "#24292f", "customer": "#8c959f"}
OTHER_SPEAKER_FILL = "#eaeef2"
#: A stage cell a turn does not carry.
EMPTY_CELL = "#f6f8fa"
#: The edge of a cell a turn carries: several stage colours (2 orange, 4 teal, 5 green) are under 3:1
#: against an empty cell, so the fill alone did not tell a low-vision reader which stages a turn carries
#: (WCAG 1.4.11, audit 21 M4); this edge is about 14:1 against it. static/app.js draws a correction the same.
STAGE_EDGE = INK


def timeline(turn_stages: Sequence[frozenset[int]], speakers: Sequence[str], *, language: str,
             title: str | None = None, href: Callable[[int], str] | None = None, max_width: int = 760,
             ids: ChartIds | None = None) -> str:
    """A compact stage-coloured strip: one column per turn, one row per stage, the speaker on top.

    ``speakers`` holds ``agent``/``customer``/``system`` per turn; ``href(i)`` links a column by its
    0-based index; the labels a person reads number the turns from 1. A key above the strip names the
    speaker marks' colours.
    """
    t = strings(language)
    n = len(turn_stages)
    stage_labels = [f"{s} {info(s).short(language)}" for s in ALL_STAGES]
    left = max(96, math.ceil(max(_text_width(name, _SMALL_FONT) for name in stage_labels)) + 10)
    top, row = 34, 14
    col = max(6.0, min(26.0, (max_width - left - 8) / max(1, n)))
    key, key_width = _speaker_key(speakers, t, x=left, row_y=top - 4)
    width, height = max(left + col * n, left + key_width) + 8, top + row * len(ALL_STAGES) + 20
    title = title or t["chart_timeline_title"]
    head, tail = _open(width, height, title, t["chart_timeline_desc"].format(n=n), "timeline", ids)
    parts = [head, key]
    for k, name in enumerate(stage_labels):
        parts.append(f'<text x="{left - 6}" y="{top + k * row + 11}" text-anchor="end" fill="{INK}" '
                     f'font-size="{_SMALL_FONT}">{escape(name)}</text>')
    for i, (stages, who) in enumerate(zip(turn_stages, speakers, strict=True)):
        x = left + i * col
        fill = SPEAKER_FILL.get(who, OTHER_SPEAKER_FILL)
        cells = [f'<rect x="{x + 0.5:.1f}" y="{top - 12}" width="{col - 1:.1f}" height="8" fill="{fill}"/>']
        for k, s in enumerate(ALL_STAGES):
            # every cell is inset by half the edge's width, so that a carried stage's edge stays inside its
            # column and cells keep their gaps (a correction then changes only fill and stroke, app.js)
            look = (f'fill="{info(s).colour}" stroke="{STAGE_EDGE}" stroke-width="1"' if s in stages
                    else f'fill="{EMPTY_CELL}"')
            cells.append(f'<rect x="{x + 1:.1f}" y="{top + k * row + 1.5}" width="{col - 2:.1f}" '
                         f'height="{row - 3}" {look}/>')
        names = ", ".join(info(s).short(language) for s in sorted(stages)) or "–"
        label = f"{t['turn']} {turn_number(i)}, {t.get(who, who)}: {names}"
        cells.append(f"<title>{escape(label)}</title>")
        parts.append(_link(href(i) if href else None, f"<g>{''.join(cells)}</g>", label))
    for i in _ticks(n):
        parts.append(f'<text x="{left + i * col + col / 2:.1f}" y="{height - 4}" text-anchor="middle" '
                     f'fill="{MUTED}" font-size="{_SMALL_FONT}">{turn_number(i)}</text>')
    parts.append(tail)
    return "".join(parts)


def _speaker_key(speakers: Sequence[str], t: Mapping[str, str], *, x: float, row_y: float
                 ) -> tuple[str, float]:
    """The speaker row's label (at ``row_y``) and the key above it: a swatch and a name per speaker there.

    Returns the SVG and the key's width from ``x``.
    """
    order = [w for w in SPEAKER_FILL if w in speakers] + sorted(set(speakers) - set(SPEAKER_FILL))
    parts = [f'<g class="key"><text x="{x - 6}" y="{row_y}" text-anchor="end" fill="{INK}" '
             f'font-size="{_SMALL_FONT}">{escape(t["chart_speaker"])}</text>']
    at = x
    for who in order:
        name, fill = t.get(who, who), SPEAKER_FILL.get(who, OTHER_SPEAKER_FILL)
        parts.append(f'<rect x="{at:.1f}" y="2" width="10" height="8" fill="{fill}" stroke="{GRID}" '
                     f'stroke-width="0.5"/><text x="{at + 14:.1f}" y="10" fill="{INK}" '
                     f'font-size="{_SMALL_FONT}">{escape(name)}</text>')
        at += 14 + _text_width(name, _SMALL_FONT) + 8
    parts.append("</g>")
    return "".join(parts), at - x


def _ticks(n: int) -> list[int]:
    """The indexes of the columns numbered under the strip: turn 1, then every fifth turn (5, 10, …)."""
    return sorted({0, *range(4, n, 5)}) if n else []
