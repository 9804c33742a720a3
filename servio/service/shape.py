"""Plain results -> the dicts the response models validate (kept out of the handlers)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from servio.model import Conversation, local_day
from servio.results import AgentProfile, ConversationResult
from servio.stages import info

if TYPE_CHECKING:
    from servio.report.compare import Change, Comparison
    from servio.report.content import Report
    from servio.report.summary import Overview


def stage_name(stage: int, language: str) -> str:
    """A stage's name in ``language`` (English for anything but ``et``)."""
    return info(stage).name(language)


def conversation_detail(conv: Conversation, result: ConversationResult,
                        corrections: int = 0, *, corrected: bool = False) -> dict[str, Any]:
    """A stored conversation with its turns, tags, evidence, scores, failure patterns and coaching;
    ``corrections`` counts its audit trail, ``corrected`` says whether a correction is still in force."""
    data = result.to_dict()
    turns = []
    for turn, tags in zip(conv.turns, result.turns, strict=True):
        turns.append({"index": tags.index, "speaker": str(turn.speaker), "text": turn.text,
                      "author": turn.author, "timestamp": turn.timestamp, "stages": sorted(tags.stages),
                      "tags": [t.to_dict() for t in tags.tags]})
    scores = [{**s, "name": stage_name(s["stage"], result.language)} for s in data["stage_scores"]]
    return {
        "id": conv.id, "language": result.language, "channel": str(conv.channel), "agent_id": conv.agent_id,
        "team": conv.team, "contact_type": result.contact_type, "started_at": conv.started_at,
        "started_day": local_day(conv.started_at), "overall": data["overall"], "turns": turns,
        "stage_scores": scores, "failures": data["failures"],
        "feedback": data["feedback"], "corrections": corrections, "corrected": corrected,
        "metadata": _plain(dict(conv.metadata)), "incomplete": result.incomplete,
        "unread": list(result.unread),
    }


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def profile_out(profile: AgentProfile, date_from: Any = None, date_to: Any = None) -> dict[str, Any]:
    """A profile with stage names in the profile's language and the period asked for."""
    data = profile.to_dict()
    data["stages"] = [{**s, "name": stage_name(s["stage"], profile.language)} for s in data["stages"]]
    data.pop("conversation_ids", None)
    data["date_from"], data["date_to"] = date_from, date_to
    return data


def quiet_profile_out(by: str, id: str, team: str | None, language: str, date_from: Any = None,
                      date_to: Any = None) -> dict[str, Any]:
    """The profile of a known agent or team over a period without their conversations: 0 conversations, no
    scores, stages or patterns, and a summary that says so in ``language``
    (:func:`servio.report.summary.quiet_text`). ``team``: the team's id, or the team an agent's profile was
    limited to (a team lead's)."""
    from servio.report.summary import quiet_text

    return {"kind": by, "id": id, "team": id if by == "team" else team, "conversations": 0, "overall": None,
            "stages": [], "strongest": None, "weakest": None, "failures": [],
            "summary": quiet_text(by, id, date_from, date_to, language), "language": language,
            "incomplete": 0, "date_from": date_from, "date_to": date_to}


#: What is wrong with an earlier period to compare with (:func:`servio.report.compare.earlier_problem`), in
#: the API's words: the parameter to name and the message (the profiles' comparisons and the reports).
EARLIER_PROBLEMS = {
    "reversed": ("compare_to", "compare_from is after compare_to"),
    "no_start": ("date_from", "give date_from: the period compared with the earlier one needs a first day"),
    "not_before": ("compare_to", "the period to compare with (compare_from, compare_to) must end before "
                                 "date_from"),
}


def period_words(date_from: Any, date_to: Any) -> str:
    """The period asked for (dates or moments), as the end of a sentence ('' for none)."""
    if date_from is not None and date_to is not None:
        return f" from {date_from.isoformat()} to {date_to.isoformat()}"
    if date_from is not None:
        return f" from {date_from.isoformat()} on"
    return f" up to {date_to.isoformat()}" if date_to is not None else ""


def change_out(stage: int | None, c: Change) -> dict[str, Any]:
    """One figure of a comparison (:class:`~servio.report.compare.Change`) as the API writes it."""
    return {"stage": stage, "earlier": c.before, "now": c.after, "change": c.change, "low": c.low,
            "high": c.high, "earlier_conversations": c.n_before, "now_conversations": c.n_after,
            "reading": c.verdict}


def comparison_out(cmp: Comparison) -> dict[str, Any]:
    """A comparison's overall score, stages and failure patterns (its periods are the caller's)."""
    return {"overall": change_out(None, cmp.overall),
            "stages": [change_out(stage, c) for stage, c in sorted(cmp.stages.items())],
            "failure_patterns": [{"id": p.id, "earlier": p.before, "now": p.after} for p in cmp.patterns]}


def report_out(report: Report) -> dict[str, Any]:
    """A report's content (:func:`servio.report.content.report_content`) as the dict ``ReportOut``
    validates: the same figures the HTML report draws, nothing computed again."""
    out: dict[str, Any] = {
        "scope": report.scope, "id": report.id, "language": report.language, "date_from": report.date_from,
        "date_to": report.date_to, "first_day": report.first_day, "last_day": report.last_day,
        "generated_at": report.made_at, "conversations": report.conversations, "agents": report.agents,
        # without conversations the summary says so, in the report's language (report.quiet)
        "tip": report.tip, "overall": None, "strongest": None, "weakest": None, "summary": report.quiet,
        "stages": [],
        "failure_patterns": [], "trend": None, "weakest_conversations": [],
        "by_agent": [{"agent_id": row.agent_id, "conversations": row.conversations, "overall": row.overall,
                      "stages": [{"stage": s, "mean_score": v} for s, v in sorted(row.values.items())]}
                     for row in report.heatmap],
        "comparison": None,
    }
    if report.overview is not None:
        out.update(_overview_out(report.overview, report.language, report.conversations))
    if report.earlier is not None:
        e = report.earlier
        out["comparison"] = {"earlier": {"date_from": e.date_from, "date_to": e.date_to,
                                         "conversations": e.comparison.n_before},
                             **comparison_out(e.comparison)}
    return out


def _overview_out(ov: Overview, language: str, n: int) -> dict[str, Any]:
    from servio.report import buckets
    from servio.report.html import PATTERN_IDS

    p = ov.profile
    return {
        "overall": p.overall, "strongest": p.named_strongest, "weakest": p.named_weakest,
        "summary": p.summary, "incomplete": p.incomplete,
        "stages": [{"stage": s, "name": stage_name(s, language), "mean_score": v,
                    "present_in": ov.coverage[s]} for s, v in sorted(ov.values.items())],
        "failure_patterns": [{"id": pc.id, "name": pc.name, "count": pc.count, "share": pc.count / n,
                              "conversation_ids": list(pc.conversation_ids[:PATTERN_IDS]),
                              "more": max(0, pc.count - PATTERN_IDS)} for pc in ov.patterns],
        "trend": {"bucket": ov.bucket,
                  "points": [{"start": t.start, "end": buckets.end_of(t.start, ov.bucket), "label": t.label,
                              "mean_overall": t.value, "conversations": t.count} for t in ov.trend]},
        "weakest_conversations": [_weak_out(r, language) for r in ov.worst],
    }


def _weak_out(r: ConversationResult, language: str) -> dict[str, Any]:
    from servio.report.summary import pattern_labels

    return {
        "id": r.conversation_id, "agent_id": r.agent_id, "team": r.team, "started_at": r.started_at,
        "overall": r.overall, "failure_patterns": [f.id for f in r.failures],
        "failure_names": pattern_labels(r.failures, language),
        "stage_scores": [{"stage": s.stage, "score": s.score, "present": s.present, "applies": s.weight > 0}
                         for s in r.stage_scores],
        "coaching": [{"kind": f.kind, "stage": f.stage, "turn": f.turn, "text": f.text}
                     for f in r.feedback],
    }
