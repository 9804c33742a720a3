"""Small invented results for report tests (written here, not copied from any data set)."""

from __future__ import annotations

import pytest

from servio.model import Conversation, Speaker, Turn
from servio.results import (
    ConversationResult,
    Evidence,
    FailurePattern,
    Feedback,
    StageScore,
    StageTag,
    TurnTags,
)


def make_result(cid: str, agent: str, team: str, day: str, scores: dict[int, float],
                failures: tuple[str, ...] = (), n_turns: int = 4,
                missing: tuple[int, ...] = ()) -> ConversationResult:
    """A result with the given stage scores; other stages do not apply, except ``missing`` ones (absent)."""
    stage_scores = tuple(
        StageScore(stage=s, score=scores.get(s, 0.0), present=s in scores,
                   weight=1.0 if s in scores or s in missing else 0.0)
        for s in range(1, 8)
    )
    turns = tuple(
        TurnTags(index=i, tags=(StageTag(stage=(i % 7) + 1, confidence=0.9,
                                         evidence=(Evidence("phrase", "x"),)),))
        for i in range(n_turns)
    )
    overall = sum(scores.values()) / max(1, len(scores))
    return ConversationResult(
        conversation_id=cid, language="en", contact_type="support", agent_id=agent, team=team, turns=turns,
        stage_scores=stage_scores, overall=overall,
        failures=tuple(FailurePattern(id=f, text=f.replace("_", " "), turn=1) for f in failures),
        feedback=(Feedback(stage=7, kind="missing", text="Close with a goodbye <please>.", turn=None),
                  Feedback(stage=3, kind="improve", text="Ask an open question.", turn=1)),
        started_at=f"{day}T10:00:00+03:00",
    )


def make_conversation(cid: str, n_turns: int = 4) -> Conversation:
    speakers = [Speaker.AGENT, Speaker.CUSTOMER]
    turns = tuple(Turn(speaker=speakers[i % 2], text=f"turn {i} of {cid}: text & more")
                  for i in range(n_turns))
    return Conversation(id=cid, turns=turns)


@pytest.fixture()
def results() -> list[ConversationResult]:
    return [
        make_result("a1", "ann", "North", "2026-09-01", {1: 90, 2: 80, 3: 30, 6: 70, 7: 20}, ("no_close",)),
        make_result("a2", "ann", "North", "2026-09-20", {1: 100, 2: 90, 3: 50, 6: 80, 7: 40},
                    ("no_close", "only_closed_questions")),
        make_result("a3", "ann", "North", "2026-10-15", {1: 95, 2: 85, 3: 60, 6: 90, 7: 70}),
        make_result("b1", "bob", "North", "2026-09-05", {1: 40, 2: 10, 3: 90, 6: 50, 7: 90},
                    ("no_greeting",)),
        make_result("c1", "cid", "South", "2026-09-10", {1: 70, 2: 70, 3: 70, 6: 70, 7: 70}),
    ]
