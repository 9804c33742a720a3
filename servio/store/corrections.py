"""Reviewer corrections: set a turn's stages, re-score with :func:`servio.evaluate.evaluate`, keep an audit.

A correction stays in force while the corrected turn's speaker and text are
unchanged: re-importing a changed conversation re-analyses it and then
applies the corrections whose turns are still the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from servio.model import Conversation
from servio.results import ConversationResult, Evidence, StageTag, TaggedConversation, TurnTags
from servio.stages import ALL_STAGES
from servio.store import queries
from servio.store.convert import turn_hash
from servio.store.schema import CorrectionRow, utcnow
from servio.store.types import Correction, NotFound, StoreError
from servio.store.writer import rescore

if TYPE_CHECKING:
    from servio.evaluate.scorecard import Scorecard

#: Evidence ``kind`` of a stage set by a reviewer (``cue`` holds the reviewer's name).
REVIEWER = "reviewer"


def check_stages(stages: Iterable[int]) -> tuple[int, ...]:
    """The stages sorted and deduplicated; raises :class:`StoreError` for anything but 1..7."""
    valid = {int(s) for s in ALL_STAGES}
    out: set[int] = set()
    for stage in stages:
        if isinstance(stage, bool) or not isinstance(stage, int) or stage not in valid:
            raise StoreError(f"stages must be integers 1..7, not {stage!r}")
        out.add(stage)
    return tuple(sorted(out))


def reviewer_tags(index: int, stages: Sequence[int], who: str) -> TurnTags:
    """The tags of a turn as a reviewer set them (confidence 1)."""
    evidence = (Evidence(kind=REVIEWER, cue=who),)
    tags = tuple(StageTag(stage=s, confidence=1.0, evidence=evidence) for s in stages)
    return TurnTags(index=index, tags=tags)


def rescored(conv: Conversation, turns: Sequence[TurnTags], tagger: str,
             scorecard: Scorecard | None = None) -> ConversationResult:
    """The result of ``conv`` with the given turn tags, by the same evaluation as an import."""
    from servio.evaluate import evaluate

    tagged = TaggedConversation(conversation=conv, turns=tuple(turns), tagger=tagger)
    return evaluate(tagged, contact_type=conv.contact_type, scorecard=scorecard)


def with_corrections(conv: Conversation, result: ConversationResult, tagger: str,
                     latest: Mapping[int, CorrectionRow], scorecard: Scorecard | None = None
                     ) -> tuple[ConversationResult, frozenset[int]]:
    """``result`` with the corrections in force applied and re-scored; and the corrected turns."""
    if not latest:
        return result, frozenset()
    turns = list(result.turns)
    for index, corr in latest.items():
        turns[index] = reviewer_tags(index, check_stages(corr.after), corr.user_name)
    return rescored(conv, turns, tagger, scorecard), frozenset(latest)


def correction_of(row: CorrectionRow) -> Correction:
    """The plain correction of a row."""
    return Correction(id=row.id, conversation_id=row.conversation_id, turn_index=row.turn_index,
                      user_id=row.user_id, user_name=row.user_name, before=tuple(row.before),
                      after=tuple(row.after), overall_before=row.overall_before,
                      overall_after=row.overall_after, created_at=row.created_at)


def export_record(conv: Conversation, result: ConversationResult, reviewed: frozenset[int]) -> dict[str, Any]:
    """One conversation in the ``../shared/data`` JSON Lines format with its current stages.

    Turn ``stages`` are the reviewer's where a correction is in force, the
    tagger's elsewhere; ``corrected_turns`` lists the corrected indexes.
    """
    from servio.jobs import tagged_record

    plain = replace(conv, turns=tuple(replace(t, stages=None) for t in conv.turns))
    record = tagged_record(TaggedConversation(conversation=plain, turns=result.turns))
    record["corrected_turns"] = sorted(reviewed)
    return record


def apply_correction(session: Session, conversation_id: str, turn_index: int, after: tuple[int, ...],
                     user_id: int | None, who: str, *,
                     scorecard: Scorecard | None = None) -> ConversationResult:
    """Set one turn's stages, store the re-scored result and the audit record (inside a transaction)."""
    loaded = queries.load(session, conversation_id, lock=True)
    if loaded is None:
        raise NotFound(f"no conversation {conversation_id!r}")
    if isinstance(turn_index, bool) or not 0 <= turn_index < len(loaded.conversation.turns):
        raise StoreError(f"conversation {conversation_id!r} has no turn {turn_index}")
    turns = list(loaded.result.turns)
    before = tuple(sorted(turns[turn_index].stages))
    turns[turn_index] = reviewer_tags(turn_index, after, who)
    result = rescored(loaded.conversation, turns, loaded.row.tagger, scorecard)
    now = utcnow()
    rescore(session, conversation_id, result, loaded.reviewed | {turn_index}, now)
    session.add(CorrectionRow(
        conversation_id=conversation_id, turn_index=turn_index,
        turn_hash=turn_hash(loaded.conversation.turns[turn_index]), user_id=user_id, user_name=who,
        before=list(before), after=list(after), overall_before=loaded.result.overall,
        overall_after=result.overall, created_at=now))
    return result
