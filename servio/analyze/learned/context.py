"""The second pass: a turn's own first-pass scores plus its neighbours' predicted probabilities.

Stages follow an order (greeting, interest, needs, ..., goodbye) and answer
each other (a question of stage 3 is answered by a turn of stage 3). The
first pass scores every turn on its own features; the second pass stacks
those scores with the probabilities of the neighbouring turns (previous and
next turn, previous and next turn of the other speaker, the highest
probability of each stage before and after the turn), the rule tagger's
stages on the turn (when the model uses cue hits) and a few position flags:
a cheap sequence model, fitted on out-of-fold first-pass scores.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from servio.results import TurnTags

N_STAGES = 7
_SLOTS = ("own", "prev", "next", "prev_other", "next_other", "before_max", "after_max", "rules")
_FLAGS = ("agent", "customer", "first_agent_turn", "last_agent_turn", "first_customer_turn",
          "last_customer_turn", "first_turn", "last_turn")

#: Names of the second-pass columns, in order (``context:<slot>.stage<k>`` and ``context:<flag>``).
CONTEXT_NAMES: tuple[str, ...] = tuple(
    [f"context:{slot}.stage{s}" for slot in _SLOTS for s in range(1, N_STAGES + 1)]
    + [f"context:{flag}" for flag in _FLAGS]
)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function, elementwise."""
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))


def context_matrix(logits: np.ndarray, speakers: Sequence[str],
                   rules: np.ndarray | None = None) -> np.ndarray:
    """Second-pass inputs of one conversation: one row per turn, columns as in :data:`CONTEXT_NAMES`.

    ``rules``: the rule tagger's stages per turn (turns x 7, 0/1), or None when not used.
    """
    n = len(speakers)
    probs = sigmoid(logits)
    out = np.zeros((n, len(CONTEXT_NAMES)), dtype=np.float32)
    out[:, 0:7] = logits
    if n > 1:
        out[1:, 7:14] = probs[:-1]
        out[:-1, 14:21] = probs[1:]
        before = np.maximum.accumulate(probs, axis=0)
        after = np.maximum.accumulate(probs[::-1], axis=0)[::-1]
        out[1:, 35:42] = before[:-1]
        out[:-1, 42:49] = after[1:]
    if rules is not None and n:
        out[:, 49:56] = rules
    last_seen: dict[str, int] = {}
    for i, sp in enumerate(speakers):
        other = _other_before(last_seen, sp, max)
        if other is not None:
            out[i, 21:28] = probs[other]
        last_seen[sp] = i
    next_seen: dict[str, int] = {}
    for i in range(n - 1, -1, -1):
        sp = speakers[i]
        other = _other_before(next_seen, sp, min)
        if other is not None:
            out[i, 28:35] = probs[other]
        next_seen[sp] = i
    _flags(out, speakers)
    return out


def rule_matrix(rule_tags: Sequence[TurnTags]) -> np.ndarray:
    """The rule tagger's stages as a turns x 7 array of 0/1."""
    out = np.zeros((len(rule_tags), N_STAGES), dtype=np.float32)
    for i, tt in enumerate(rule_tags):
        for s in tt.stages:
            out[i, s - 1] = 1.0
    return out


def _other_before(seen: dict[str, int], speaker: str, nearest: Callable[[list[int]], int]) -> int | None:
    """The nearest recorded turn of a different speaker (agent vs customer; system lines ignored)."""
    others = [i for sp, i in seen.items() if sp != speaker and sp != "system"]
    return nearest(others) if others else None


def _flags(out: np.ndarray, speakers: Sequence[str]) -> None:
    base = 7 * len(_SLOTS)
    agents = [i for i, s in enumerate(speakers) if s == "agent"]
    customers = [i for i, s in enumerate(speakers) if s == "customer"]
    for i, sp in enumerate(speakers):
        out[i, base] = sp == "agent"
        out[i, base + 1] = sp == "customer"
    marks = (agents[:1], agents[-1:], customers[:1], customers[-1:], [0], [len(speakers) - 1])
    for k, at in enumerate(marks):
        for i in at:
            if 0 <= i < len(speakers):
                out[i, base + 2 + k] = 1.0
