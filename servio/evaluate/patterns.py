"""Failure patterns of the service process, named in plain words, with the turn where each shows.

Detectors are registered with :func:`register_pattern` like a third party's
would be; their names (et, en) live in ``servio/data/feedback/{et,en}.toml``
under ``[pattern.<id>]``. Parameters come from the scorecard's ``[patterns.<id>]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from servio.evaluate.checks import (
    greeting_first_turn,
    need_stated_excuses,
    self_introduction,
    several_options,
    solution_as_asked,
    told_again,
    value_question,
)
from servio.evaluate.registry import register_pattern
from servio.evaluate.view import View
from servio.model import Speaker

Shown = tuple[bool, int | None]
_NOT: Shown = (False, None)


@register_pattern("solution_before_needs", stage=3)
def solution_before_needs(view: View, params: Mapping[str, Any]) -> Shown:
    """A solution comes before the agent clarified the need (a premature pitch or a canned answer)."""
    solution = view.first_solution
    if solution is None or view.contact_type in params.get("skip_contact_types", ("information",)):
        return _NOT
    before = view.agent_before(solution)
    if any(i < solution for i in view.agent_turns(3)) or any(view.asks_open(i) for i in before):
        return _NOT
    return _NOT if need_stated_excuses(view, solution, params) else (True, solution)


def need_answered_directly(view: View, params: Mapping[str, Any],
                           closed: Mapping[str, Any] | None = None) -> bool:
    """Whether the customer stated the need completely and the agent's solution answered it directly, so
    that clarifying needs had nothing left to do (SERVICE_PROCESS.md, stage 3: "no solution in the first
    agent turn unless the customer already stated the need completely"). ``params`` are the
    ``solution_before_needs`` pattern's, ``closed`` the ``only_closed_questions`` pattern's. All of:

    - there is a solution, and the ``solution_before_needs`` pattern does not name it: a direct answer
      is excused only in its ``complete_need_excuses`` (support, complaints) and in the contact types it
      does not judge (``skip_contact_types``: information), so a pitch in a sale stays a pitch;
    - "stated completely": before the first solution the customer's turns of 3 or 5 have at least
      ``complete_need_words`` (12) words and say what the customer wants, a question or a request
      (the ``request`` cues: "please", "I'd like", "palun", "sooviksin");
    - it is the agent's direct answer: no agent turn before it carries more than a greeting or an
      invitation (1, 2) or asks a question (invitations and chasers aside), and
      ``only_closed_questions`` does not show;
    - the answer hit the need: no customer turn after the solution carries 3 or 5, unless it is a
      choice or a yes (it carries 6 too) answering the agent's question ("Yes, size L please."): the
      customer did not restate the need or add a limit the solution missed.

    The agent carrying stage 3 is not excluded here; scoring's ``_applicable`` keeps a stage the agent
    carried scored before asking this.
    """
    solution = view.first_solution
    if solution is None:
        return False
    skipped = view.contact_type in params.get("skip_contact_types", ("information",))
    if not skipped and (solution_before_needs(view, params)[0]
                        or not need_stated_excuses(view, solution, params)):
        return False
    if skipped and not view.need_complete(solution, int(params.get("complete_need_words", 12))):
        return False
    if not _customer_says_what_they_want(view, solution):
        return False
    before = view.agent_before(solution)
    if any(view.stages[i] - {1, 2} for i in before):
        return False  # the agent clarified something (3, 4, 5) first: the stages are scored as carried
    if any(view.questions(i, skip=("invitation", "chaser", "anything_else")) for i in before):
        return False
    if only_closed_questions(view, closed or {})[0]:
        return False
    return not told_again(view, solution)


def _customer_says_what_they_want(view: View, before: int) -> bool:
    """Whether a customer turn of 3 or 5 before ``before`` asks a question or makes a request."""
    return any(view.questions(i) or view.has("request", i) for i in view.customer_turns(3, 5) if i < before)


@register_pattern("no_close", stage=7)
def no_close(view: View, params: Mapping[str, Any]) -> Shown:
    """Needs were clarified, but the agent never closed: it ends on the solution or the customer."""
    last = view.last_agent
    if last is None or not view.agent_turns(3) or 7 in view.stages[last]:
        return _NOT
    return True, len(view.texts) - 1


@register_pattern("no_greeting", stage=1)
def no_greeting(view: View, params: Mapping[str, Any]) -> Shown:
    """The agent's first turn has no greeting."""
    passed, turn = greeting_first_turn(view, params)
    return (passed is False and turn is not None), turn


@register_pattern("no_introduction", stage=1)
def no_introduction(view: View, params: Mapping[str, Any]) -> Shown:
    """The agent never names themselves or the company at the start."""
    if str(view.conversation.channel) in params.get("skip_channels", ()):
        return _NOT
    passed, turn = self_introduction(view, params)
    return (passed is False and turn is not None), turn


@register_pattern("only_closed_questions", stage=3)
def only_closed_questions(view: View, params: Mapping[str, Any]) -> Shown:
    """The agent asks questions, but every one of them is a yes/no or either/or question.

    Invitations, "anything else?", requests for agreement and chasers ("are you still there?",
    "does that answer your question?") are not questions about the need.
    """
    skip = ("invitation", "anything_else", "acceptance", "chaser")
    asked = [i for i in view.agent if view.questions(i, skip=skip)]
    if len(asked) < int(params.get("min_questions", 1)) or any(view.asks_open(i) for i in view.agent):
        return _NOT
    return True, asked[0]


def customer_has_choice(view: View, params: Mapping[str, Any]) -> bool:
    """Whether the contact involves a real choice: a choice contact type, or the customer asks for options."""
    if view.contact_type in params.get("choice_contact_types", ("sales",)):
        return True
    return view.first("alternatives_request", view.customer) is not None


@register_pattern("one_option_pushed", stage=5)
def one_option_pushed(view: View, params: Mapping[str, Any]) -> Shown:
    """One option is pushed where several exist: a solution with no alternatives, when there was a choice."""
    solution = view.first_solution
    if solution is None or view.contact_type in params.get("skip_contact_types", ("information",)):
        return _NOT
    if several_options(view, params)[0]:
        return _NOT
    return (True, solution) if choice_between_options(view, params) else _NOT


def choice_between_options(view: View, params: Mapping[str, Any]) -> bool:
    """Whether there was a choice between options: a choice contact type (by default sales and
    complaints) or the customer asking for alternatives. ``params`` are the ``one_option_pushed``
    pattern's; the options stage drops out without such a choice (scoring's ``_applicable``).

    In ``asked_remedy_types`` (by default support and complaints) a customer who asked for one remedy
    by name and got it (:func:`~servio.evaluate.checks.solution_as_asked`: "Can we get a refund?" /
    "I have issued a full refund") made the choice themselves: no option was pushed on them, unless
    they also asked for alternatives."""
    if view.first("alternatives_request", view.customer) is not None:
        return True
    if view.contact_type not in params.get("choice_contact_types", ("sales", "complaint")):
        return False
    own = view.contact_type in params.get("asked_remedy_types", ("support", "complaint"))
    return not (own and solution_as_asked(view))


@register_pattern("values_never_asked", stage=4)
def values_never_asked(view: View, params: Mapping[str, Any]) -> Shown:
    """The customer had a real choice to make, but the agent never asked what matters to them.

    A real choice: a sales contact, a customer asking for alternatives, or (in a
    complaint) several remedies on offer. A customer who volunteered their
    priorities (a stage-4 turn) had them on the table already.
    """
    if view.contact_type in params.get("skip_contact_types", ("information",)) or not view.agent:
        return _NOT
    if value_question(view, params)[0] or view.customer_turns(4):
        return _NOT
    if not real_choice(view, params):
        return _NOT
    return True, view.first_solution if view.first_solution is not None else several_options(view, params)[1]


def real_choice(view: View, params: Mapping[str, Any]) -> bool:
    """Whether the customer had a real choice to make, where values apply (SERVICE_PROCESS.md: "at
    least one question about priorities or criteria where the customer has a choice to make"): a
    choice contact type, a customer asking for alternatives, or (in a complaint) several remedies on
    offer. ``params`` are the ``values_never_asked`` pattern's."""
    if customer_has_choice(view, params):
        return True
    offered_types = params.get("offered_choice_types", ("complaint",))
    return view.contact_type in offered_types and bool(several_options(view, params)[0])


@register_pattern("agent_vanishes", stage=7)
def agent_vanishes(view: View, params: Mapping[str, Any]) -> Shown:
    """The customer is left without an answer: their last question or problem gets no agent reply."""
    speakers = view.speakers
    last = next((i for i in range(len(speakers) - 1, -1, -1) if speakers[i] is not Speaker.SYSTEM), None)
    if last is None or speakers[last] is not Speaker.CUSTOMER or 7 in view.stages[last]:
        return _NOT
    if view.last_agent is None:
        return True, view.customer[0]
    waiting = view.stages[last] & {3, 5} or view.questions(last)
    return (True, last) if waiting else _NOT
