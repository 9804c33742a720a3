"""Scores (kappa, bootstrap intervals) and folds (parallel translations stay together)."""

import numpy as np
import pytest

from servio.model import Conversation, Language, Speaker, Turn
from servio.train.folds import assign_folds, group_keys
from servio.train.scores import kappa, score_set


def test_kappa_known_values() -> None:
    assert kappa(10, 0, 0, 10) == 1.0
    assert kappa(5, 5, 5, 5) == 0.0
    assert kappa(20, 5, 10, 15) == pytest.approx(0.4)


def test_score_set_point_inside_interval() -> None:
    rng = np.random.default_rng(0)
    gold = rng.integers(0, 2, size=(200, 7))
    pred = np.where(rng.random((200, 7)) < 0.8, gold, 1 - gold)
    conv_of = [i // 10 for i in range(200)]
    s = score_set("all", gold, pred, conv_of, seed=1, rounds=300)
    assert s.conversations == 20 and s.turns == 200
    assert s.micro_f1.low <= s.micro_f1.value <= s.micro_f1.high
    for st in s.stages:
        assert st.f1.low <= st.f1.value <= st.f1.high
        assert st.support == int(gold[:, st.stage - 1].sum())
    again = score_set("all", gold, pred, conv_of, seed=1, rounds=300)
    assert again == s


def _conv(cid: str, lang: str, source: str) -> Conversation:
    turn = Turn(Speaker.AGENT, "x", stages=frozenset())
    return Conversation(id=cid, language=Language(lang), turns=(turn,), metadata={"source": source})


def test_parallel_split_keeps_translations_with_originals() -> None:
    convs = [_conv(f"en-{i}", "en", "tweetsumm:x") for i in range(6)]
    convs += [_conv(f"et-{i}", "et", f"translated:en-{i}") for i in range(6)]
    keys = group_keys(convs, "parallel")
    folds = assign_folds(keys, ["s"] * len(convs), 3, seed=13)
    for i in range(6):
        assert folds[i] == folds[6 + i]
    plain = group_keys(convs, "conversation")
    assert len(set(plain)) == 12
    with pytest.raises(ValueError):
        group_keys(convs, "nonsense")
