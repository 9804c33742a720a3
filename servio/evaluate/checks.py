"""The built-in checks of "What good looks like" (SERVICE_PROCESS.md), one small function each.

Each is registered by id with :func:`register_check`, exactly as a third
party's check would be, and referenced from ``servio/data/scorecard.toml``.
A check returns ``(passed, turn)``; ``passed`` is None when it does not apply.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from servio.evaluate.registry import Outcome, register_check
from servio.evaluate.view import View

_STEM = re.compile(r"\w{5,}")
_WORD = re.compile(r"\w+")


def _found(turn: int | None, fallback: int | None) -> Outcome:
    return (turn is not None), (turn if turn is not None else fallback)


# -- 1 attunement ---------------------------------------------------------------
@register_check("greeting_first_turn")
def greeting_first_turn(view: View, params: Mapping[str, Any]) -> Outcome:
    """The first agent turn greets (carries stage 1 or a greeting cue)."""
    first = view.first_agent
    if first is None:
        return False, None
    return (1 in view.stages[first] or view.has("greeting", first)), first


@register_check("self_introduction")
def self_introduction(view: View, params: Mapping[str, Any]) -> Outcome:
    """The agent names themselves or the company in their first turn(s) (``turns``, default 1)."""
    opening = view.agent[: int(params.get("turns", 1))]
    if not opening:
        return False, None
    return _found(view.first("introduction", opening), opening[0])


@register_check("wait_acknowledged")
def wait_acknowledged(view: View, params: Mapping[str, Any]) -> Outcome:
    """A wait the customer signalled (or a long gap before a reply) is acknowledged by the agent.

    The agent's opening counts too when the signal answers it: a pickup that apologised
    for the queue has acknowledged the wait the customer then mentions.
    """
    signal = wait_signal(view, params)
    if signal is None:
        return None, None
    after = [i for i in view.agent if i > signal]
    before = [i for i in view.agent if i < signal]
    if len(before) == 1 and view.has("wait_ack", before[0]):
        return True, before[0]
    if not after:
        return False, None
    return _found(view.first("wait_ack", after), after[0])


def wait_signal(view: View, params: Mapping[str, Any]) -> int | None:
    """The first customer turn that signals a wait and gets an agent reply after it, or None."""
    last_agent = view.last_agent
    if last_agent is None:
        return None
    waiting = next((i for i in view.customer if i < last_agent and _waits_for_service(view, i)), None)
    channels = params.get("gap_channels", ("chat", "phone"))
    gap = _long_gap(view, float(params.get("max_gap_seconds", 300)), channels)
    found = [i for i in (waiting, gap) if i is not None]
    return min(found) if found else None


def _waits_for_service(view: View, index: int) -> bool:
    """Whether customer turn ``index`` signals a wait for the service (a ``wait_customer`` cue) in a
    sentence that is neither a question about how long something takes ("Kaua see vahetus aega võtab?")
    nor about goods on their way ("I ordered the shoes ten days ago and they still haven't arrived": a
    ``goods_wait`` cue and no ``reply_wait`` cue). A parcel late is the problem, for the solution; the
    wait the attunement acknowledges is the customer's wait for the agent ("no reply for three days")."""
    cue = view.cues.pattern("wait_customer", view.language)
    duration = view.cues.pattern("duration_question", view.language)
    goods = view.cues.pattern("goods_wait", view.language)
    reply = view.cues.pattern("reply_wait", view.language)
    for sentence in view.sentences(index):
        if not cue.search(sentence):
            continue
        if sentence.rstrip().endswith("?") and duration.search(sentence):
            continue
        if goods.search(sentence) and not reply.search(sentence):
            continue
        return True
    return False


def _long_gap(view: View, limit: float, channels: Sequence[str]) -> int | None:
    conv = view.conversation
    if str(conv.channel) not in channels:
        return None
    turns = conv.turns
    for a, b in zip(range(len(turns)), range(1, len(turns)), strict=False):
        ta, tb = turns[a].timestamp, turns[b].timestamp
        if a in view.customer and b in view.agent and ta is not None and tb is not None:
            if (tb - ta).total_seconds() > limit:
                return a
    return None


@register_check("tone_not_curt")
def tone_not_curt(view: View, params: Mapping[str, Any]) -> Outcome:
    """No agent turn is curt, and the agent uses at least one warm or polite word."""
    if not view.agent:
        return None, None
    curt = view.first("curt", view.agent)
    if curt is not None:
        return False, curt
    return _found(view.first("warm", view.agent), view.first_agent)


# -- 2 creating interest --------------------------------------------------------
@register_check("invitation")
def invitation(view: View, params: Mapping[str, Any]) -> Outcome:
    """An agent turn invites the customer to speak (stage 2, or an invitation cue)."""
    tagged = view.agent_turns(2)
    cue = view.first("invitation", view.agent)
    found = [i for i in (tagged[0] if tagged else None, cue) if i is not None]
    return _found(min(found) if found else None, view.first_agent)


@register_check("customer_not_left_unprompted")
def customer_not_left_unprompted(view: View, params: Mapping[str, Any]) -> Outcome:
    """An agent who speaks before the customer has told the need does more than a bare greeting."""
    first = view.first_agent
    if first is None or view.need_told_first:
        return None, None
    if not any(i > first for i in view.customer):
        return None, None
    prompted = 2 in view.stages[first] or view.has("invitation", first) or bool(view.questions(first))
    return prompted, first


# -- 3 clarifying needs ---------------------------------------------------------
@register_check("open_question_before_solution")
def open_question_before_solution(view: View, params: Mapping[str, Any]) -> Outcome:
    """The agent asks at least one open question before the first solution."""
    solution = view.first_solution
    for i in view.agent_before(solution):
        if view.asks_open(i):
            return True, i
    return False, solution


@register_check("understanding_checked")
def understanding_checked(view: View, params: Mapping[str, Any]) -> Outcome:
    """The agent paraphrases or checks understanding ("kas sain õigesti aru", "so you need")."""
    return _found(view.first("paraphrase", view.agent), view.first_solution)


@register_check("no_solution_first_turn")
def no_solution_first_turn(view: View, params: Mapping[str, Any]) -> Outcome:
    """No solution in the first agent turn, unless the customer had already stated the need completely.

    When the agent opens the chat ("Tere! Kuidas saan aidata?"), the turn that counts is the agent's
    first reply after the customer has spoken: the opening greeting never holds the premature pitch.
    """
    first = view.first_agent
    if first is None:
        return None, None
    if view.customer and view.customer[0] > first:
        first = next((i for i in view.agent if i > view.customer[0]), first)
    if 6 not in view.stages[first]:
        return True, first
    return view.need_complete(first, int(params.get("complete_need_words", 12))), first


# -- 4 clarifying values --------------------------------------------------------
@register_check("value_question")
def value_question(view: View, params: Mapping[str, Any]) -> Outcome:
    """The agent asks what matters most (stage 4 on an agent turn, or a value cue in a question)."""
    tagged = view.agent_turns(4)
    if tagged:
        return True, tagged[0]
    pattern = view.cues.pattern("value_question", view.language)
    for i in view.agent:
        if any(pattern.search(q) for q in view.questions(i)):
            return True, i
    return False, view.first_solution


@register_check("solution_refers_back")
def solution_refers_back(view: View, params: Mapping[str, Any]) -> Outcome:
    """A solution turn refers back to the customer's priorities (a cue, or a shared word with them)."""
    solutions = view.agent_turns(6)
    if not solutions:
        return None, None
    cue = view.first("refer_back", solutions)
    if cue is not None:
        return True, cue
    stop = view.cues.pattern("stopwords", view.language)
    values = [i for i, stages in enumerate(view.stages) if 4 in stages]
    for s in solutions:
        said = _stems(" ".join(view.texts[i] for i in values if i < s), stop)
        if said & _stems(view.texts[s], stop):
            return True, s
    return False, solutions[0]


def _stems(text: str, stop: re.Pattern[str]) -> set[str]:
    return {w[:5] for w in _STEM.findall(text) if not stop.fullmatch(w)}


# -- 5 clarifying options -------------------------------------------------------
@register_check("options_before_solution")
def options_before_solution(view: View, params: Mapping[str, Any]) -> Outcome:
    """The agent makes options or limits explicit (stage 5) before or with the first solution."""
    solution = view.first_solution
    if solution is None:
        return None, None
    before = [i for i in view.agent_turns(5) if i <= solution]
    return _found(before[0] if before else None, solution)


@register_check("several_options")
def several_options(view: View, params: Mapping[str, Any]) -> Outcome:
    """An options or solution turn of the agent offers more than one option."""
    turns = sorted(set(view.agent_turns(5)) | set(view.agent_turns(6)))
    if not turns:
        return False, None
    return _found(view.first("several_options", turns), turns[0])


# -- 6 offering a solution ------------------------------------------------------
@register_check("concrete_solution")
def concrete_solution(view: View, params: Mapping[str, Any]) -> Outcome:
    """A solution turn is concrete: numbers, dates, times, amounts, links or actions taken."""
    solutions = view.agent_turns(6)
    if not solutions:
        return False, None
    return _found(view.first("concrete", solutions), solutions[0])


def need_stated_excuses(view: View, before: int, params: Mapping[str, Any]) -> bool:
    """Whether the customer stated the need completely before turn ``before`` (``complete_need_words``,
    12) in a contact type where that excuses a direct answer (``complete_need_excuses``: support and
    complaints); the ``solution_before_needs`` pattern's parameters, and the rule of the
    ``solution_tied_to_need`` check too."""
    excused = view.contact_type in params.get("complete_need_excuses", ("support", "complaint"))
    return excused and view.need_complete(before, int(params.get("complete_need_words", 12)))


@register_check("solution_tied_to_need")
def solution_tied_to_need(view: View, params: Mapping[str, Any]) -> Outcome:
    """The first solution answers a need that was clarified first (SERVICE_PROCESS.md, stage 6: "tied
    to what the customer said"): an agent needs question (a turn of stage 3, or an open question) got
    the customer's answer before it, or, in the contact types of ``params.complete_need_excuses``,
    the customer had stated the need completely (``params.complete_need_words``) before it.

    It fails exactly where a premature pitch or canned answer shows: a solution that the
    ``solution_before_needs`` pattern names (with the same parameters) never passes it, and a
    question the customer never got to answer does not tie the solution to anything they said.
    """
    solution = view.first_solution
    if solution is None:
        return None, None
    asked = [i for i in view.agent_before(solution) if 3 in view.stages[i] or view.asks_open(i)]
    if asked and any(asked[0] < i < solution for i in view.customer):
        return True, solution
    return need_stated_excuses(view, solution, params), solution


@register_check("acceptance_sought")
def acceptance_sought(view: View, params: Mapping[str, Any]) -> Outcome:
    """The agent asks whether the solution suits the customer ("kas see sobib?", "does that work?").

    The cue has to stand in a question, so "see sobib teile hästi" does not count. A choice asked is
    agreement sought too (:func:`choice_asked`: "…or I can send a replacement today. Which would you
    prefer?"): the customer decides, and their choice is their agreement. When the customer
    accepted a proposal without being asked (chose one of the options offered, "Okei, teeme nii."),
    the agreement is there and the check does not apply: neither praise nor advice to ask for it. So
    too when the solution grants the one remedy the customer asked for (:func:`solution_as_asked`:
    "Can we get a refund?" / "I have issued a full refund").
    """
    solution = view.first_solution
    if solution is None:
        return False, None
    turns = sorted({i for i in view.agent if i >= solution} | set(view.agent_turns(5)))
    found = [i for i in (view.first_asking("acceptance", turns), choice_asked(view, turns)) if i is not None]
    asked = min(found) if found else None
    if asked is None and (_customer_agreed(view, min(turns)) or solution_as_asked(view)):
        return None, None  # the customer said yes unasked ("kuller koju on parem") or asked for it
    return _found(asked, solution)


def solution_as_asked(view: View) -> bool:
    """Whether the agent's first solution grants the one remedy the customer asked for themselves, so the
    customer made the choice and agreed to it in asking ("Can we get a refund?" / "I have issued a full
    refund"; "Palun saatke puuduv toode." / "Saatsin selle täna").

    Before the first solution, a customer sentence asks for something (a question, or a ``request``
    cue) and names a remedy (a ``remedy`` cue: refund, replacement, change …); it is not an open
    question ("What can you do?" leaves the choice to the agent) and names no alternatives ("a refund
    or a new one", "or something else"). The solution turn has a word that starts as that remedy word
    does (its first four letters: "refund"/"refunded", "saatke"/"saatsin"), and no customer turn after
    it tells the need again (3 or 5 without agreeing, as ``need_answered_directly`` reads it)."""
    solution = view.first_solution
    if solution is None:
        return False
    remedy = view.cues.pattern("remedy", view.language)
    skip = [view.cues.pattern(g, view.language) for g in ("open_question", "several_options",
                                                          "alternatives_request")]
    request = view.cues.pattern("request", view.language)
    granted = {w[:4] for w in _WORD.findall(view.texts[solution])}
    for i in view.customer:
        if i > solution:
            break
        for sentence in view.sentences(i):
            if not (sentence.rstrip().endswith("?") or request.search(sentence)):
                continue
            if any(p.search(sentence) for p in skip):
                continue
            named = {w[:4] for hit in remedy.finditer(sentence) for w in _WORD.findall(hit.group())[:1]}
            if named & granted:
                return not told_again(view, solution)
    return False


def told_again(view: View, solution: int) -> bool:
    """Whether a customer turn after ``solution`` describes the need or its limits again (carries 3 or 5),
    other than a choice or a yes (it carries 6 too) answering a question of the agent turn right before
    it: "Yes, size L please." after "Would you like a larger size instead?" is an answer; "Ma ei olnud
    väljaspool EL-i!" after a statement, or "That's not it, I need it by Wednesday." after "Does that
    work for you?", tells the need again."""
    for i in view.customer_turns(3, 5):
        if i <= solution:
            continue
        before = view.agent_before(i)
        asked = bool(before) and bool(view.questions(before[-1], skip=("anything_else", "chaser")))
        if not (asked and 6 in view.stages[i]):
            return True
    return False


def choice_asked(view: View, turns: Sequence[int]) -> int | None:
    """The first of ``turns`` that offers options (a ``several_options`` cue: "either … or", "või") and
    asks the customer to choose between them (a ``choice_question`` cue in a question: "Which would you
    prefer?", "Kumb sobib?"); not a turn tagged 4, whose either-or question is about values."""
    for i in turns:
        if 4 in view.stages[i]:
            continue  # "Kumb on teile olulisem – hind või kiirus?" asks what matters, not which option
        if view.has("several_options", i) and view.first_asking("choice_question", (i,)) is not None:
            return i
    return None


def _customer_agreed(view: View, since: int) -> bool:
    """Whether the customer accepted a proposal unasked: a customer turn after ``since`` that carries
    stage 6, follows an agent turn of options or a solution and holds an agreement cue ("sobib",
    "teeme nii", "sounds good")."""
    for i in view.customer:
        before = [a for a in view.agent if since <= a < i]
        if before and view.stages[before[-1]] & {5, 6} and 6 in view.stages[i] and view.has("agreement", i):
            return True
    return False


# -- 7 the goodbye procedure ----------------------------------------------------
def _closing_cue(view: View, group: str) -> Outcome:
    closing = view.closing_turns()
    if not closing:
        return False, None
    return _found(view.first(group, closing), closing[-1])


@register_check("next_step")
def next_step(view: View, params: Mapping[str, Any]) -> Outcome:
    """The close sums up what was agreed or says what happens next."""
    return _closing_cue(view, "next_step")


@register_check("anything_else")
def anything_else(view: View, params: Mapping[str, Any]) -> Outcome:
    """The close asks whether the customer needs anything else. A question of the last solution turn
    counts as well: "Yes, I've changed it to blue, it ships tomorrow. Anything else?" asked it, whatever
    came after it ("No, thanks!" / "Thank you, have a nice day!"); such a question can only close. (Not
    a statement there: "see if there's anything we can do" is part of the solution.)"""
    closing = view.closing_turns()
    if not closing:
        return False, None
    found = [i for i in (view.first("anything_else", closing),
                         view.first_asking("anything_else", view.agent_turns(6)[-1:])) if i is not None]
    return _found(min(found) if found else None, closing[-1])


@register_check("thanks")
def thanks(view: View, params: Mapping[str, Any]) -> Outcome:
    """The agent thanks the customer at the close."""
    return _closing_cue(view, "thanks")


@register_check("farewell")
def farewell(view: View, params: Mapping[str, Any]) -> Outcome:
    """The agent says goodbye or wishes the customer well at the close."""
    return _closing_cue(view, "farewell")


@register_check("agent_closes")
def agent_closes(view: View, params: Mapping[str, Any]) -> Outcome:
    """The agent does not vanish: the last agent turn carries the goodbye (stage 7)."""
    last = view.last_agent
    if last is None:
        return False, None
    return 7 in view.stages[last], last


# -- generic, data-driven checks -------------------------------------------------
_SCOPES = ("any", "first", "closing", "before_solution", "from_solution")


def scope_turns(view: View, scope: str) -> tuple[int, ...]:
    """Agent turns in a named scope: any, first, closing, before_solution, from_solution."""
    solution = view.first_solution
    if scope == "any":
        return view.agent
    if scope == "first":
        return view.agent[:1]
    if scope == "closing":
        return view.closing_turns()
    if scope == "before_solution":
        return view.agent_before(solution)
    if scope == "from_solution":
        return () if solution is None else tuple(i for i in view.agent if i >= solution)
    raise ValueError(f"unknown scope {scope!r}; use one of {', '.join(_SCOPES)}")


def _group(params: Mapping[str, Any]) -> str:
    group = params.get("group")
    if not isinstance(group, str):
        raise ValueError("agent_says/agent_avoids checks need params.group (a cue group name)")
    return group


@register_check("agent_says")
def agent_says(view: View, params: Mapping[str, Any]) -> Outcome:
    """An agent turn in ``params.scope`` (default any) contains a cue of ``params.group``."""
    turns = scope_turns(view, str(params.get("scope", "any")))
    if not turns:
        return None, None
    return _found(view.first(_group(params), turns), turns[0])


@register_check("agent_avoids")
def agent_avoids(view: View, params: Mapping[str, Any]) -> Outcome:
    """No agent turn in ``params.scope`` (default any) contains a cue of ``params.group``."""
    turns = scope_turns(view, str(params.get("scope", "any")))
    if not turns:
        return None, None
    hit = view.first(_group(params), turns)
    return hit is None, hit
