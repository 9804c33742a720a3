"""The JSON of ``GET /reports``: a report's content (:class:`servio.report.content.Report`) as data."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from servio.service.schemas.conversations import ChangeOut, PatternChangeOut, PeriodOut


class ReportStageOut(BaseModel):
    """One stage over the report's conversations (the report's profile chart)."""

    stage: int = Field(description="The stage 1..7.")
    name: str = Field(description="The stage's name in the report's language.")
    mean_score: float | None = Field(description="Mean score 0..100 over the conversations where the stage "
                                     "applies; null where it applies in none.")
    present_in: float | None = Field(description="Share (0..1) of the conversations where the stage applies "
                                     "in which it was carried (the report's \"present in\"); null where it "
                                     "applies in none.")


class ReportPatternOut(BaseModel):
    """A failure pattern and the conversations showing it."""

    id: str
    name: str = Field(description="The pattern's name in the report's language.")
    count: int = Field(description="Conversations showing it.")
    share: float = Field(description="count / the report's conversations (0..1).")
    conversation_ids: list[str] = Field(description="The first conversations showing it (at most 10, as the "
                                        "report lists them).")
    more: int = Field(description="How many more show it than conversation_ids lists.")


class TrendPointOut(BaseModel):
    """The mean overall score of one day, week (from Monday) or calendar month with conversations."""

    start: date = Field(description="The bucket's first day.")
    end: date = Field(description="The bucket's last day.")
    label: str = Field(description="The bucket as the report labels it.")
    mean_overall: float
    conversations: int


class ReportTrendOut(BaseModel):
    """The report's trend: a point per bucket with conversations (none for an empty one)."""

    bucket: Literal["day", "week", "month"] = Field(description="day for spans up to 3 weeks, week up to "
                                                    "4 months, month beyond.")
    points: list[TrendPointOut]


class AgentStageOut(BaseModel):
    stage: int
    mean_score: float | None = Field(description="Null where the stage applies in none of the agent's "
                                     "conversations.")


class AgentRowOut(BaseModel):
    """One agent's row of the agents × stages table (team and period reports)."""

    agent_id: str | None = Field(description="Null for the conversations that name no agent.")
    conversations: int
    overall: float
    stages: list[AgentStageOut]


class CoachingOut(BaseModel):
    """One coaching note on a conversation, in the conversation's language."""

    kind: Literal["incomplete", "praise", "improve", "missing"] = Field(
        description="incomplete (stage 0, no turn, always first: records of the conversation could not be "
                    "read on import and its scores may be wrong), praise, improve or missing.")
    stage: int
    turn: int | None = Field(description="The turn it points at, counted from 0 as in servio's other JSON "
                             "(the report prints turn + 1); null for a stage that is missing.")
    text: str


class ScoreOut(BaseModel):
    stage: int
    score: float
    present: bool
    applies: bool = Field(description="Whether the stage counts for this conversation's contact type.")


class WeakConversationOut(BaseModel):
    """One of the conversations to review first."""

    id: str
    agent_id: str | None
    team: str | None
    started_at: datetime | None
    overall: float
    failure_patterns: list[str] = Field(description="Ids of the failure patterns it shows.")
    failure_names: list[str] = Field(description="Their names in the report's language, sorted, as the "
                                     "report lists them.")
    stage_scores: list[ScoreOut]
    coaching: list[CoachingOut]


class ReportComparisonOut(BaseModel):
    """The report's conversations against those of an earlier period, chosen the same way."""

    earlier: PeriodOut = Field(description="The earlier period's days and conversations (0: every figure "
                               "reads few).")
    overall: ChangeOut
    stages: list[ChangeOut]
    failure_patterns: list[PatternChangeOut]


class ReportOut(BaseModel):
    """What `servio report` and the dashboard's report show, as data."""

    scope: Literal["agent", "team", "period"]
    id: str | None = Field(description="The agent or team; null for a period report.")
    language: Literal["et", "en"] = Field(description="The language of names, summary and tip.")
    date_from: date | None = Field(description="The first day asked for (null: open).")
    date_to: date | None = Field(description="The last day asked for (null: open).")
    first_day: date | None = Field(description="The first day the report spans: date_from, else its first "
                                   "conversation's.")
    last_day: date | None = Field(description="The last day it spans: date_to, else its last conversation's.")
    generated_at: datetime = Field(description="When it was made (SOURCE_DATE_EPOCH on the server when set).")
    conversations: int
    incomplete: int = Field(0, description="How many of them are incomplete: records of them could not be "
                            "read, so their scores may be wrong (they are counted in the figures).")
    agents: int = Field(description="Different agents among them (those without an agent count as one).")
    overall: float | None = Field(description="Mean overall score 0..100; null without conversations.")
    strongest: int | None = Field(description="The strongest stage; null without one (an even profile, or "
                                  "no stage's mean reaches the praise_min_score of 80: docs/scorecard.md).")
    weakest: int | None = Field(description="The weakest stage; null without one.")
    summary: str = Field(description="The summary sentence; without conversations, the sentence that "
                         "says there were none in the period (\"Team Tallinn had no conversations from "
                         "2027-01-04 to 2027-01-10.\").")
    tip: str = Field(description="The coaching tip for the weakest stage (empty without one).")
    stages: list[ReportStageOut]
    failure_patterns: list[ReportPatternOut] = Field(description="Most frequent first.")
    trend: ReportTrendOut | None = Field(description="Null without conversations.")
    by_agent: list[AgentRowOut] = Field(description="The agents × stages table of a team or period report "
                                        "(empty for an agent's).")
    weakest_conversations: list[WeakConversationOut] = Field(
        description="The conversations to review first: the lowest scores among those below the report's "
        "mean, at most five.")
    comparison: ReportComparisonOut | None = Field(description="With compare_from and compare_to.")
