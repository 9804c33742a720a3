"""evaluate(): a tagged conversation -> stage scores, failure patterns and coaching.

A stage's score is the weighted share of its applicable checks that pass
(100 when it has none), and 0 when the agent never carries the stage. The
overall score is the mean of stage scores weighted by the contact type's
stage weights; a stage of weight 0 is not applicable and left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from servio.evaluate.contact_type import contact_type_of, conversation_language
from servio.evaluate.feedback import coach, pattern_name
from servio.evaluate.patterns import choice_between_options, need_answered_directly, real_choice
from servio.evaluate.registry import CheckFn, registered_patterns
from servio.evaluate.scorecard import CheckSpec, Scorecard, default_scorecard
from servio.evaluate.view import View
from servio.model import ContactType, Speaker
from servio.results import CheckResult, ConversationResult, FailurePattern, StageScore, TaggedConversation


def evaluate(tagged: TaggedConversation, *, contact_type: ContactType | str | None = None,
             scorecard: Scorecard | None = None) -> ConversationResult:
    """Score one tagged conversation, name its failure patterns and coach the agent."""
    if not isinstance(tagged, TaggedConversation):
        raise TypeError(f"evaluate() scores the TaggedConversation that servio.analyze.analyze() returns, "
                        f"not {type(tagged).__name__}")
    card = scorecard or default_scorecard()
    conv = tagged.conversation
    if len(tagged.turns) != len(conv.turns):
        raise ValueError(
            f"conversation {conv.id!r}: {len(tagged.turns)} turn tags for {len(conv.turns)} turns"
        )
    language = conversation_language(conv, card.cues)
    view = View(tagged, cues=card.cues, language=language, contact_type="")
    ctype = ContactType(contact_type) if contact_type is not None else contact_type_of(view)
    view.contact_type = str(ctype)
    if view.contact_type in ANSWER_IS_SOLUTION and not view.agent_turns(6):
        view.with_stage(6, _answers(view))
    plan = card.plan(str(ctype))
    scores = tuple(stage_score(view, stage, _applicable(view, stage, weight, card.pattern_params), checks)
                   for stage, weight, checks in plan)
    failures = find_patterns(view, card, language)
    flagged = {f.turn for f in failures if f.turn is not None}
    return ConversationResult(
        conversation_id=conv.id,
        language=language,
        contact_type=str(ctype),
        agent_id=conv.agent_id,
        team=conv.team,
        turns=tagged.turns,
        stage_scores=scores,
        overall=overall_score(scores),
        failures=failures,
        feedback=coach(scores, language, card, conv.unread, flagged),
        started_at=conv.started_at.isoformat() if conv.started_at is not None else None,
        unread=conv.unread,
    )


#: Contact types whose solution is the answer: an agent's statement of what is possible or how
#: things are (stage 5 by the annotation guide, "the shop is open 10-16 on Saturdays") that answers
#: the customer's question is what an information request asked for. It counts as the solution when
#: no turn is tagged 6; the tags shown are not changed.
ANSWER_IS_SOLUTION = ("information",)


def _answers(view: View) -> list[int]:
    """Agent turns tagged 5 that follow a customer's question or need (3 or 5)."""
    found, asked = [], False
    for i, speaker in enumerate(view.speakers):
        if speaker is Speaker.CUSTOMER:
            asked = asked or bool(view.stages[i] & {3, 5})
        elif speaker is Speaker.AGENT and asked and 5 in view.stages[i]:
            found.append(i)
    return found


def _applicable(view: View, stage: int, weight: float,
                pattern_params: Mapping[str, Mapping[str, Any]]) -> float:
    """``weight``, or 0 (not applicable) for a stage the agent rightly left alone (docs/scorecard.md):

    - interest (2), when the customer opened with the need (a customer turn of 3 or 5 before the
      agent's first turn) and the agent carried no stage 2: the customer was not "left to start
      explaining unprompted after a bare 'tere'" (SERVICE_PROCESS.md), they had opened up already;
    - needs (3), when the customer stated the need completely and the agent's solution answered it
      directly (``need_answered_directly`` with the ``solution_before_needs`` and
      ``only_closed_questions`` patterns' parameters): "no solution in the first agent turn unless the
      customer already stated the need completely" (SERVICE_PROCESS.md); a pitch in a sale is never
      excused;
    - values (4), when the customer had no real choice to make and nobody raised one (the
      ``values_never_asked`` pattern's parameters);
    - options (5), when there was no choice between options (the ``one_option_pushed`` pattern's
      parameters: no choice contact type, no customer asking for alternatives) and nobody raised
      what is possible: no agent or customer turn carries 5. Options are made explicit "before a
      solution that depends on them" and more than one is offered "where more exist"; a support
      contact with one fix and no limit in sight has none.
    """
    if weight <= 0 or view.agent_turns(stage):
        return weight
    if stage == 2 and view.need_told_first:
        return 0.0
    if stage == 3 and need_answered_directly(view, pattern_params.get("solution_before_needs", {}),
                                             pattern_params.get("only_closed_questions", {})):
        return 0.0
    if stage == 4 and not view.customer_turns(4):
        if not real_choice(view, pattern_params.get("values_never_asked", {})):
            return 0.0
    if stage == 5 and not view.customer_turns(5):
        if not choice_between_options(view, pattern_params.get("one_option_pushed", {})):
            return 0.0
    return weight


def stage_score(view: View, stage: int, weight: float,
                checks: Sequence[tuple[CheckSpec, CheckFn]]) -> StageScore:
    """Run a stage's checks and score it 0..100."""
    results = []
    for spec, fn in checks:
        passed, turn = fn(view, spec.params)
        if passed is not None:
            results.append(CheckResult(spec.id, stage, bool(passed), spec.weight, turn))
    turns = view.agent_turns(stage)
    total = sum(c.weight for c in results)
    if not turns:
        score = 0.0
    elif total <= 0:
        score = 100.0
    else:
        score = 100.0 * sum(c.weight for c in results if c.passed) / total
    return StageScore(stage=stage, score=score, present=bool(turns), weight=weight, turns=turns,
                      checks=tuple(results))


def overall_score(scores: Sequence[StageScore]) -> float:
    """The weighted mean of the applicable stages' scores (0 when none applies)."""
    total = sum(s.weight for s in scores if s.weight > 0)
    if total <= 0:
        return 0.0
    return sum(s.weight * s.score for s in scores if s.weight > 0) / total


def find_patterns(view: View, card: Scorecard, language: str) -> tuple[FailurePattern, ...]:
    """Every enabled failure pattern that shows in the conversation, in registration order."""
    found = []
    for entry in registered_patterns():
        if entry.id in card.disabled_patterns:
            continue
        shown, turn = entry.detect(view, card.pattern_params.get(entry.id, {}))
        if shown:
            found.append(FailurePattern(entry.id, pattern_name(entry.id, language), turn))
    return tuple(found)
