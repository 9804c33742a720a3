"""The tagger contract: declarations are checked, outputs are validated, errors name the tagger."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from servio.analyze import ConversationAnalysis, Tagger, TaggerConfig, TaggerError, TurnAnalysis
from servio.model import Conversation, Language, Speaker, Turn
from servio.results import Evidence, StageTag, TurnTags

EV = (Evidence("test", "cue"),)


def _analysis(n: int = 2) -> ConversationAnalysis:
    turns = tuple(Turn(Speaker.CUSTOMER if i % 2 == 0 else Speaker.AGENT, f"turn {i}") for i in range(n))
    conv = Conversation(id="c1", turns=turns, language=Language.EN)
    prepared = tuple(TurnAnalysis(i, t, Language.EN) for i, t in enumerate(turns))
    return ConversationAnalysis(conv, Language.EN, prepared)


def _tagger(produce: object, tagger_name: str = "fake") -> Tagger:
    class Fake(Tagger):
        name = tagger_name
        needs = frozenset({"text"})

        def _tag(self, analysis: ConversationAnalysis) -> Sequence[TurnTags]:
            return produce(analysis) if callable(produce) else produce  # type: ignore[return-value]

    return Fake()


def _one_stage(stage: int, confidence: float = 0.9, evidence: tuple[Evidence, ...] = EV):
    return lambda a: tuple(TurnTags(i, (StageTag(stage, confidence, evidence),)) for i in range(len(a.turns)))


def test_valid_output_passes_through() -> None:
    out = _tagger(_one_stage(3)).tag(_analysis())
    assert [t.stages for t in out] == [frozenset({3}), frozenset({3})]


@pytest.mark.parametrize(
    ("produce", "message"),
    [
        (lambda a: (TurnTags(0),), "returned 1 TurnTags for 2 turns"),
        (lambda a: (TurnTags(1), TurnTags(0)), "has index 1"),
        (lambda a: [None, None], "not TurnTags"),
        ("nonsense", "must return a sequence"),
        (_one_stage(8), "stage 8 is not in 1..7"),
        (_one_stage(0), "stage 0 is not in 1..7"),
        (_one_stage(3, confidence=1.5), "confidence 1.5"),
        (_one_stage(3, confidence=float("nan")), "confidence nan"),
        (_one_stage(3, evidence=()), "has no evidence"),
        (lambda a: tuple(TurnTags(i, (StageTag(1, 1.0, EV), StageTag(1, 0.5, EV))) for i in range(2)),
         "tagged twice"),
    ],
)
def test_invalid_output_is_refused_naming_the_tagger(produce: object, message: str) -> None:
    with pytest.raises(TaggerError, match=message) as info:
        _tagger(produce, "sloppy").tag(_analysis())
    assert "'sloppy'" in str(info.value)


def test_exceptions_inside_a_tagger_name_it() -> None:
    def boom(a: ConversationAnalysis) -> None:
        raise KeyError("missing")

    with pytest.raises(TaggerError, match="tagger 'broken' failed on conversation 'c1'"):
        _tagger(boom, "broken").tag(_analysis())


def test_missing_text_analysis_is_refused() -> None:
    class NeedsAnalysis(Tagger):
        name = "needy"
        needs = frozenset({"analysis"})

        def _tag(self, analysis: ConversationAnalysis) -> Sequence[TurnTags]:
            return ()

    with pytest.raises(TaggerError, match="'needy' needs the text analysis"):
        NeedsAnalysis().tag(_analysis())


def test_wrong_input_type_is_refused() -> None:
    with pytest.raises(TaggerError, match="needs a ConversationAnalysis"):
        _tagger(()).tag("not an analysis")  # type: ignore[arg-type]


def test_bad_declarations_fail_at_class_definition() -> None:
    with pytest.raises(TaggerError, match="'name' must be a non-empty string"):
        class NoName(Tagger):
            def _tag(self, analysis: ConversationAnalysis) -> Sequence[TurnTags]:
                return ()

    with pytest.raises(TaggerError, match=r"'odd' \(Odd\): 'needs'"):
        class Odd(Tagger):
            name = "odd"
            needs = frozenset({"telepathy"})

            def _tag(self, analysis: ConversationAnalysis) -> Sequence[TurnTags]:
                return ()

    with pytest.raises(TaggerError, match="'produces' must be 'stages'"):
        class Scores(Tagger):
            name = "scores"
            produces = "scores"

            def _tag(self, analysis: ConversationAnalysis) -> Sequence[TurnTags]:
                return ()

    @dataclass
    class Mutable:
        x: int = 1

    with pytest.raises(TaggerError, match="'config_class' must be a frozen dataclass"):
        class Loose(Tagger):
            name = "loose"
            config_class = Mutable  # type: ignore[assignment]

            def _tag(self, analysis: ConversationAnalysis) -> Sequence[TurnTags]:
                return ()


@dataclass(frozen=True, slots=True)
class _Cfg(TaggerConfig):
    level: int = 1


class _Configured(Tagger):
    name = "configured"
    needs = frozenset({"text"})
    config_class = _Cfg

    def _tag(self, analysis: ConversationAnalysis) -> Sequence[TurnTags]:
        return tuple(TurnTags(i) for i in range(len(analysis.turns)))


def test_configuration_is_frozen_and_overridable() -> None:
    t = _Configured(level=3)
    assert isinstance(t.config, _Cfg) and t.config.level == 3
    with pytest.raises(Exception):  # noqa: B017 - FrozenInstanceError
        t.config.level = 4  # type: ignore[misc]
    with pytest.raises(TaggerError, match="'configured': bad configuration"):
        _Configured(colour="red")
    with pytest.raises(TaggerError, match="config must be a _Cfg"):
        _Configured(TaggerConfig())


def test_stages_are_the_sets_of_tag_by_default() -> None:
    tagger = _tagger(_one_stage(3))
    assert tagger.stages(_analysis()) == tuple(t.stages for t in tagger.tag(_analysis()))


def test_stages_of_the_default_path_are_validated_like_tag() -> None:
    with pytest.raises(TaggerError, match="'sloppy'.*stage 8 is not in 1..7"):
        _tagger(_one_stage(8), "sloppy").stages(_analysis())


def _stage_tagger(produce: Sequence[object]) -> Tagger:
    class Quick(Tagger):
        name = "quick"
        needs = frozenset({"text"})

        def _tag(self, analysis: ConversationAnalysis) -> Sequence[TurnTags]:
            raise AssertionError("stages() must not build the tags when _stages is overridden")

        def _stages(self, analysis: ConversationAnalysis) -> Sequence[frozenset[int]]:
            return produce  # type: ignore[return-value]

    return Quick()


def test_an_overridden_stages_path_is_used_and_checked() -> None:
    assert _stage_tagger([frozenset({1}), frozenset()]).stages(_analysis()) == (frozenset({1}), frozenset())
    for bad, message in [([frozenset({1})], "returned 1 stage sets for 2 turns"),
                         ([{1}, {2}], "item 0 is set, not a frozenset"),
                         ([frozenset({9}), frozenset()], "turn index 0: stage 9 is not in 1..7"),
                         ([frozenset({True}), frozenset()], "stage True is not in 1..7"),
                         ("nonsense", "must return a sequence of stage sets")]:
        with pytest.raises(TaggerError, match=message) as info:
            _stage_tagger(bad).stages(_analysis())
        assert "'quick'" in str(info.value)
