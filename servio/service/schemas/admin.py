"""Bodies of the user, token and import endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

Role = Literal["admin", "reviewer", "team_lead", "agent"]


#: No control character in a name, an agent id or a team: C0, DEL and C1 (U+0080-U+009F, which terminals
#: read as escape sequences too: ``servio users list`` prints names as they are).
_NO_CONTROLS = r"^[^\x00-\x1f\x7f-\x9f]+$"


class UserIn(BaseModel):
    """A new user; an agent user names the agent id their conversations carry, a team lead their team."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"name": "kati", "role": "agent", "agent_id": "kati"},
                     {"name": "lea", "role": "team_lead", "team": "Tallinn"},
                     {"name": "mari", "role": "reviewer"}]})

    name: str = Field(min_length=1, max_length=255, pattern=_NO_CONTROLS)
    role: Role
    agent_id: str | None = Field(default=None, min_length=1, max_length=255, pattern=_NO_CONTROLS,
                                 validate_default=True,
                                 description="The agent id whose conversations an agent user sees (required "
                                             "for that role).")
    team: str | None = Field(default=None, min_length=1, max_length=255, pattern=_NO_CONTROLS,
                             validate_default=True,
                             description="The team a team_lead user leads (required for that role, and "
                                         "only for it): they see that team's conversations.")

    @field_validator("agent_id")
    @classmethod
    def _agent_id_for_agents(cls, agent_id: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("role") == "agent" and agent_id is None:
            raise ValueError("a user with the agent role needs an agent_id")
        return agent_id

    @field_validator("team")
    @classmethod
    def _team_for_team_leads(cls, team: str | None, info: ValidationInfo) -> str | None:
        role = info.data.get("role")
        if role == "team_lead" and team is None:
            raise ValueError("a user with the team_lead role needs a team")
        if role is not None and role != "team_lead" and team is not None:
            raise ValueError(f"only a team_lead user has a team, not a user with the {role} role")
        return team


class UserPatch(BaseModel):
    """Changes to a user; fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"active": False}]})

    active: bool | None = Field(default=None,
                                description="false disables the user (their tokens stop working).")


class UserOut(BaseModel):
    """A user (never with a token)."""

    id: int
    name: str
    role: Role
    agent_id: str | None
    team: str | None = Field(default=None, description="The team a team_lead user leads.")
    active: bool
    created_at: datetime


class TokenOut(BaseModel):
    """A new API token: shown once, stored only as a hash."""

    token: str = Field(description="Send as `Authorization: Bearer <token>`; it cannot be shown again.")
    user: UserOut


class ImportJobOut(BaseModel):
    """An import job and its progress; counts are what has been committed."""

    id: int
    status: str = Field(description="pending, running, done or failed.")
    paths: list[str]
    format: str | None
    created_by: int | None
    read: int = Field(description="Conversations read in committed batches.")
    skipped: int = Field(description="Bad input records skipped.")
    new: int
    updated: int
    unchanged: int
    problems: list[dict[str, Any]] = Field(description="The first problems: path, line, offset, message.")
    messages: list[str] = Field(description="The same problems as the CLI prints them (file:line: message).")
    problem_count: int
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    updated_at: datetime
    redacted: dict[str, int] | None = Field(default=None, description="Personal data replaced so far, by "
                                            "kind ({} when nothing was; null for a job from before servio "
                                            "kept these counts).")
