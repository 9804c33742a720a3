"""Offline language detection for Estonian and English from word-list evidence.

Each word token votes: a frequent word of one language (matched folded, so
Estonian typed without diacritics counts) is strong evidence; Estonian letters
(õäöüšž) are strong evidence for Estonian; for other words, typical endings and
letter pairs give weak evidence. Mentions, URLs, e-mails, hashtags, numbers and
signatures are ignored, so Twitter handles cannot sway the result.
"""

from __future__ import annotations

from servio.language.fold import fold
from servio.language.lexicon import LanguageLexicon, lexicon
from servio.language.tokens import raw_tokens
from servio.model import Conversation, Language

LIST_WEIGHT = 1.0
LETTER_WEIGHT = 1.5
ENDING_WEIGHT = 0.1  # per letter of the matched ending, plus ENDING_BASE
ENDING_BASE = 0.2
BIGRAM_WEIGHT = 0.15
FOREIGN_LETTER_WEIGHT = 0.3
_FOREIGN_TO_ET = frozenset("cqwxy")
MIN_EVIDENCE = 0.5
_WORD_CACHE_LIMIT = 100_000
_word_cache: dict[tuple[str, bool], tuple[float, float]] = {}
TURN_MARGIN = 1.5


def language_scores(text: str) -> tuple[float, float]:
    """(Estonian, English) evidence for ``text``; both zero when it has no words."""
    et = en = 0.0
    at_start = True
    cache = _word_cache
    for word, kind in raw_tokens(text):
        if kind == "word":
            # a capitalised word inside a sentence is likely a name: only list words count
            key = (word, at_start or not word[:1].isupper())
            hit = cache.get(key)
            if hit is None:
                hit = cache[key] = _word_scores(*key)
            et += hit[0]
            en += hit[1]
            at_start = False
        elif kind == "punct":
            at_start = at_start or word[-1] in ".!?"
    if len(cache) > _WORD_CACHE_LIMIT:
        cache.clear()
    return et, en


def _word_scores(word: str, shape: bool) -> tuple[float, float]:
    et_lex, en_lex = lexicon(Language.ET), lexicon(Language.EN)
    low = word.lower()
    folded = fold(low)
    in_et = folded in et_lex.words or low in et_lex.words
    in_en = low.replace("\u2019", "'") in en_lex.words
    et = LETTER_WEIGHT if any(ch in et_lex.letters for ch in low) else 0.0
    if in_et or in_en:
        if in_et != in_en:
            return et + (LIST_WEIGHT if in_et else 0.0), LIST_WEIGHT if in_en else 0.0
        return et, 0.0
    if len(folded) < 3 or not shape:
        return et, 0.0
    et += _shape(folded, et_lex)
    en = _shape(folded, en_lex)
    if any(ch in _FOREIGN_TO_ET for ch in folded):
        en += FOREIGN_LETTER_WEIGHT
    return et, en


def _shape(folded: str, lex: LanguageLexicon) -> float:
    score = 0.0
    for ending in lex.endings:
        if len(folded) > len(ending) + 2 and folded.endswith(ending):
            score += ENDING_BASE + ENDING_WEIGHT * len(ending)
            break
    pairs = {folded[i : i + 2] for i in range(len(folded) - 1)}
    hits = len(pairs & lex.bigrams) + (1 if "x" in lex.bigrams and "x" in folded else 0)
    return score + BIGRAM_WEIGHT * min(hits, 3)


def _decide(et: float, en: float, min_evidence: float = MIN_EVIDENCE) -> Language | None:
    if max(et, en) < min_evidence or et == en:
        return None
    return Language.ET if et > en else Language.EN


def detect_language(text: str) -> Language | None:
    """The language of ``text``, or None when there is no evidence either way."""
    return _decide(*language_scores(text))


def detect_conversation_language(conv: Conversation, default: Language = Language.EN) -> Language:
    """The language of the conversation's text (ignoring ``conv.language``); ``default`` without evidence."""
    return _conversation_language([language_scores(t.text) for t in conv.turns], default)


def _conversation_language(scores: list[tuple[float, float]], default: Language) -> Language:
    found = _decide(sum(s[0] for s in scores), sum(s[1] for s in scores))
    return found if found is not None else default


def turn_languages(conv: Conversation) -> tuple[Language, ...]:
    """Per turn: its own ``language``, else clear evidence in its text, else the conversation's language."""
    scores = [language_scores(t.text) for t in conv.turns]
    base = conv.language or _conversation_language(scores, Language.EN)
    out = []
    for turn, (et, en) in zip(conv.turns, scores, strict=True):
        if turn.language is not None:
            out.append(turn.language)
            continue
        clear = _decide(et, en) if abs(et - en) >= TURN_MARGIN else None
        out.append(clear or base)
    return tuple(out)
