"""What a user may see, in one place: the API's routers and the dashboard's routes both ask a :class:`Scope`.

An admin or reviewer sees everything. An agent sees the conversations whose
agent id is their own. A team lead sees the conversations whose ``team`` is
theirs: listings are narrowed to it, a conversation of another team is not
found, profiles are computed over that team's conversations only, and live
sessions open only for the team and its agents. Asking by name for another
agent's or team's listing or profile is refused (403); a conversation out of
scope is answered as not found (404), as if it did not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from fastapi import HTTPException, status

from servio.store.types import ConversationFilter, User

ADMIN, REVIEWER, TEAM_LEAD, AGENT = "admin", "reviewer", "team_lead", "agent"
#: Roles that correct tags and read profiles, agents and teams (each within their scope).
STAFF = (ADMIN, REVIEWER, TEAM_LEAD)

T = TypeVar("T")


def needs_role(roles: Sequence[str]) -> str:
    """What a 403 says the action needs: "this needs the role admin", "this needs one of the roles
    admin, reviewer, team_lead"."""
    if len(roles) == 1:
        return f"this needs the role {roles[0]}"
    return f"this needs one of the roles {', '.join(roles)}"


def forbidden(message: str) -> HTTPException:
    """A 403 answer with ``message``."""
    return HTTPException(status.HTTP_403_FORBIDDEN, message)


@dataclass(frozen=True, slots=True)
class Scope:
    """The conversations a user reaches: all (``agent_id`` and ``team`` None), one agent's or one team's."""

    role: str
    agent_id: str | None = None
    team: str | None = None

    @classmethod
    def of(cls, user: User) -> Scope:
        """The scope of ``user`` (403 for an agent without agent id or a team lead without team)."""
        if user.role == AGENT:
            if not user.agent_id:
                raise forbidden("this agent user is not linked to an agent id")
            return cls(AGENT, agent_id=user.agent_id)
        if user.role == TEAM_LEAD:
            if not user.team:
                raise forbidden("this team lead user has no team")
            return cls(TEAM_LEAD, team=user.team)
        return cls(user.role)

    @property
    def everything(self) -> bool:
        """True for admins and reviewers."""
        return self.agent_id is None and self.team is None

    @property
    def staff(self) -> bool:
        """True for roles that correct tags and read agents, teams and team profiles."""
        return self.role in STAFF

    def listing(self, agent_id: str | None, team: str | None) -> tuple[str | None, str | None]:
        """The agent and team filters a listing runs with: those asked for, narrowed to the scope.

        403 when an agent asks for another agent or a team lead for another team. A team lead
        asking for an agent gets that agent's conversations in their team (maybe none).
        """
        if self.agent_id is not None:
            if agent_id is not None and agent_id != self.agent_id:
                raise forbidden("agents see only their own conversations")
            return self.agent_id, team
        if self.team is not None:
            if team is not None and team != self.team:
                raise forbidden("team leads see only their own team's conversations")
            return agent_id, self.team
        return agent_id, team

    def narrow(self, f: ConversationFilter) -> ConversationFilter:
        """``f`` limited to the scope (see :meth:`listing`)."""
        agent_id, team = self.listing(f.agent_id, f.team)
        return replace(f, agent_id=agent_id, team=team)

    def sees(self, agent_id: str | None, team: str | None) -> bool:
        """Whether a conversation of this agent and team is in scope."""
        return ((self.agent_id is None or agent_id == self.agent_id)
                and (self.team is None or team == self.team))

    def agent_profile(self, agent_id: str) -> str | None:
        """The team an agent's profile is computed over (None: every team); 403 for another agent's."""
        if self.agent_id is not None and agent_id != self.agent_id:
            raise forbidden("agents can read only their own profile")
        return self.team

    def team_profile(self, team: str) -> None:
        """403 unless the user may read ``team``'s profile (staff; a team lead their own team only)."""
        if not self.staff:
            raise forbidden(needs_role(STAFF))
        if self.team is not None and team != self.team:
            raise forbidden("team leads see only their own team's profile")

    def report(self, kind: str, key: str | None) -> str | None:
        """The team a report of ``kind`` (agent, team, period) about ``key`` is limited to (None: every
        team); 403 for a report outside the scope: an agent reads only their own, a team lead their
        own team's and their team's agents' (over the team's conversations), not everyone's."""
        if self.agent_id is not None and (kind != "agent" or key != self.agent_id):
            raise forbidden("agents see only their own report")
        if kind == "team":
            self.team_profile(key or "")
            return key
        if self.team is not None and kind != "agent":
            raise forbidden("team leads see only their own team's report")
        return self.team

    def within(self, items: Sequence[T], team_of: Callable[[T], str | None]) -> list[T]:
        """The ``items`` (teams, agents) whose team is in scope."""
        return [i for i in items if self.team is None or team_of(i) == self.team]

    def live(self, agent_id: str | None, team: str | None,
             agent_team: Callable[[str], str | None]) -> tuple[str | None, str | None]:
        """The agent and team a live session opens with; 403 out of scope.

        An agent's session is their own, in their latest team (``agent_team``) when one is
        known (the default; another is refused). A team lead's session is for their team (the
        default) and, if it names an agent, one whose latest team is theirs; an agent with no
        known team is refused.
        """
        if self.agent_id is not None:
            if agent_id is not None and agent_id != self.agent_id:
                raise forbidden("agents open live sessions for themselves only")
            own = agent_team(self.agent_id)
            if own is not None and team is not None and team != own:
                raise forbidden("agents open live sessions in their own team only")
            return self.agent_id, team if team is not None else own
        if self.team is not None:
            if team is not None and team != self.team:
                raise forbidden("team leads open live sessions for their own team only")
            if agent_id is not None and agent_team(agent_id) != self.team:
                raise forbidden("team leads open live sessions only for agents of their own team")
            return agent_id, self.team
        return agent_id, team
