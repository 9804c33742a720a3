"""Context rules of the rule tagger: what a turn's position and neighbours add to its cues.

Cues (``servio/data/cues/<lang>.toml``) say what a turn's words carry. The
rules here are language-independent and read signals, speakers and the
stages already given to earlier turns. Each rule is a small function with
a docstring that cites the convention of the annotation guide it encodes;
every stage it adds carries ``Evidence(kind="context", cue=<rule id>)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from servio.analyze.state import Context, Settings, TurnState

Rule = Callable[[Context], None]
_WORDS = re.compile(r"\w+")


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


def hold_empty(ctx: Context) -> None:
    """A hold message ("one moment, let me check") is empty."""
    st = ctx.state
    if st.has("hold") and not (ctx.stages() - {2, 3}) and _residual_words(st) <= 3:
        st.clear()


def chaser_empty(ctx: Context) -> None:
    """Chasers with no content ("anything yet?", "are you there?") are empty."""
    st = ctx.state
    if st.has("chaser") and st.view.words <= 6 and not (ctx.stages() - {1}):
        st.clear()


def agent_questions(ctx: Context) -> None:
    """An agent's question about the situation (what happened, which device, which order) is 3:
    every question sentence that no interest, values, options, solution or goodbye cue claims
    (a two-word follow-up such as "Jaanipäevaks näiteks?" belongs to the question before it)."""
    st = ctx.state
    if st.view.speaker != "agent" or not st.view.is_question:
        return
    sentences = st.view.text_sentences
    claimed = _claimed_sentences(st, {2, 4, 5, 6, 7})
    open_questions = [i for i, q in enumerate(sentences.questions)
                      if q and i not in claimed and (sentences.words[i] >= 3 or len(sentences.ends) == 1)]
    if open_questions:
        st.add(3, "context", "agent.question_about_situation")


def _claimed_sentences(st: TurnState, stages: set[int]) -> set[int]:
    """Numbers of the (text-view) sentences holding a cue of one of ``stages`` or a chaser."""
    out: set[int] = set()
    for hit in st.hits:
        if not (set(hit.cue.stages) & stages or hit.cue.signal in ("chaser", "claims_question")):
            continue
        if hit.view == "phrase" or _aligned(st):
            out.add(hit.sentence)
        elif hit.in_question:
            out.update(i for i, q in enumerate(st.view.text_sentences.questions) if q)
    return out


def _aligned(st: TurnState) -> bool:
    """Whether the lemma view has as many sentences as the text view (asked only for lemma hits:
    the lemma view is split into sentences on demand)."""
    return len(st.view.text_sentences.ends) == len(st.view.lemma_sentences.ends)


def agent_signature(ctx: Context) -> None:
    """The agent's name or signature ("^AB", "-Mari") counts as 1 only in the agent's first turn;
    so does a first turn that only names the company ("Põhjala Pank.")."""
    st = ctx.state
    if not st.position.holds("first_agent_turn"):
        return
    if st.view.has_signature:
        st.add(1, "context", "agent.signs_first_turn")
    elif 0 < st.view.words <= 3 and not ctx.stages():  # "Põhjala Pank." answering the phone
        st.add(1, "context", "agent.names_company")


def customer_opening(ctx: Context) -> None:
    """A customer's first substantive turns, before the agent has worked on the case, describe
    the need or problem: 3 (also when they ask what is possible, 5, or greet, 1)."""
    st = ctx.state
    if st.view.speaker != "customer" or st.view.words < ctx.settings.substantive_words:
        return
    if ctx.stages() & {2, 7} or st.has("chaser"):
        return
    agent_work = any(e.view.speaker == "agent" and ctx.stages_of(e) & {3, 4, 5, 6} for e in ctx.earlier)
    only_asks_options = 5 in ctx.stages() and all(st.view.text_sentences.questions)
    if not agent_work and not only_asks_options:
        st.add(3, "context", "customer.opens_with_need")


def bare_reply(ctx: Context) -> None:
    """A bare "ok", "yes", emoji, link or number takes the stage of the question it answers (3/5)
    or accepts the proposal before it (6); otherwise it is empty. An agent's short reply to the
    customer's question is a direct answer: 5 to a question about what is possible ("Only in
    store."), else 6."""
    st = ctx.state
    if st.view.words >= ctx.settings.substantive_words or ctx.stages() or st.has("thanks"):
        return  # a bare "thanks" answers nothing
    prev = ctx.previous()
    if prev is None or prev.view.speaker == st.view.speaker:
        return
    before = ctx.stages_of(prev)
    if st.view.speaker == "agent" and prev.view.speaker == "customer" and prev.view.is_question:
        if st.view.words and before & {3, 5, 6}:  # a direct answer to the customer's question
            st.add(5 if 5 in before else 6, "context", "bare_reply.agent_answers")
    elif prev.has("details"):
        st.add(3, "context", "bare_reply.gives_details")
    elif prev.has("choice"):
        st.add(6, "context", "bare_reply.chooses_option")
    elif prev.view.is_question and before & {3, 4, 5}:
        for stage in sorted(before & {3, 4, 5}):
            st.add(stage, "context", "bare_reply.answers_question")
    elif before & {5, 6} and st.view.speaker == "customer" and st.has("ack"):
        st.add(6, "context", "bare_reply.accepts_proposal")


def customer_reaction(ctx: Context) -> None:
    """The customer accepting, rejecting or reporting the result of a proposal ("that worked",
    "it's still broken", "ok, let's do that") is 6, once the agent has proposed or answered."""
    st = ctx.state
    hit = st.signals.get("reaction")
    if hit is None or st.view.speaker != "customer":
        return
    if any(e.view.speaker == "agent" and ctx.stages_of(e) & {5, 6} for e in ctx.earlier):
        st.add(6, "context", "customer.reacts_to_solution", hit.match)


def customer_pushback(ctx: Context) -> None:
    """Pushback is 6 when it answers a proposal, instruction, answer or commitment, and 5 when it
    answers a stated limit (plus 3 when it restates the problem: see customer_content)."""
    st = ctx.state
    hit = st.signals.get("pushback")
    prev = ctx.previous("agent")
    if hit is None or prev is None or ctx.stages() & {5, 6}:
        return
    before = ctx.stages_of(prev)
    if 6 in before:
        st.add(6, "context", "customer.pushback_on_solution", hit.match)
    elif 5 in before:
        st.add(5, "context", "customer.pushback_on_limit", hit.match)


def customer_content(ctx: Context) -> None:
    """A customer turn that says something but carries no needs/values/options/solution cue:
    a follow-up to the customer's own message and the details an agent asked for are 3;
    the answer to a question takes the question's stage (3, 4 or 5); a reaction to a proposal,
    answer or commitment is 6 (plus 3 when it describes the problem anew); pushback on a stated
    limit is 5; anything else describes the need or problem (3)."""
    st = ctx.state
    if st.view.speaker != "customer" or st.view.words < ctx.settings.substantive_words:
        return
    stages = ctx.stages()
    if stages == {6} and (st.view.words >= ctx.settings.restate_words or st.has("problem")):
        st.add(3, "context", "customer.restates_problem")
    prev = ctx.previous("agent")
    if stages & {4, 5} and not stages & {2, 3, 6, 7} and _residual_words(st) >= ctx.settings.restate_words \
            and prev is not None and prev.view.is_question and 3 in ctx.stages_of(prev):
        # a long answer also describes the situation, besides priorities or limits
        st.add(3, "context", "customer.answers_question")
    if stages & {2, 3, 4, 5, 6, 7}:
        return
    last = ctx.previous()
    before = ctx.stages_of(prev)
    if last is not None and last.view.speaker == "customer":
        st.add(3, "context", "customer.goes_on_describing")
    elif prev is not None and prev.has("details"):
        st.add(3, "context", "customer.gives_details")
    elif prev is not None and prev.has("choice"):
        st.add(6, "context", "customer.chooses_option")
    elif prev is not None and prev.view.is_question and before & {3, 4, 5}:
        asked = before & {3, 4, 5}
        stage = 3 if 3 in asked else min(asked)
        st.add(stage, "context", "customer.answers_question")
        if {3, 6} <= before:  # "have you tried ...?": the answer also reports the result of the fix
            st.add(6, "context", "customer.reports_result")
    elif 6 in before and prev is not None and _proposes(prev):
        st.add(6, "context", "customer.reacts_to_solution")
        if st.view.words >= ctx.settings.restate_words or st.has("problem"):
            st.add(3, "context", "customer.restates_problem")
    elif 5 in before:
        st.add(5, "context", "customer.answers_limit")
    else:
        st.add(3, "context", "customer.describes_need")
        if 6 in before and last is not None and last.view.speaker == "agent":
            st.add(6, "context", "customer.reacts_to_answer")  # to the agent's answer or commitment


def agent_default(ctx: Context) -> None:
    """An agent turn with content beyond its greeting or apology but no other stage cue: a
    question is about the situation (3); a link or a statement answers or acts (6), or, when the
    customer has just asked what is possible, states what is possible (5)."""
    st = ctx.state
    if st.view.speaker != "agent" or ctx.stages() - {1}:
        return
    if st.view.has_link:
        st.add(6, "context", "agent.link_to_fix")
        return
    if _residual_words(st) < ctx.settings.statement_words:
        return
    if st.view.is_question:
        st.add(3, "context", "agent.question_about_situation")
        return
    prev = ctx.previous("customer")
    if prev is not None and 5 in ctx.stages_of(prev) and prev.view.is_question:
        st.add(5, "context", "agent.answers_what_is_possible")
    else:
        st.add(6, "context", "agent.statement_answers")


def price_is_an_option(ctx: Context) -> None:
    """A price, fee or time limit stated by the agent is an option (5) on its own; next to a
    solution (a booking made, a recap) it is part of that solution, and in a question of values
    ("cheap or fast?") part of that question: it adds nothing there."""
    st = ctx.state
    if st.view.speaker != "agent" or not st.has("price") or st.signals["price"].in_question:
        return
    if not ctx.stages() & {4, 5, 6} and 0 < st.score(5) < ctx.settings.threshold:
        st.add(5, "context", "agent.price_is_an_option", st.signals["price"].match, weight=0.5)


def solution_refers_to_values(ctx: Context) -> None:
    """A recommendation that refers back to what matters to the customer ("since battery matters
    most, I'd take ...") is the solution (6), not a new question of values (4)."""
    st = ctx.state
    if st.view.speaker == "agent" and 4 in ctx.stages() and st.has("recommends"):
        st.drop(4)


def _proposes(st: TurnState) -> bool:
    """Whether the agent's turn proposed or did something the customer can react to (an
    instruction, recommendation, fix, link or action), not only stated an answer."""
    if st.has("proposal", "recommends"):
        return True
    sources = {e.cue for e in st.evidence.get(6, ())}
    return bool(sources & {"agent.link_to_fix", "solution.action"})


def dm_link_is_a_request(ctx: Context) -> None:
    """Telling the customer how to send the details ("click the link below to DM us your order
    number") belongs to the request for details (3): it is not a fix (6)."""
    st = ctx.state
    if st.view.speaker != "agent" or not st.has("details") or not st.has("dm_instruction"):
        return
    sources = {e.cue for e in st.evidence.get(6, ())}
    if sources and sources <= {"solution.instruction", "agent.link_to_fix"}:
        st.drop(6)


def _residual_words(st: TurnState) -> int:
    """Words of the turn not covered by any cue match (how much it says beyond its cues)."""
    if st.residual is None:
        covered = sum(len(_WORDS.findall(h.match)) for h in st.hits if h.view == "phrase")
        st.residual = max(st.view.words - covered, 0)
    return st.residual


def customer_thanks(ctx: Context) -> None:
    """A customer's last turn ending in thanks is 7, even if sarcastic; so is a customer turn that
    is mostly thanks right after the agent solved something (thanks for a detail is not 7)."""
    st = ctx.state
    hit = st.signals.get("thanks")
    if hit is None or st.view.speaker != "customer":
        return
    short = _residual_words(st) <= 4
    if st.position.holds("last_customer_turn") and (hit.end >= 0.75 or short):
        st.add(7, "context", "customer.last_turn_thanks", hit.match)
    elif short and ctx.stages_of(ctx.previous("agent")) & {6, 7}:
        st.add(7, "context", "customer.thanks_for_solution", hit.match)


#: The rules, in the order they run after :func:`from_cues`.
RULES: tuple[Rule, ...] = (
    system_empty,
    chaser_empty,
    hold_empty,
    customer_thanks,
    agent_signature,
    agent_questions,
    customer_reaction,
    customer_pushback,
    bare_reply,
    customer_opening,
    customer_content,
    price_is_an_option,
    agent_default,
    solution_refers_to_values,
    dm_link_is_a_request,
)


#: The rules that only ever act on one speaker's turns (each returns at once on another's).
_ONLY: dict[Rule, str] = {
    system_empty: "system", customer_thanks: "customer", agent_signature: "agent", agent_questions: "agent",
    customer_reaction: "customer", customer_opening: "customer", customer_content: "customer",
    price_is_an_option: "agent", agent_default: "agent", solution_refers_to_values: "agent",
    dm_link_is_a_request: "agent",
}
#: :data:`RULES` by speaker, without those that cannot act on that speaker's turns (saves calls).
_RULES_FOR = {speaker: tuple(r for r in RULES if _ONLY.get(r, speaker) == speaker)
              for speaker in ("agent", "customer", "system")}


def run_rules(state: TurnState, earlier: Sequence[TurnState], settings: Settings) -> TurnState:
    """Apply :data:`RULES` to one turn's state, in order, until one ends the turn."""
    from_cues(state)
    ctx = Context(state, earlier, settings)
    for rule in _RULES_FOR.get(state.view.speaker, RULES):
        if state.done:
            break
        rule(ctx)
    state.final = state.stages(settings.threshold)
    return state
