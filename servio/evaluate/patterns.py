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
    pattern's; the options stage drops out without such a choice (scoring's ``_applicable``)."""
    return customer_has_choice(view, {"choice_contact_types": ("sales", "complaint"), **params})


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
