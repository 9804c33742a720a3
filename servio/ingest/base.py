"""What every reader shares: problems, the run report, options and the reader contract."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Protocol, runtime_checkable

from servio.ingest.remedies import Audience, render
from servio.ingest.said import Said
from servio.model import Channel, Conversation, Language, Speaker

DEFAULT_MAX_RECORD_BYTES = 16 * 1024 * 1024

#: Field names accepted by :meth:`ReaderOptions.from_cli` and their option attributes.
COLUMN_FIELDS: Mapping[str, str] = MappingProxyType({
    "id": "id_column", "speaker": "speaker_column", "text": "text_column",
    "timestamp": "timestamp_column", "date": "date_column", "author": "author_column",
    "agent": "agent_id_column",
    "agent_id": "agent_id_column", "team": "team_column", "channel": "channel_column",
    "language": "language_column", "stages": "stages_column", "contact_type": "contact_type_column",
})


@dataclass(frozen=True, slots=True)
class Problem:
    """One bad record, or one note about the input: where it is and what is wrong."""

    path: str
    line: int | None
    offset: int | None
    #: what is wrong, in English; a remedy in it is a token that :meth:`text` says in a front end's words
    message: str
    #: the same as a message code and its values, to say in another language (None: only ``message``)
    said: Said | None = field(default=None, compare=False)

    def __str__(self) -> str:
        return self.text("python")

    def text(self, audience: Audience = "python", language: str = "en") -> str:
        """Where and what, with the remedy said for ``audience`` (see :mod:`servio.ingest.remedies`),
        in ``language`` when the problem has its :attr:`said` (else in English)."""
        return self.located(self.what(audience, language))

    def what(self, audience: Audience = "python", language: str = "en") -> str:
        """What is wrong, without where: the message in ``language`` with its remedy said for ``audience``."""
        if language != "en" and self.said is not None:
            return render(self.said.text(language), audience, language)
        return render(self.message, audience)

    def located(self, message: str) -> str:
        """``message`` after where the problem is: ``path:line: ``, ``path@byte N: `` or ``path: ``."""
        return f"{self.where}: {message}"

    @property
    def where(self) -> str:
        """Where the problem is: ``path:line``, ``path@byte N`` or ``path``."""
        return self._at(self.path)

    @property
    def where_by_name(self) -> str:
        """:attr:`where` with the file's name, not its folder: what a conversation keeps of its lost records
        (``Conversation.unread``), which must not change with where the file lay when it was read (an
        upload's temporary folder, a relative or an absolute path: its content hash would)."""
        return self._at(Path(self.path).name or self.path)

    def _at(self, path: str) -> str:
        if self.line is not None:
            return f"{path}:{self.line}"
        if self.offset is not None:
            return f"{path}@byte {self.offset}"
        return path


@dataclass(frozen=True, slots=True)
class ReadReport:
    """Summary of a run: conversations read, records skipped, the problems and notes.

    ``skipped`` counts the records a problem made the reader drop (a line, a
    row, a cue, a message, or a whole file); ``notes`` are remarks that drop
    nothing, such as an empty file or a Windows-1257 fallback.
    """

    read: int
    skipped: int
    problems: tuple[Problem, ...]
    notes: tuple[Problem, ...] = ()
    files: int = 0

    def __add__(self, other: ReadReport) -> ReadReport:
        return ReadReport(
            read=self.read + other.read,
            skipped=self.skipped + other.skipped,
            problems=self.problems + other.problems,
            notes=self.notes + other.notes,
            files=self.files + other.files,
        )

    @classmethod
    def merge(cls, reports: Iterable[ReadReport]) -> ReadReport:
        """One report summing several (e.g. one per file or per batch)."""
        total = cls(0, 0, ())
        for report in reports:
            total = total + report
        return total


class IngestError(Exception):
    """Input that cannot be read: a missing path, an unknown format name, or (strict) a bad record.

    ``str()`` says a remedy in its message for Python callers; :meth:`text` for another front end.
    Given a :class:`~servio.ingest.said.Said`, ``message`` is its English text and ``said`` keeps it."""

    def __init__(self, message: str | Said, problem: Problem | None = None) -> None:
        self.said = message if isinstance(message, Said) else None
        self.message = str(message)
        super().__init__(self.message)
        self.problem = problem

    def __str__(self) -> str:
        return self.text("python")

    def text(self, audience: Audience = "python") -> str:
        """The message with its remedy said for ``audience`` (see :mod:`servio.ingest.remedies`)."""
        return render(self.message, audience)


def _speaker_map(values: Mapping[str, str | Speaker]) -> Mapping[str, Speaker]:
    out: dict[str, Speaker] = {}
    for raw, target in values.items():
        try:
            out[" ".join(str(raw).split()).casefold()] = Speaker(str(target).strip().casefold())
        except ValueError:
            message = f"speaker_values[{raw!r}] must be agent, customer or system, not {target!r}"
            raise ValueError(message) from None
    return MappingProxyType(out)


@dataclass(frozen=True, slots=True)
class ReaderOptions:
    """How to read inputs whose layout varies: CSV columns, speaker words, encoding, e-mail roles.

    A ``*_column`` of ``None`` means "look for the usual names" (English and
    Estonian, see ``servio/ingest/data/columns.toml``). ``speaker_values``
    maps raw speaker words or names (``"kati"``, ``"speaker 1"``) to
    ``agent``/``customer``/``system`` on top of the built-in vocabulary.
    ``language`` and ``channel`` fill in what a source does not say.
    ``agent_addresses``/``agent_domains`` decide who is the agent in e-mail.
    ``max_record_bytes`` bounds one line (text formats) or one message (e-mail).
    ``gold_stages`` off leaves the turns' labelled ``stages`` unread (and unchecked).
    """

    id_column: str | None = None
    speaker_column: str | None = None
    text_column: str | None = None
    timestamp_column: str | None = None
    date_column: str | None = None  # a date beside a time-only timestamp column (Kuupäev + Kellaaeg)
    author_column: str | None = None
    agent_id_column: str | None = None
    team_column: str | None = None
    channel_column: str | None = None
    language_column: str | None = None
    stages_column: str | None = None
    contact_type_column: str | None = None
    delimiter: str | None = None
    speaker_values: Mapping[str, Speaker] = field(default_factory=dict)
    encoding: str | None = None
    language: Language | None = None
    channel: Channel | None = None
    agent_addresses: frozenset[str] = frozenset()
    agent_domains: frozenset[str] = frozenset()
    keep_signoff: bool = True
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
    gold_stages: bool = True  # read the turns' gold ``stages``; ``servio tag`` ignores them (off)
    #: the site's IANA time zone (``Europe/Tallinn``): times with an offset are moved into it (the same
    #: moment), times without one are taken as its own, so a conversation's day is the site's day
    time_zone: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "speaker_values", _speaker_map(self.speaker_values))
        addresses = frozenset(a.strip().casefold() for a in self.agent_addresses if a.strip())
        domains = frozenset(d.strip().lstrip("@").casefold() for d in self.agent_domains if d.strip())
        object.__setattr__(self, "agent_addresses", addresses)
        object.__setattr__(self, "agent_domains", domains)
        if self.delimiter is not None and len(self.delimiter) != 1:
            raise ValueError(f"delimiter must be one character, not {self.delimiter!r}")
        if self.max_record_bytes < 1024:
            raise ValueError("max_record_bytes must be at least 1024")
        if self.language is not None and not isinstance(self.language, Language):
            object.__setattr__(self, "language", _language(self.language))  # "eesti", "en-GB"; "de" refused
        if self.channel is not None and not isinstance(self.channel, Channel):
            object.__setattr__(self, "channel", _channel(self.channel))
        if self.time_zone is not None:
            object.__setattr__(self, "time_zone", _time_zone(self.time_zone))
        if self.encoding is not None:
            import codecs

            try:
                codecs.lookup(self.encoding)
            except LookupError:
                raise ValueError(f"unknown encoding {self.encoding!r}") from None

    def column(self, name: str) -> str | None:
        """The configured header name for field ``name`` (``text``, ``agent_id``...), if any."""
        value: str | None = getattr(self, COLUMN_FIELDS[name])
        return value

    @classmethod
    def from_cli(
        cls,
        *,
        columns: Mapping[str, str] | None = None,
        agent_domains: Iterable[str] = (),
        agent_addresses: Iterable[str] = (),
        speaker_values: Mapping[str, str] | None = None,
        encoding: str | None = None,
        channel: str | None = None,
        time_zone: str | None = None,
        **other: object,
    ) -> ReaderOptions:
        """Options from command-line style input; ``columns`` maps field names to header names.

        Field names are those of :data:`COLUMN_FIELDS` (``id``, ``speaker``,
        ``text``, ``timestamp``, ``date``, ``author``, ``agent``, ``team``, ``channel``,
        ``language``, ``stages``, ``contact_type``). ``encoding`` is a codec name (``cp1252``);
        ``channel`` a channel or one of its spellings (``e-mail``, ``kõne``); ``time_zone`` an IANA
        name (``Europe/Tallinn``). Raises :class:`IngestError` for an unknown field name or a bad value,
        naming the option.
        """
        kwargs: dict[str, object] = dict(other)
        if encoding:
            kwargs["encoding"] = _encoding(encoding)
        if time_zone:
            kwargs["time_zone"] = time_zone  # checked by the options themselves
        if channel:  # a spelling ("e-mail") is read, or refused naming it, by the options themselves
            kwargs["channel"] = channel
        for name, header in (columns or {}).items():
            key = name.strip().casefold().replace("-", "_")
            if key not in COLUMN_FIELDS:
                known = ", ".join(sorted(COLUMN_FIELDS))
                raise IngestError(Said("options.unknown_column_field", {"name": repr(name), "known": known}))
            kwargs[COLUMN_FIELDS[key]] = header
        kwargs["agent_domains"] = frozenset(agent_domains)
        kwargs["agent_addresses"] = frozenset(agent_addresses)
        kwargs["speaker_values"] = dict(speaker_values or {})
        try:
            return cls(**kwargs)  # type: ignore[arg-type]
        except (TypeError, ValueError) as exc:
            raise IngestError(Said("options.bad", {"detail": str(exc)})) from None


def _encoding(name: str) -> str:
    """A codec name for ``ReaderOptions.encoding``; an :class:`IngestError` naming the option if unknown."""
    import codecs

    try:
        codecs.lookup(name.strip())
    except LookupError:
        raise IngestError(Said("options.unknown_encoding", {"value": repr(name)})) from None
    return name.strip()


def _time_zone(name: object) -> str:
    """An IANA time zone name for ``ReaderOptions.time_zone``; an :class:`IngestError` naming the option
    if no such zone is known (``Europe/Talinn``)."""
    from servio.ingest.zones import zone

    text = str(name).strip()
    try:
        zone(text)
    except (ValueError, KeyError):
        raise IngestError(Said("options.unknown_time_zone", {"value": repr(str(name))})) from None
    return text


def _language(value: object) -> Language:
    """The language ``value`` names (``et``, ``eesti``, ``en-GB``); an :class:`IngestError` naming the
    option and the languages if it names none (a Python caller's ``ReaderOptions(language="de")``)."""
    from servio.ingest.fields import FieldError, enum_value

    try:
        return Language(enum_value("language", value))
    except FieldError as exc:
        raise IngestError(exc.said or str(exc)) from None


def _channel(value: str) -> Channel:
    """The channel ``value`` names (``email``, ``e-mail``, ``kõne``); an :class:`IngestError` naming the
    option and the channels if it names none."""
    from servio.ingest.fields import FieldError, enum_value

    try:
        return Channel(enum_value("channel", value))
    except FieldError as exc:
        raise IngestError(exc.said or str(exc)) from None


#: the end of a problem message naming what is dropped ("; row skipped", "; conversation left out of eval")
#: (``\s*+`` possessive: ``\s*`` and ``[a-z ]+`` tried every split of a run of spaces, security audit S12)
_SKIPPED = re.compile(r";\s*+(?:[a-z ]+ )?(?:skipped|left out(?: [a-z ]+)?)$")


def _stopped(said: Said | None, text: str) -> Said | None:
    """The strict form of a problem's message: what was wrong, and that reading stopped. A message that
    names what it drops is a ``skip.*`` frame around the reason; the strict one frames the reason alone.
    None when that would not say ``text`` in English (the English text is the contract)."""
    if said is None:
        return None
    reason = said.params.get("reason") if said.code.startswith("skip.") else said
    stopped = Said("strict.stopped", {"reason": reason if reason is not None else said})
    return stopped if stopped.text("en") == text else None


class Reporter:
    """Collects problems and notes while readers run; raises at the first problem when strict.

    Readers call :meth:`problem` for every record they drop, :meth:`note` for
    remarks that drop nothing, and :meth:`at` before yielding a conversation so
    that later complaints about it (a duplicate id) can name its line. A dropped
    record that belonged to a conversation the reader still yields is named in that
    conversation's ``unread`` (:meth:`problem` returns it; :meth:`mark` and
    :meth:`since` give those a reader reported while reading one conversation).
    """

    def __init__(
        self,
        *,
        strict: bool = False,
        on_problem: Callable[[Problem], None] | None = None,
        on_note: Callable[[Problem], None] | None = None,
    ) -> None:
        self.strict = strict
        self._on_problem = on_problem
        self._on_note = on_note
        self._problems: list[Problem] = []
        self._notes: list[Problem] = []
        self.read = 0
        self.files = 0
        self.line: int | None = None
        self.offset: int | None = None
        #: False while reading a file found in a folder walk, not named by the caller: a reader may then
        #: note a file that is plainly not its kind (a CSV list of people) instead of reporting a problem
        self.named = True

    def problem(
        self, path: str | Path, message: str | Said, *, line: int | None = None, offset: int | None = None
    ) -> Problem:
        """Record one dropped record; in strict mode raise :class:`IngestError` instead.

        A message ends in what is dropped ("; row skipped"); in strict mode nothing
        is skipped, reading stops, and the message says so. A :class:`Said` is kept with
        the problem to say it in another language; ``message`` is its English text.
        """
        said = message if isinstance(message, Said) else None
        text = str(message)
        if self.strict:
            text = _SKIPPED.sub("", text) + "; reading stopped (strict)"
            said = _stopped(said, text)
        item = Problem(str(path), line, offset, text, said)
        self._problems.append(item)
        if self.strict:
            raise IngestError(item.located(item.message), item)
        if self._on_problem is not None:
            self._on_problem(item)
        return item

    def mark(self) -> int:
        """A bookmark in the problems: :meth:`since` it gives those reported after it."""
        return len(self._problems)

    def since(self, mark: int) -> tuple[str, ...]:
        """Where each problem reported since ``mark`` (of :meth:`mark`) is: a conversation's ``unread``."""
        return tuple(p.where_by_name for p in self._problems[mark:])

    def note(
        self, path: str | Path, message: str | Said, *, line: int | None = None, offset: int | None = None
    ) -> None:
        """Record a remark about the input that drops nothing (a :class:`Said` kept as by :meth:`problem`)."""
        said = message if isinstance(message, Said) else None
        item = Problem(str(path), line, offset, str(message), said)
        self._notes.append(item)
        if self._on_note is not None:
            self._on_note(item)

    def at(self, line: int | None = None, offset: int | None = None) -> None:
        """Say where the conversation about to be yielded starts."""
        self.line, self.offset = line, offset

    def summary(self) -> ReadReport:
        """The counts so far as a frozen :class:`ReadReport`."""
        problems = tuple(self._problems)
        return ReadReport(self.read, len(problems), problems, tuple(self._notes), self.files)


@runtime_checkable
class Reader(Protocol):
    """One input format. Register an instance with :func:`servio.ingest.register_reader`.

    ``extensions`` are lower-case with the dot (``".csv"``). ``sniff`` looks at
    the first bytes of a file and says whether they look like this format;
    ``read`` streams conversations, reporting each bad record to ``report``
    and going on with the next. A reader may also set ``priority`` (default
    50, lower is sniffed first; the loose CSV and plain-text sniffers use 80-90).
    """

    @property
    def name(self) -> str: ...

    @property
    def extensions(self) -> tuple[str, ...]: ...

    def sniff(self, head: bytes) -> bool: ...

    def read(self, path: Path, options: ReaderOptions, report: Reporter) -> Iterator[Conversation]: ...
