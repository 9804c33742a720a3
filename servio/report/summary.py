"""What a report or a dashboard page shows about a set of results, computed once.

Pure functions over :class:`~servio.results.ConversationResult`: selection by
agent, team and period; per-stage values; failure patterns with the
conversations behind each count; the trend per day, week or month; the
weakest conversations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from statistics import fmean
from typing import TYPE_CHECKING

from servio.evaluate.feedback import pattern_name, texts
from servio.evaluate.profiles import failure_counts, profile
from servio.model import local_day
from servio.report import buckets
from servio.report.charts import TrendPoint
from servio.report.numbers import day_text
from servio.results import AgentProfile, ConversationResult, FailurePattern, StageScore
from servio.stages import ALL_STAGES
from servio.web.i18n import strings

if TYPE_CHECKING:
    from servio.evaluate.tally import ZeroScores

SCOPES = ("agent", "team", "period")


@dataclass(frozen=True, slots=True)
class PatternCount:
    """A failure pattern, its name in the report's language and the conversations that show it."""

    id: str
    name: str
    conversation_ids: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.conversation_ids)


@dataclass(frozen=True, slots=True)
class Overview:
    """Everything a profile page or a report needs about one selection of results."""

    profile: AgentProfile
    values: dict[int, float | None]
    #: per stage, the share of the conversations where it applies in which it was present (None: never)
    coverage: dict[int, float | None]
    patterns: tuple[PatternCount, ...]
    trend: tuple[TrendPoint, ...]
    bucket: str
    worst: tuple[ConversationResult, ...]


def result_date(r: ConversationResult) -> date | None:
    """The calendar day a conversation started on in its own time zone (:func:`servio.model.local_day`, the
    store's ``started_day``), if known."""
    if not r.started_at:
        return None
    try:
        return local_day(datetime.fromisoformat(r.started_at))
    except ValueError:
        return None


def as_date(value: date | str | None) -> date | None:
    """A date from a ``date``, an ISO string (date or datetime) or None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return datetime.fromisoformat(value).date()


def select(results: Iterable[ConversationResult], *, scope: str = "period", id: str | None = None,
           date_from: date | str | None = None,
           date_to: date | str | None = None) -> list[ConversationResult]:
    """The results of one agent (``scope="agent"``), one team or all (``period``), within the dates: each
    conversation on the day it started on in its own time zone (:func:`result_date`), as a store's day
    filters take it; one without a start time is left out when a date is given."""
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {', '.join(SCOPES)}, not {scope!r}")
    if scope in ("agent", "team") and not id:
        article = "an" if scope == "agent" else "a"
        raise ValueError(f"{article} {scope} report needs the {scope}'s id")
    lo, hi = as_date(date_from), as_date(date_to)
    out = []
    for r in results:
        if scope == "agent" and r.agent_id != id or scope == "team" and r.team != id:
            continue
        d = result_date(r)
        if (lo or hi) and d is None or lo and d and d < lo or hi and d and d > hi:
            continue
        out.append(r)
    return out


def stage_values(results: Sequence[ConversationResult]
                 ) -> tuple[dict[int, float | None], dict[int, float | None]]:
    """Per stage: mean score where it applies and coverage, the share of those conversations in which it
    was present (both None where it never applies).

    Both count the conversations where the stage applies, as the dashboard's "Present in" and "Missing
    in" do: values in a complaint neither lower the mean nor count as missing.
    """
    values: dict[int, float | None] = {}
    coverage: dict[int, float | None] = {}
    for stage in ALL_STAGES:
        applies = [s for r in results for s in r.stage_scores if s.stage == stage and s.weight > 0]
        values[int(stage)] = fmean(s.score for s in applies) if applies else None
        coverage[int(stage)] = sum(1 for s in applies if s.present) / len(applies) if applies else None
    return values, coverage


def pattern_counts(results: Sequence[ConversationResult], language: str) -> tuple[PatternCount, ...]:
    """Failure patterns, most frequent first, each with the ids of the conversations showing it, in id
    order: a report from files and one from the database, which reads them in id order, name the same
    first ten."""
    out = []
    for pid, _ in failure_counts(results):
        ids = tuple(sorted(r.conversation_id for r in results if any(f.id == pid for f in r.failures)))
        out.append(PatternCount(id=pid, name=pattern_name(pid, language), conversation_ids=ids))
    return tuple(out)


def trend_points(results: Sequence[ConversationResult], href: Callable[[date, date], str] | None = None,
                 language: str = "en") -> tuple[tuple[TrendPoint, ...], str]:
    """Mean overall score per day, week (spans over 3 weeks) or month (over 4 months), and the bucket;
    a point per bucket with conversations (none for an empty one), at the bucket's first day, labelled as
    ``language`` writes days (Estonian 01.09.2026 and 09.2026, else ISO) by that day, or for the first
    bucket by the first day with a conversation when the bucket began before it."""
    dated = [(d, r) for r in results if (d := result_date(r)) is not None]
    if not dated:
        return (), "week"
    first = min(d for d, _ in dated)
    span = (max(d for d, _ in dated) - first).days
    bucket = "month" if span > 120 else "week" if span > 21 else "day"
    groups: dict[date, list[float]] = {}
    for d, r in dated:
        groups.setdefault(buckets.start_of(d, bucket), []).append(r.overall)
    points = []
    for start in sorted(groups):
        # a week is labelled by its Monday, but the first one by the first day with a conversation: an
        # October report's trend does not open on "28.09.2026", nor a team that began in September on "31.08"
        label = day_text(max(start, first), language, month=bucket == "month")
        link = href(start, buckets.end_of(start, bucket)) if href else None
        values = groups[start]
        points.append(TrendPoint(start=start, label=label, value=fmean(values), count=len(values), href=link))
    return tuple(points), bucket


def overview(results: Sequence[ConversationResult], *, kind: str, id: str, language: str,
             worst: int = 5, trend_href: Callable[[date, date], str] | None = None) -> Overview:
    """The profile, stage values, patterns, trend and weakest conversations of ``results``.

    The weakest are the lowest-scored (at most ``worst``) among those below the mean of ``results``.
    """
    if not results:
        raise ValueError(f"no conversations for {kind} {id!r}")
    values, coverage = stage_values(results)
    points, bucket = trend_points(results, trend_href, language)
    mean = fmean(r.overall for r in results)
    ranked = sorted(results, key=lambda r: (r.overall, r.conversation_id))
    ranked = [r for r in ranked if r.overall < mean] or ranked[:1]  # below the selection's own mean
    return Overview(
        profile=profile(results, kind="agent" if kind == "agent" else "team", id=id, language=language),
        values=values,
        coverage=coverage,
        patterns=pattern_counts(results, language),
        trend=points,
        bucket=bucket,
        worst=tuple(ranked[:worst]),
    )


def quiet_text(kind: str, id: str | None, date_from: date | None, date_to: date | None, language: str) -> str:
    """What a report, a profile or a page says of a period without conversations of a known agent or team
    (``kind`` agent or team) or of anyone (``period``): "Team Tallinn had no conversations from 2027-01-04
    to 2027-01-10." in ``language``. The bounds are days or moments (a moment in UTC); without either,
    the report's "No conversations match this selection."."""
    t = strings(language)
    start, end = (_when_text(d, language) if d is not None else None for d in (date_from, date_to))
    if start is None and end is None:
        return t["report_no_results"]
    period = (t["quiet_between"] if start and end else t["quiet_from"] if start else t["quiet_to"]).format(
        start=start, end=end)
    key = f"quiet_{kind}" if kind in ("agent", "team") else "quiet_period"
    return t[key].format(id=id or "", period=period)


def _when_text(value: date, language: str) -> str:
    """A day as ``language`` writes it; a moment as its day and time in UTC (naive: UTC)."""
    if not isinstance(value, datetime):
        return day_text(value, language)
    utc = value.astimezone(UTC) if value.tzinfo else value
    return f"{day_text(utc.date(), language)} {utc:%H:%M} UTC"


def present_but(score: StageScore, language: str) -> str:
    """Why a stage the agent carried shows 0, in words: "present, but: <the failed checks>"; else "".

    A check is named by ``check_<id>`` in the interface strings, else by its id.
    """
    from servio.evaluate.tally import carried_but_zero

    if not carried_but_zero(score.present, score.weight, score.score):
        return ""
    t = strings(language)
    failed = dict.fromkeys(check_name(c.id, language) for c in score.checks if not c.passed)
    return t["present_but"].format(checks="; ".join(failed)) if failed else t["present_but_no_check"]


def check_name(check: str, language: str) -> str:
    """A check in words: ``check_<id>`` of the interface strings, else its id."""
    return str(strings(language).get(f"check_{check}", check.replace("_", " ")))


def zero_reason(zero: ZeroScores, applies: int, language: str) -> str:
    """Why a profile's stage scores 0 where it was carried: in how many of the conversations where it applies,
    and the checks that failed most often there, with their counts ("present, but scored 0 in 5 of 5:
    options not laid out before the solution (5)")."""
    t = strings(language)
    checks = "; ".join(f"{check_name(c, language)} ({n})" for c, n in zero.most_failed())
    key = "profile_present_but" if checks else "profile_present_but_no_check"
    return str(t[key].format(n=zero.conversations, total=applies, checks=checks))


def pattern_labels(failures: Iterable[FailurePattern], language: str) -> list[str]:
    """The failures' names in ``language``, once each, sorted; a pattern without a name there keeps its text.

    A stored failure's text is in the conversation's language, not necessarily the page's.
    """
    known = texts(language).get("pattern", {})
    names = {f.id: pattern_name(f.id, language) if f.id in known else f.text for f in failures}
    return sorted(names.values())
