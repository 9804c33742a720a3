"""``analyze_text``: one pass from raw turn text to tokens, lemmas and matchable strings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import chain
from operator import attrgetter
from typing import cast

from servio.language.english import english_stem
from servio.language.estonian import estonian_lemmas
from servio.language.fold import fold
from servio.language.lexicon import lexicon
from servio.language.tokens import (
    CHUNK_RE,
    SIGNATURE_MARKS,
    TOKEN_RE,
    Token,
    chunk_tokens,
    raw_tokens,
    token_kind,
)
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
    return analyze_texts([text], [language])[0]


def analyze_texts(texts: Sequence[str], languages: Sequence[Language]) -> list[TextAnalysis]:
    """:func:`analyze_text` for each text in its language, with all words not seen before lemmatised
    in one batch per language (a lemma does not depend on its batch: same result, fewer Vabamorf calls).

    A text is read chunk by chunk (its whitespace-separated parts) and each chunk's tokens and strings
    are remembered per language, so a turn costs a look-up per chunk. A text that may end in a closing
    signature ("- Mari", the one token that depends on where the text ends: ``tokens.CHUNK_RE``) is
    tokenised whole.
    """
    langs = [lang if type(lang) is Language else Language(lang) for lang in languages]
    chunked = [_chunks(text) for text in texts]
    found = [list(map(_chunks_of(lang).get, chunks)) if chunks is not None else []
             for chunks, lang in zip(chunked, langs, strict=True)]
    whole = [raw_tokens(text) if chunks is None else () for text, chunks in zip(texts, chunked, strict=True)]
    if any(None in entries for entries in found) or any(whole):
        _learn(chunked, found, whole, langs)
    rows = zip(texts, chunked, found, whole, langs, strict=True)
    return [_from_chunks(text, chunks, cast("list[_Chunk]", entries), lang) if chunks is not None
            else _from_tokens(text, tuple(_token(pair, lang) for pair in pairs), lang)
            for text, chunks, entries, pairs, lang in rows]


@dataclass(frozen=True, slots=True)
class _Chunk:
    """What a text's chunk brings to its analysis (see :func:`_from_chunks`)."""

    tokens: tuple[Token, ...]
    folded: str  # the tokens' norms joined by spaces, links as "<url>"
    clean: str  # the chunk with its links replaced by "<url>"
    link: bool  # a token is a link
    mentions: bool  # every token is a mention, and there is one
    opens: bool  # a token starts at the chunk's first character


_TOKENS_OF, _LINK_OF, _FOLDED_OF = attrgetter("tokens"), attrgetter("link"), attrgetter("folded")
#: Per language: chunk -> what it brings (a chunk's tokens never depend on the text around it).
_chunk_cache: dict[Language, dict[str, _Chunk]] = {}


def _chunks_of(language: Language) -> dict[str, _Chunk]:
    cache = _chunk_cache.get(language)
    if cache is None:
        cache = _chunk_cache.setdefault(language, {})
    return cache


def _chunks(text: str) -> list[str] | None:
    """The chunks of ``text``, or None when one of its last two opens with a closing signature's mark."""
    chunks = text.split()
    for chunk in chunks[-2:]:
        if chunk[0] in SIGNATURE_MARKS:
            return None
    return chunks


def _learn(chunked: list[list[str] | None], found: list[list[_Chunk | None]],
           whole: list[tuple[tuple[str, str], ...]], langs: list[Language]) -> None:
    """Fill in ``found``'s missing chunks and remember them, after lemmatising the new words of those
    chunks and of the texts tokenised whole, in one batch per language."""
    pairs_of: dict[tuple[Language, str], tuple[tuple[str, str], ...]] = {}
    for chunks, entries, lang in zip(chunked, found, langs, strict=True):
        for chunk, entry in zip(chunks or (), entries, strict=True):
            if entry is None and (lang, chunk) not in pairs_of:
                pairs_of[lang, chunk] = chunk_tokens(chunk)
    new: dict[Language, list[str]] = {}
    chunk_pairs = ((lang, pairs) for (lang, _), pairs in pairs_of.items())
    for lang, pairs in chain(chunk_pairs, zip(langs, whole, strict=True)):
        known = _token_cache.get(lang, {})
        new.setdefault(lang, []).extend(c for c, k in pairs if k == "word" and (c, k) not in known)
    for lang, words in new.items():
        if words:
            _lemmatised_words(words, lang)
    made = {key: _chunk(key[1], pairs, key[0]) for key, pairs in pairs_of.items()}
    for chunks, entries, lang in zip(chunked, found, langs, strict=True):
        if None in entries:
            known_chunks = zip(chunks or (), entries, strict=True)
            entries[:] = [entry or made[lang, chunk] for chunk, entry in known_chunks]


def _chunk(chunk: str, pairs: tuple[tuple[str, str], ...], language: Language) -> _Chunk:
    """What ``chunk`` brings (its words are lemmatised by now), remembered for ``language``."""
    tokens = tuple(_token(pair, language) for pair in pairs)
    link = any(t.kind == "url" for t in tokens)
    made = _Chunk(tokens=tokens,
                  folded=" ".join(URL_PLACEHOLDER if t.kind == "url" else t.norm for t in tokens),
                  clean=_links_replaced(chunk) if link else chunk, link=link,
                  mentions=bool(tokens) and all(t.kind == "mention" for t in tokens),
                  opens=CHUNK_RE.match(chunk) is not None)
    cache = _chunks_of(language)
    if len(cache) >= _TOKEN_CACHE_LIMIT:
        cache.clear()
    cache[chunk] = made
    return made


def _links_replaced(chunk: str) -> str:
    """``chunk`` with each link token replaced by "<url>"."""
    parts: list[str] = []
    pos = 0
    for m in CHUNK_RE.finditer(chunk):
        if token_kind(m) == "url":
            parts += [chunk[pos : m.start()], URL_PLACEHOLDER]
            pos = m.end()
    parts.append(chunk[pos:])
    return "".join(parts)


def _token(pair: tuple[str, str], language: Language) -> Token:
    """The token of a (chunk, kind) pair: remembered, else made (a word's lemma must be known by now)."""
    found = _token_cache.get(language, {}).get(pair)
    return found if found is not None else _plain_token(pair[0], pair[1], language)


def _from_chunks(text: str, chunks: list[str], entries: list[_Chunk], language: Language) -> TextAnalysis:
    """The analysis of ``text`` put together from its chunks, equal to what :func:`_from_tokens` makes
    of its tokens (which it falls back on where a leading mention ends inside a chunk)."""
    tokens = tuple(chain.from_iterable(map(_TOKENS_OF, entries)))
    skip = 0
    while skip < len(entries) and entries[skip].mentions:
        skip += 1
    kept = entries[skip:] if skip else entries
    if kept and kept[0].tokens and kept[0].tokens[0].kind == "mention":
        return _from_tokens(text, tokens, language)
    if skip or any(map(_LINK_OF, entries)):
        if not kept or not kept[0].opens:  # the clean text starts at the first kept token
            return _from_tokens(text, tokens, language)
        clean = " ".join([entry.clean for entry in kept])
    else:
        clean = " ".join(chunks)
    folded = " ".join(filter(None, map(_FOLDED_OF, kept)))
    return TextAnalysis(text, clean, clean.lower(), folded, tokens, language)


def _from_tokens(text: str, tokens: tuple[Token, ...], language: Language) -> TextAnalysis:
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
