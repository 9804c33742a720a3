"""What the rule tagger looks at in one turn: folded text, lemma string, sentences, positions.

Built once per turn from the :class:`~servio.language.TextAnalysis`; cues
are then matched against these views only.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import compress
from typing import TYPE_CHECKING, TypeVar, cast

from servio.analyze.base import ConversationAnalysis, TurnAnalysis
from servio.analyze.patterns import ANCHOR_LEN
from servio.language import fold
from servio.language.analysis import URL_PLACEHOLDER

if TYPE_CHECKING:
    from servio.language import TextAnalysis

_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
_QUOTE_RE = re.compile("[’‘`“”„«»]")  # a cheap test before the (slow, dict-driven) translate
_URL_RE = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:ee|com|org|net|eu|io|co|uk)\b(?:/\S*)?")
_MENTION_RE = re.compile(r"(?<!\w)@\w+")
_SPACES_RE = re.compile(" {2,}")
_SENTENCE_END = re.compile(r"[.!?…]+(?=\s|$|[\"')\]])|\n+")
_WORD_RE = re.compile(r"\w+")
_FOLDED_LEMMAS: dict[str, str] = {}  # lemma -> folded lemma (a bounded cache; folding is pure)
_KEY_MEMOS: dict[frozenset[str] | None, dict[str, tuple[str, ...]]] = {}
_KEY_CACHE_LIMIT = 100_000
_K = TypeVar("_K")
_V = TypeVar("_V")
_PIECE_MEMOS: dict[frozenset[str], dict[str, bool]] = {}  # lemma-view piece -> holds a wanted key
_GROUP = re.Match.group
_START = re.Match.start
_SLASH_SIGNATURE = re.compile(r"(?:^|\s)/[A-Z][A-Za-z]{1,3}\b")  # Twitter agents' "/JP"
#: Token kinds that carry words (the rest: punct, emoji, url, mention, email, number, hashtag).
WORD_KINDS = frozenset({"word"})


@dataclass(frozen=True, slots=True)
class Sentences:
    """Sentence spans of one view: ``ends[i]`` is where sentence ``i`` ends; ``questions[i]`` its form."""

    ends: tuple[int, ...]
    questions: tuple[bool, ...]
    words: tuple[int, ...] = ()

    def index_at(self, pos: int) -> int:
        """The number of the sentence containing character ``pos``."""
        return min(bisect.bisect_right(self.ends, pos), max(len(self.ends) - 1, 0))

    def is_question_at(self, pos: int) -> bool:
        """Whether the sentence containing character ``pos`` is a question."""
        return self.questions[self.index_at(pos)] if self.questions else False


class LazySentences:
    """:class:`Sentences` of a view, split only when first asked for (most lemma views never are)."""

    __slots__ = ("_text", "_starters", "_value")

    def __init__(self, text: str, starters: frozenset[str]) -> None:
        self._text, self._starters = text, starters
        self._value: Sentences | None = None

    def _get(self) -> Sentences:
        if self._value is None:
            self._value = _sentences(self._text, self._starters, count_words=False)
        return self._value

    @property
    def ends(self) -> tuple[int, ...]:
        return self._get().ends

    @property
    def questions(self) -> tuple[bool, ...]:
        return self._get().questions

    def index_at(self, pos: int) -> int:
        """The number of the sentence containing character ``pos``."""
        return self._get().index_at(pos)


@dataclass(frozen=True, slots=True)
class TurnView:
    """One turn prepared for cue matching."""

    index: int
    speaker: str
    language: str
    text: str
    lemmas: str
    text_starts: Mapping[str, list[int]]
    lemma_starts: Mapping[str, list[int]]
    text_sentences: Sentences
    lemma_sentences: Sentences | LazySentences
    words: int
    has_link: bool
    has_signature: bool
    is_question: bool


@dataclass(frozen=True, slots=True)
class Position:
    """Where a turn stands in its conversation."""

    index: int
    total: int
    speaker: str
    first_agent: int | None
    last_agent: int | None
    first_customer: int | None
    last_customer: int | None
    end_window: int
    closing_window: int = 4

    def holds(self, name: str) -> bool:
        """Whether the named position (as used in cue files) holds for this turn."""
        i, agent, customer = self.index, self.speaker == "agent", self.speaker == "customer"
        match name:
            case "first_agent_turn":
                return agent and i == self.first_agent
            case "later_agent_turn":
                return agent and i != self.first_agent
            case "last_agent_turn":
                return agent and i == self.last_agent
            case "not_last_agent_turn":
                return agent and i != self.last_agent
            case "first_customer_turn":
                return customer and i == self.first_customer
            case "later_customer_turn":
                return customer and i != self.first_customer
            case "last_customer_turn":
                return customer and i == self.last_customer
            case "not_last_customer_turn":
                return customer and i != self.last_customer
            case "start":
                return self.first_agent is None or i <= self.first_agent
            case "end":
                return i >= self.total - self.end_window
            case "not_end":
                return i < self.total - self.end_window
            case "last_turn":
                return i == self.total - 1
            case "closing":
                return i == self.last_agent or i >= self.total - self.closing_window
            case "after_start":
                return self.first_agent is not None and i > self.first_agent
        raise KeyError(name)


def positions(analysis: ConversationAnalysis, end_window: int,
              closing_window: int = 4) -> tuple[Position, ...]:
    """The :class:`Position` of every turn."""
    speakers = [t.turn.speaker.value for t in analysis.turns]
    agents = [i for i, s in enumerate(speakers) if s == "agent"]
    customers = [i for i, s in enumerate(speakers) if s == "customer"]
    return tuple(
        Position(index=i, total=len(speakers), speaker=s,
                 first_agent=agents[0] if agents else None, last_agent=agents[-1] if agents else None,
                 first_customer=customers[0] if customers else None,
                 last_customer=customers[-1] if customers else None, end_window=end_window,
                 closing_window=closing_window)
        for i, s in enumerate(speakers)
    )


def build_view(turn: TurnAnalysis, question_starters: frozenset[str], with_lemmas: bool = True,
               keys: tuple[frozenset[str], frozenset[str]] | None = None) -> TurnView:
    """The matching views of one analysed turn (the lemma view only if ``with_lemmas``).

    ``keys`` (text keys, lemma keys) limits the word-start index to the words cues look at.
    """
    ta = turn.text
    if ta is None:
        raise ValueError("the rule tagger needs the text analysis of every turn")
    text = _text_view(ta)
    pieces = _lemma_pieces(ta) if with_lemmas else []
    lemmas = " ".join(pieces)
    lemma_keys = keys[1] if keys else None
    text_words = _words(text)
    text_sentences = _sentences(text, question_starters, count_words=True, words=text_words)
    kinds = [tok.kind for tok in ta.tokens]
    words = sum(kinds.count(k) for k in WORD_KINDS)
    has_link, has_signature = "url" in kinds, "signature" in kinds
    return TurnView(
        index=turn.index, speaker=turn.turn.speaker.value, language=turn.language.value,
        text=text, lemmas=lemmas, text_starts=_word_starts(text, keys[0] if keys else None, text_words),
        lemma_starts=_word_starts(lemmas, lemma_keys) if _may_hold_keys(pieces, lemma_keys) else {},
        text_sentences=text_sentences,
        lemma_sentences=LazySentences(lemmas, question_starters),
        words=words, has_link=has_link,
        has_signature=has_signature or ("/" in ta.text and bool(_SLASH_SIGNATURE.search(ta.text))),
        is_question=any(text_sentences.questions),
    )


def _words(text: str) -> tuple[list[re.Match[str]], list[str]]:
    """The word matches of ``text`` and their words, shared by the sentence split and the word index."""
    matches = list(_WORD_RE.finditer(text))
    return matches, list(map(_GROUP, matches))


def _word_starts(text: str, wanted: frozenset[str] | None = None,
                 words_of_text: tuple[list[re.Match[str]], list[str]] | None = None) -> dict[str, list[int]]:
    """Where words start, by index key (see :func:`~servio.analyze.patterns.word_keys`);
    only keys in ``wanted`` when given."""
    out: dict[str, list[int]] = {}
    matches, words = words_of_text if words_of_text is not None else _words(text)
    keys = _remembered(_memo_for(_KEY_MEMOS, wanted), words, lambda word: _wanted_keys(word, wanted))
    for m, word_keys in compress(zip(matches, keys, strict=True), keys):  # only words some cue looks at
        for key in word_keys:
            found = out.get(key)
            if found is None:
                out[key] = [m.start()]
            else:
                found.append(m.start())
    return out


def _wanted_keys(word: str, wanted: frozenset[str] | None) -> tuple[str, ...]:
    """The index keys of ``word`` (as :func:`~servio.analyze.patterns.word_keys`) that are wanted."""
    prefix = word[:ANCHOR_LEN] + "*"
    return tuple(k for k in (word, prefix) if wanted is None or k in wanted)


def _memo_for(memos: dict[_K, dict[str, _V]], wanted: _K) -> dict[str, _V]:
    """The memo of one key set in ``memos`` (cue sets are few and live as long as the process)."""
    memo = memos.get(wanted)
    if memo is None:
        if len(memos) >= 16:
            memos.clear()
        memo = memos[wanted] = {}
    return memo


def _remembered(memo: dict[str, _V], items: list[str], compute: Callable[[str], _V]) -> list[_V]:
    """``memo[item]`` for every item, the missing ones computed first (the memo is bounded)."""
    found = list(map(memo.get, items))
    if None in found:
        if len(memo) >= _KEY_CACHE_LIMIT:
            memo.clear()
        for item in items:
            if item not in memo:
                memo[item] = compute(item)
        found = list(map(memo.get, items))
    return cast("list[_V]", found)


def _text_view(ta: TextAnalysis) -> str:
    """The folded text, links as the word "url", mentions dropped; line breaks are kept as sentence ends.

    A one-line text reuses the analysis' folded token string; only a multi-line text is folded anew.
    """
    if "\n" not in ta.text:
        text = ta.folded.replace(URL_PLACEHOLDER, " url ")
    else:
        text = _URL_RE.sub(" url ", fold(ta.text))
    if (not text.isascii() or "`" in text) and _QUOTE_RE.search(text):
        text = text.translate(_QUOTES)
    if "@" in text:  # ".@user will" must not leave three spaces between the sentence mark and "will"
        text = _SPACES_RE.sub(" ", _MENTION_RE.sub(" ", text))
    return text.strip()


def _folded_lemma(lemma: str) -> str:
    found = _FOLDED_LEMMAS.get(lemma)
    if found is None:
        if len(_FOLDED_LEMMAS) > 100_000:
            _FOLDED_LEMMAS.clear()
        found = _FOLDED_LEMMAS[lemma] = fold(lemma).translate(_QUOTES)
    return found


def _may_hold_keys(pieces: list[str], wanted: frozenset[str] | None) -> bool:
    """Whether a word of ``pieces`` (the lemma view's parts) has a key in ``wanted`` (all words when
    None); pieces are remembered per key set, so most turns are ruled out by dictionary look-ups."""
    if wanted is None:
        return bool(pieces)
    def holds(piece: str) -> bool:
        return any(_wanted_keys(w, wanted) for w in _WORD_RE.findall(piece))

    flags: list[bool] = _remembered(_memo_for(_PIECE_MEMOS, wanted), pieces, holds)
    return any(flags)


def _lemma_pieces(ta: TextAnalysis) -> list[str]:
    """The parts of the lemma view, joined by single spaces: folded lemmas, punctuation, numbers, links."""
    parts: list[str] = []
    folded = _FOLDED_LEMMAS
    for tok in ta.tokens:
        if tok.kind == "word":
            lemma = tok.lemma or tok.norm
            parts.append(folded.get(lemma) or _folded_lemma(lemma))
        elif tok.kind == "punct":
            parts.append(tok.text)
        elif tok.kind == "number":
            parts.append(tok.text)
        elif tok.kind == "url":
            parts.append("url")
        elif tok.kind == "hashtag":
            parts.append(tok.norm.lstrip("#"))
    return parts


def _sentences(text: str, starters: frozenset[str], count_words: bool,
               words: tuple[list[re.Match[str]], list[str]] | None = None) -> Sentences:
    """Sentence ends, question forms and (with ``count_words``) word counts of ``text``.

    ``words`` (from :func:`_words`) saves a regex pass: word runs never cross a sentence
    mark, so the words of a sentence are the text's word matches inside its span.
    """
    ends: list[int] = []
    questions: list[bool] = []
    counts: list[int] = []
    start = 0
    pieces = [(start, m.start(), m.group(0), (start := m.end())) for m in _SENTENCE_END.finditer(text)]
    if start < len(text):
        pieces.append((start, len(text), "", len(text)))
    if count_words and words is None:
        words = _words(text)
    word_starts = list(map(_START, words[0])) if words is not None else []
    for body_start, body_end, end, end_pos in pieces:
        if words is not None:
            i = bisect.bisect_left(word_starts, body_start)
            n = bisect.bisect_left(word_starts, body_end, i) - i
            first = words[1][i] if n else None
        else:
            first = _first_word(text[body_start:body_end])
        if first is None:
            if ends:  # trailing punctuation: extend the previous sentence
                ends[-1] = end_pos
                questions[-1] = questions[-1] or "?" in end
            continue
        ends.append(end_pos)
        questions.append("?" in end or first in starters)
        if count_words:
            counts.append(n)
    return Sentences(ends=tuple(ends), questions=tuple(questions), words=tuple(counts))


def _first_word(body: str) -> str | None:
    first = _WORD_RE.search(body)
    return first.group() if first is not None else None
