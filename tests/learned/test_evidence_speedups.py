"""The learned tagger's evidence shortcuts give what the plain computations give, bit for bit.

Features: :class:`FlatFeaturizer` (cached per token, n-gram and small group) gives the names, buckets
and values of ``Featurizer.conversation`` in the same order, cold and warm, for several feature
specifications and for odd texts. Weights: ``StageModel.weighted`` and ``summed`` give
``contributions`` and ``first_pass``. Ranking: ``explain_rows`` (one argpartition per turn, the context
columns of a conversation at once) gives ``plain_rows`` (one stage at a time), also where contributions
and context columns tie at the cut, which a model with few distinct weights makes common.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from servio.analyze import get_tagger, prepare
from servio.analyze.base import ConversationAnalysis, TurnAnalysis
from servio.analyze.learned import explain as explain_module
from servio.analyze.learned.context import CONTEXT_NAMES
from servio.analyze.learned.explain import explain_rows, plain_rows
from servio.analyze.learned.features import FeatureSpec, Featurizer
from servio.analyze.learned.flat import FlatFeaturizer
from servio.analyze.learned.model import StageModel
from servio.analyze.learned.tagger import load_runtime
from servio.examples import example_gold_path
from servio.ingest import read_all
from servio.language.fold import fold
from servio.model import Conversation, Language, Speaker, Turn

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
SPECS = [
    FeatureSpec(bits=12),
    FeatureSpec(bits=12, trigrams=True, lexical_weight=0.5, char_weight=2.0, rule_weight=1.5),
    FeatureSpec(bits=12, bigrams=False, neighbours=False, rules=False, char_min=3, char_max=3),
    FeatureSpec(bits=10, speaker_lemmas=True, edge_lemmas=True),  # the featuriser's own path
]


def _mutations(conv: Conversation) -> list[Conversation]:
    """Odd versions of ``conv``: shouted, diacritics folded, words repeated, punctuation piled up,
    empty and punctuation-only turns, a system line."""
    def turns(change: object) -> tuple[Turn, ...]:
        return tuple(Turn(t.speaker, change(t.text)) for t in conv.turns)  # type: ignore[operator]

    extra = (Turn(Speaker.CUSTOMER, ""), Turn(Speaker.SYSTEM, "?!"), Turn(Speaker.AGENT, "ok ok ok ok"),
             Turn(Speaker.CUSTOMER, "@Mari vaata https://example.ee 🙂 123"))
    return [Conversation(id=f"{conv.id}-{k}", language=conv.language, turns=t) for k, t in enumerate((
        turns(str.upper), turns(fold), turns(lambda s: f"{s} {s}".replace(".", "!!! ,,")),
        turns(lambda s: s.replace(" ", "  ?")), (*extra, *conv.turns[:3], *extra)))]


def _conversations() -> list[Conversation]:
    convs, _ = read_all([str(example_gold_path())])
    odd = Conversation(id="odd", language=Language.ET, turns=(
        Turn(Speaker.CUSTOMER, "?!"), Turn(Speaker.AGENT, "Tere! Kuidas saan aidata? https://example.ee"),
        Turn(Speaker.SYSTEM, "🙂"), Turn(Speaker.CUSTOMER, "tanan, tanan, TANAN")))
    one = Conversation(id="one", language=Language.EN, turns=(Turn(Speaker.AGENT, "Hi"),))
    return [*convs[:8], *convs[-4:], odd, one, *_mutations(convs[0]), *_mutations(convs[-1])]


def _without_text(analysis: ConversationAnalysis) -> ConversationAnalysis:
    """``analysis`` with its second turn's text analysis left out (a tagger that needs none)."""
    turns = tuple(TurnAnalysis(t.index, t.turn, t.language, None if t.index == 1 else t.text)
                  for t in analysis.turns)
    return ConversationAnalysis(analysis.conversation, analysis.language, turns)


def _assert_same_features(flat: FlatFeaturizer, featurizer: Featurizer, analysis: ConversationAnalysis,
                          rule_tags: object) -> None:
    expected = featurizer.conversation(analysis, rule_tags)  # type: ignore[arg-type]
    got = flat.conversation(analysis, rule_tags)  # type: ignore[arg-type]
    assert got.names == [f.names for f in expected]
    assert got.sizes == [len(f.indices) for f in expected]
    indices = np.concatenate([f.indices for f in expected])
    values = np.concatenate([f.values for f in expected])
    assert got.indices.dtype == indices.dtype and got.values.dtype == values.dtype
    np.testing.assert_array_equal(got.indices, indices)
    np.testing.assert_array_equal(got.values, values)


@pytest.mark.parametrize("spec", SPECS)
def test_flat_features_are_the_featurisers(spec: FeatureSpec) -> None:
    rules = get_tagger("rules")
    featurizer = Featurizer(spec)
    flat = FlatFeaturizer(featurizer)
    analyses = [prepare(c) for c in _conversations()]
    for analysis in analyses * 2:  # the second round reads everything from the caches
        rule_tags = rules.tag(analysis)
        _assert_same_features(flat, featurizer, analysis, rule_tags)
        _assert_same_features(flat, featurizer, analysis, None)
        _assert_same_features(flat, featurizer, _without_text(analysis), rule_tags)


def test_full_caches_start_over_between_conversations(monkeypatch: pytest.MonkeyPatch) -> None:
    from servio.analyze.learned import flat as flat_module

    monkeypatch.setattr(flat_module, "_CACHE_LIMIT", 30)  # smaller than most conversations' token count
    featurizer = Featurizer(SPECS[0])
    flat = FlatFeaturizer(featurizer)
    rules = get_tagger("rules")
    for conv in _conversations():
        analysis = prepare(conv)
        _assert_same_features(flat, featurizer, analysis, rules.tag(analysis))
    assert len(flat._tokens) == len(flat._alive)  # an entry keyed by id() keeps its token alive


@pytest.mark.skipif(not DATA.is_dir(), reason="../shared/data is not available")
def test_flat_features_of_the_packaged_model_on_the_shared_data() -> None:
    runtime = load_runtime()
    flat = FlatFeaturizer(runtime.featurizer)  # cold caches, whatever ran before
    convs, _ = read_all(sorted(DATA.glob("*.jsonl")))
    for conv in convs[::3]:
        analysis = prepare(conv)
        _assert_same_features(flat, runtime.featurizer, analysis, runtime.rule_tags(analysis))


def test_weighted_and_summed_are_contributions_and_first_pass() -> None:
    runtime = load_runtime()
    model = runtime.model
    for conv in _conversations():
        analysis = prepare(conv)
        features = runtime.featurizer.conversation(analysis, runtime.rule_tags(analysis))
        flat = runtime.flat.conversation(analysis, runtime.rule_tags(analysis))
        weighted = model.weighted(flat.indices, flat.values)
        np.testing.assert_array_equal(weighted, model.contributions(features))
        np.testing.assert_array_equal(model.summed(weighted, flat.sizes), model.first_pass(features))


@pytest.mark.parametrize("top", [0, 1, 2, 5, 12, 70])
def test_explain_rows_is_the_plain_ranking_on_real_turns(top: int) -> None:
    runtime = load_runtime()
    model = runtime.model
    for conv in _conversations():
        analysis = prepare(conv)
        feats, contributions, probs, ctx = runtime.predict(analysis)
        every = [list(range(1, 8))] * len(probs)  # every stage of every turn, not only the tagged ones
        for stages in (every, [[7, 2]] * len(probs)):
            args = (model, feats.names, feats.sizes, ctx, stages, top, contributions)
            assert explain_rows(*args) == plain_rows(*args)


def _tied_model(rng: np.random.Generator, spec: FeatureSpec) -> StageModel:
    """A model whose weights take few values, so contributions and context columns tie often."""
    def few(*shape: int) -> np.ndarray:
        return (rng.integers(-2, 3, size=shape) * 0.25).astype(np.float32)

    return StageModel(spec=spec, weights=few(spec.size, 7), bias=few(7),
                      context_weights=few(len(CONTEXT_NAMES), 7), context_bias=few(7),
                      thresholds=np.full(7, 0.5, dtype=np.float32))


@pytest.mark.parametrize("seed", range(6))
def test_explain_rows_is_the_plain_ranking_where_values_tie(seed: int,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(seed)
    spec = FeatureSpec(bits=6)
    model = _tied_model(rng, spec)
    fallbacks: list[int] = []
    columns = explain_module._context_columns

    def counted(*args: object) -> list[object]:
        found = columns(*args)  # type: ignore[arg-type]
        fallbacks.append(sum(1 for f in found if f is None))
        return found  # type: ignore[return-value]

    monkeypatch.setattr(explain_module, "_context_columns", counted)
    for _ in range(40):
        sizes = rng.integers(0, 60, size=int(rng.integers(1, 9))).tolist()
        names = [[f"f{k}" for k in rng.integers(0, 12, size=n)] for n in sizes]  # repeated names sum
        indices = rng.integers(0, spec.size, size=sum(sizes)).astype(np.int32)
        values = (rng.integers(1, 3, size=sum(sizes)) * 0.5).astype(np.float32)
        contributions = model.weighted(indices, values)
        context = (rng.integers(0, 3, size=(len(sizes), len(CONTEXT_NAMES))) * 0.5).astype(np.float32)
        stages = [sorted(set(rng.integers(1, 8, size=int(rng.integers(0, 4))).tolist())) for _ in sizes]
        for top in (1, 3, 5):
            args = (model, names, sizes, context, stages, top, contributions if sum(sizes) else None)
            assert explain_rows(*args) == plain_rows(*args)
    assert sum(fallbacks) > 0  # ties at the cut of the context columns did happen
