"""What a report says, as plain data: the HTML report, its PDF and the API's JSON are all made from it.

:func:`report_content` selects one agent's, one team's or everyone's results within the dates, and
computes once what the report shows (:mod:`servio.report.summary` and :mod:`servio.report.compare`):
the headline and profile, failure patterns, the trend, the agents × stages table, the conversations to
review first and, when asked, the comparison with an earlier period. :mod:`servio.report.html` draws
a :class:`Report`; the service shapes the same object into JSON. Frozen dataclasses, no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from servio.evaluate.feedback import texts
from servio.evaluate.profiles import UNKNOWN, profiles
from servio.model import LANGUAGES
from servio.report import summary
from servio.report.clock import made_at
from servio.report.compare import Comparison, compare
from servio.results import ConversationResult
from servio.stages import info

__all__ = ["LANGUAGES", "AgentRow", "Earlier", "Report", "chosen_language", "report_content",
           "report_language"]


@dataclass(frozen=True, slots=True)
class AgentRow:
    """One agent's row of a team's (or everyone's) agents × stages table."""

    #: None for the conversations that name no agent
    agent_id: str | None
    conversations: int
    overall: float
    #: per stage, the mean score where it applies (None where it never does)
    values: dict[int, float | None]


@dataclass(frozen=True, slots=True)
class Earlier:
    """The earlier period a report is compared with: its days and the comparison (``comparison.n_before``
    conversations; with none, every figure reads ``few``)."""

    date_from: date
    date_to: date
    comparison: Comparison


@dataclass(frozen=True, slots=True)
class Report:
    """Everything one report shows, in its language."""

    scope: str
    id: str | None
    language: str
    #: the days asked for (None: open)
    date_from: date | None
    date_to: date | None
    #: the days the report spans: those asked for, else its conversations' first and last day
    first_day: date | None
    last_day: date | None
    #: when it was made (``$SOURCE_DATE_EPOCH`` when set, see :mod:`servio.report.clock`)
    made_at: datetime
    conversations: int
    #: different agents among them (conversations without an agent count as one)
    agents: int
    #: the profile, stage values, patterns, trend and weakest conversations; None without conversations
    overview: summary.Overview | None
    #: the coaching tip of the weakest stage ("" without one)
    tip: str
    #: the agents × stages table of a team or period report (empty for an agent's)
    heatmap: tuple[AgentRow, ...]
    #: the earlier period, when one was asked for
    earlier: Earlier | None
    #: what the report says when it holds no conversation ("Team Tallinn had no conversations from ... to
    #: ...", :func:`servio.report.summary.quiet_text`); "" when it holds some
    quiet: str = ""


def report_language(results: Sequence[ConversationResult]) -> str:
    """``et`` when more than half of ``results`` are Estonian conversations, else ``en`` (a tie: ``en``):
    the language a report is written in unless one is chosen."""
    et = sum(1 for r in results if r.language == "et")
    return "et" if et * 2 > len(results) else "en"


def chosen_language(results: Sequence[ConversationResult], *, scope: str = "period", id: str | None = None,
                    date_from: date | str | None = None, date_to: date | str | None = None) -> str:
    """The language a report of these days is written in unless one is chosen: that of most of its
    conversations (:func:`report_language`); for a quiet period, that of the agent's or team's
    conversations on other days (an Estonian team's empty August is said in Estonian), else of all."""
    chosen = summary.select(results, scope=scope, id=id, date_from=date_from, date_to=date_to)
    return report_language(chosen or summary.select(results, scope=scope, id=id) or results)


def report_content(results: Sequence[ConversationResult], *, scope: str = "period", id: str | None = None,
                   date_from: date | str | None = None, date_to: date | str | None = None,
                   language: str | None = "en", worst: int = 5, compare_from: date | str | None = None,
                   compare_to: date | str | None = None) -> Report:
    """The report of one agent (``scope="agent"``), one team or all of ``results`` within the dates.

    ``language`` None writes it in :func:`chosen_language`.
    With ``compare_from`` and ``compare_to`` the conversations of that earlier period, selected the same
    way, are compared with the report's own. Raises ValueError for an unknown scope or language, a
    missing id, or half a comparison period.
    """
    chosen = summary.select(results, scope=scope, id=id, date_from=date_from, date_to=date_to)
    if language is None:
        language = chosen_language(results, scope=scope, id=id, date_from=date_from, date_to=date_to)
    if language not in LANGUAGES:
        raise ValueError(f"language must be 'et' or 'en', not {language!r}")
    start, end = summary.as_date(compare_from), summary.as_date(compare_to)
    if (start is None) != (end is None):
        raise ValueError("a comparison needs both compare_from and compare_to")
    lo, hi = summary.as_date(date_from), summary.as_date(date_to)
    dates = [d for r in chosen if (d := summary.result_date(r)) is not None]
    ov = (summary.overview(chosen, kind=scope, id=id or "all", language=language, worst=worst)
          if chosen else None)
    earlier = None
    if chosen and start is not None and end is not None:
        before = summary.select(results, scope=scope, id=id, date_from=start, date_to=end)
        earlier = Earlier(start, end, compare(before, chosen))
    return Report(
        scope=scope, id=id, language=language, date_from=lo, date_to=hi,
        first_day=lo or (min(dates) if dates else None), last_day=hi or (max(dates) if dates else None),
        made_at=made_at(), conversations=len(chosen), agents=len({r.agent_id for r in chosen}),
        overview=ov, tip=_stage_tip(ov.profile.named_weakest if ov else None, language),
        heatmap=_agent_rows(chosen, language) if scope != "agent" else (),
        earlier=earlier,
        quiet="" if chosen else summary.quiet_text(scope, id, lo, hi, language),
    )


def _stage_tip(stage: int | None, language: str) -> str:
    if stage is None:
        return ""
    return str(texts(language)["stage"][info(stage).key].get("improve", ""))


def _agent_rows(chosen: Sequence[ConversationResult], language: str) -> tuple[AgentRow, ...]:
    rows = []
    for prof in profiles(chosen, by="agent", language=language):
        mine = [r for r in chosen if (r.agent_id or UNKNOWN) == prof.id]
        values, _ = summary.stage_values(mine)
        rows.append(AgentRow(None if prof.id == UNKNOWN else prof.id, len(mine), prof.overall, values))
    return tuple(rows)
