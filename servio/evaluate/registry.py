"""Registries of checks and failure patterns: the built-ins register like anyone else's.

A check is a pure function ``(view, params) -> (passed, turn)``: ``passed`` is
True, False, or None when the check does not apply to this conversation
(no wait to acknowledge, no solution to refer back); ``turn`` is where it shows.
A failure pattern is ``(view, params) -> (shown, turn)``.

Register before loading a scorecard that refers to your check::

    from servio.evaluate import register_check

    @register_check("mentions_survey")
    def mentions_survey(view, params):
        turn = view.first("survey", view.closing_turns())
        return turn is not None, turn
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from servio.evaluate.view import View

Outcome = tuple[bool | None, int | None]
CheckFn = Callable[["View", Mapping[str, Any]], Outcome]
PatternFn = Callable[["View", Mapping[str, Any]], tuple[bool, int | None]]


@dataclass(frozen=True, slots=True)
class PatternEntry:
    """A registered failure pattern and the stage it concerns."""

    id: str
    stage: int
    detect: PatternFn


_CHECKS: dict[str, CheckFn] = {}
_PATTERNS: dict[str, PatternEntry] = {}


def register_check(name: str, *, replace: bool = False) -> Callable[[CheckFn], CheckFn]:
    """Decorator: register a check function under ``name`` for use in scorecards."""

    def add(fn: CheckFn) -> CheckFn:
        if name in _CHECKS and not replace:
            raise ValueError(f"a check named {name!r} is already registered")
        _CHECKS[name] = fn
        return fn

    return add


def check_function(name: str) -> CheckFn:
    """The check registered as ``name``."""
    _load_builtins()
    try:
        return _CHECKS[name]
    except KeyError:
        raise ValueError(f"unknown check {name!r}; registered: {', '.join(sorted(_CHECKS))}") from None


def registered_checks() -> tuple[str, ...]:
    """Names of all registered checks, built-ins included."""
    _load_builtins()
    return tuple(_CHECKS)


def register_pattern(name: str, *, stage: int, replace: bool = False) -> Callable[[PatternFn], PatternFn]:
    """Decorator: register a failure-pattern detector under ``name`` (a stable snake_case id)."""

    def add(fn: PatternFn) -> PatternFn:
        if name in _PATTERNS and not replace:
            raise ValueError(f"a failure pattern named {name!r} is already registered")
        _PATTERNS[name] = PatternEntry(name, int(stage), fn)
        return fn

    return add


def registered_patterns() -> tuple[PatternEntry, ...]:
    """All registered failure patterns, in registration order."""
    _load_builtins()
    return tuple(_PATTERNS.values())


def pattern_ids() -> tuple[str, ...]:
    """The ids of all registered failure patterns (what a ``failure`` filter may name)."""
    return tuple(p.id for p in registered_patterns())


def known_failure(pattern: str, listing: Callable[[Any], Any]) -> bool:
    """Whether ``pattern`` is a failure pattern id: a registered one, or one stored conversations show
    (scored where another pattern was registered); ``listing`` lists conversations for a
    :class:`~servio.store.types.ConversationFilter`, as ``Store.list_conversations`` does."""
    if pattern in pattern_ids():
        return True
    from servio.store.types import ConversationFilter

    return bool(listing(ConversationFilter(failure=pattern, limit=1)).total)


def _load_builtins() -> None:
    from servio.evaluate import checks, patterns  # noqa: F401  (registers the built-ins)
