"""What each dashboard page shows, computed from the backend: plain dicts for the templates.

No web library here: the route handlers in :mod:`servio.web.routes` parse the
request, call one function of this module and render its answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup

from servio.evaluate.feedback import pattern_name, texts
from servio.evaluate.tally import (
    Tally,
    applicable_and_missing_of,
    combined,
    profile_of,
    stage_values_of,
    zero_of,
)
from servio.model import Conversation
from servio.report import charts, summary
from servio.results import ConversationResult
from servio.stages import ALL_STAGES, info
from servio.store.types import ConversationFilter
from servio.web.backend import Backend
from servio.web.evidence import chip_evidence

Link = Callable[..., str]


def stage_list(language: str) -> list[dict[str, Any]]:
    """The seven stages for templates: id, names, colour and a readable text colour on it."""
    return [{"id": int(s), "short": info(s).short(language), "name": info(s).name(language),
             "about": info(s).about(language), "colour": info(s).colour,
             "ink": charts.text_on(info(s).colour)}
            for s in ALL_STAGES]


def query(base: str, **params: Any) -> str:
    """``base`` with the non-empty ``params`` as a query string."""
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{base}?{urlencode(kept)}" if kept else base


def conversation_list(backend: Backend, f: ConversationFilter, language: str,
                      own_agent: str | None = None, own_team: str | None = None) -> dict[str, Any]:
    """A page of conversations, the filter as given and the choices for the filter form.

    With ``own_agent`` (an agent user's id) the choices name only that agent and its team:
    agents may not list the others (the API answers 403 to them for ``/agents`` and ``/teams``).
    With ``own_team`` (a team lead's team) they name that team and the agents with
    conversations in it, as the API's ``/agents`` and ``/teams`` answer a team lead.
    """
    page = backend.listing(f)
    agents, teams = backend.agents(team=own_team), backend.teams()
    if own_agent is not None:
        agents = [a for a in agents if a.id == own_agent]
        teams = [t for t in teams if t.id in {a.team for a in agents}]
    if own_team is not None:
        teams = [t for t in teams if t.id == own_team]
    return {"page": page, "filter": f, "agents": agents, "teams": teams,
            "patterns": _pattern_choices(language)}


def _pattern_choices(language: str) -> list[tuple[str, str]]:
    from servio.evaluate.registry import registered_patterns

    return [(p.id, pattern_name(p.id, language)) for p in registered_patterns()]


def conversation_view(conv: Conversation, result: ConversationResult, corrected: frozenset[int],
                      language: str) -> dict[str, Any]:
    """The transcript with each turn's tags and evidence, the scorecard and the coaching."""
    turns = []
    for turn, tags in zip(conv.turns, result.turns, strict=True):
        chips: list[dict[str, Any]] = [
            {"stage": t.stage, "confidence": t.confidence,
             "evidence": chip_evidence(t.stage, t.evidence, language)}
            for t in sorted(tags.tags, key=lambda t: t.stage)]
        turns.append({"index": tags.index, "speaker": str(turn.speaker), "text": turn.text,
                      # the language the turn is written in, for its lang attribute (WCAG 3.1.2: an Estonian
                      # turn on the English page is read with Estonian rules, audit 21 M2)
                      "language": str(turn.language or conv.language or result.language),
                      "author": turn.author, "chips": chips,
                      "stages": sorted(tags.stages), "corrected": tags.index in corrected,
                      "colour": info(min(tags.stages)).colour if tags.stages else "#d0d7de"})
    speakers = [str(t.speaker) for t in conv.turns]
    timeline = charts.timeline([t.stages for t in result.turns], speakers, language=language,
                               href=lambda i: f"#turn-{i}")
    return {"conv": conv, "result": result, "turns": turns, "timeline": Markup(timeline),
            "scores": _scores(result, language), "feedback": _feedback(result, language),
            "incomplete": incomplete_of(result, language),
            "failures": [{"id": f.id, "name": pattern_name(f.id, language), "text": f.text, "turn": f.turn}
                         for f in result.failures]}


def _scores(result: ConversationResult, language: str) -> list[dict[str, Any]]:
    return [{"stage": s.stage, "name": info(s.stage).short(language), "score": s.score, "present": s.present,
             "applies": s.weight > 0, "colour": info(s.stage).colour, "turns": list(s.turns),
             "why": summary.present_but(s, language)}
            for s in result.stage_scores]


#: The order of the coaching list: the notice that turns could not be read first, then what is missing...
FEEDBACK_ORDER = {"incomplete": -1, "missing": 0, "improve": 1, "praise": 2}
#: The colour of an item that is about no stage (the notice of an incomplete conversation).
NO_STAGE_COLOUR = "#d0d7de"


def _feedback(result: ConversationResult, language: str) -> list[dict[str, Any]]:
    return [{"stage": fb.stage, "stage_name": info(fb.stage).short(language) if fb.stage else "",
             "kind": fb.kind, "text": fb.text,
             "turn": fb.turn, "colour": info(fb.stage).colour if fb.stage else NO_STAGE_COLOUR}
            for fb in sorted(result.feedback, key=lambda f: FEEDBACK_ORDER.get(f.kind, 3))]



def incomplete_of(result: ConversationResult, language: str) -> dict[str, Any] | None:
    """What the notice of an incomplete conversation says (how many turns were lost, and where), or None."""
    from servio.evaluate.feedback import unread_text

    if not result.unread:
        return None
    return {"count": len(result.unread), "where": unread_text(result.unread, language)}


def profile_page(backend: Backend, *, kind: str, id: str, language: str, date_from: date | None,
                 date_to: date | None, link: Link, within: str | None = None) -> dict[str, Any] | None:
    """An agent's or team's profile with links from every number to the conversations behind it.

    ``within`` (a team lead's team) computes an agent's profile over that team's conversations only.
    """
    key = {"agent_id": id, "team": within} if kind == "agent" else {"team": id}
    results = backend.results(**key, date_from=date_from, date_to=date_to)
    if not results:
        return None
    dates = {"date_from": date_from, "date_to": date_to}

    def to_list(**extra: Any) -> str:
        return link("conversations", **{**key, **dates, **extra})

    ov = summary.overview(results, kind=kind, id=id, language=language,
                          trend_href=lambda a, b: to_list(date_from=a.isoformat(), date_to=b.isoformat()))
    applies, missing = applicable_and_missing(results)
    stage_links = {s: to_list(missing_stage=s) if missing[s] else to_list(sort="overall") for s in ov.values}
    # a stage carried but scored 0 says why, as the conversation page does (the checks of those scores only)
    zero = backend.zero_scores(**key, date_from=date_from, date_to=date_to)
    zero_reasons = {s: summary.zero_reason(z, applies[s], language)
                    for s, z in zero.items() if applies.get(s)}
    weakest = ov.profile.named_weakest
    ids = charts.ChartIds()  # two trends on the page (wide and narrow): each chart's ids unique
    return {
        "kind": kind, "id": id, "ov": ov, "profile": ov.profile, "n": len(results),
        "all_link": to_list(), "stage_links": stage_links,
        "radar": Markup(charts.profile_radar(ov.values, language=language, links=stage_links, ids=ids)),
        # 360 wide, as a phone shows it (366 px at 390): drawn 440 wide and shrunk, its type was 8 px
        "bars": Markup(charts.profile_bars(ov.values, language=language, coverage=ov.coverage,
                                           links=stage_links, ids=ids, width=360)),
        "trend": Markup(charts.trend_for_screens(ov.trend, language=language, bucket=ov.bucket, ids=ids)),
        # the report's words under the chart (weekly or monthly means, n per point): on the page as well,
        # not only in the chart's description for screen readers
        "trend_caption": charts.trend_caption(ov.trend, language=language, bucket=ov.bucket),
        "weakest": info(weakest) if weakest else None,
        "weakest_tip": str(texts(language)["stage"][info(weakest).key].get("improve", "")) if weakest else "",
        "pattern_links": {p.id: to_list(failure=p.id) for p in ov.patterns},
        "worst": [(r, link("conversation", id=r.conversation_id),
                   summary.pattern_labels(r.failures, language)) for r in ov.worst],
        # over the conversations where the stage applies: the list behind "missing in n" holds n, and the
        # table's "present in" is the bar chart's (ov.coverage)
        "missing_counts": missing,
        # counted in every figure above, but flagged: turns of them could not be read (docs/dashboard.md)
        "incomplete": sum(1 for r in results if r.incomplete), "incomplete_link": to_list(incomplete=1),
        "zero_reasons": zero_reasons,
    }


def quiet_profile_page(*, kind: str, id: str, language: str, date_from: date | None, date_to: date | None,
                       all_link: str) -> dict[str, Any]:
    """The page of a known agent (or team) with no conversations in the period: what the template needs to
    say so (:func:`servio.report.summary.quiet_text`) and to lead to all their days; no figures or charts."""
    quiet = summary.quiet_text(kind, id, date_from, date_to, language)
    return {"kind": kind, "id": id, "n": 0, "quiet": quiet, "all_link": all_link}


def applicable_and_missing(results: list[ConversationResult]) -> tuple[dict[int, int], dict[int, int]]:
    """Per stage: in how many conversations it applies, and in how many of those it was not carried.

    The second is what the conversation list's ``missing_stage`` filter lists (a stage that does not
    apply to a conversation, such as values in a complaint, is not missing from it).
    """
    applies = {int(s): 0 for s in ALL_STAGES}
    missing = {int(s): 0 for s in ALL_STAGES}
    for r in results:
        for score in r.stage_scores:
            if score.weight > 0:
                applies[int(score.stage)] += 1
                missing[int(score.stage)] += not score.present
    return applies, missing


def team_page(backend: Backend, *, team: str | None, language: str, date_from: date | None,
              date_to: date | None, link: Link) -> dict[str, Any]:
    """The agents × stages table of a team (or of everyone), each cell linked to its conversations
    (those missing the stage, or when none does, all of the agent's, lowest score first).

    Everyone's table also names each agent's team (the one most of their conversations name).
    Made of the backend's tallies per agent (:mod:`servio.evaluate.tally`): the same numbers as
    from every result, without a result per conversation.
    """
    groups: dict[str, list[Tally]] = {}
    for key, part in backend.tallies(team=team, date_from=date_from, date_to=date_to).items():
        groups.setdefault(key or "", []).append(part)  # no agent and an empty agent id: one row
    agents = {agent: combined(parts) for agent, parts in groups.items()}
    dates = {"date_from": date_from, "date_to": date_to}
    rows = []
    for agent, mine in sorted(agents.items(), key=lambda kv: (kv[0] == "", kv[0])):
        values, _ = stage_values_of(mine)
        _, missing = applicable_and_missing_of(mine)
        zero = zero_of(mine)
        prof = profile_of(mine, kind="agent", id=agent or "?", language=language)
        n = mine.conversations
        # a cell leads to the conversations behind its number: those missing the stage when there are
        # some (the list was empty for every cell without, a red 0 of a stage carried but scored 0
        # included); otherwise the agent's conversations, lowest score first
        cells = [dict(_cell(values.get(int(s)),
                            (link("conversations", agent_id=agent, team=team, missing_stage=int(s), **dates)
                             if missing[int(s)] else
                             link("conversations", agent_id=agent, team=team, sort="overall", **dates))
                            if agent else None), missing=missing[int(s)], zero=zero[int(s)], n=n)
                 for s in ALL_STAGES]
        rows.append({"agent": agent, "n": n, "cells": cells, "overall": _cell(prof.overall, None),
                     "agent_link": link("agent", id=agent) if agent else None, "team": prof.team,
                     "team_link": link("team", team=prof.team, **dates) if prof.team else None,
                     "list_link": link("conversations", agent_id=agent, team=team, **dates)
                     if agent else None})
    everyone = combined(agents.values())
    return {"team": team, "rows": rows, "teams": backend.teams(), "n": everyone.conversations,
            "total": _team_total(everyone, team=team, language=language, dates=dates, link=link)}


def _team_total(everyone: Tally, *, team: str | None, language: str, dates: dict[str, date | None],
                link: Link) -> dict[str, Any] | None:
    """The team's own numbers (or everyone's): mean overall, conversations, each stage's mean and the
    weakest stage, each linked as the heatmap's cells are (as the team report and the API's profile)."""
    if not everyone.conversations:
        return None
    n = everyone.conversations
    prof = profile_of(everyone, kind="team", id=team or "", language=language)
    values, _ = stage_values_of(everyone)
    _, missing = applicable_and_missing_of(everyone)

    def stage_link(s: int) -> str:
        return (link("conversations", team=team, missing_stage=s, **dates) if missing[s]
                else link("conversations", team=team, sort="overall", **dates))

    zero = zero_of(everyone)
    cells = [dict(_cell(values.get(int(s)), stage_link(int(s))), missing=missing[int(s)], zero=zero[int(s)],
                  n=n) for s in ALL_STAGES]
    weakest = info(prof.weakest) if prof.weakest else None
    return {"overall": _cell(prof.overall, link("conversations", team=team, sort="overall", **dates)),
            "n": n, "cells": cells, "list_link": link("conversations", team=team, **dates),
            "incomplete": everyone.incomplete,
            "incomplete_link": link("conversations", team=team, incomplete=1, **dates),
            "weakest": weakest, "weakest_link": stage_link(int(weakest.stage)) if weakest else None}


def _cell(value: float | None, href: str | None) -> dict[str, Any]:
    bg, fg = charts.heat_colour(value)
    text = "–" if value is None else f"{value:.0f}"
    return {"value": value, "text": text, "bg": bg, "fg": fg, "href": href}


def with_full_worst(backend: Backend, results: list[ConversationResult], n: int = 5
                    ) -> tuple[list[ConversationResult], dict[str, Conversation]]:
    """``results`` with the ``n`` lowest-scored loaded in full (turns, coaching), and their conversations.

    Listings from a store carry scores and failures only; a report quotes the
    weakest conversations' coaching and draws their timelines.
    """
    ranked = sorted(results, key=lambda r: (r.overall, r.conversation_id))[:n]
    full: dict[str, ConversationResult] = {}
    conversations: dict[str, Conversation] = {}
    for r in ranked:
        conv, result, _ = backend.get(r.conversation_id)
        full[r.conversation_id], conversations[r.conversation_id] = result, conv
    return [full.get(r.conversation_id, r) for r in results], conversations


def report_results(backend: Backend, *, agent_id: str | None, team: str | None, date_from: date | None,
                   date_to: date | None, compare_from: date | None = None, compare_to: date | None = None,
                   ) -> tuple[list[ConversationResult], dict[str, Conversation], list[ConversationResult]]:
    """What a report reads from ``backend``: the results of its days and, with ``compare_from`` and
    ``compare_to``, of its earlier period too (which ends before ``date_from``), each conversation on the
    day it started on in its own time zone, as every backend bounds days; their conversations, with the
    weakest of the report's own days loaded whole (:func:`with_full_worst`); and the results of its own
    days."""
    if (compare_from is None) != (compare_to is None):  # one without the other read no earlier period at all
        raise ValueError("an earlier period needs both compare_from and compare_to")
    own = backend.results(agent_id=agent_id, team=team, date_from=date_from, date_to=date_to)
    earlier = [] if compare_from is None or compare_to is None else backend.results(
        agent_id=agent_id, team=team, date_from=compare_from, date_to=compare_to)
    full, conversations = with_full_worst(backend, own)
    return [*earlier, *full], conversations, own


def score_update(result: ConversationResult, language: str) -> Mapping[str, Any]:
    """The JSON a correction answers with: the new overall and stage scores, and the coaching."""
    return {"overall": round(result.overall, 1),
            "scores": [{"stage": s["stage"], "score": round(s["score"], 1), "present": s["present"],
                        "applies": s["applies"], "why": s["why"]} for s in _scores(result, language)],
            "feedback": _feedback(result, language)}
