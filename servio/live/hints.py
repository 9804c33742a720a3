"""The next-stage hint and the live warnings, from a scored conversation so far.

Pure functions over :class:`~servio.results.ConversationResult`; the texts
and the few rules live in ``servio/data/hints/{shared,et,en}.toml``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from servio.model import LANGUAGES, Speaker, Turn
from servio.results import CheckResult, ConversationResult, FailurePattern
from servio.stages import ALL_STAGES

# The failure pattern of a solution offered before the need was clarified (servio.evaluate); it knows
# when a fully stated need excuses a direct answer and which contact types it leaves out.
PREMATURE_PITCH = "solution_before_needs"
# Failure patterns that leave a stage unfinished while they show: only yes/no questions about the need
# ("Is the router on?") have not clarified it, so the hint stays with the open question the warning asks for.
UNFINISHED_BY = MappingProxyType({"only_closed_questions": 3})
# The part of the goodbye procedure that ends it (a scorecard check id and a key of [goodbye]).
GOODBYE_END = "farewell"
# A customer's turn of this many words or fewer, with no question mark, is a bare answer (_bare_answer).
_BARE_WORDS = 2


class HintDataError(ValueError):
    """A hint data file is missing an entry or holds a wrong value."""


@dataclass(frozen=True, slots=True)
class WarningText:
    """How one failure pattern is shown live: its text and from which agent stage on."""

    text: str
    after_stage: int = 0


@dataclass(frozen=True, slots=True)
class HintTexts:
    """The hint texts of one language."""

    language: str
    next: Mapping[int, str]
    done: str
    warnings: Mapping[str, WarningText]
    goodbye: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    goodbye_and: str = "and"

    def goodbye_text(self, missing: Sequence[str]) -> str:
        """What is left of the goodbye procedure, e.g. "Thank the customer and say goodbye"."""
        parts = [self.goodbye[p] for p in missing]
        if not parts:
            return self.next[7]
        text = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} {self.goodbye_and} {parts[-1]}"
        return text[:1].upper() + text[1:]


@dataclass(frozen=True, slots=True)
class HintRules:
    """How the next stage is chosen (``servio/data/hints/shared.toml``)."""

    phases: tuple[tuple[int, ...], ...] = ((1, 2), (3, 4, 5), (6,), (7,))
    min_weight: float = 0.5
    customer_covers: Mapping[int, frozenset[int]] = field(
        default_factory=lambda: MappingProxyType({2: frozenset({3}), 4: frozenset({4})}))
    answer_customer: frozenset[int] = frozenset({7})
    reopen_on: frozenset[int] = frozenset({3})
    answer_is_solution: Mapping[str, frozenset[int]] = field(
        default_factory=lambda: MappingProxyType({"information": frozenset({5})}))


@dataclass(frozen=True, slots=True)
class LiveWarning:
    """A failure pattern showing in the chat so far, in the chat's language."""

    id: str
    text: str
    turn: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "turn": self.turn}


@dataclass(frozen=True, slots=True)
class Hint:
    """What to do next: the stage (None when every stage is covered), its text, and the warnings."""

    next_stage: int | None
    text: str
    warnings: tuple[LiveWarning, ...] = ()


def _read(name: str) -> dict[str, Any]:
    ref = resources.files("servio.data").joinpath("hints", name)
    try:
        return tomllib.loads(ref.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise HintDataError(f"servio/data/hints/{name}: {exc}") from exc


@cache
def hint_rules() -> HintRules:
    """The shared rules, read once."""
    raw = _read("shared.toml")
    try:
        phases = tuple(tuple(int(s) for s in phase) for phase in raw["phases"])
        rules = HintRules(phases=phases, min_weight=float(raw["min_weight"]),
                          customer_covers=MappingProxyType({int(k): frozenset(int(s) for s in v)
                                                            for k, v in raw["customer_covers"].items()}),
                          answer_customer=frozenset(int(s) for s in raw["answer_customer"]),
                          reopen_on=frozenset(int(s) for s in raw["reopen_on"]),
                          answer_is_solution=MappingProxyType({
                              str(k): frozenset(int(s) for s in v)
                              for k, v in raw["answer_is_solution"].items()}))
    except (KeyError, TypeError, ValueError) as exc:
        raise HintDataError(f"servio/data/hints/shared.toml: bad or missing entry: {exc}") from exc
    if sorted(s for phase in phases for s in phase) != [int(s) for s in ALL_STAGES]:
        raise HintDataError("servio/data/hints/shared.toml: phases must hold every stage once")
    return rules


@cache
def hint_texts(language: str) -> HintTexts:
    """The texts of ``language`` (``et`` or ``en``), read once."""
    if language not in LANGUAGES:
        raise HintDataError(f"no hint texts for language {language!r}")
    name = f"{language}.toml"
    raw = _read(name)
    try:
        nexts = {int(k): str(v) for k, v in raw["next"].items()}
        warnings = {pid: WarningText(str(w["text"]), int(w.get("after_stage", 0)))
                    for pid, w in raw.get("warning", {}).items()}
        done = str(raw["done"]["text"])
        goodbye = {str(k): str(v) for k, v in raw["goodbye"].items() if k != "and"}
        goodbye_and = str(raw["goodbye"]["and"])
    except (KeyError, TypeError, ValueError) as exc:
        raise HintDataError(f"servio/data/hints/{name}: bad or missing entry: {exc}") from exc
    missing = [int(s) for s in ALL_STAGES if int(s) not in nexts]
    if missing:
        raise HintDataError(f"servio/data/hints/{name}: [next] has no text for stages {missing}")
    return HintTexts(language, MappingProxyType(nexts), done, MappingProxyType(warnings),
                     MappingProxyType(goodbye), goodbye_and)


def agent_stages(turns: Sequence[Turn], stages: Sequence[frozenset[int]]) -> frozenset[int]:
    """Every stage the agent has carried so far."""
    return frozenset(s for turn, st in zip(turns, stages, strict=True) if turn.speaker is Speaker.AGENT
                     for s in st)


def next_stage(turns: Sequence[Turn], stages: Sequence[frozenset[int]], weights: Mapping[int, float],
               rules: HintRules | None = None, *, unfinished: frozenset[int] = frozenset(),
               premature: int | None = None, contact_type: str | None = None,
               farewell: bool = False) -> int | None:
    """The stage the agent could carry next, or None when none is left.

    When the customer's last turn (after the agent's last) carries a stage
    of ``answer_customer`` the agent has not carried, that stage. Otherwise
    the first stage the agent has not carried, from the start of the phase of
    the agent's furthest stage on, whose weight reaches ``min_weight`` and
    that the customer has not covered (``customer_covers``; before the agent
    says anything: 1). A customer turn carrying a stage of ``reopen_on`` after
    the agent's goodbye (the last phase) counts the agent's stages afresh
    from there, the opening phase excepted.

    ``unfinished``: stages the agent has reached but not finished; they stay
    the frontier but are not done: the goodbye while parts of the procedure
    are missing (:func:`goodbye_missing`), needs while every question so far
    is a yes/no one (the ``only_closed_questions`` pattern).

    ``premature``: the turn of a solution offered before the need was
    clarified (the ``solution_before_needs`` pattern). The stages past finding
    out that the agent carried from there until their next turn of finding out
    (3-5) do not count, and finding out is where the agent stands: the hint
    goes back to the need, not on to the goodbye.

    ``contact_type``: in a type of ``answer_is_solution`` an agent turn
    carrying one of its stages after the customer's latest question (their
    last turn of finding out) answers it and counts as the solution (6).

    ``farewell``: the agent has said goodbye (the goodbye procedure's farewell). Unless a customer has
    raised a new need since, no step is left: the warnings name what was missed, a premature pitch or
    a yes/no question included, but the hint does not send the agent back to the need after
    "Have a nice day!".
    """
    rules = rules or hint_rules()
    answers = rules.answer_is_solution.get(contact_type or "", frozenset())
    if answers:
        stages = _answers_as_solutions(turns, stages, answers, rules)
    start = _reopened_at(turns, stages, rules)  # on the stages as tagged: a goodbye after a pitch is one
    if farewell and not start:
        return None
    if premature is not None and premature < start:  # a pitch before the goodbye: a new need starts afresh
        premature = None
    if premature is not None:
        stages = _without_pitch(turns, stages, premature, rules)
    by_agent = agent_stages(turns[start:], stages[start:])
    if start:  # a new need after the goodbye: the opening stays done, finding out starts again
        by_agent |= agent_stages(turns, stages) & frozenset(rules.phases[0])
    by_customer = frozenset(s for turn, st in zip(turns[start:], stages[start:], strict=True)
                            if turn.speaker is Speaker.CUSTOMER for s in st)
    frontier = max(by_agent, default=0)
    if premature is not None:  # the pitch ended the opening; finding out is still to do
        frontier = max(frontier, rules.phases[1][0])
    # "Anything else?" alone begins the goodbye, thanks and a farewell are still to come; "Is the router
    # on?" begins finding out, an open question is still to come
    by_agent -= unfinished
    last = _last_customer(turns)
    if last is not None and _last_agent(turns) >= 0:  # before the agent says anything: the greeting
        asked = stages[last] - rules.reopen_on if _bare_answer(turns[last]) else stages[last]
        pending = sorted((asked & rules.answer_customer) - by_agent)
        if pending and last > _last_agent(turns):
            return pending[0]
    floor = next((phase[0] for phase in rules.phases if frontier in phase), 1)
    for stage in range(floor, len(ALL_STAGES) + 1):
        if stage in by_agent or weights.get(stage, 1.0) < rules.min_weight:
            continue
        if rules.customer_covers.get(stage, frozenset()) & by_customer:
            continue
        return stage
    return None


def _answers_as_solutions(turns: Sequence[Turn], stages: Sequence[frozenset[int]], answers: frozenset[int],
                          rules: HintRules) -> list[frozenset[int]]:
    """The stages with the solution (6) added to the agent's turns that answer the customer's latest
    question (their last turn of finding out): a question asked after an answer is still open."""
    finding_out = frozenset(rules.phases[1])
    asked = next((i for i in range(len(turns) - 1, -1, -1)
                  if turns[i].speaker is Speaker.CUSTOMER and stages[i] & finding_out), None)
    if asked is None:
        return list(stages)
    solution = frozenset(rules.phases[2])
    return [st | solution if i > asked and turns[i].speaker is Speaker.AGENT and st & answers else st
            for i, st in enumerate(stages)]


def _without_pitch(turns: Sequence[Turn], stages: Sequence[frozenset[int]], pitch: int,
                   rules: HintRules) -> list[frozenset[int]]:
    """The stages with those past finding out dropped from the agent's turns from a premature pitch up
    to the agent's first later turn of finding out (a pitch re-tagged {3, 6} stays a pitch)."""
    finding_out = frozenset(rules.phases[1])
    later = frozenset(s for phase in rules.phases[2:] for s in phase)
    out = list(stages)
    for i in range(pitch, len(turns)):
        if turns[i].speaker is not Speaker.AGENT:
            continue
        if i > pitch and finding_out & stages[i]:
            break
        out[i] = stages[i] - later
    return out


def _reopened_at(turns: Sequence[Turn], stages: Sequence[frozenset[int]], rules: HintRules) -> int:
    """The index after the agent's last goodbye when a customer has raised a new need since, else 0."""
    goodbye = frozenset(rules.phases[-1])
    last = next((i for i in range(len(turns) - 1, -1, -1)
                 if turns[i].speaker is Speaker.AGENT and stages[i] & goodbye), None)
    if last is None:
        return 0
    reopened = any(turns[i].speaker is Speaker.CUSTOMER and stages[i] & rules.reopen_on
                   and not _bare_answer(turns[i]) for i in range(last + 1, len(turns)))
    return last + 1 if reopened else 0


def _bare_answer(turn: Turn) -> bool:
    """A customer's bare answer ("no", "ei", "ok thanks"): two words at most and no question. It raises
    no new need and asks for no options (the stages of ``reopen_on``), whatever the tagger gives it: a lone
    "no" after "Anything else?" was tagged 5, and the hint told the agent to lay out the options again. A
    bare "thanks, bye" still calls for the goodbye."""
    return "?" not in turn.text and len(turn.text.split()) <= _BARE_WORDS


def _last_customer(turns: Sequence[Turn]) -> int | None:
    return next((i for i in range(len(turns) - 1, -1, -1) if turns[i].speaker is Speaker.CUSTOMER), None)


def _last_agent(turns: Sequence[Turn]) -> int:
    return next((i for i in range(len(turns) - 1, -1, -1) if turns[i].speaker is Speaker.AGENT), -1)


def live_warnings(failures: Sequence[FailurePattern], frontier: int, texts: HintTexts,
                  skipped: frozenset[int] = frozenset()) -> tuple[LiveWarning, ...]:
    """The failure patterns that make sense mid-chat, in the chat's language.

    ``skipped``: stages the hint skips for the contact type (weight below ``min_weight``); a pattern
    about one of them is not shown, so the warnings do not ask for a step the hint leaves out.
    """
    stage_of = _pattern_stages() if skipped else {}
    out = []
    for failure in failures:
        shown = texts.warnings.get(failure.id)
        if stage_of.get(failure.id) in skipped:
            continue
        if shown is not None and frontier >= shown.after_stage:
            out.append(LiveWarning(failure.id, shown.text, failure.turn))
    return tuple(out)


def invitation_only(turn: Turn, language: str) -> bool:
    """An agent turn whose only question invites the customer to speak ("Tere! Mina olen Liis. Kuidas saan
    aidata?"): the guide's {1, 2} ("Hi! How can I help?"), which asks nothing about the need yet, whatever
    stage 3 the tagger gives it (the live model did after a customer's stated problem, and the hint
    jumped to "offer a concrete solution" before any question about it)."""
    from servio.evaluate.cues import default_cues, fold_turn
    from servio.evaluate.view import question_sentences

    if turn.speaker is not Speaker.AGENT:
        return False
    asked = question_sentences(fold_turn(turn.text))
    return len(asked) == 1 and default_cues().pattern("invitation", language).search(asked[0]) is not None


def hint_for(turns: Sequence[Turn], result: ConversationResult) -> Hint:
    """The hint for a chat so far: the next stage and its text, and the live warnings."""
    language = result.language if result.language in LANGUAGES else "en"
    texts = hint_texts(language)
    # an invitation is no needs question, for the next step (the turn's tags and the score stay as tagged)
    stages = [t.stages - {3} if 3 in t.stages and invitation_only(turn, language) else t.stages
              for t, turn in zip(result.turns, turns, strict=True)]
    weights = {s.stage: s.weight for s in result.stage_scores}
    missing = goodbye_missing(result, texts)
    farewell = any(c.id == GOODBYE_END and c.passed for c in _goodbye_checks(result, texts))
    premature = next((f.turn for f in result.failures if f.id == PREMATURE_PITCH), None)
    unfinished = frozenset(UNFINISHED_BY[f.id] for f in result.failures if f.id in UNFINISHED_BY)
    if missing:
        unfinished |= {7}
    stage = next_stage(turns, stages, weights, unfinished=unfinished, premature=premature,
                       contact_type=result.contact_type, farewell=farewell)
    frontier = max(agent_stages(turns, stages), default=0)
    if stage is None:
        text = texts.done
    elif stage == 7 and missing and len(missing) < len(_goodbye_checks(result, texts)):
        text = texts.goodbye_text(missing)
    else:
        text = texts.next[stage]
    rules = hint_rules()
    skipped = frozenset(s for s, w in weights.items() if w < rules.min_weight)
    return Hint(stage, text, live_warnings(result.failures, frontier, texts, skipped))


def _pattern_stages() -> dict[str, int]:
    """The stage each registered failure pattern concerns."""
    from servio.evaluate import registered_patterns

    return {p.id: p.stage for p in registered_patterns()}


def _goodbye_checks(result: ConversationResult, texts: HintTexts) -> list[CheckResult]:
    """The scorecard's checks of the goodbye's parts that apply to the chat, in the order of the texts."""
    checks = {c.id: c for score in result.stage_scores if score.stage == 7 for c in score.checks}
    return [checks[part] for part in texts.goodbye if part in checks]


def goodbye_missing(result: ConversationResult, texts: HintTexts) -> tuple[str, ...]:
    """The parts of the goodbye procedure not done yet (SERVICE_PROCESS.md stage 7: a summary or the
    next step, "anything else?", thanks, a farewell), as the scorecard's stage-7 checks of the same
    ids judge them. A part whose check the scorecard leaves out (or that does not apply) is not asked for.
    The farewell ends the procedure: once it is said, a part left out before it is a miss for the
    report, not a step to go back for ("recap" after "have a nice day!")."""
    checks = _goodbye_checks(result, texts)
    if any(c.id == GOODBYE_END and c.passed for c in checks):
        return ()
    return tuple(c.id for c in checks if not c.passed)
