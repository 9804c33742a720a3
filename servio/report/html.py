"""Self-contained HTML reports for an agent, a team or a period.

One file: the CSS and every chart (inline SVG) are inside it, nothing is
fetched. The page is built from :mod:`servio.report.summary` and the
``templates/report.html`` Jinja2 template; texts come from the interface
strings and the coaching data in the report's language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from servio.model import Conversation
from servio.report import charts, summary
from servio.report.content import LANGUAGES, AgentRow, Earlier, Report, report_content
from servio.report.numbers import day_text, percent_text, turn_number
from servio.results import ConversationResult
from servio.stages import ALL_STAGES, info
from servio.web.i18n import strings

if TYPE_CHECKING:
    import jinja2

#: agents per heatmap chart: 25 rows (830 px) fit a printed A4 page below the section heading
HEATMAP_ROWS = 25
#: conversation ids listed per failure pattern, the rest counted: a year's 8,000 ids made 400 KB of the report
PATTERN_IDS = 10


@cache
def _env() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("servio.report", "templates"),
                             autoescape=jinja2.select_autoescape(["html"]), trim_blocks=True,
                             lstrip_blocks=True)
    env.filters["turn_no"] = turn_number
    env.filters["percent"] = percent_text
    env.filters["whole_dates"] = whole_dates
    return env


_ISO_DATE = re.compile(r"\d{4}-\d{2}(?:-\d{2})?(?: \d{2}:\d{2})?")


def whole_dates(text: str) -> Markup:
    """``text`` escaped, each ISO date in a ``<span class="date">`` that the style sheet keeps on one
    line: a browser may break a line after any hyphen, and "2026-10-" / "12" reads as two things."""
    out, last = [], 0
    for m in _ISO_DATE.finditer(text):
        out += [escape(text[last:m.start()]), Markup('<span class="date">{}</span>').format(m.group(0))]
        last = m.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def build_report(results: Sequence[ConversationResult],
                 conversations: Mapping[str, Conversation] | Iterable[Conversation] | None = None, *,
                 scope: str = "period",
                 id: str | None = None, date_from: date | str | None = None,
                 date_to: date | str | None = None, language: str = "en", worst: int = 5,
                 scorecard: str | None = None, compare_from: date | str | None = None,
                 compare_to: date | str | None = None, links: str | None = None) -> str:
    """A self-contained HTML report of one agent, one team or all conversations within the dates.

    The same input gives the same bytes when ``$SOURCE_DATE_EPOCH`` is set: the report says it was made
    then (else now, see :mod:`servio.report.clock`) and numbers its charts from 1.
    ``conversations`` (for quotes and speakers) map ids to conversations or are any iterable of them,
    such as the list :func:`servio.ingest.read_all` returns; anything else is a TypeError.
    ``scorecard`` names the scorecard the results were scored with, when it is not the default one.
    With ``compare_from`` and ``compare_to``, the report compares its conversations with those of that
    earlier period, selected the same way (:mod:`servio.report.compare`).
    ``links`` (the address of a dashboard's conversation pages, ``https://servio.example.ee/ui/conversations/``)
    makes every conversation id a link to its page there; without it the report names the ids as plain text.
    """
    by_id = _by_id(conversations)
    if language not in LANGUAGES:
        raise ValueError(f"language must be 'et' or 'en', not {language!r}")
    report = report_content(results, scope=scope, id=id, date_from=date_from, date_to=date_to,
                            language=language, worst=worst, compare_from=compare_from, compare_to=compare_to)
    return render_report(report, by_id, scorecard=scorecard, links=links)


def _linker(links: str | None) -> Callable[[str], Markup]:
    """A conversation id as the report shows it: a link to its dashboard page under ``links``, else text."""
    from urllib.parse import quote

    if not links:
        return lambda cid: escape(cid)
    return lambda cid: Markup('<a href="{}">{}</a>').format(links + quote(cid, safe=""), cid)


def render_report(report: Report,
                  conversations: Mapping[str, Conversation] | Iterable[Conversation] | None = None, *,
                  scorecard: str | None = None, links: str | None = None) -> str:
    """The self-contained HTML page of ``report`` (:func:`servio.report.content.report_content`);
    ``conversations``, ``scorecard`` and ``links`` as :func:`build_report` takes them."""
    by_id = _by_id(conversations)
    language = report.language
    t = strings(language)
    context: dict[str, Any] = {
        "t": t,
        "lang": language,
        "title": t[f"report_title_{report.scope}"].format(id=report.id or ""),
        "period": _period(report.first_day, report.last_day, t, language),
        "generated": _generated(report.made_at, language),
        "n": report.conversations,
        "scope": report.scope,
        "pattern_ids": PATTERN_IDS,
        "scorecard": scorecard,
        "quiet": report.quiet,
        "conversation_link": _linker(links),
    }
    if report.overview is not None:
        ids = charts.ChartIds()
        context.update(_body(report, report.overview, by_id, ids))
        if report.earlier is not None:
            earlier = report.earlier
            shown = _period(earlier.date_from, earlier.date_to, t, language)
            context["compare"] = _comparison(earlier, shown, context["period"], language, ids)
    return _env().get_template("report.html").render(**context)


def _by_id(conversations: Mapping[str, Conversation] | Iterable[Conversation] | None,
           ) -> Mapping[str, Conversation]:
    if conversations is None:
        return {}
    if isinstance(conversations, Mapping):
        return conversations
    if isinstance(conversations, str | bytes) or not isinstance(conversations, Iterable):
        raise TypeError("conversations must map ids to Conversations or be an iterable of Conversations, "
                        f"not {type(conversations).__name__}")
    by_id: dict[str, Conversation] = {}
    for c in conversations:
        if not isinstance(c, Conversation):
            raise TypeError(f"conversations must be Conversations, not {type(c).__name__}")
        by_id[c.id] = c
    return by_id


def _generated(now: datetime, language: str) -> str:
    return f"{day_text(now.date(), language)} {now:%H:%M} UTC"


def _period(lo: date | None, hi: date | None, t: Mapping[str, str], language: str) -> str:
    if lo is None and hi is None:
        return t["report_all_dates"]
    return f"{day_text(lo, language) if lo else '…'} – {day_text(hi, language) if hi else '…'}"


def _body(report: Report, ov: summary.Overview, conversations: Mapping[str, Conversation],
          ids: charts.ChartIds) -> dict[str, Any]:
    from markupsafe import Markup

    language = report.language
    p = ov.profile
    out: dict[str, Any] = {
        "ov": ov,
        "profile": p,
        "strongest": info(p.named_strongest).name(language) if p.named_strongest else None,
        "weakest": info(p.named_weakest) if p.named_weakest else None,
        "weakest_tip": report.tip,
        "radar": Markup(charts.profile_radar(ov.values, language=language, ids=ids)),
        "bars": Markup(charts.profile_bars(ov.values, coverage=ov.coverage, language=language, ids=ids)),
        "trend": Markup(charts.trend_for_screens(ov.trend, language=language, bucket=ov.bucket, ids=ids))
        if ov.trend else None,
        "trend_caption": charts.trend_caption(ov.trend, language=language, bucket=ov.bucket),
        "agents": report.agents,
        "heatmap": Markup(_heatmap(report.heatmap, language, ids)) if report.scope != "agent" else None,
        "worst": [_worst_item(r, conversations.get(r.conversation_id), language, ids) for r in ov.worst],
    }
    return out


def _comparison(earlier: Earlier, earlier_period: str, period: str, language: str,
                ids: charts.ChartIds) -> dict[str, Any]:
    """The comparison section: its chart, its table (overall, then the stages) and the failure patterns."""
    from markupsafe import Markup

    from servio.evaluate.feedback import pattern_name

    t = strings(language)
    cmp = earlier.comparison
    out: dict[str, Any] = {"earlier": earlier_period, "n_before": cmp.n_before, "n_after": cmp.n_after}
    if not cmp.n_before:
        return out
    figures = [(t["overall"].capitalize(), charts.INK, cmp.overall)]
    figures += [(f"{s} {info(s).short(language)}", info(s).colour, cmp.stages[int(s)]) for s in ALL_STAGES]
    rows = [(label, colour, c.before, c.after, c.verdict) for label, colour, c in figures]
    # drawn twice, as the trend is: 640 wide, and 360 wide for phones (the style sheet shows one)
    out["chart"] = Markup("".join(charts.change_chart(rows, language=language, earlier=earlier_period,
                                                      later=period, width=width, ids=ids, extra_class=kind)
                                  for width, kind in ((640, "wide"), (360, "narrow"))))
    shown = charts.score_text
    out["rows"] = [{"label": label, "before": shown(c.before), "after": shown(c.after),
                    "change": charts.shown_change(c.before, c.after), "verdict": c.verdict,
                    "interval": "–" if c.low is None or c.high is None
                    else f"{charts.bound_text(c.low)} … {charts.bound_text(c.high)}"}
                   for label, _, c in figures]
    out["patterns"] = [{"name": pattern_name(p.id, language), "before": p.before, "after": p.after,
                        "before_share": _share(p.before, cmp.n_before, language),
                        "after_share": _share(p.after, cmp.n_after, language)} for p in cmp.patterns]
    return out


def _share(count: int, n: int, language: str) -> str:
    return percent_text(count / n if n else None, language)


def _heatmap(rows: Sequence[AgentRow], language: str, ids: charts.ChartIds) -> str:
    unknown = strings(language)["unknown"]
    # each agent with the number of their conversations: a row of one conversation is no profile yet
    drawn = [(f"{unknown if row.agent_id is None else row.agent_id} ({row.conversations})", row.values,
              row.overall) for row in rows]
    # one chart per HEATMAP_ROWS agents: each fits an A4 page with its stage headings
    return "".join(charts.heatmap(drawn[i:i + HEATMAP_ROWS], language=language, ids=ids)
                   for i in range(0, len(drawn), HEATMAP_ROWS))


def _worst_item(r: ConversationResult, conv: Conversation | None, language: str,
                ids: charts.ChartIds) -> dict[str, Any]:
    from markupsafe import Markup

    speakers = [str(turn.speaker) for turn in conv.turns] if conv else ["system"] * len(r.turns)
    stages = [tt.stages for tt in r.turns]
    order = {"incomplete": -1, "missing": 0, "improve": 1, "praise": 2}
    coaching, quoted = [], set()
    for fb in sorted(r.feedback, key=lambda f: order.get(f.kind, 3)):
        quote = ""
        shown = conv is not None and fb.turn is not None and 0 <= fb.turn < len(conv.turns)
        if conv is not None and fb.turn is not None and shown and fb.turn not in quoted:
            quote = _shorten(conv.turns[fb.turn].text, 140)
            quoted.add(fb.turn)
        staged = fb.stage != 0  # the notice of an incomplete conversation is about no stage
        coaching.append({"kind": fb.kind, "stage": info(fb.stage).short(language) if staged else "",
                         "text": fb.text, "turn": fb.turn, "quote": quote,
                         "colour": info(fb.stage).colour if staged else "#d0d7de"})
    return {
        "r": r,
        "date": day_text(day, language) if (day := summary.result_date(r)) is not None else None,
        "timeline": Markup(charts.timeline(stages, speakers, language=language, max_width=640, ids=ids))
        if stages else "",
        "coaching": coaching,
        "patterns": summary.pattern_labels(r.failures, language),
    }


def _shorten(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1].rsplit(" ", 1)[0] + " …"
