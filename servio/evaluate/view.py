"""A tagged conversation pre-digested once for the checks and patterns.

Every check and failure pattern reads the same :class:`View`: folded texts,
who spoke when, which agent turns carry which stage, and cue matching in the
conversation's language. Building it is the only per-conversation work that
more than one check shares, so :func:`servio.evaluate.evaluate` stays fast.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from servio.evaluate.cues import CueBook, fold_turn
from servio.model import Conversation, Speaker
from servio.results import TaggedConversation

_QUESTION = re.compile(r"(?:^|(?<=[.!?\n]))[^.!?\n]*\?")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_WORD = re.compile(r"\w+")
_EMPTY: frozenset[int] = frozenset()


def question_sentences(folded: str) -> tuple[str, ...]:
    """The question sentences ("?") of a folded turn text (:func:`~servio.evaluate.cues.fold_turn`); a
    question mark without a word before it asks nothing."""
    return tuple(q.strip() for q in _QUESTION.findall(folded) if _WORD.search(q))


class View:
    """Read-only facts about one tagged conversation, with cue look-ups."""

    __slots__ = ("tagged", "conversation", "cues", "language", "contact_type", "texts", "speakers",
                 "stages", "agent", "customer", "_by_stage", "_questions")

    def __init__(self, tagged: TaggedConversation, *, cues: CueBook, language: str | None,
                 contact_type: str) -> None:
        conv = tagged.conversation
        self.tagged = tagged
        self.conversation: Conversation = conv
        self.cues = cues
        self.language = language
        self.contact_type = contact_type
        self.texts = tuple(fold_turn(t.text) for t in conv.turns)
        self.speakers = tuple(t.speaker for t in conv.turns)
        stages = [_EMPTY] * len(conv.turns)
        for tt in tagged.turns:
            if 0 <= tt.index < len(stages):
                stages[tt.index] = tt.stages
        self.stages: tuple[frozenset[int], ...] = tuple(stages)
        self.agent = tuple(i for i, s in enumerate(self.speakers) if s is Speaker.AGENT)
        self.customer = tuple(i for i, s in enumerate(self.speakers) if s is Speaker.CUSTOMER)
        self._by_stage: dict[int, tuple[int, ...]] = {}
        self._questions: dict[int, tuple[str, ...]] = {}

    def with_stage(self, stage: int, turns: Iterable[int]) -> None:
        """Count ``stage`` as carried by ``turns`` too, for scoring (the tags shown stay as tagged)."""
        stages = list(self.stages)
        for i in turns:
            stages[i] = stages[i] | {stage}
        self.stages = tuple(stages)
        self._by_stage.clear()

    # -- where the stages are -------------------------------------------------
    def agent_turns(self, stage: int) -> tuple[int, ...]:
        """Indexes of the agent turns that carry ``stage``."""
        found = self._by_stage.get(stage)
        if found is None:
            found = tuple(i for i in self.agent if stage in self.stages[i])
            self._by_stage[stage] = found
        return found

    def customer_turns(self, *stages: int) -> tuple[int, ...]:
        """Indexes of the customer turns that carry any of ``stages``."""
        return tuple(i for i in self.customer if self.stages[i] & set(stages))

    @property
    def first_agent(self) -> int | None:
        return self.agent[0] if self.agent else None

    @property
    def last_agent(self) -> int | None:
        return self.agent[-1] if self.agent else None

    @property
    def first_solution(self) -> int | None:
        """The first agent turn that carries stage 6."""
        turns = self.agent_turns(6)
        return turns[0] if turns else None

    @property
    def need_told_first(self) -> bool:
        """Whether the customer described the need or asked what is possible (a turn of 3 or 5) before
        the agent's first turn: an e-mail, a chat the customer opens with the problem."""
        first = self.first_agent
        return first is not None and any(i < first for i in self.customer_turns(3, 5))

    def agent_before(self, end: int | None) -> tuple[int, ...]:
        """Agent turns before index ``end`` (all of them when ``end`` is None)."""
        return self.agent if end is None else tuple(i for i in self.agent if i < end)

    def closing_turns(self) -> tuple[int, ...]:
        """Agent turns that close: those carrying stage 7, those after the last solution, the last one."""
        turns = set(self.agent_turns(7))
        solutions = self.agent_turns(6)
        if solutions:
            turns.update(i for i in self.agent if i > solutions[-1])
        if self.agent:
            turns.add(self.agent[-1])
        return tuple(sorted(turns))

    # -- cues -----------------------------------------------------------------
    def has(self, group: str, index: int) -> bool:
        """Whether turn ``index`` contains a cue of ``group``."""
        return self.cues.pattern(group, self.language).search(self.texts[index]) is not None

    def first(self, group: str, turns: Iterable[int]) -> int | None:
        """The first of ``turns`` that contains a cue of ``group``."""
        pattern = self.cues.pattern(group, self.language)
        for i in turns:
            if pattern.search(self.texts[i]) is not None:
                return i
        return None

    def questions(self, index: int, skip: Iterable[str] = ()) -> tuple[str, ...]:
        """The question sentences ("?") of turn ``index``, folded, less those with a ``skip`` group cue. A
        question mark without a word before it (an agent's bare "?") asks nothing."""
        found = self._questions.get(index)
        if found is None:
            found = question_sentences(self.texts[index])
            self._questions[index] = found
        for group in skip:
            pattern = self.cues.pattern(group, self.language)
            found = tuple(q for q in found if not pattern.search(q))
        return found

    def sentences(self, index: int) -> Iterator[str]:
        """The sentences of turn ``index``, folded, each with its closing marks ("?" shows a question)."""
        return (m.group() for m in _SENTENCE.finditer(self.texts[index]))

    def first_asking(self, group: str, turns: Iterable[int]) -> int | None:
        """The first of ``turns`` with a question sentence that contains a cue of ``group``."""
        pattern = self.cues.pattern(group, self.language)
        for i in turns:
            if any(pattern.search(q) for q in self.questions(i)):
                return i
        return None

    def asks_open(self, index: int) -> bool:
        """Whether turn ``index`` asks an open question ("how can I help", "anything else?" are not)."""
        opener = self.cues.pattern("open_question", self.language)
        for q in self.questions(index, skip=("invitation", "anything_else")):
            if opener.search(q):
                return True
        return self.has("open_prompt", index)

    # -- the customer's side --------------------------------------------------
    def words(self, index: int) -> int:
        """How many words turn ``index`` has."""
        return len(_WORD.findall(self.texts[index]))

    def need_complete(self, before: int, min_words: int) -> bool:
        """Whether the customer stated a need (stages 3, 5) of at least ``min_words`` words before a turn."""
        turns = [i for i in self.customer_turns(3, 5) if i < before]
        return bool(turns) and sum(self.words(i) for i in turns) >= min_words
