"""``analyze_text``: one pass from raw turn text to tokens, lemmas and matchable strings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import cast

from servio.language.english import english_stem
from servio.language.estonian import estonian_lemmas
from servio.language.fold import fold
from servio.language.lexicon import lexicon
from servio.language.tokens import TOKEN_RE, Token, raw_tokens, token_kind
from servio.model import Language

URL_PLACEHOLDER = "<url>"
_SENTENCE_END = frozenset(".!?…:;")
_SKIP_FOR_QUESTION = frozenset({"mention", "emoji", "url"})
_TOKEN_CACHE_LIMIT = 200_000
#: Per language: (chunk, kind) -> Token. Keyed per language so the hot lookup hashes only plain strings.
_token_cache: dict[Language, dict[tuple[str, str], Token]] = {}


@dataclass(frozen=True, slots=True)
class TextAnalysis:
    """A turn's text made ready for matching.

    ``clean`` drops leading @mentions, replaces URLs with "<url>" and collapses
    whitespace; ``lower`` is ``clean`` lowercased; ``folded`` is the token
    norms joined by single spaces (diacritics folded, punctuation split off),
    so phrase lexicons normalised with :func:`fold_phrase` match it with
    ``f" {phrase} " in f" {folded} "``.
    """

    text: str
    clean: str
    lower: str
    folded: str
    tokens: tuple[Token, ...]
    language: Language

    @property
    def lemmas(self) -> tuple[str, ...]:
        """Lemmas of the word tokens, in order."""
        return tuple(t.lemma for t in self.tokens if t.kind == "word")

    @property
    def folded_lemmas(self) -> tuple[str, ...]:
        """Lemmas of the word tokens with diacritics folded."""
        return tuple(fold(t.lemma) for t in self.tokens if t.kind == "word")

    @property
    def is_question(self) -> bool:
        """True when the text has "?" or a sentence opens with a question word of its language."""
        if "?" in self.clean:
            return True
        starts = _question_index(self.language)
        norms = [t.norm for t in self.tokens if t.kind not in _SKIP_FOR_QUESTION]
        at_start = True
        for i, norm in enumerate(norms):
            if at_start and norm in starts:
                if any(tuple(norms[i : i + len(q)]) == q for q in starts[norm]):
                    return True
            at_start = norm[-1] in _SENTENCE_END
        return False


@cache
def _question_index(language: Language) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Question openers of ``language`` keyed by their first word."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for q in lexicon(language).question_starts:
        index.setdefault(q[0], []).append(q)
    return {k: tuple(v) for k, v in index.items()}


def analyze_text(text: str, language: Language) -> TextAnalysis:
    """Tokenise ``text``, lemmatise its words in ``language`` and build the matching strings."""
    if type(language) is not Language:
        language = Language(language)  # also accepts "et" / "en"
    return _analysis(text, _tokens(raw_tokens(text), language), language)


def analyze_texts(texts: Sequence[str], languages: Sequence[Language]) -> list[TextAnalysis]:
    """:func:`analyze_text` for each text in its language, with all words not seen before lemmatised
    in one batch per language (a lemma does not depend on its batch: same result, fewer Vabamorf calls)."""
    langs = [lang if type(lang) is Language else Language(lang) for lang in languages]
    pairs = [raw_tokens(text) for text in texts]
    found = [_cached_tokens(text_pairs, lang) for text_pairs, lang in zip(pairs, langs, strict=True)]
    new: dict[Language, list[str]] = {}
    for text_pairs, toks, lang in zip(pairs, found, langs, strict=True):
        if not all(toks):  # tokens are always truthy: all() is a C-level test for a missing one
            new.setdefault(lang, []).extend(
                c for (c, k), t in zip(text_pairs, toks, strict=True) if t is None and k == "word")
    made = {lang: _lemmatised_words(words, lang) for lang, words in new.items() if words}
    return [_analysis(text, _complete(text_pairs, toks, lang, made.get(lang, {})), lang)
            for text, text_pairs, toks, lang in zip(texts, pairs, found, langs, strict=True)]


def _analysis(text: str, tokens: tuple[Token, ...], language: Language) -> TextAnalysis:
    lead = _leading_mentions(tokens)
    kept = tokens[lead:] if lead else tokens
    norms = [t.norm if t.kind != "url" else URL_PLACEHOLDER for t in kept]
    if lead or (URL_PLACEHOLDER in norms and any(t.kind == "url" for t in kept)):
        clean = _clean(text, lead)
    else:
        clean = " ".join(text.split())
    folded = " ".join(norms)
    return TextAnalysis(text, clean, clean.lower(), folded, tokens, language)


def _clean(text: str, lead: int) -> str:
    """``text`` without its first ``lead`` tokens (mentions), URLs replaced, whitespace collapsed."""
    parts: list[str] = []
    pos = None
    for i, m in enumerate(TOKEN_RE.finditer(text)):
        if i < lead:
            continue
        if pos is None:
            pos = m.start()
        if token_kind(m) == "url":
            parts.append(text[pos : m.start()])
            parts.append(URL_PLACEHOLDER)
            pos = m.end()
    parts.append(text[pos if pos is not None else len(text) :])
    return " ".join("".join(parts).split())


def _leading_mentions(tokens: tuple[Token, ...]) -> int:
    n = 0
    while n < len(tokens) and tokens[n].kind == "mention":
        n += 1
    return n


def _tokens(pairs: Sequence[tuple[str, str]], language: Language) -> tuple[Token, ...]:
    found = _cached_tokens(pairs, language)
    if all(found):
        return tuple(cast("list[Token]", found))
    new_words = [c for (c, k), t in zip(pairs, found, strict=True) if t is None and k == "word"]
    return _complete(pairs, found, language, _lemmatised_words(new_words, language))


def _cached_tokens(pairs: Sequence[tuple[str, str]], language: Language) -> list[Token | None]:
    """The remembered token of each (chunk, kind) pair, None where there is none yet."""
    cache = _token_cache.get(language)
    if cache is None:
        cache = _token_cache.setdefault(language, {})
    return list(map(cache.get, pairs))


def _complete(pairs: Sequence[tuple[str, str]], found: list[Token | None], language: Language,
              words: dict[str, Token]) -> tuple[Token, ...]:
    """``found`` with each missing token filled in: words from ``words``, others made here."""
    if all(found):
        return tuple(cast("list[Token]", found))
    out = []
    for tok, (chunk, kind) in zip(found, pairs, strict=True):
        if tok is None:
            tok = words[chunk] if kind == "word" else _plain_token(chunk, kind, language)
        out.append(tok)
    return tuple(out)


def _plain_token(chunk: str, kind: str, language: Language) -> Token:
    norm = fold(chunk)
    tok = Token(chunk, norm, norm, kind)
    _remember(language, (chunk, kind), tok)
    return tok


def _lemmatised_words(words: list[str], language: Language) -> dict[str, Token]:
    """Word tokens for ``words``, lemmatised in one batch and remembered in the token cache."""
    todo = list(dict.fromkeys(words))
    if language is Language.ET:
        lemmas = estonian_lemmas(todo)
    else:
        lemmas = [english_stem(w) for w in todo]
    made = {}
    for word, lemma in zip(todo, lemmas, strict=True):
        made[word] = tok = Token(word, fold(word), lemma, "word")
        _remember(language, (word, "word"), tok)
    return made


def _remember(language: Language, key: tuple[str, str], tok: Token) -> None:
    cache = _token_cache.setdefault(language, {})
    if len(cache) >= _TOKEN_CACHE_LIMIT:
        cache.clear()
    cache[key] = tok


def fold_phrase(text: str) -> str:
    """Normalise a lexicon phrase exactly as :attr:`TextAnalysis.folded` is built (no lemmatising)."""
    parts = (URL_PLACEHOLDER if token_kind(m) == "url" else fold(m.group()) for m in TOKEN_RE.finditer(text))
    return " ".join(parts)
