"""Tagging metrics on small cases computed by hand."""

from __future__ import annotations

import pytest

from servio.evaluate.metrics import (
    CONFUSION_LABELS,
    compare_conversations,
    paired_stages,
    stage_metrics,
)
from servio.model import Conversation, Speaker, Turn
from servio.results import Evidence, StageTag, TaggedConversation, TurnTags

F = frozenset

# Four turns, by hand:
#   turn 0: gold {1, 2}  pred {1}      -> 1: tp; 2: fn
#   turn 1: gold {3}     pred {3, 6}   -> 3: tp; 6: fp
#   turn 2: gold {}      pred {}       -> exact
#   turn 3: gold {6}     pred {}       -> 6: fn
GOLD = [F({1, 2}), F({3}), F(), F({6})]
PRED = [F({1}), F({3, 6}), F(), F()]


def test_per_stage_counts_and_scores() -> None:
    m = stage_metrics(GOLD, PRED)
    s1, s2, s3, s6 = m.stage(1), m.stage(2), m.stage(3), m.stage(6)
    assert (s1.tp, s1.fp, s1.fn, s1.support) == (1, 0, 0, 1)
    assert (s2.tp, s2.fp, s2.fn, s2.support) == (0, 0, 1, 1)
    assert (s6.tp, s6.fp, s6.fn, s6.support) == (0, 1, 1, 1)
    assert s1.f1 == 1.0 and s3.precision == 1.0 and s3.recall == 1.0
    assert s2.precision == 0.0 and s2.recall == 0.0 and s2.f1 == 0.0
    assert m.stage(4).f1 == 0.0 and m.stage(4).support == 0


def test_micro_macro_and_exact() -> None:
    m = stage_metrics(GOLD, PRED)
    # tp = 2 (stage 1, stage 3), fp = 1 (stage 6), fn = 2 (stage 2, stage 6)
    assert (m.tp, m.fp, m.fn) == (2, 1, 2)
    assert m.micro_precision == pytest.approx(2 / 3)
    assert m.micro_recall == pytest.approx(2 / 4)
    assert m.micro_f1 == pytest.approx(2 * 2 / (2 * 2 + 1 + 2))
    # stages present in gold or predictions: 1 (F1 1), 2 (0), 3 (1), 6 (0)
    assert m.macro_f1 == pytest.approx(0.5)
    # exact: turn 2 only
    assert m.exact == 1 and m.turns == 4 and m.exact_match == pytest.approx(0.25)


def test_confusion_counts_co_occurrence() -> None:
    m = stage_metrics(GOLD, PRED)
    assert m.confusion_cell(1, 1) == 1   # turn 0
    assert m.confusion_cell(2, 1) == 1   # turn 0: gold 2 where 1 was predicted
    assert m.confusion_cell(3, 3) == 1 and m.confusion_cell(3, 6) == 1  # turn 1
    assert m.confusion_cell("none", "none") == 1  # turn 2
    assert m.confusion_cell(6, "none") == 1  # turn 3: nothing predicted
    assert sum(sum(r) for r in m.confusion) == 6
    assert len(m.confusion) == len(CONFUSION_LABELS) == 8


def test_to_dict_is_plain_and_rounded() -> None:
    d = stage_metrics(GOLD, PRED).to_dict()
    assert d["turns"] == 4
    assert d["micro"]["tp"] == 2 and d["micro"]["f1"] == pytest.approx(0.5714, abs=1e-4)
    assert [s["stage"] for s in d["stages"]] == [1, 2, 3, 4, 5, 6, 7]
    assert d["confusion"]["labels"][-1] == "none"


def test_empty_input_scores_zero() -> None:
    m = stage_metrics([], [])
    assert m.micro_f1 == 0.0 and m.macro_f1 == 0.0 and m.exact_match == 0.0


def test_perfect_prediction() -> None:
    m = stage_metrics(GOLD, GOLD)
    assert m.micro_f1 == 1.0 and m.macro_f1 == 1.0 and m.exact_match == 1.0


@pytest.mark.parametrize(("gold", "pred"), [([F({1})], []), ([F({8})], [F()]), ([F({0})], [F()])])
def test_bad_input_is_refused(gold: list[frozenset[int]], pred: list[frozenset[int]]) -> None:
    with pytest.raises(ValueError):
        stage_metrics(gold, pred)


def _tagged(conv: Conversation, stages: list[set[int]]) -> TaggedConversation:
    ev = (Evidence("test", "t"),)
    turns = tuple(TurnTags(i, tuple(StageTag(s, 1.0, ev) for s in sorted(ss))) for i, ss in enumerate(stages))
    return TaggedConversation(conversation=conv, turns=turns, tagger="test")


def test_compare_conversations_pairs_by_id_and_skips_unlabelled_turns() -> None:
    a = Conversation(id="a", turns=(Turn(Speaker.CUSTOMER, "hi", stages=F({1})),
                                    Turn(Speaker.AGENT, "hello", stages=None)))
    b = Conversation(id="b", turns=(Turn(Speaker.CUSTOMER, "x", stages=F({3})),))
    tagged = [_tagged(b, [{3, 6}]), _tagged(a, [{1}, {2}])]  # other order, extra prediction on "b"
    gold, pred = paired_stages([a, b], tagged)
    assert gold == [F({1}), F({3})] and pred == [F({1}), F({3, 6})]
    m = compare_conversations([a, b], tagged)
    assert (m.tp, m.fp, m.fn, m.turns) == (2, 1, 0, 2)


def test_compare_conversations_refuses_mismatches() -> None:
    a = Conversation(id="a", turns=(Turn(Speaker.CUSTOMER, "hi", stages=F({1})),))
    with pytest.raises(ValueError, match="no tagged conversation"):
        compare_conversations([a], [])
    two = Conversation(id="a", turns=a.turns * 2)
    with pytest.raises(ValueError, match="gold turns"):
        compare_conversations([two], [_tagged(a, [{1}])])
