"""Agent and team profiles over a period; the lists of agents and teams."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request, status

from servio.service.auth import CurrentUser, Staff
from servio.service.schemas.conversations import ProfileOut
from servio.service.scope import Scope
from servio.service.shape import profile_out

router = APIRouter(tags=["profiles"])

Moment = date | datetime
From = Annotated[Moment | None, Query(description="Period start (a date covers its whole day).")]
To = Annotated[Moment | None, Query(description="Period end, inclusive.")]
Lang = Annotated[Literal["et", "en"] | None, Query(description="Language of the summary (default: the "
                                                   "conversations' majority language).")]
Id = Annotated[str, Path(min_length=1, max_length=255)]


def _profile(request: Request, by: str, id: str, date_from: Moment | None, date_to: Moment | None,
             language: str | None, team: str | None) -> dict[str, Any]:
    if date_from is not None and date_to is not None and _as_date(date_from) > _as_date(date_to):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "date_from is after date_to")
    found = request.app.state.store.profile(by, id, date_from, date_to, language=language, team=team)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND,
                            f"no conversations of {by} {id!r}{_period(date_from, date_to)}")
    return profile_out(found, date_from, date_to)


def _period(date_from: Moment | None, date_to: Moment | None) -> str:
    """The period asked for, as the end of a sentence ('' for none)."""
    if date_from is not None and date_to is not None:
        return f" from {date_from.isoformat()} to {date_to.isoformat()}"
    if date_from is not None:
        return f" from {date_from.isoformat()} on"
    return f" up to {date_to.isoformat()}" if date_to is not None else ""


def _as_date(value: Moment) -> date:
    return value.date() if isinstance(value, datetime) else value


@router.get("/agents/{agent_id:path}/profile", response_model=ProfileOut, summary="An agent's profile",
            description="Coverage and mean score of each stage over the agent's conversations in the "
                        "period, strongest and weakest stage, frequent failure patterns and a summary. "
                        "Agents can read only their own; a team lead's is computed over their team's "
                        "conversations only (404 when the agent has none there).")
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
