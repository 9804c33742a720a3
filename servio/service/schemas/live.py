"""Request and response bodies of the live stage hints."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from servio.model import Channel, ContactType, Language, Speaker

MAX_TURN_CHARS = 20_000


class LiveSessionIn(BaseModel):
    """What is known about the chat before it starts; every field may be left out."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"language": "et", "channel": "chat", "contact_type": "sales"}]})

    language: Language | None = Field(default=None, description="The chat's language; detected from the text "
                                      "when left out.")
    channel: Channel = Field(default=Channel.CHAT, description="Where the chat happens.")
    agent_id: str | None = Field(default=None, max_length=255,
                                 description="The agent serving (an agent user's own id by default).")
    team: str | None = Field(default=None, max_length=255)
    contact_type: ContactType | None = Field(
        default=None, description="support, sales, complaint or information; detected when left out.")


class LiveSessionOut(BaseModel):
    """A live session."""

    id: str = Field(description="The session id to send turns to.")
    turns: int = Field(description="Turns received so far.")
    language: Language | None
    channel: Channel
    agent_id: str | None
    team: str | None
    contact_type: ContactType | None
    ttl_seconds: int = Field(description="The session is forgotten after this long without a turn.")


class LiveTurnIn(BaseModel):
    """One turn of the chat, as it happens."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"speaker": "agent", "text": "Tere! Mina olen Kati. Kuidas saan aidata?"},
                     {"speaker": "customer", "text": "Hi, my internet keeps dropping since Monday."}]})

    speaker: Speaker = Field(description="agent, customer or system.")
    text: str = Field(min_length=1, max_length=MAX_TURN_CHARS, description="What was written or said.")
    author: str | None = Field(default=None, max_length=255, description="The writer's name, if known.")
    timestamp: datetime | None = Field(default=None, description="When the turn was written (ISO 8601).")


class EvidenceOut(BaseModel):
    """Why a stage was tagged: the cue or rule that fired and what it matched."""

    kind: str
    cue: str
    match: str
    weight: float


class StageTagOut(BaseModel):
    """One stage of one turn, with its confidence and evidence."""

    stage: int = Field(ge=1, le=7)
    confidence: float
    evidence: list[EvidenceOut]


class LiveWarningOut(BaseModel):
    """A failure pattern showing in the chat so far, in the chat's language."""

    id: str = Field(description="The failure pattern id, e.g. solution_before_needs.")
    text: str
    turn: int | None


class ChangedTurnOut(BaseModel):
    """An earlier turn whose stages changed with the new turn's context."""

    turn: int
    stages: list[int]


class LiveUpdateOut(BaseModel):
    """servio's answer to one turn."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "session_id": "k3J9xQ2mZp1a", "turn": 2, "speaker": "agent", "language": "en",
        "contact_type": "sales", "stages": [3], "tags": [], "done": [1, 2, 3], "agent_done": [1, 2, 3],
        "next_stage": 4, "hint": "Ask what matters most to the customer", "warnings": [], "changed": [],
        "overall": 41.2, "elapsed_ms": 2.4}]})

    session_id: str
    turn: int = Field(description="Index of this turn in the chat (from 0).")
    speaker: Speaker
    language: str = Field(description="The chat's language (hint texts are in it).")
    contact_type: str = Field(description="The contact type used for stage weights (given or detected).")
    stages: list[int] = Field(description="This turn's stages.")
    tags: list[StageTagOut] = Field(description="This turn's stages with confidence and evidence.")
    done: list[int] = Field(description="Stages carried by any turn so far.")
    agent_done: list[int] = Field(description="Stages the agent has carried so far.")
    next_stage: int | None = Field(description="The stage the agent could carry next; null when all "
                                   "are covered.")
    hint: str = Field(description="What to do next, in the chat's language.")
    warnings: list[LiveWarningOut] = Field(description="Failure patterns showing so far.")
    changed: list[ChangedTurnOut] = Field(description="Earlier turns whose stages changed.")
    overall: float = Field(description="The overall score of the chat so far (0..100).")
    elapsed_ms: float = Field(description="Time servio spent on this turn.")
