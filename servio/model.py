"""The conversation model: plain frozen data, no I/O.

Readers in :mod:`servio.ingest` build these objects; everything downstream
(analysis, evaluation, storage, reports) only reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any, NoReturn, TypeVar


class Speaker(StrEnum):
    """Who wrote a turn."""

    AGENT = "agent"
    CUSTOMER = "customer"
    SYSTEM = "system"


class Channel(StrEnum):
    """Where the conversation happened."""

    CHAT = "chat"
    TWITTER = "twitter"
    EMAIL = "email"
    PHONE = "phone"
    OTHER = "other"


class Language(StrEnum):
    """The two languages servio understands."""

    ET = "et"
    EN = "en"


#: The codes of the languages servio understands, as its data files key their texts.
LANGUAGES: tuple[str, ...] = tuple(language.value for language in Language)


class ContactType(StrEnum):
    """Kinds of contact; scorecards weigh the stages per kind."""

    SUPPORT = "support"
    SALES = "sales"
    COMPLAINT = "complaint"
    INFORMATION = "information"


class Metadata(dict[str, Any]):
    """A conversation's free metadata: a dict that cannot be changed (the conversation is frozen), and
    that copies, pickles, compares and converts as a dict does (``dataclasses.asdict``, ``json.dumps``,
    ``pandas``), which a read-only ``MappingProxyType`` did not."""

    __slots__ = ()

    def __reduce__(self) -> tuple[Any, tuple[dict[str, Any]]]:
        return Metadata, (dict(self),)  # rebuilt whole: item by item would go through __setitem__

    def _read_only(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("Conversation.metadata is read-only; make a changed copy with "
                        "dataclasses.replace(conversation, metadata={**conversation.metadata, ...})")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = __ior__ = _read_only


def _frozen_mapping(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return Metadata(value or {})


@dataclass(frozen=True, slots=True)
class Turn:
    """One message by one speaker, as it stands in the source.

    ``stages`` holds gold labels when the input carries them (annotated
    files); analysis never reads it.
    """

    speaker: Speaker
    text: str
    author: str | None = None
    timestamp: datetime | None = None
    stages: frozenset[int] | None = None
    language: Language | None = None

    def __post_init__(self) -> None:
        # a Python caller's plain strings ("agent", "et") become the members; anything else is refused here,
        # naming the field, not deep inside a tagger
        if not isinstance(self.speaker, Speaker):
            object.__setattr__(self, "speaker", _member(Speaker, self.speaker, "Turn.speaker"))
        if self.language is not None and not isinstance(self.language, Language):
            object.__setattr__(self, "language", _member(Language, self.language, "Turn.language"))


_E = TypeVar("_E", bound=StrEnum)


def _member(kind: type[_E], value: Any, name: str) -> _E:
    """``value`` as a member of ``kind``; a ValueError naming ``name`` and the members otherwise."""
    try:
        return kind(value)
    except ValueError:
        raise ValueError(f"{name} must be one of {', '.join(kind)}, not {value!r}") from None


def local_day(moment: datetime | None) -> date | None:
    """The calendar day ``moment`` falls on in its own time zone (its UTC offset as the source gave it; a
    naive time: its own date), or None without one.

    The one definition of the day a conversation happened: the store keeps it beside each conversation
    (``conversations.started_day``, which every day filter uses) and reports on files select by it, so
    01:30 on 1 October in Tallinn (22:30 UTC on 30 September) is October's everywhere.
    """
    return moment.date() if moment is not None else None


@dataclass(frozen=True, slots=True)
class Conversation:
    """A service contact: ordered turns plus what is known about it.

    ``unread`` says where each record of this conversation that a reader could not read and
    skipped stands in the source (``file:line``, ``file@byte N`` or ``file``): a turn, row, cue or
    message that is missing from ``turns``. A conversation with any is *incomplete*.

    ``id_made`` is true when the source names no id and servio made one from the file's name and the
    conversation's place in it (``export-1``): such an id says where the conversation stood, not which
    conversation it is, so the store does not let it replace a different conversation stored under the
    same id (docs/storage.md). It is not content: equality and the content hash ignore it.
    """

    id: str
    turns: tuple[Turn, ...]
    language: Language | None = None
    channel: Channel = Channel.CHAT
    agent_id: str | None = None
    team: str | None = None
    contact_type: ContactType | None = None
    started_at: datetime | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict, hash=False)  # read-only, not hashable
    unread: tuple[str, ...] = ()
    id_made: bool = field(default=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.turns, tuple):
            object.__setattr__(self, "turns", tuple(self.turns))
        for name, kind in (("language", Language), ("channel", Channel), ("contact_type", ContactType)):
            value = getattr(self, name)
            if value is not None and not isinstance(value, kind):
                object.__setattr__(self, name, _member(kind, value, f"Conversation.{name}"))
        if isinstance(self.started_at, str):  # an ISO 8601 string from a Python caller
            try:
                object.__setattr__(self, "started_at", datetime.fromisoformat(self.started_at))
            except ValueError:
                raise ValueError(f"Conversation.started_at must be a datetime or an ISO 8601 string, "
                                 f"not {self.started_at!r}") from None
        if not isinstance(self.unread, tuple):
            object.__setattr__(self, "unread", tuple(self.unread))
        if type(self.metadata) is not Metadata:
            object.__setattr__(self, "metadata", _frozen_mapping(self.metadata))

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickled with its metadata as a plain dict (for worker processes); rebuilt frozen."""
        return (Conversation, (self.id, self.turns, self.language, self.channel, self.agent_id, self.team,
                               self.contact_type, self.started_at, dict(self.metadata), self.unread,
                               self.id_made))

    def with_language(self, language: Language) -> Conversation:
        """A copy with the conversation language set."""
        return replace(self, language=language)

    @property
    def incomplete(self) -> bool:
        """True when a reader skipped records of this conversation (see ``unread``)."""
        return bool(self.unread)

    @property
    def agent_turns(self) -> tuple[int, ...]:
        """Indexes of the agent's turns."""
        return tuple(i for i, t in enumerate(self.turns) if t.speaker is Speaker.AGENT)
