"""Bodies of the user, token and import endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["admin", "reviewer", "agent"]


class UserIn(BaseModel):
    """A new user; an agent user should name the agent id their conversations carry."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"name": "kati", "role": "agent", "agent_id": "kati"},
                     {"name": "mari", "role": "reviewer"}]})

    name: str = Field(min_length=1, max_length=255, pattern=r"^[^\x00-\x1f]+$")
    role: Role
    agent_id: str | None = Field(default=None, min_length=1, max_length=255, pattern=r"^[^\x00-\x1f]+$")


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
    active: bool
    created_at: datetime


class TokenOut(BaseModel):
    """A new API token: shown once, stored only as a hash."""

    token: str = Field(description="Send as `Authorization: Bearer <token>`; it cannot be shown again.")
    token_id: int | None = None
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
    redacted: dict[str, int] | None = Field(default=None, description="Personal data replaced, by kind "
                                            "(only in the answer of `wait=true`).")
