"""Agent and team profiles over a period; the lists of agents and teams."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request, status

from servio.service.auth import CurrentUser, Staff
from servio.service.days import Day, Moment
from servio.service.errors import invalid
from servio.service.schemas.conversations import ComparisonOut, ProfileOut
from servio.service.scope import Scope
from servio.service.shape import EARLIER_PROBLEMS, comparison_out, profile_out, quiet_profile_out

router = APIRouter(tags=["profiles"])

From = Annotated[Moment | None, Query(description="Period start: a day (each conversation on the day it "
                                     "started on in its own time zone) or a date-time (no zone means UTC).")]
To = Annotated[Moment | None, Query(description="Period end, inclusive: a day or a date-time.")]
Lang = Annotated[Literal["et", "en"] | None, Query(description="Language of the summary (default: the "
                                                   "conversations' majority language).")]
Id = Annotated[str, Path(min_length=1, max_length=255)]
CompareFrom = Annotated[Day, Query(description="First day of the earlier period to compare with.")]
CompareTo = Annotated[Day, Query(description="Last day of the earlier period, inclusive; before date_from.")]
DayFrom = Annotated[Day | None, Query(description="First day of the period (required: the earlier period "
                                       "ends before it).")]
DayTo = Annotated[Day | None, Query(description="Last day of the period, inclusive (default: the last "
                                     "conversation).")]


def _profile(request: Request, by: str, id: str, date_from: Moment | None, date_to: Moment | None,
             language: str | None, team: str | None) -> dict[str, Any]:
    if date_from is not None and date_to is not None and _as_date(date_from) > _as_date(date_to):
        invalid(("date_to", "date_to is before date_from"))
    store = request.app.state.store
    found = store.profile(by, id, date_from, date_to, language=language, team=team)
    if found is None:
        _known(store, by, id, team)
        return quiet_profile_out(by, id, team, language or "en", date_from, date_to)
    return profile_out(found, date_from, date_to)


def _known(store: Any, by: str, id: str, team: str | None) -> None:
    """404 for an agent or team with no conversation at all (a team lead's: none in their team), as if it
    did not exist; one with conversations on other days has a quiet period, not an error."""
    if not store.known(by, id, team=team):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no conversations of {by} {id!r}")


def _as_date(value: Moment) -> date:
    return value.date() if isinstance(value, datetime) else value


@router.get("/agents/{agent_id:path}/profile", response_model=ProfileOut, summary="An agent's profile",
            description="Coverage and mean score of each stage over the agent's conversations in the "
                        "period, strongest and weakest stage, frequent failure patterns and a summary. "
                        "Agents can read only their own; a team lead's is computed over their team's "
                        "conversations only (404 when the agent has none there). An agent or team with "
                        "conversations on other days but none in the period gets a profile of 0 "
                        "conversations whose summary says so; one with none at all is 404.")
def agent_profile(request: Request, agent_id: Id, user: CurrentUser, date_from: From = None,
                  date_to: To = None, language: Lang = None) -> Any:
    team = Scope.of(user).agent_profile(agent_id)
    return _profile(request, "agent", agent_id, date_from, date_to, language, team)


@router.get("/teams/{team_id:path}/profile", response_model=ProfileOut, summary="A team's profile",
            description="The same picture as an agent's profile over all of a team's conversations. "
                        "Team leads can read only their own team's.")
def team_profile(request: Request, team_id: Id, user: Staff, date_from: From = None, date_to: To = None,
                 language: Lang = None) -> Any:
    Scope.of(user).team_profile(team_id)
    return _profile(request, "team", team_id, date_from, date_to, language, None)


@router.get("/agents/{agent_id:path}/comparison", response_model=ComparisonOut,
            summary="An agent's period against an earlier one",
            description="Each stage's mean score (where it applies) and the overall score in the days "
                        "date_from..date_to and in earlier days compare_from..compare_to that end before "
                        "date_from (each conversation counted on its own day), the change with its 95% "
                        "interval (Welch's t) and a reading: up or down "
                        "when the change is clear, chance when it is not, few with fewer than two "
                        "conversations on a side; and each failure pattern's conversations in both. The same "
                        "figures as the comparison in a report (servio report --compare-from). Agents can "
                        "read only their own; a team lead's counts their team's conversations only. A "
                        "period without conversations of a known agent gives 0 now and few everywhere "
                        "(404 only for one with none on any day); 422 names a parameter that is wrong.")
def agent_comparison(request: Request, agent_id: Id, user: CurrentUser, compare_from: CompareFrom,
                     compare_to: CompareTo, date_from: DayFrom = None, date_to: DayTo = None) -> Any:
    team = Scope.of(user).agent_profile(agent_id)
    return _comparison(request, "agent", agent_id, team, date_from, date_to, compare_from, compare_to)


@router.get("/teams/{team_id:path}/comparison", response_model=ComparisonOut,
            summary="A team's period against an earlier one",
            description="The comparison of an agent's over all of a team's conversations. Team leads can "
                        "read only their own team's.")
def team_comparison(request: Request, team_id: Id, user: Staff, compare_from: CompareFrom,
                    compare_to: CompareTo, date_from: DayFrom = None, date_to: DayTo = None) -> Any:
    Scope.of(user).team_profile(team_id)
    return _comparison(request, "team", team_id, team_id, date_from, date_to, compare_from, compare_to)


def _comparison(request: Request, kind: str, id: str, team: str | None, date_from: date | None,
                date_to: date | None, compare_from: date, compare_to: date) -> dict[str, Any]:
    """A report's comparison as JSON: days, each conversation in the period of the day it started on in its
    own time zone (as the store bounds days, and the report counts them)."""
    from servio.report.compare import compare, earlier_problem
    from servio.store import ConversationFilter

    if date_from is not None and date_to is not None and date_from > date_to:
        invalid(("date_to", "date_to is before date_from"))
    problem = earlier_problem(date_from, compare_from, compare_to)
    if problem is not None:
        invalid(EARLIER_PROBLEMS[problem])
    store, agent = request.app.state.store, id if kind == "agent" else None
    now = store.results(ConversationFilter(agent_id=agent, team=team, date_from=date_from, date_to=date_to))
    if not now:  # a quiet period: 0 conversations now and every reading few, unless the name is unknown
        _known(store, kind, id, team)
    earlier = store.results(ConversationFilter(agent_id=agent, team=team, date_from=compare_from,
                                               date_to=compare_to))
    cmp = compare(earlier, now)
    return {"kind": kind, "id": id,
            "period": {"date_from": date_from, "date_to": date_to, "conversations": cmp.n_after},
            "earlier": {"date_from": compare_from, "date_to": compare_to, "conversations": cmp.n_before},
            **comparison_out(cmp)}


@router.get("/agents", summary="Every agent", description="Agents with stored conversations, with their "
            "team and number of conversations. A team lead gets the agents with conversations in their "
            "team, counted over those.")
def list_agents(request: Request, user: Staff) -> list[dict[str, Any]]:
    agents = request.app.state.store.agents(team=Scope.of(user).team)
    # an agent whose conversations were all erased (or aged out) is no longer in the data
    return [{"id": a.id, "team": a.team, "conversations": a.conversations} for a in agents if a.conversations]


@router.get("/teams", summary="Every team", description="Teams with stored conversations and their "
            "number (a team lead: their own team only).")
def list_teams(request: Request, user: Staff) -> list[dict[str, Any]]:
    teams = Scope.of(user).within(request.app.state.store.teams(), lambda t: t.id)
    return [{"id": t.id, "conversations": t.conversations} for t in teams if t.conversations]
