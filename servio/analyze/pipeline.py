"""The one analysis path: conversation -> language -> per-turn text analysis -> tagger.

The CLI, the HTTP API, live assist and batch jobs all call :func:`analyze`
(or :func:`analyze_many`). The pipeline, as a list:

1. language: the ``language`` argument, else the conversation's own, else
   detected; turns of a detected mixed conversation keep their own language;
2. text analysis: :func:`servio.language.analyze_text` per turn (only if the
   tagger ``needs`` it);
3. tagging: the tagger's validated :meth:`~servio.analyze.base.Tagger.tag`, or its
   :meth:`~servio.analyze.base.Tagger.stages` in :func:`analyze_stages` (stage sets
   only, for ``servio tag`` and ``servio eval``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache
from typing import TYPE_CHECKING

from servio.analyze.base import ConversationAnalysis, Tagger, TaggerError, TurnAnalysis
from servio.analyze.registry import DEFAULT_TAGGER
from servio.model import Conversation, Language
from servio.results import StagedConversation, TaggedConversation

if TYPE_CHECKING:
    from servio.language import TextAnalysis

#: Language assumed when nothing is given and detection finds nothing.
DEFAULT_LANGUAGE = Language.EN


def analyze(conversation: Conversation, *, tagger: str | Tagger = DEFAULT_TAGGER,
            language: Language | None = None, evidence: bool = True) -> TaggedConversation:
    """Tag every turn of ``conversation`` with its stages (``evidence=False``: the tagger may leave the
    evidence out, for scores and profiles, which never read it)."""
    resolved = resolve_tagger(tagger)
    prepared = prepare(conversation, language=language, needs=resolved.needs)
    turns = resolved.tag(prepared, evidence=evidence)
    return TaggedConversation(conversation=_with_language(prepared), turns=turns, tagger=resolved.name)


def analyze_stages(conversation: Conversation, *, tagger: str | Tagger = DEFAULT_TAGGER,
                   language: Language | None = None) -> StagedConversation:
    """The stage set of every turn of ``conversation``: the sets :func:`analyze` gives, without
    confidences and evidence (cheaper for taggers that build their evidence separately)."""
    resolved = resolve_tagger(tagger)
    prepared = prepare(conversation, language=language, needs=resolved.needs)
    stages = resolved.stages(prepared)
    return StagedConversation(conversation=_with_language(prepared), stages=stages, tagger=resolved.name)


def _with_language(prepared: ConversationAnalysis) -> Conversation:
    """The conversation, with the language it was analysed in when it had none."""
    conv = prepared.conversation
    return conv if conv.language is not None else conv.with_language(prepared.language)


def analyze_many(conversations: Iterable[Conversation], *, tagger: str | Tagger = DEFAULT_TAGGER,
                 language: Language | None = None) -> Iterator[TaggedConversation]:
    """Tag conversations one by one, lazily (the tagger is resolved once)."""
    resolved = resolve_tagger(tagger)
    for conv in conversations:
        yield analyze(conv, tagger=resolved, language=language)


def resolve_tagger(tagger: str | Tagger) -> Tagger:
    """A tagger instance from a registered name (default configuration, built once) or an instance."""
    if isinstance(tagger, Tagger):
        return tagger
    if isinstance(tagger, str):
        return _default_tagger(tagger)
    raise TaggerError(f"tagger must be a name or a Tagger, got {type(tagger).__name__}")


@cache
def _default_tagger(name: str) -> Tagger:
    from servio.analyze.registry import get_tagger

    return get_tagger(name)


def prepare(conversation: Conversation, *, language: Language | None = None,
            needs: frozenset[str] = frozenset({"analysis"})) -> ConversationAnalysis:
    """Decide the languages and (if ``needs`` says so) analyse the text of every turn."""
    if not isinstance(conversation, Conversation):
        raise TypeError(f"servio analyses a servio.model.Conversation (servio.ingest.read_all reads them), "
                        f"not {type(conversation).__name__}")
    conv_lang, turn_langs = _languages(conversation, language)
    texts: list[TextAnalysis] | list[None] = [None] * len(turn_langs)
    if "analysis" in needs:
        from servio.language import analyze_texts

        texts = analyze_texts([turn.text for turn in conversation.turns], turn_langs)
    turns = tuple(
        TurnAnalysis(index=i, turn=turn, language=lang, text=text)
        for i, (turn, lang, text) in enumerate(zip(conversation.turns, turn_langs, texts, strict=True))
    )
    return ConversationAnalysis(conversation=conversation, language=conv_lang, turns=turns)


def _languages(conversation: Conversation,
               language: Language | None) -> tuple[Language, tuple[Language, ...]]:
    forced = language or conversation.language
    if forced is not None:
        forced = Language(forced)
        return forced, tuple(t.language or forced for t in conversation.turns)
    from servio.language import detect_conversation_language, turn_languages

    conv_lang = detect_conversation_language(conversation, DEFAULT_LANGUAGE)
    per_turn = tuple(turn_languages(conversation.with_language(conv_lang)))
    if len(per_turn) != len(conversation.turns):
        per_turn = tuple(t.language or conv_lang for t in conversation.turns)
    return conv_lang, per_turn
