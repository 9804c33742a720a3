"""The first pass's row table: its shortcuts give what the featuriser's names give, bit for bit."""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from servio.analyze import get_tagger, prepare
from servio.analyze.learned.features import FeatureSpec, Featurizer, _char_ngrams
from servio.analyze.learned.grams import gram_buckets
from servio.analyze.learned.scores import FirstPass, _is_question
from servio.analyze.learned.table import _gram_sums
from servio.examples import example_gold_path
from servio.ingest import read_all

WORDS = ["tere", "a", "aitäh", "kuidas", "x" * 40, "ää", "", "don't", "e-post", "čau", "Tere", "naïve"]


@pytest.mark.parametrize(("lo", "hi"), [(2, 5), (3, 3), (1, 6), (5, 2)])
def test_gram_buckets_are_the_buckets_of_the_featurisers_char_names(lo: int, hi: int) -> None:
    featurizer = Featurizer(FeatureSpec(bits=18, char_min=lo, char_max=hi))
    buckets, counts = gram_buckets([f" {w} " for w in WORDS], lo, hi, (1 << 18) - 1)
    names = [_char_ngrams(w, lo, hi) for w in WORDS]
    assert counts.tolist() == [len(n) for n in names]
    assert buckets.tolist() == [featurizer.index(name) for word_names in names for name in word_names]
    assert buckets.tolist() == [zlib.crc32(n.encode()) & ((1 << 18) - 1) for ns in names for n in ns]


def test_padded_gram_sums_add_each_words_rows_as_ndarray_sum_does() -> None:
    rng = np.random.default_rng(5)
    sizes = np.array([0, 1, 3, 7, 8, 9, 17, 40, 129, 2])
    rows = (rng.normal(size=(int(sizes.sum()), 7)) * rng.choice([1e-3, 1.0, 1e3], size=(int(sizes.sum()), 1)))
    rows = rows.astype(np.float32)
    got = _gram_sums(rows, sizes)
    start = 0
    for j, size in enumerate(sizes.tolist()):
        expected = rows[start:start + size].sum(axis=0) if size else np.zeros(7, dtype=np.float32)
        np.testing.assert_array_equal(got[j], expected)
        start += size


def _analyses() -> list:
    convs, _ = read_all([str(example_gold_path())])
    return [prepare(c) for c in convs]


def test_scores_are_equal_from_a_fresh_a_warm_and_a_restarted_table(monkeypatch: pytest.MonkeyPatch) -> None:
    from servio.analyze.learned import scores

    spec = FeatureSpec(bits=12)
    weights = np.random.default_rng(3).normal(size=(spec.size, 7)).astype(np.float32)
    rules = get_tagger("rules")
    analyses = _analyses()
    tags = [rules.tag(a) for a in analyses]
    warm = FirstPass(Featurizer(spec), weights)
    first_round = [warm.scores(a, t) for a, t in zip(analyses, tags, strict=True)]
    for analysis, rule_tags, before in zip(analyses, tags, first_round, strict=True):
        np.testing.assert_array_equal(warm.scores(analysis, rule_tags), before)
        fresh = FirstPass(Featurizer(spec), weights)
        np.testing.assert_array_equal(fresh.scores(analysis, rule_tags), before)
    monkeypatch.setattr(scores, "_TABLE_LIMIT", 30)  # a new table before nearly every conversation
    small = FirstPass(Featurizer(spec), weights)
    for analysis, rule_tags, before in zip(analyses, tags, first_round, strict=True):
        np.testing.assert_array_equal(small.scores(analysis, rule_tags), before)


def test_is_question_shortcut_agrees_with_the_text_analysis() -> None:
    texts = [t.text for a in _analyses() for t in a.turns]
    assert any(ta is not None and ta.is_question and "?" not in ta.clean for ta in texts)  # openers seen
    assert [_is_question(ta) for ta in texts] == [ta is not None and ta.is_question for ta in texts]
