"""Cross-validation folds by conversation, optionally keeping parallel translations together.

``et_twitter_translated`` conversations are turn-by-turn translations of
``en_twitter`` ones (``source: "translated:<id>"``); splitting a pair across
folds lets the model see the answer in the other language. The ``parallel``
split puts a translation in its original's group; ``conversation`` does not.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from servio.model import Conversation
from servio.train.errors import TrainingError

SPLITS = ("parallel", "conversation")
_PAIRS = " (a translation counts as one with its original)"


def group_keys(conversations: Sequence[Conversation], split: str) -> list[str]:
    """The group of every conversation under ``split`` (``parallel`` or ``conversation``)."""
    if split not in SPLITS:
        raise TrainingError(f"unknown split {split!r} (use one of {', '.join(SPLITS)})")
    ids = {c.id for c in conversations}
    keys = []
    for conv in conversations:
        source = str(conv.metadata.get("source", ""))
        original = source.removeprefix("translated:") if source.startswith("translated:") else ""
        keys.append(original if split == "parallel" and original in ids else conv.id)
    return keys


def assign_folds(groups: Sequence[str], strata: Sequence[str], folds: int, seed: int) -> list[int]:
    """A fold (0..folds-1) for every item: whole groups, shuffled with ``seed`` within each stratum
    (the stratum of a group's first item), then dealt round robin so each fold gets a share of each."""
    if folds < 2:
        raise TrainingError(f"cross-validation needs at least 2 folds, not {folds}")
    first: dict[str, str] = {}
    for g, s in zip(groups, strata, strict=True):
        first.setdefault(g, s)
    rng = random.Random(seed)
    order: list[str] = []
    for stratum in sorted(set(first.values())):
        members = sorted(g for g, s in first.items() if s == stratum)
        rng.shuffle(members)
        order.extend(members)
    if len(order) < folds:
        raise TrainingError(f"{len(order)} conversations cannot fill {folds} folds{_PAIRS}")
    fold_of = {g: k % folds for k, g in enumerate(order)}
    return [fold_of[g] for g in groups]


def usable_folds(folds: int, groups: Sequence[str]) -> int:
    """``folds``, or fewer when fewer conversation ``groups`` are there to fill them (at least 2)."""
    n = len(set(groups))
    if n < 2:
        raise TrainingError(f"cannot train on {n} conversation(s): at least 2 conversations are "
                            f"needed{_PAIRS}")
    return min(folds, n)


def strata_of(conversations: Sequence[Conversation]) -> list[str]:
    """Stratum of each conversation: language, channel and origin (written/translated/other)."""
    out = []
    for conv in conversations:
        source = str(conv.metadata.get("source", ""))
        origin = source.split(":", 1)[0] if source else "unknown"
        lang = conv.language.value if conv.language else "?"
        out.append(f"{lang}/{conv.channel.value}/{origin}")
    return out
