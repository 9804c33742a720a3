"""What the rule tagger looks at in one turn: folded text, lemma string, sentences, positions.

Built once per turn from the :class:`~servio.language.TextAnalysis`; cues
are then matched against these views only.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from servio.analyze.base import ConversationAnalysis, TurnAnalysis
from servio.analyze.patterns import word_keys
from servio.language import fold

if TYPE_CHECKING:
    from servio.language import TextAnalysis

_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
_URL_RE = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:ee|com|org|net|eu|io|co|uk)\b(?:/\S*)?")
_MENTION_RE = re.compile(r"(?<!\w)@\w+")
_SENTENCE_END = re.compile(r"[.!?…]+(?=\s|$|[\"')\]])|\n+")
_WORD_RE = re.compile(r"\w+")
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
    lemma_sentences: Sentences
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
        agent, customer = self.speaker == "agent", self.speaker == "customer"
        checks = {
            "first_agent_turn": agent and self.index == self.first_agent,
            "later_agent_turn": agent and self.index != self.first_agent,
            "last_agent_turn": agent and self.index == self.last_agent,
            "not_last_agent_turn": agent and self.index != self.last_agent,
            "first_customer_turn": customer and self.index == self.first_customer,
            "later_customer_turn": customer and self.index != self.first_customer,
            "last_customer_turn": customer and self.index == self.last_customer,
            "not_last_customer_turn": customer and self.index != self.last_customer,
            "start": self.first_agent is None or self.index <= self.first_agent,
            "end": self.index >= self.total - self.end_window,
            "not_end": self.index < self.total - self.end_window,
            "last_turn": self.index == self.total - 1,
            "closing": self.index == self.last_agent or self.index >= self.total - self.closing_window,
            "after_start": self.first_agent is not None and self.index > self.first_agent,
        }
        return checks[name]


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


def build_view(turn: TurnAnalysis, question_starters: frozenset[str], with_lemmas: bool = True) -> TurnView:
    """The matching views of one analysed turn (the lemma view only if ``with_lemmas``)."""
    ta = turn.text
    if ta is None:
        raise ValueError("the rule tagger needs the text analysis of every turn")
    text = _text_view(ta)
    lemmas = _lemma_view(ta) if with_lemmas else ""
    text_sentences = _sentences(text, question_starters)
    words = sum(1 for t in ta.tokens if t.kind in WORD_KINDS)
    return TurnView(
        index=turn.index, speaker=turn.turn.speaker.value, language=turn.language.value,
        text=text, lemmas=lemmas, text_starts=_word_starts(text), lemma_starts=_word_starts(lemmas),
        text_sentences=text_sentences, lemma_sentences=_sentences(lemmas, question_starters),
        words=words, has_link=any(t.kind == "url" for t in ta.tokens),
        has_signature=any(t.kind == "signature" for t in ta.tokens) or bool(_SLASH_SIGNATURE.search(ta.text)),
        is_question=any(text_sentences.questions),
    )


def _word_starts(text: str) -> dict[str, list[int]]:
    """Where words start, by index key (see :func:`~servio.analyze.patterns.word_keys`)."""
    out: dict[str, list[int]] = {}
    get = out.get
    for m in _WORD_RE.finditer(text):
        start = m.start()
        for key in word_keys(m.group()):
            found = get(key)
            if found is None:
                out[key] = [start]
            else:
                found.append(start)
    return out


def _text_view(ta: TextAnalysis) -> str:
    """The folded raw text (line breaks kept as sentence ends), links as the word "url", mentions dropped."""
    text = fold(ta.text).translate(_QUOTES)
    text = _URL_RE.sub(" url ", text)
    return _MENTION_RE.sub(" ", text).strip()


def _lemma_view(ta: TextAnalysis) -> str:
    parts: list[str] = []
    for tok in ta.tokens:
        if tok.kind == "word":
            parts.append(fold(tok.lemma or tok.norm).translate(_QUOTES))
        elif tok.kind == "punct":
            parts.append(tok.text)
        elif tok.kind == "number":
            parts.append(tok.text)
        elif tok.kind == "url":
            parts.append("url")
        elif tok.kind == "hashtag":
            parts.append(tok.norm.lstrip("#"))
    return " ".join(parts)


def _sentences(text: str, starters: frozenset[str]) -> Sentences:
    ends: list[int] = []
    questions: list[bool] = []
    words: list[int] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        _add_sentence(text[start:m.start()], m.group(0), m.end(), starters, (ends, questions, words))
        start = m.end()
    if start < len(text):
        _add_sentence(text[start:], "", len(text), starters, (ends, questions, words))
    return Sentences(ends=tuple(ends), questions=tuple(questions), words=tuple(words))


def _add_sentence(body: str, end: str, end_pos: int, starters: frozenset[str],
                  into: tuple[list[int], list[bool], list[int]]) -> None:
    ends, questions, words = into
    found = _WORD_RE.findall(body)
    if not found:
        if ends:  # trailing punctuation: extend the previous sentence
            ends[-1] = end_pos
            questions[-1] = questions[-1] or "?" in end
        return
    ends.append(end_pos)
    questions.append("?" in end or found[0] in starters)
    words.append(len(found))
