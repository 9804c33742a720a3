"""Context rules of the rule tagger: what a turn's position and neighbours add to its cues.

Cues (``servio/data/cues/<lang>.toml``) say what a turn's words carry. The
rules here are language-independent and read signals, speakers and the
stages already given to earlier turns. Each rule is a small function with
a docstring that cites the convention of the annotation guide it encodes;
every stage it adds carries ``Evidence(kind="context", cue=<rule id>)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from servio.analyze.matching import Hit
from servio.analyze.views import Position, TurnView
from servio.results import Evidence, StageTag, TurnTags


@dataclass(frozen=True, slots=True)
class Settings:
    """Numbers the context rules use (from ``servio/data/cues/shared.toml``)."""

    threshold: float = 1.0
    end_window: int = 3
    substantive_words: int = 3
    restate_words: int = 14


@dataclass(slots=True)
class TurnState:
    """The evidence gathered for one turn while the tagger works (internal, mutable)."""

    view: TurnView
    position: Position
    hits: tuple[Hit, ...]
    evidence: dict[int, list[Evidence]] = field(default_factory=dict)
    signals: dict[str, Hit] = field(default_factory=dict)
    done: bool = False

    def add(self, stage: int, kind: str, cue: str, match: str = "", weight: float = 1.0) -> None:
        """Add evidence for ``stage``."""
        self.evidence.setdefault(stage, []).append(Evidence(kind=kind, cue=cue, match=match, weight=weight))

    def drop(self, *stages: int) -> None:
        """Remove all evidence for ``stages``."""
        for s in stages:
            self.evidence.pop(s, None)

    def clear(self) -> None:
        """Remove every stage and stop further rules."""
        self.evidence.clear()
        self.done = True

    def score(self, stage: int) -> float:
        return sum(e.weight for e in self.evidence.get(stage, ()))

    def stages(self, threshold: float) -> frozenset[int]:
        return frozenset(s for s in self.evidence if self.score(s) >= threshold)

    def has(self, *signals: str) -> bool:
        return any(s in self.signals for s in signals)

    def to_turn_tags(self, threshold: float) -> TurnTags:
        tags = []
        for stage in sorted(self.stages(threshold)):
            score = self.score(stage)
            tags.append(StageTag(stage=stage, confidence=round(score / (score + 0.5), 4),
                                 evidence=tuple(self.evidence[stage])))
        return TurnTags(index=self.view.index, tags=tuple(tags))


@dataclass(frozen=True, slots=True)
class Context:
    """What a rule can see: this turn's state, earlier turns' states and the settings."""

    state: TurnState
    earlier: tuple[TurnState, ...]
    settings: Settings

    def stages(self) -> frozenset[int]:
        return self.state.stages(self.settings.threshold)

    def previous(self, speaker: str | None = None) -> TurnState | None:
        """The nearest earlier turn (of ``speaker`` if given)."""
        for st in reversed(self.earlier):
            if speaker is None or st.view.speaker == speaker:
                return st
        return None

    def stages_of(self, st: TurnState | None) -> frozenset[int]:
        return st.stages(self.settings.threshold) if st is not None else frozenset()


Rule = Callable[[Context], None]


def from_cues(state: TurnState) -> None:
    """Turn cue hits into evidence and signals (the start of every turn's state)."""
    for hit in state.hits:
        cue = hit.cue
        for stage in cue.stages:
            state.add(stage, hit.view, cue.id, hit.match, cue.weight)
        if cue.signal:
            state.signals.setdefault(cue.signal, hit)


def system_empty(ctx: Context) -> None:
    """``system`` lines ("Account has been pulled up") get an empty set."""
    if ctx.state.view.speaker == "system":
        ctx.state.clear()


def chaser_empty(ctx: Context) -> None:
    """Chasers with no content ("anything yet?", "are you there?") are empty."""
    st = ctx.state
    if st.has("chaser") and st.view.words <= 6 and not (ctx.stages() - {1}):
        st.clear()


def bare_reply(ctx: Context) -> None:
    """A bare "ok", "yes", emoji, link or number takes the stage of the question it answers (3/5)
    or accepts the proposal before it (6); otherwise it is empty."""
    st = ctx.state
    if st.view.words >= ctx.settings.substantive_words or ctx.stages():
        return
    prev = ctx.previous()
    if prev is None or prev.view.speaker == st.view.speaker:
        return
    before = ctx.stages_of(prev)
    if prev.view.is_question and before & {3, 4, 5}:
        for stage in sorted(before & {3, 4, 5}):
            st.add(stage, "context", "bare_reply.answers_question")
    elif 6 in before and st.view.speaker == "customer" and st.has("ack", "yes", "no"):
        st.add(6, "context", "bare_reply.accepts_proposal")


def customer_content(ctx: Context) -> None:
    """A customer turn that says something but carries no needs/values/options/solution cue:
    describing the problem is 3; a reaction to a proposal, answer or commitment is 6
    (plus 3 when it describes the problem anew); pushback on a stated limit is 5."""
    st = ctx.state
    if st.view.speaker != "customer" or st.view.words < ctx.settings.substantive_words:
        return
    if ctx.stages() & {3, 4, 5, 6} or st.has("closing_only"):
        return
    prev = ctx.previous("agent")
    before = ctx.stages_of(prev)
    if 6 in before and prev is not None and not prev.view.is_question:
        st.add(6, "context", "customer.reacts_to_solution")
        if st.view.words >= ctx.settings.restate_words or st.has("problem"):
            st.add(3, "context", "customer.restates_problem")
    elif 5 in before and not before & {3, 6}:
        st.add(5, "context", "customer.answers_limit")
    else:
        st.add(3, "context", "customer.describes_need")


def agent_default(ctx: Context) -> None:
    """An agent turn with content but no stage cue: a question is about the situation (3),
    a statement with a link or an instruction is a solution (6)."""
    st = ctx.state
    if st.view.speaker != "agent" or ctx.stages() - {1, 2, 7}:
        return
    if st.view.words < ctx.settings.substantive_words and not st.view.has_link:
        return
    if ctx.stages() and not st.view.is_question:
        return
    if st.view.is_question:
        st.add(3, "context", "agent.question_about_situation")
    elif st.view.has_link:
        st.add(6, "context", "agent.link_to_fix")


def customer_last_thanks(ctx: Context) -> None:
    """A customer's last turn ending in thanks is 7, even if sarcastic."""
    st = ctx.state
    hit = st.signals.get("thanks")
    if hit is None or not st.position.holds("last_customer_turn"):
        return
    if st.view.text.rstrip(" .!:)(;-*^'\"").endswith(hit.match) or st.view.words <= 6:
        st.add(7, "context", "customer.last_turn_thanks", hit.match)


#: The rules, in the order they run after :func:`from_cues`.
RULES: tuple[Rule, ...] = (
    system_empty,
    chaser_empty,
    customer_last_thanks,
    bare_reply,
    customer_content,
    agent_default,
)


def run_rules(state: TurnState, earlier: tuple[TurnState, ...], settings: Settings) -> TurnState:
    """Apply :data:`RULES` to one turn's state, in order, until one ends the turn."""
    from_cues(state)
    ctx = Context(state=state, earlier=earlier, settings=settings)
    for rule in RULES:
        if state.done:
            break
        rule(ctx)
    return state
