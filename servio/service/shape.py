"""Plain results -> the dicts the response models validate (kept out of the handlers)."""

from __future__ import annotations

from typing import Any

from servio.model import Conversation
from servio.results import AgentProfile, ConversationResult
from servio.stages import info


def stage_name(stage: int, language: str) -> str:
    """A stage's name in ``language`` (English for anything but ``et``)."""
    return info(stage).name(language)


def conversation_detail(conv: Conversation, result: ConversationResult,
                        corrections: int = 0, *, corrected: bool = False) -> dict[str, Any]:
    """A stored conversation with its turns, tags, evidence, scores, failure patterns and coaching;
    ``corrections`` counts its audit trail, ``corrected`` says whether a correction is still in force."""
    data = result.to_dict()
    turns = []
    for turn, tags in zip(conv.turns, result.turns, strict=True):
        turns.append({"index": tags.index, "speaker": str(turn.speaker), "text": turn.text,
                      "author": turn.author, "timestamp": turn.timestamp, "stages": sorted(tags.stages),
                      "tags": [t.to_dict() for t in tags.tags]})
    scores = [{**s, "name": stage_name(s["stage"], result.language)} for s in data["stage_scores"]]
    return {
        "id": conv.id, "language": result.language, "channel": str(conv.channel), "agent_id": conv.agent_id,
        "team": conv.team, "contact_type": result.contact_type, "started_at": conv.started_at,
        "overall": data["overall"], "turns": turns, "stage_scores": scores, "failures": data["failures"],
        "feedback": data["feedback"], "corrections": corrections, "corrected": corrected,
        "metadata": _plain(dict(conv.metadata)), "incomplete": result.incomplete,
        "unread": list(result.unread),
    }


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def profile_out(profile: AgentProfile, date_from: Any = None, date_to: Any = None) -> dict[str, Any]:
    """A profile with stage names in the profile's language and the period asked for."""
    data = profile.to_dict()
    data["stages"] = [{**s, "name": stage_name(s["stage"], profile.language)} for s in data["stages"]]
    data.pop("conversation_ids", None)
    data["date_from"], data["date_to"] = date_from, date_to
    return data
