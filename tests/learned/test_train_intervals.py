"""Bootstrap intervals: a resample in which a stage is neither gold nor predicted says nothing about it."""

import numpy as np

from servio.train.scores import score_set


def _rare_stage_predicted_perfectly() -> tuple[np.ndarray, np.ndarray, list[int]]:
    """10 conversations of 3 turns; stage 3 everywhere, half right; stage 2 on one turn of one
    conversation, predicted exactly there and nowhere else."""
    gold = np.zeros((30, 7), dtype=np.int8)
    gold[:, 2] = 1
    gold[4, 1] = 1
    pred = gold.copy()
    pred[::2, 2] = 0
    return gold, pred, [i // 3 for i in range(30)]


def test_a_perfect_rare_stage_has_a_perfect_interval() -> None:
    gold, pred, conv_of = _rare_stage_predicted_perfectly()
    s = score_set("all", gold, pred, conv_of, seed=3, rounds=400)
    stage2 = s.stage(2)
    assert (stage2.f1.value, stage2.f1.low, stage2.f1.high) == (1.0, 1.0, 1.0)
    assert (stage2.precision.low, stage2.recall.low) == (1.0, 1.0)


def test_macro_interval_averages_the_stages_a_resample_holds() -> None:
    gold, pred, conv_of = _rare_stage_predicted_perfectly()
    s = score_set("all", gold, pred, conv_of, seed=3, rounds=400)
    f1_stage3 = s.stage(3).f1
    assert s.macro_f1.value == round((1.0 + f1_stage3.value) / 2, 4)
    # every resample's macro-F1 lies between stage 3's F1 and the mean with a perfect stage 2
    assert s.macro_f1.low >= f1_stage3.low - 1e-4
    assert s.macro_f1.high <= (1.0 + f1_stage3.high) / 2 + 1e-4


def test_an_interval_holds_its_point_when_every_resample_is_defined() -> None:
    gold, pred, conv_of = _rare_stage_predicted_perfectly()
    s = score_set("all", gold, pred, conv_of, seed=3, rounds=400)
    for st in s.stages:
        for iv in (st.precision, st.recall, st.f1):
            assert iv.low <= iv.value <= iv.high, (st.stage, iv)
