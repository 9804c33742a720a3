"""The one analysis path: language, text analysis, tagger."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from servio.analyze import ConversationAnalysis, Tagger, analyze, analyze_many, prepare
from servio.model import Conversation, Language, Speaker, Turn
from servio.results import Evidence, StageTag, TaggedConversation, TurnTags

ET = Conversation(id="et1", turns=(
    Turn(Speaker.AGENT, "Tere! Mina olen Kati. Kuidas saan teid aidata?"),
    Turn(Speaker.CUSTOMER, "Tere, mu tellimus ei ole ikka kohale jõudnud, kuigi pidi eile tulema."),
))
EN = Conversation(id="en1", turns=(
    Turn(Speaker.CUSTOMER, "My order still hasn't arrived and it was due yesterday."),
    Turn(Speaker.AGENT, "Sorry to hear that! Please DM us your order number."),
))


class _Recorder(Tagger):
    """Tags nothing but remembers what it was given."""

    name = "recorder"
    needs = frozenset({"text"})

    def _tag(self, analysis: ConversationAnalysis) -> Sequence[TurnTags]:
        seen.append(analysis)
        tag = StageTag(3, 1.0, (Evidence("test", "x"),))
        return tuple(TurnTags(i, (tag,)) for i in range(len(analysis.turns)))


seen: list[ConversationAnalysis] = []


def test_analyze_detects_the_language_and_tags_every_turn() -> None:
    for conv, lang in ((ET, Language.ET), (EN, Language.EN)):
        tc = analyze(conv)
        assert isinstance(tc, TaggedConversation)
        assert tc.tagger == "learned"  # the default tagger (docs/tagger.md)
        assert tc.conversation.language is lang
        assert len(tc.turns) == len(conv.turns)
        assert all(t.tags for t in tc.turns)


def test_given_language_wins() -> None:
    tc = analyze(EN.with_language(Language.EN), language=Language.EN)
    assert tc.conversation.language is Language.EN
    prepared = prepare(EN, language=Language.ET)
    assert prepared.language is Language.ET and {t.language for t in prepared.turns} == {Language.ET}


def test_conversation_language_is_kept_and_turn_language_respected() -> None:
    mixed = Conversation(id="m", language=Language.ET, turns=(
        Turn(Speaker.CUSTOMER, "Tere, mul on küsimus."),
        Turn(Speaker.AGENT, "Hi! How can I help?", language=Language.EN),
    ))
    prepared = prepare(mixed)
    assert [t.language for t in prepared.turns] == [Language.ET, Language.EN]
    tc = analyze(mixed)
    assert tc.turns[1].stages == {1, 2}


def test_a_tagger_instance_is_used_and_text_only_taggers_get_no_analysis() -> None:
    seen.clear()
    tc = analyze(ET, tagger=_Recorder())
    assert tc.tagger == "recorder" and [t.stages for t in tc.turns] == [{3}, {3}]
    assert all(t.text is None for t in seen[0].turns)


def test_analyze_many_is_lazy_and_in_order() -> None:
    gen = analyze_many(iter([ET, EN]))
    assert next(gen).conversation.id == "et1"
    assert next(gen).conversation.id == "en1"


def test_tagging_is_deterministic() -> None:
    assert analyze(ET) == analyze(ET)


def test_something_else_than_a_conversation_is_a_clear_type_error() -> None:
    for wrong in ("Tere! Kuidas saan aidata?", {"id": "x", "turns": []}):
        with pytest.raises(TypeError, match=r"servio\.model\.Conversation .*not (str|dict)"):
            analyze(wrong)  # type: ignore[arg-type]
