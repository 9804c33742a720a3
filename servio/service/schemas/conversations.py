"""Bodies of the conversation, correction and profile endpoints."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from servio.service.schemas.live import StageTagOut


class ConversationSummaryOut(BaseModel):
    """One row of the conversation listing."""

    id: str
    language: str
    channel: str
    agent_id: str | None
    team: str | None
    contact_type: str
    started_at: datetime | None
    started_day: date | None = Field(description="The day it started on in its own time zone (the source's "
                                     "UTC offset): the day that date_from and date_to count it on.")
    overall: float = Field(description="Overall score 0..100.")
    turns: int
    missing_stages: list[int] = Field(description="Applicable stages the agent never carried.")
    failures: list[str] = Field(description="Failure pattern ids that show.")
    corrected: bool = Field(description="Whether a reviewer's correction is in force on any turn (a "
                            "correction ends when a re-import changes that turn).")
    unread: int = Field(default=0, description="How many of its records (turns, rows, cues, messages) could "
                        "not be read on import; above 0 the conversation is incomplete and its scores "
                        "may be wrong (docs/formats.md).")
    imported_at: datetime
    updated_at: datetime


class ConversationPage(BaseModel):
    """A page of conversations and how many match in all."""

    items: list[ConversationSummaryOut]
    total: int
    limit: int
    offset: int


class TurnOut(BaseModel):
    """One turn with its stages."""

    index: int
    speaker: str
    text: str
    author: str | None = None
    timestamp: datetime | None = None
    stages: list[int]
    tags: list[StageTagOut]


class CheckOut(BaseModel):
    """One scorecard check of a stage."""

    id: str
    stage: int
    passed: bool
    weight: float
    turn: int | None


class StageScoreOut(BaseModel):
    """Score 0..100 of one stage; weight 0 means not applicable: for the contact type, or in this
    conversation (interest when the customer opened with the need, values and options with no choice:
    docs/scorecard.md)."""

    stage: int
    name: str
    score: float
    present: bool
    weight: float
    turns: list[int]
    checks: list[CheckOut]


class FailureOut(BaseModel):
    """A failure pattern and the turn where it shows."""

    id: str
    text: str
    turn: int | None


class FeedbackOut(BaseModel):
    """One coaching item in the conversation's language."""

    stage: int
    kind: str = Field(description="praise, improve or missing; or incomplete (stage 0, always first): "
                      "turns of the conversation could not be read, so its scores may be wrong.")
    text: str
    turn: int | None


class ConversationOut(BaseModel):
    """A conversation with its turns, tags, evidence, scores, failure patterns and coaching."""

    id: str
    language: str
    channel: str
    agent_id: str | None
    team: str | None
    contact_type: str
    started_at: datetime | None = Field(description="When it started, with the UTC offset the source gave "
                                        "(none when the source gave none); the listing writes the same "
                                        "moment in UTC.")
    started_day: date | None = Field(default=None, description="The day it started on in its own time "
                                     "zone: the day that date_from and date_to, the profiles and the "
                                     "reports count it on (as the listing's started_day).")
    overall: float
    turns: list[TurnOut]
    stage_scores: list[StageScoreOut]
    failures: list[FailureOut]
    feedback: list[FeedbackOut]
    corrections: int = Field(default=0, description="How many reviewer corrections its audit trail holds "
                             "(those a re-import ended included).")
    corrected: bool = Field(default=False, description="Whether a reviewer's correction is in force: "
                            "one of its turns carries the stages a reviewer set (a correction ends when "
                            "a re-import changes that turn's speaker or text).")
    metadata: dict[str, Any] = Field(default_factory=dict)
    incomplete: bool = Field(default=False, description="Whether records of it (turns, rows, cues, "
                             "messages) could not be read on import: it was scored without them, so its "
                             "scores may be wrong; its feedback then starts with a notice (kind "
                             "incomplete). A re-import that reads it completely clears it.")
    unread: list[str] = Field(default_factory=list, description="Where each record that could not be read "
                              "stands in the imported file: file:line, file@byte N (e-mail) or file.")


class StagesIn(BaseModel):
    """A reviewer's stages for one turn (the complete new set; [] means no stage)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"stages": [1, 2]}]})

    stages: list[int] = Field(max_length=7, description="Stage ids 1..7.")

    @field_validator("stages")
    @classmethod
    def _valid(cls, value: list[int]) -> list[int]:
        if any(s < 1 or s > 7 for s in value):
            raise ValueError("stages are 1..7")
        if len(set(value)) != len(value):
            raise ValueError("a stage may appear once")
        return sorted(value)


class CorrectionOut(BaseModel):
    """An audit record: who changed which turn's stages when, before and after."""

    id: int
    conversation_id: str
    turn_index: int
    user_id: int | None
    user_name: str
    before: list[int]
    after: list[int]
    overall_before: float
    overall_after: float
    created_at: datetime


class CorrectionResultOut(BaseModel):
    """A correction and the conversation re-scored with it."""

    correction: CorrectionOut
    conversation: ConversationOut


class StageProfileOut(BaseModel):
    """One stage across the conversations of a profile."""

    stage: int
    name: str
    coverage: float = Field(description="Share of conversations where the agent carried the stage (0..1).")
    mean_score: float = Field(description="Mean score 0..100 where the stage applies.")


class FailureCountOut(BaseModel):
    """How often a failure pattern showed."""

    id: str
    count: int


class ChangeOut(BaseModel):
    """One figure in an earlier period and now (servio.report.compare)."""

    stage: int | None = Field(description="The stage 1..7; null for the overall score.")
    earlier: float | None = Field(description="Mean in the earlier period (null: no conversation counts).")
    now: float | None = Field(description="Mean in the period asked for.")
    change: float | None = Field(description="now - earlier.")
    low: float | None = Field(description="Lower end of the change's 95% interval (Welch's t), cut to -100; "
                              "null with fewer than two conversations on a side.")
    high: float | None = Field(description="Upper end of the interval, cut to 100.")
    earlier_conversations: int = Field(description="Conversations the earlier mean is over (for a stage: "
                                       "those where it applies).")
    now_conversations: int
    reading: Literal["up", "down", "chance", "few"] = Field(
        description="up or down: the interval leaves out zero (a clear change); chance: it holds zero; few: "
        "fewer than two conversations on a side.")


class PatternChangeOut(BaseModel):
    id: str
    earlier: int = Field(description="Conversations showing the failure pattern in the earlier period.")
    now: int


class PeriodOut(BaseModel):
    date_from: date | datetime | None
    date_to: date | datetime | None
    conversations: int


class ComparisonOut(BaseModel):
    """An agent's or a team's conversations of a period against an earlier one's, chosen the same way."""

    kind: str = Field(description="agent or team.")
    id: str
    period: PeriodOut
    earlier: PeriodOut
    overall: ChangeOut
    stages: list[ChangeOut]
    failure_patterns: list[PatternChangeOut]


class ProfileOut(BaseModel):
    """Per-stage picture of an agent or a team over a period."""

    kind: str = Field(description="agent or team.")
    id: str
    team: str | None
    conversations: int = Field(description="Conversations in the period; 0 for a known agent or team "
                               "without any there (then overall is null, stages and failures are empty "
                               "and summary says there were none).")
    overall: float | None = Field(description="Mean overall score 0..100; null without conversations.")
    stages: list[StageProfileOut]
    strongest: int | None
    weakest: int | None
    failures: list[FailureCountOut]
    summary: str
    language: str
    incomplete: int = Field(default=0, description="How many of the conversations counted are incomplete: "
                            "records of them could not be read on import, so their scores may be wrong. "
                            "They are counted in every figure.")
    date_from: date | datetime | None = None
    date_to: date | datetime | None = None
