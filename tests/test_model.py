"""The core model and result types: frozen, round-trippable, no I/O imports."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from servio.model import Conversation, Speaker, Turn
from servio.results import (
    AgentProfile,
    CheckResult,
    ConversationResult,
    Evidence,
    FailurePattern,
    Feedback,
    StageProfile,
    StageScore,
    StageTag,
    TurnTags,
)
from servio.stages import ALL_STAGES, Stage, info, stage_info


def test_conversation_is_frozen_and_turns_are_a_tuple() -> None:
    conv = Conversation(id="c1", turns=[Turn(Speaker.CUSTOMER, "tere")])  # type: ignore[arg-type]
    assert isinstance(conv.turns, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        conv.id = "c2"  # type: ignore[misc]
    with pytest.raises(TypeError):
        conv.metadata["x"] = 1  # type: ignore[index]


def test_agent_turns() -> None:
    conv = Conversation(
        id="c",
        turns=(
            Turn(Speaker.CUSTOMER, "a"),
            Turn(Speaker.AGENT, "b"),
            Turn(Speaker.SYSTEM, "c"),
            Turn(Speaker.AGENT, "d"),
        ),
    )
    assert conv.agent_turns == (1, 3)


def test_every_stage_has_names_in_both_languages() -> None:
    meta = stage_info()
    assert list(meta) == list(ALL_STAGES)
    for stage in ALL_STAGES:
        assert meta[stage].name("et") and meta[stage].name("en")
        assert meta[stage].name("et") != meta[stage].name("en")
        assert meta[stage].colour.startswith("#")
    assert info(3).name("en") == "clarifying needs"
    assert info(Stage.GOODBYE).short("et") == "hüvastijätt"


def test_conversation_result_round_trip() -> None:
    tag = StageTag(1, 0.9, (Evidence("phrase", "en.greeting.hi", "hi"),))
    result = ConversationResult(
        conversation_id="c1",
        language="en",
        contact_type="support",
        agent_id="kati",
        team="Tallinn",
        turns=(TurnTags(0, (tag,)), TurnTags(1, ())),
        stage_scores=(StageScore(1, 100.0, True, 1.0, (0,), (CheckResult("greeting", 1, True, 1.0, 0),)),),
        overall=100.0,
        failures=(FailurePattern("no_close", "No close", None),),
        feedback=(Feedback(7, "missing", "Say goodbye.", None),),
        started_at="2026-11-01T10:00:00",
    )
    assert ConversationResult.from_dict(result.to_dict()) == result


def test_agent_profile_round_trip() -> None:
    profile = AgentProfile(
        kind="agent",
        id="kati",
        team="Tallinn",
        conversations=3,
        overall=71.5,
        stages=(StageProfile(1, 1.0, 90.0), StageProfile(7, 0.25, 20.0)),
        strongest=1,
        weakest=7,
        failures=(("no_close", 2),),
        summary="s",
        language="et",
        conversation_ids=("a", "b", "c"),
    )
    assert AgentProfile.from_dict(profile.to_dict()) == profile


def test_import_servio_is_light() -> None:
    code = (
        "import sys, servio, servio.model, servio.results, servio.stages, servio.cli, servio.ingest;"
        "heavy = [m for m in ('estnltk', 'Stemmer', 'tqdm', 'sqlalchemy', 'fastapi', 'numpy', 'sklearn',"
        " 'scipy', 'jinja2') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
