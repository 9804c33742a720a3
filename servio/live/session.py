"""One live chat: its turns so far, cached per-turn text analysis, and the update after each turn.

Each new turn re-tags the whole chat so far with the same tagger and the same
evaluation as the batch path (:func:`servio.analyze.analyze`,
:func:`servio.evaluate.evaluate`); only the per-turn text analysis
(tokens, lemmas) is cached, so a turn costs one text analysis plus one run of
the tagger. The newest turn is the exception: with the default learned tagger
it is tagged by the live model (``servio/data/models/live.json``, trained on
chats cut after each turn), since the batch model reads every turn knowing
what follows it and, on a chat cut short, takes the newest turn for the last
one; an agent's goodbye the batch model is nearly sure of stays (see
:func:`~servio.analyze.learned.tagger.newest_turn_tags`). The agent's only turn so far
carries no goodbye once the customer has answered it (:func:`_opening_left_open`).
``tests/live`` checks that the earlier turns equal ``analyze()`` on every prefix (but for
that opening), and the newest turn the live model's tags.
"""

from __future__ import annotations

import threading
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from servio.analyze.base import ConversationAnalysis, Tagger, TurnAnalysis
from servio.analyze.pipeline import DEFAULT_LANGUAGE, resolve_tagger
from servio.analyze.registry import DEFAULT_TAGGER
from servio.live.hints import Hint, LiveWarning, agent_stages, hint_for
from servio.model import Channel, ContactType, Conversation, Language, Speaker, Turn
from servio.results import ConversationResult, TaggedConversation, TurnTags

if TYPE_CHECKING:
    from servio.evaluate.scorecard import Scorecard


class LiveError(ValueError):
    """A turn or session the live path cannot take (too many turns, empty text, unknown session)."""


class LiveFieldError(LiveError):
    """A value the live path cannot take, naming the field it came in: ``str()`` is ``"<field>: <problem>"``,
    and the API answers it as a 422 on that field."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


#: Unicode categories that show nothing on their own: controls, format characters (zero-width space and
#: joiners, BOM, soft hyphen), surrogates, separators, and combining marks with no letter to sit on.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Zs", "Zl", "Zp", "Mn", "Me"})
#: Letters and symbols drawn as blank: the Hangul fillers and the empty braille pattern.
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def has_visible_text(text: str) -> bool:
    """Whether ``text`` has a character one can see (not only whitespace, control or zero-width ones)."""
    return any(not ch.isspace() and ch not in _BLANK and unicodedata.category(ch) not in _INVISIBLE
               for ch in text)


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """What is known about a live chat before it starts (all optional)."""

    language: Language | None = None
    channel: Channel = Channel.CHAT
    agent_id: str | None = None
    team: str | None = None
    contact_type: ContactType | None = None
    #: the language while the chat's text shows none ("OK", an order number), when ``language`` is not
    #: set: the dashboard's own language on its live page; :data:`DEFAULT_LANGUAGE` when None
    fallback_language: Language | None = None


@dataclass(frozen=True, slots=True)
class LiveUpdate:
    """servio's answer to one turn: its stages, the stages so far, the next-stage hint and the warnings.

    ``changed`` lists earlier turns whose stages changed with this turn's
    context, as ``(index, stages)``.
    """

    session_id: str
    turn: int
    speaker: str
    language: str
    contact_type: str
    stages: tuple[int, ...]
    tags: TurnTags
    done: tuple[int, ...]
    agent_done: tuple[int, ...]
    next_stage: int | None
    hint: str
    warnings: tuple[LiveWarning, ...]
    changed: tuple[tuple[int, tuple[int, ...]], ...] = ()
    overall: float = 0.0
    elapsed_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the wire format of the HTTP and WebSocket endpoints)."""
        return {
            "session_id": self.session_id, "turn": self.turn, "speaker": self.speaker,
            "language": self.language, "contact_type": self.contact_type, "stages": list(self.stages),
            "tags": [t.to_dict() for t in self.tags.tags], "done": list(self.done),
            "agent_done": list(self.agent_done), "next_stage": self.next_stage, "hint": self.hint,
            "warnings": [w.to_dict() for w in self.warnings],
            "changed": [{"turn": i, "stages": list(s)} for i, s in self.changed],
            "overall": round(self.overall, 1), "elapsed_ms": round(self.elapsed_ms, 3),
        }


@dataclass(slots=True)
class LiveSession:
    """The mutable state of one chat: owned by one user, used under its lock."""

    id: str
    owner: str
    info: SessionInfo
    max_turns: int
    tagger: Tagger
    newest: Tagger | None = None  # tags the newest turn when set (see the module's docstring)
    scorecard: Scorecard | None = None  # what the chat is scored with (None: the default scorecard)
    #: the characters all turns may hold together: each turn re-tags the whole chat, so this bounds what
    #: one turn costs (a chat of 500 turns of 20,000 characters took seconds a turn, security audit S2)
    max_chars: int = 100_000
    chars: int = 0  # the characters of the turns so far
    turns: list[Turn] = field(default_factory=list)
    analyses: list[TurnAnalysis] = field(default_factory=list)
    stages: list[frozenset[int]] = field(default_factory=list)
    last_used: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_turn(self, speaker: Speaker, text: str, *, author: str | None = None,
                 timestamp: datetime | None = None) -> LiveUpdate:
        """Add one turn and answer with the update (raises :class:`LiveError` for an unusable turn, a
        :class:`LiveFieldError` on ``text`` for one with nothing visible in it)."""
        if not has_visible_text(text):
            raise LiveFieldError("text", "a turn needs some visible text, not only spaces, control or "
                                         "zero-width characters")
        started = time.perf_counter()
        with self.lock:
            if len(self.turns) >= self.max_turns:
                raise LiveError(f"session {self.id} already holds {self.max_turns} turns")
            if self.chars + len(text) > self.max_chars:
                raise LiveFieldError("text", f"with this turn the chat would hold more than "
                                             f"{self.max_chars:,} characters, the most one live session "
                                             f"takes ({self.chars:,} so far): start a new chat (a new "
                                             "session) to go on")
            self.turns.append(Turn(speaker=speaker, text=text, author=author, timestamp=timestamp))
            self.chars += len(text)
            try:
                tagged, result = self._score()
            except Exception:
                self.turns.pop()
                self.chars -= len(text)
                raise
            return self._update(tagged, result, time.perf_counter() - started)

    def conversation(self) -> Conversation:
        """The chat so far as a :class:`~servio.model.Conversation`."""
        info = self.info
        return Conversation(id=self.id, turns=tuple(self.turns), language=info.language, channel=info.channel,
                            agent_id=info.agent_id, team=info.team, contact_type=info.contact_type)

    def _score(self) -> tuple[TaggedConversation, ConversationResult]:
        from servio.evaluate import evaluate

        conv = self.conversation()
        prepared = self._prepare(conv)
        tags = self.tagger.tag(prepared)
        if self.newest is not None:
            from servio.analyze.learned.tagger import newest_turn_tags

            live = self.newest.tag(prepared)[-1]
            first = all(t.speaker is not Speaker.AGENT for t in conv.turns[:-1])
            newest = newest_turn_tags(tags[-1], live, conv.turns[-1].speaker, first_agent_turn=first)
            tags = (*tags[:-1], newest)
        tags = _opening_left_open(tags, conv.turns)
        if conv.language is None:
            conv = conv.with_language(prepared.language)
        tagged = TaggedConversation(conversation=conv, turns=tags, tagger=self.tagger.name)
        return tagged, evaluate(tagged, contact_type=self.info.contact_type, scorecard=self.scorecard)

    def _prepare(self, conv: Conversation) -> ConversationAnalysis:
        """What :func:`servio.analyze.prepare` builds, reusing the text analysis of earlier turns."""
        conv_lang, turn_langs = _languages(conv, self.info.fallback_language or DEFAULT_LANGUAGE)
        with_text = "analysis" in self.tagger.needs
        if with_text:
            from servio.language import analyze_text
        del self.analyses[len(conv.turns):]
        for i, (turn, lang) in enumerate(zip(conv.turns, turn_langs, strict=True)):
            cached = self.analyses[i] if i < len(self.analyses) else None
            if cached is not None and cached.language is lang:
                continue
            fresh = TurnAnalysis(index=i, turn=turn, language=lang,
                                 text=analyze_text(turn.text, lang) if with_text else None)
            if cached is None:
                self.analyses.append(fresh)
            else:
                self.analyses[i] = fresh
        return ConversationAnalysis(conversation=conv, language=conv_lang, turns=tuple(self.analyses))

    def _update(self, tagged: TaggedConversation, result: ConversationResult, elapsed: float) -> LiveUpdate:
        stages = [t.stages for t in tagged.turns]
        before = self.stages
        changed = tuple((i, tuple(sorted(stages[i]))) for i in range(min(len(before), len(stages)))
                        if before[i] != stages[i])
        self.stages = stages
        hint: Hint = hint_for(self.turns, result)
        index = len(self.turns) - 1
        return LiveUpdate(
            session_id=self.id, turn=index, speaker=str(self.turns[index].speaker), language=result.language,
            contact_type=result.contact_type, stages=tuple(sorted(stages[index])), tags=tagged.turns[index],
            done=tuple(sorted(frozenset().union(*stages))),
            agent_done=tuple(sorted(agent_stages(self.turns, stages))), next_stage=hint.next_stage,
            hint=hint.text, warnings=hint.warnings, changed=changed, overall=result.overall,
            elapsed_ms=elapsed * 1000.0,
        )


def _opening_left_open(tags: tuple[TurnTags, ...], turns: Sequence[Turn]) -> tuple[TurnTags, ...]:
    """``tags`` without the goodbye (7) on the agent's only turn so far, when the customer has written since.

    The tagger reads the chat so far as a whole conversation, so the agent's one turn is its last and an
    opening "Hi, thanks for contacting us, I'm Tom." read as the goodbye the moment the customer answered
    (the panel showed the goodbye done on turn 2, until the agent wrote again; audit m2). A live chat goes
    on, and the guide counts "thanks for contacting us" at the start as attunement (1). Once the agent
    writes again, the turn is tagged as in the batch path."""
    agents = [i for i, t in enumerate(turns) if t.speaker is Speaker.AGENT]
    if len(agents) != 1 or agents[0] == len(turns) - 1 or 7 not in tags[agents[0]].stages:
        return tags
    i = agents[0]
    opening = TurnTags(index=tags[i].index, tags=tuple(t for t in tags[i].tags if t.stage != 7))
    return (*tags[:i], opening, *tags[i + 1:])


def _languages(conv: Conversation, fallback: Language) -> tuple[Language, tuple[Language, ...]]:
    """The conversation's and each turn's language, decided as :func:`servio.analyze.prepare` does, with
    ``fallback`` where the text shows no language."""
    if conv.language is not None:
        forced = Language(conv.language)
        return forced, tuple(t.language or forced for t in conv.turns)
    from servio.language import detect_conversation_language, turn_languages

    conv_lang = detect_conversation_language(conv, fallback)
    per_turn = tuple(turn_languages(conv.with_language(conv_lang)))
    if len(per_turn) != len(conv.turns):
        per_turn = tuple(t.language or conv_lang for t in conv.turns)
    return conv_lang, per_turn


def new_session(session_id: str, owner: str, info: SessionInfo | None = None, *, max_turns: int = 500,
                tagger: str | Tagger = DEFAULT_TAGGER, scorecard: Scorecard | None = None,
                max_chars: int = 100_000) -> LiveSession:
    """A fresh live session (the tagger is resolved once, as the batch path does; the default learned
    tagger brings the live model for the newest turn)."""
    resolved = resolve_tagger(tagger)
    newest = None
    if resolved.name == "learned":
        from servio.analyze.learned.tagger import newest_turn_tagger

        newest = newest_turn_tagger(resolved)
    return LiveSession(id=session_id, owner=owner, info=info or SessionInfo(), max_turns=max_turns,
                       tagger=resolved, newest=newest, last_used=time.monotonic(), scorecard=scorecard,
                       max_chars=max_chars)
