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
_SPEAKERS = frozenset({"agent", "customer", "system"})
_FLAGS = ("agent", "customer", "first_agent_turn", "last_agent_turn", "first_customer_turn",
          "last_customer_turn", "first_turn", "last_turn")

#: Names of the second-pass columns, in order (``context:<slot>.stage<k>`` and ``context:<flag>``).
CONTEXT_NAMES: tuple[str, ...] = tuple(
    [f"context:{slot}.stage{s}" for slot in _SLOTS for s in range(1, N_STAGES + 1)]
    + [f"context:{flag}" for flag in _FLAGS]
)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function, elementwise."""
    # np.minimum/np.maximum: the values of np.clip, without its Python-level argument handling
    return 1.0 / (1.0 + np.exp(-np.minimum(np.maximum(z, -30.0), 30.0)))


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
    for first, backward in ((21, False), (28, True)):  # the other speaker's previous turn, then next
        rows, others = _other_speaker(speakers, backward)
        if rows:
            out[rows, first:first + 7] = probs[others]
    _flags(out, speakers)
    return out


def rule_matrix(rule_tags: Sequence[TurnTags]) -> np.ndarray:
    """The rule tagger's stages as a turns x 7 array of 0/1."""
    out = np.zeros((len(rule_tags), N_STAGES), dtype=np.float32)
    rows = [i for i, tt in enumerate(rule_tags) for _ in tt.tags]
    if rows:
        out[rows, [tag.stage - 1 for tt in rule_tags for tag in tt.tags]] = 1.0
    return out


def _other_speaker(speakers: Sequence[str], backward: bool) -> tuple[list[int], list[int]]:
    """The turns that have an earlier (``backward``: a later) turn of another speaker, and the nearest
    such turn of each: agent and customer look at each other, a system line at both, and system lines
    are never looked at."""
    if not _SPEAKERS.issuperset(speakers):
        return _other_speaker_generic(speakers, backward)
    nearest = min if backward else max
    rows: list[int] = []
    others: list[int] = []
    agent = customer = None
    for i in range(len(speakers) - 1, -1, -1) if backward else range(len(speakers)):
        sp = speakers[i]
        if sp == "agent":
            j, agent = customer, i
        elif sp == "customer":
            j, customer = agent, i
        else:
            j = agent if customer is None else customer if agent is None else nearest(agent, customer)
        if j is not None:
            rows.append(i)
            others.append(j)
    return rows, others


def _other_speaker_generic(speakers: Sequence[str], backward: bool) -> tuple[list[int], list[int]]:
    """:func:`_other_speaker` for any speaker names (a turn's nearest other speaker among all seen)."""
    nearest = min if backward else max
    rows: list[int] = []
    others: list[int] = []
    seen: dict[str, int] = {}
    for i in range(len(speakers) - 1, -1, -1) if backward else range(len(speakers)):
        sp = speakers[i]
        other = _other_before(seen, sp, nearest)
        if other is not None:
            rows.append(i)
            others.append(other)
        seen[sp] = i
    return rows, others


def _other_before(seen: dict[str, int], speaker: str, nearest: Callable[[list[int]], int]) -> int | None:
    """The nearest recorded turn of a different speaker (agent vs customer; system lines ignored)."""
    others = [i for sp, i in seen.items() if sp != speaker and sp != "system"]
    return nearest(others) if others else None


def _flags(out: np.ndarray, speakers: Sequence[str]) -> None:
    base = 7 * len(_SLOTS)
    n = len(speakers)
    agents = [i for i, s in enumerate(speakers) if s == "agent"]
    customers = [i for i, s in enumerate(speakers) if s == "customer"]
    out[agents, base] = 1.0
    out[customers, base + 1] = 1.0
    rows: list[int] = []
    cols: list[int] = []
    for k, at in enumerate((agents[:1], agents[-1:], customers[:1], customers[-1:], [0], [n - 1])):
        for i in at:
            if 0 <= i < n:
                rows.append(i)
                cols.append(base + 2 + k)
    out[rows, cols] = 1.0
