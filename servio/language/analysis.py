"""``analyze_text``: one pass from raw turn text to tokens, lemmas and matchable strings."""

from __future__ import annotations

from dataclasses import dataclass

from servio.language.english import english_stem
from servio.language.estonian import estonian_lemmas
from servio.language.fold import fold
from servio.language.lexicon import lexicon
from servio.language.tokens import TOKEN_RE, Token
from servio.model import Language

URL_PLACEHOLDER = "<url>"
_SENTENCE_END = frozenset(".!?…:;")
_TOKEN_CACHE_LIMIT = 200_000
_token_cache: dict[tuple[Language, str, str], Token] = {}


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
        norms = [t.norm for t in self.tokens if t.kind not in ("mention", "emoji")]
        starts = lexicon(self.language).question_starts
        at_start = True
        for i, norm in enumerate(norms):
            if at_start and any(tuple(norms[i : i + len(q)]) == q for q in starts):
                return True
            at_start = bool(norm) and norm[-1] in _SENTENCE_END
        return False


def analyze_text(text: str, language: Language) -> TextAnalysis:
    """Tokenise ``text``, lemmatise its words in ``language`` and build the matching strings."""
    pairs, clean_parts = _split(text)
    clean = " ".join("".join(clean_parts).split())
    tokens = _tokens(pairs, language)
    kept = tokens[_leading_mentions(tokens) :]
    folded = " ".join(URL_PLACEHOLDER if t.kind == "url" else t.norm for t in kept)
    return TextAnalysis(text, clean, clean.lower(), folded, tokens, language)


def _split(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """(token text, kind) pairs, and the clean text in pieces (no leading mentions, URLs replaced)."""
    pairs: list[tuple[str, str]] = []
    parts: list[str] = []
    pos = 0
    for m in TOKEN_RE.finditer(text):
        kind = m.lastgroup or "punct"
        pairs.append((m.group(), kind))
        if parts or kind != "mention":
            parts.append(text[pos : m.start()] if parts else "")
            parts.append(URL_PLACEHOLDER if kind == "url" else m.group())
        pos = m.end()
    parts.append(text[pos:])
    return pairs, parts


def _leading_mentions(tokens: tuple[Token, ...]) -> int:
    n = 0
    while n < len(tokens) and tokens[n].kind == "mention":
        n += 1
    return n


def _tokens(pairs: list[tuple[str, str]], language: Language) -> tuple[Token, ...]:
    cache = _token_cache
    words = [chunk for chunk, kind in pairs if kind == "word"]
    if any((language, w, "word") not in cache for w in words):
        _fill_word_cache(words, language)
    out = []
    for chunk, kind in pairs:
        tok = cache.get((language, chunk, kind))
        if tok is None:
            norm = fold(chunk)
            tok = Token(chunk, norm, norm, kind)
            _remember((language, chunk, kind), tok)
        out.append(tok)
    return tuple(out)


def _fill_word_cache(words: list[str], language: Language) -> None:
    todo = [w for w in dict.fromkeys(words) if (language, w, "word") not in _token_cache]
    if language is Language.ET:
        lemmas = estonian_lemmas(todo)
    else:
        lemmas = [english_stem(w) for w in todo]
    for word, lemma in zip(todo, lemmas, strict=True):
        _remember((language, word, "word"), Token(word, fold(word), lemma, "word"))


def _remember(key: tuple[Language, str, str], tok: Token) -> None:
    if len(_token_cache) >= _TOKEN_CACHE_LIMIT:
        _token_cache.clear()
    _token_cache[key] = tok


def fold_phrase(text: str) -> str:
    """Normalise a lexicon phrase exactly as :attr:`TextAnalysis.folded` is built (no lemmatising)."""
    parts = (URL_PLACEHOLDER if m.lastgroup == "url" else fold(m.group()) for m in TOKEN_RE.finditer(text))
    return " ".join(parts)
