"""First-pass logits from per-word sums equal the sums over the featuriser's named features."""

from __future__ import annotations

import numpy as np
import pytest

from servio.analyze import get_tagger, prepare
from servio.analyze.learned.features import FeatureSpec, Featurizer
from servio.analyze.learned.model import StageModel
from servio.analyze.learned.scores import FirstPass, supported
from servio.examples import example_gold_path
from servio.ingest import read_all
from servio.model import Conversation, Language, Speaker, Turn

SPECS = [
    FeatureSpec(bits=12),
    FeatureSpec(bits=12, trigrams=True, lexical_weight=0.5, char_weight=2.0, rule_weight=1.5),
    FeatureSpec(bits=12, bigrams=False, neighbours=False, rules=False, char_min=3, char_max=3),
]


def _conversations() -> list[Conversation]:
    convs, _ = read_all([str(example_gold_path())])
    odd = Conversation(id="odd", language=Language.ET, turns=(
        Turn(Speaker.CUSTOMER, "?!"), Turn(Speaker.AGENT, "Tere! Kuidas saan aidata? https://example.ee"),
        Turn(Speaker.SYSTEM, "🙂"), Turn(Speaker.CUSTOMER, "tanan, tanan, TANAN")))
    return [*convs[:8], *convs[-4:], odd]


def _model(spec: FeatureSpec) -> StageModel:
    rng = np.random.default_rng(7)
    weights = rng.normal(size=(spec.size, 7)).astype(np.float32)
    zeros = np.zeros(7, dtype=np.float32)
    return StageModel(spec=spec, weights=weights, bias=zeros,
                      context_weights=np.zeros((63, 7), dtype=np.float32),
                      context_bias=zeros, thresholds=np.full(7, 0.5, dtype=np.float32))


@pytest.mark.parametrize("spec", SPECS)
def test_per_word_sums_give_the_first_pass_of_the_features(spec: FeatureSpec) -> None:
    model, rules = _model(spec), get_tagger("rules")
    featurizer = Featurizer(spec)
    first = FirstPass(featurizer, model.weights)
    for conv in _conversations() * 2:  # the second round reads every word from the table
        analysis = prepare(conv)
        rule_tags = rules.tag(analysis)
        expected = model.first_pass(featurizer.conversation(analysis, rule_tags))
        got = first.scores(analysis, rule_tags)
        assert got.shape == expected.shape == (len(conv.turns), 7)
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)


def test_a_small_table_grows_and_keeps_its_rows() -> None:
    spec = SPECS[0]
    model = _model(spec)
    first = FirstPass(Featurizer(spec), model.weights)
    table = first._table
    table.rows, table.lemmas = table.rows[:3], table.lemmas[:3]  # start tiny: every conversation grows it
    analyses = [prepare(c) for c in _conversations()]
    before = [first.scores(a, None) for a in analyses]
    assert len(table.rows) > 3 and len(table.lemmas) == len(table.rows)
    np.testing.assert_array_equal(np.stack([first.scores(analyses[0], None)]), np.stack([before[0]]))


def test_speaker_and_edge_lemmas_are_not_covered() -> None:
    assert supported(FeatureSpec()) and not supported(FeatureSpec(speaker_lemmas=True))
    with pytest.raises(ValueError, match="speaker or edge"):
        FirstPass(Featurizer(FeatureSpec(bits=8, edge_lemmas=True)), np.zeros((256, 7), dtype=np.float32))


def test_a_full_table_starts_over_between_conversations(monkeypatch: pytest.MonkeyPatch) -> None:
    from servio.analyze.learned import scores

    monkeypatch.setattr(scores, "_TABLE_LIMIT", 60)  # smaller than some conversations' word count
    spec = SPECS[0]
    model, featurizer = _model(spec), Featurizer(spec)
    first = FirstPass(featurizer, model.weights)
    for conv in _conversations():
        analysis = prepare(conv)
        expected = model.first_pass(featurizer.conversation(analysis, None))
        np.testing.assert_allclose(first.scores(analysis, None), expected, rtol=1e-4, atol=1e-4)
