"""What the rule tagger looks at in one turn: folded text, lemma string, sentences, positions.

Built once per turn from the :class:`~servio.language.TextAnalysis`; cues
are then matched against these views only.
"""

from __future__ import annotations

import bisect
import re
import sys
from collections.abc import Mapping
from itertools import accumulate, chain, compress, count
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, NamedTuple, TypeVar, cast

from servio.analyze.base import ConversationAnalysis, TurnAnalysis
from servio.analyze.patterns import ANCHOR_LEN
from servio.language import fold
from servio.language.analysis import URL_PLACEHOLDER

if TYPE_CHECKING:
    from servio.language import TextAnalysis
    from servio.language.tokens import Token

_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
_QUOTE_RE = re.compile("[’‘`“”„«»]")  # a cheap test before the (slow, dict-driven) translate
_URL_RE = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:ee|com|org|net|eu|io|co|uk)\b(?:/\S*)?")
_MENTION_RE = re.compile(r"(?<!\w)@\w+")
_SPACES_RE = re.compile(" {2,}")
_SENTENCE_END = re.compile(r"[.!?…]+(?=\s|$|[\"')\]])|\n+")
_WORD_RE = re.compile(r"\w+")
_FOLDED_LEMMAS: dict[str, str] = {}  # lemma -> folded lemma (a bounded cache; folding is pure)
_KEY_CACHE_LIMIT = 100_000
_K = TypeVar("_K")
_I = TypeVar("_I")
_V = TypeVar("_V")
_SLASH_SIGNATURE = re.compile(r"(?:^|\s)/[A-Z][A-Za-z]{1,3}\b")  # Twitter agents' "/JP"
#: Token kinds that carry words (the rest: punct, emoji, url, mention, email, number, hashtag).
WORD_KINDS = frozenset({"word"})


class Sentences(NamedTuple):
    """Sentence spans of one view: ``ends[i]`` is where sentence ``i`` ends; ``questions[i]`` its form.

    This and the other per-turn records here are NamedTuples: immutable like frozen dataclasses,
    and several times cheaper to build (the tagger builds them for every turn).
    """

    ends: tuple[int, ...]
    questions: tuple[bool, ...]
    words: tuple[int, ...] = ()

    def index_at(self, pos: int) -> int:
        """The number of the sentence containing character ``pos``."""
        return min(bisect.bisect_right(self.ends, pos), max(len(self.ends) - 1, 0))

    def is_question_at(self, pos: int) -> bool:
        """Whether the sentence containing character ``pos`` is a question."""
        return self.questions[self.index_at(pos)] if self.questions else False


_NO_SENTENCES = Sentences((), (), ())  # those of an empty view


class LazySentences:
    """:class:`Sentences` of a view, split only when first asked for (most lemma views never are)."""

    __slots__ = ("_text", "_starters", "_wanted", "_value")

    def __init__(self, text: str, starters: frozenset[str], wanted: frozenset[str] | None = None) -> None:
        self._text, self._starters, self._wanted = text, starters, wanted
        self._value: Sentences | None = None

    def _get(self) -> Sentences:
        if self._value is None:
            self._value = _sentences(_index(self._text, self._wanted), self._starters, count_words=False)
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


class TurnView(NamedTuple):
    """One turn prepared for cue matching."""

    turn_index: int
    speaker: str
    language: str
    text: str
    lemmas: str  # empty when no lemma pattern can be tried on the turn (its lemmas hold no trigger)
    text_starts: Mapping[str, list[int]]
    lemma_starts: Mapping[str, list[int]]
    text_sentences: Sentences
    lemma_sentences: Sentences | LazySentences
    words: int
    has_link: bool
    has_signature: bool
    is_question: bool


class Position(NamedTuple):
    """Where a turn stands in its conversation."""

    turn_index: int
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
        i, agent, customer = self.turn_index, self.speaker == "agent", self.speaker == "customer"
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
            case "closing":  # the agent's first turn opens the contact when the agent writes again later
                in_window = i >= self.total - self.closing_window and i != self.first_agent
                return i == self.last_agent or in_window
            case "after_start":
                return self.first_agent is not None and i > self.first_agent
        raise KeyError(name)


def positions(analysis: ConversationAnalysis, end_window: int,
              closing_window: int = 4) -> tuple[Position, ...]:
    """The :class:`Position` of every turn."""
    speakers = [t.turn.speaker.value for t in analysis.turns]
    agents = [i for i, s in enumerate(speakers) if s == "agent"]
    customers = [i for i, s in enumerate(speakers) if s == "customer"]
    first_agent, last_agent = (agents[0], agents[-1]) if agents else (None, None)
    first_customer, last_customer = (customers[0], customers[-1]) if customers else (None, None)
    total = len(speakers)
    return tuple([Position(i, total, s, first_agent, last_agent, first_customer, last_customer, end_window,
                           closing_window) for i, s in enumerate(speakers)])


def build_view(turn: TurnAnalysis, question_starters: frozenset[str], with_lemmas: bool = True,
               keys: tuple[frozenset[str], frozenset[str]] | None = None,
               lemma_triggers: frozenset[str] | None = None) -> TurnView:
    """The matching views of one analysed turn (the lemma view only if ``with_lemmas``).

    ``keys`` (text keys, lemma keys) limits the word-start index to the words cues look at;
    the lemma view's index is built only when it holds one of ``lemma_triggers`` (any word
    when None): without one, no lemma pattern is tried.
    """
    ta = turn.text
    if ta is None:
        raise ValueError("the rule tagger needs the text analysis of every turn")
    text = _text_view(ta)
    text_keys, lemma_keys = keys if keys else (None, None)
    lemmas, lemma_starts = "", {}
    lemma_sentences: Sentences | LazySentences = _NO_SENTENCES
    if with_lemmas:
        parts = _lemma_parts(ta.tokens, lemma_triggers)
        if any(map(_HOLDS_OF, parts)):  # else no lemma pattern is tried: the lemma view stays empty
            lemmas = " ".join(chain.from_iterable(map(_PIECE_OF, parts)))
            lemma_starts = _index(lemmas, lemma_keys, with_sentences=False).starts
            lemma_sentences = LazySentences(lemmas, question_starters, lemma_keys)
    text_index = _index(text, text_keys)
    text_sentences = _sentences(text_index, question_starters, count_words=True)
    kinds = list(map(_KIND_OF, ta.tokens))
    has_link, has_signature = "url" in kinds, "signature" in kinds
    return TurnView(
        turn_index=turn.index, speaker=turn.turn.speaker.value, language=turn.language.value,
        text=text, lemmas=lemmas, text_starts=text_index.starts, lemma_starts=lemma_starts,
        text_sentences=text_sentences, lemma_sentences=lemma_sentences,
        words=sum(map(kinds.count, WORD_KINDS)), has_link=has_link,
        has_signature=has_signature or ("/" in ta.text and bool(_SLASH_SIGNATURE.search(ta.text))),
        is_question=any(text_sentences.questions),
    )


class _Chunk(NamedTuple):
    """What one space-separated chunk of a view holds: remembered per chunk (a word form, mostly),
    so a turn costs one dictionary look-up per chunk instead of regex passes over its whole text.

    Word runs (``\\w+``) and sentence marks never hold a space, so a view's words and marks are
    those of its chunks, in order; a mark at a chunk's end is followed by a space or the text's end,
    both of which its look-ahead accepts, so a chunk is scanned with a space after it.
    """

    step: int  # its length plus the space after it
    words: tuple[str, ...]  # its word runs, in order
    keyed: tuple[tuple[int, str], ...]  # (offset in the chunk, key) of each wanted key of its words
    marks: tuple[tuple[int, int, bool, int], ...]  # sentence marks: (start, end, holds "?", words before)


class _Index(NamedTuple):
    """A view's words, where the wanted word keys start, and its sentence marks (start, end, holds
    "?", number of words before the mark), all in text order."""

    words: list[str]
    starts: dict[str, list[int]]
    marks: list[tuple[int, int, bool, int]]
    length: int


#: per wanted key set: chunk -> its _Chunk (a bounded cache: chunks are word forms, mostly)
_CHUNK_MEMOS: dict[frozenset[str] | None, dict[str, _Chunk]] = {}
_KIND_OF = attrgetter("kind")
_STEP_OF = attrgetter("step")
_WORDS_OF = attrgetter("words")
_KEYED_OF = attrgetter("keyed")
_MARKS_OF = attrgetter("marks")


def _chunk(chunk: str, wanted: frozenset[str] | None) -> _Chunk:
    if chunk.isalnum():  # one word (the usual case, as for re's \w): no regex needed
        return _Chunk(len(chunk) + 1, (chunk,), tuple([(0, key) for key in _wanted_keys(chunk, wanted)]), ())
    found = list(_WORD_RE.finditer(chunk))
    starts = [m.start() for m in found]
    marks = tuple((m.start(), m.end(), "?" in m.group(), bisect.bisect_left(starts, m.start()))
                  for m in _SENTENCE_END.finditer(chunk + " "))
    return _Chunk(step=len(chunk) + 1, words=tuple(m.group() for m in found),
                  keyed=tuple((m.start(), key) for m in found for key in _wanted_keys(m.group(), wanted)),
                  marks=marks)


def _chunks(chunks: list[str], wanted: frozenset[str] | None) -> list[_Chunk]:
    """The :class:`_Chunk` of every chunk, from the memo of ``wanted`` (missing ones made first)."""
    memo = _memo_for(_CHUNK_MEMOS, wanted)
    found = list(map(memo.get, chunks))
    if all(found):  # a _Chunk is a non-empty tuple: all() is a C-level test for a missing one
        return cast("list[_Chunk]", found)
    if len(memo) >= _KEY_CACHE_LIMIT:
        memo.clear()
    for chunk in chunks:
        if chunk not in memo:
            memo[chunk] = _chunk(chunk, wanted)
    return list(map(memo.__getitem__, chunks))


def _index(text: str, wanted: frozenset[str] | None, with_sentences: bool = True) -> _Index:
    """The :class:`_Index` of ``text``, with word starts only for keys in ``wanted`` (all when None);
    without its words and sentence marks unless ``with_sentences``."""
    infos = _chunks(text.split(" "), wanted)
    offsets = list(accumulate(map(_STEP_OF, infos), initial=0))  # where each chunk starts
    starts: dict[str, list[int]] = {}
    keyed = list(map(_KEYED_OF, infos))
    for offset, pairs in compress(zip(offsets, keyed, strict=False), keyed):  # chunks with wanted words
        for at, key in pairs:
            found = starts.get(key)
            if found is None:
                starts[key] = [offset + at]
            else:
                found.append(offset + at)
    if not with_sentences:
        return _Index([], starts, [], len(text))
    per_chunk = list(map(_WORDS_OF, infos))
    marks: list[tuple[int, int, bool, int]] = []
    chunk_marks = list(map(_MARKS_OF, infos))
    if any(chunk_marks):
        before = list(accumulate(map(len, per_chunk), initial=0))  # words before each chunk
        for k in compress(count(), chunk_marks):
            offset, words_before = offsets[k], before[k]
            for s, e, asks, n in chunk_marks[k]:
                marks.append((offset + s, offset + e, asks, words_before + n))
    return _Index(list(chain.from_iterable(per_chunk)), starts, marks, len(text))


def _wanted_keys(word: str, wanted: frozenset[str] | None) -> tuple[str, ...]:
    """The index keys of ``word`` (as :func:`~servio.analyze.patterns.word_keys`) that are wanted."""
    prefix = word[:ANCHOR_LEN] + "*"
    if wanted is None:
        return sys.intern(word), sys.intern(prefix)  # interned: see patterns.anchor_key
    if word in wanted:
        return (sys.intern(word), sys.intern(prefix)) if prefix in wanted else (sys.intern(word),)
    return (sys.intern(prefix),) if prefix in wanted else ()


def _memo_for(memos: dict[_K, dict[_I, _V]], wanted: _K) -> dict[_I, _V]:
    """The memo of one key set in ``memos`` (cue sets are few and live as long as the process)."""
    memo = memos.get(wanted)
    if memo is None:
        if len(memos) >= 16:
            memos.clear()
        memo = memos[wanted] = {}
    return memo


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


#: One token's part of the lemma view: the token (held, so that its id is not reused while its
#: entry lives), its piece (empty: none) and whether the piece holds a trigger key.
_LemmaPart = tuple["Token", tuple[str, ...], bool]
#: per trigger key set: id(token) -> its _LemmaPart. Keyed by id because tokens are shared per word
#: form and an int hashes at once (a Token's dataclass hash is a Python call); bounded.
_LEMMA_MEMOS: dict[frozenset[str] | None, dict[int, _LemmaPart]] = {}
_PIECE_OF = itemgetter(1)
_HOLDS_OF = itemgetter(2)


def _lemma_parts(tokens: tuple[Token, ...], triggers: frozenset[str] | None) -> list[_LemmaPart]:
    """The :data:`_LemmaPart` of every token, from the memo of ``triggers`` (missing ones made first)."""
    memo = _memo_for(_LEMMA_MEMOS, triggers)
    found = list(map(memo.get, map(id, tokens)))
    if all(found):  # a part is a non-empty tuple: all() is a C-level test for a missing one
        return cast("list[_LemmaPart]", found)
    if len(memo) >= _KEY_CACHE_LIMIT:
        memo.clear()
    for tok in tokens:
        if id(tok) not in memo:
            piece = _lemma_piece(tok)
            holds = bool(piece) and (triggers is None or any(
                _wanted_keys(w, triggers) for w in _WORD_RE.findall(piece[0])))
            memo[id(tok)] = (tok, piece, holds)
    return [memo[id(tok)] for tok in tokens]


def _lemma_piece(tok: Token) -> tuple[str, ...]:
    """A token's part of the lemma view (folded lemma, punctuation, number or link), if any."""
    if tok.kind == "word":
        return (_folded_lemma(tok.lemma or tok.norm),)
    if tok.kind in ("punct", "number"):
        return (tok.text,)
    if tok.kind == "url":
        return ("url",)
    if tok.kind == "hashtag":
        return (tok.norm.lstrip("#"),)
    return ()


def _sentences(index: _Index, starters: frozenset[str], count_words: bool) -> Sentences:
    """Sentence ends, question forms and (with ``count_words``) word counts of a view.

    A sentence runs from one sentence mark to the next (or the text's end); one without a word
    (trailing punctuation) extends the sentence before it. No word starts inside a mark, so the
    words of a sentence are those counted between its marks.
    """
    ends: list[int] = []
    questions: list[bool] = []
    counts: list[int] = []
    words = index.words
    done = 0  # words before the current sentence
    marks = index.marks
    last = marks[-1][1] if marks else 0
    if last < index.length:  # text after the last mark: a sentence without a mark
        marks = [*marks, (index.length, index.length, False, len(words))]
    for _, end_pos, asks, before in marks:
        n, first = before - done, words[done] if before > done else None
        done = before
        if first is None:
            if ends:  # trailing punctuation: extend the previous sentence
                ends[-1] = end_pos
                questions[-1] = questions[-1] or asks
            continue
        ends.append(end_pos)
        questions.append(asks or first in starters)
        if count_words:
            counts.append(n)
    return Sentences(ends=tuple(ends), questions=tuple(questions), words=tuple(counts))
