"""Reading many files: path walking, format choice, duplicate ids, the run report."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from servio.ingest.base import IngestError, Problem, ReaderOptions, ReadReport, Reporter
from servio.ingest.fields import readable_name
from servio.ingest.registry import detect_format, format_for_extension, get_reader
from servio.ingest.said import Said
from servio.ingest.textio import HEAD_BYTES, decode_head, looks_binary, read_head
from servio.ingest.vocab import norm
from servio.ingest.zones import localised
from servio.model import Conversation

#: What :func:`servio.ingest.fields.derived_id` puts after the file's stem.
_DERIVED = re.compile(r"-[1-9][0-9]*")


def is_blank(head: bytes) -> bool:
    """True for a whole file (shorter than the head size) holding nothing but white space and a BOM."""
    if len(head) >= HEAD_BYTES or looks_binary(head):
        return False
    return not decode_head(head).strip()


def _walk(folder: Path) -> list[Path]:
    """Files under ``folder``, sorted, skipping hidden files and folders."""
    found = []
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(folder).parts
        if path.is_file() and not any(part.startswith(".") for part in parts):
            found.append(path)
    return found


def expand_paths(paths: Iterable[str | Path] | str | Path) -> list[tuple[Path, bool]]:
    """``(file, named)`` for each input: files as given, folders walked (``named`` false).

    Raises :class:`IngestError` for a path that does not exist.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    out: list[tuple[Path, bool]] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            out.extend((p, False) for p in _walk(path))
        elif path.exists():
            out.append((path, True))
        else:
            raise IngestError(Said("at_path", {"path": str(path), "detail": Said("file.missing")}))
    return out


class ConversationStream(Iterator[Conversation]):
    """The iterator :func:`read_conversations` returns; ``report`` summarises what was read so far."""

    def __init__(
        self,
        paths: Iterable[str | Path] | str | Path,
        *,
        format: str | None,
        options: ReaderOptions,
        reporter: Reporter,
        known_agents: Iterable[str] = (),
    ) -> None:
        self._files = expand_paths(paths)
        #: an agent id's comparable form -> its first spelling (those of the store first, on import)
        self._agents: dict[str, str] = {}
        for agent in known_agents:
            self._agents.setdefault(norm(agent), agent)
        self._spelled: set[tuple[str, str]] = set()  # (spelling, known) pairs already noted
        self._forced = get_reader(format) if format else None
        self._format = format
        self._options = options
        self._reporter = reporter
        self._seen: dict[str, str] = {}
        self._last: tuple[Path, int | None, int | None] | None = None
        self._items = self._run()

    @property
    def report(self) -> ReadReport:
        """Counts, problems and notes so far (final once the stream is exhausted)."""
        return self._reporter.summary()

    def __next__(self) -> Conversation:
        return next(self._items)

    def _run(self) -> Iterator[Conversation]:
        for path, named in self._files:
            self._reporter.files += 1
            for read in self._read_file(path, named):
                conv = self._duplicate(path, read)
                if conv is None:
                    continue
                if self._options.time_zone:
                    conv = localised(conv, self._options.time_zone)
                if conv.agent_id:
                    conv = self._same_agent(path, conv)
                self._reporter.read += 1
                self._last = (path, self._reporter.line, self._reporter.offset)
                yield conv

    def reject(self, message: str | Said) -> None:
        """Drop the conversation last yielded as a bad record: a problem at its file and line.

        For a later step that finds a conversation unusable (``servio eval``: no
        gold stages). It then counts as skipped, not read; strict mode raises.
        """
        if self._last is None:
            raise ValueError("reject() before any conversation was read")
        path, line, offset = self._last
        self._reporter.read -= 1
        self._reporter.problem(path, message, line=line, offset=offset)

    def _same_agent(self, path: Path, conv: Conversation) -> Conversation:
        """``conv`` with its agent id as first spelt in this run (or in the store): ``Kati`` from an e-mail's
        From name and ``kati`` from a chat export's column are one agent, not two rows of every table. A
        note says so once per spelling."""
        agent = conv.agent_id or ""
        known = self._agents.setdefault(norm(agent), agent)
        if known == agent:
            return conv
        if (agent, known) not in self._spelled:
            self._spelled.add((agent, known))
            rep = self._reporter
            said = Said("stream.agent_spelling", {"agent": repr(agent), "known": repr(known)})
            rep.note(path, said, line=rep.line, offset=rep.offset)
        return replace(conv, agent_id=known)

    def _duplicate(self, path: Path, conv: Conversation) -> Conversation | None:
        """``conv`` as it joins the run, or None when its id was read before (a problem).

        An id servio made from the file name (``<stem>-<n>``: the file names none) is not the
        source's: another file of the same name (``2026-10-02/chat.txt`` after
        ``2026-10-01/chat.txt``, ``chat.vtt`` beside ``chat.txt``) gets a longer one, with a note.
        """
        first = self._seen.get(conv.id)
        if first is None:
            self._seen[conv.id] = str(path)
            return conv
        rep = self._reporter
        number = conv.id.removeprefix(readable_name(path.stem))
        if first != str(path) and _DERIVED.fullmatch(number):
            unique = self._qualified(path, number)
            taken = Said("stream.id_taken", {"id": repr(conv.id), "first": first, "unique": repr(unique)})
            rep.note(path, taken, line=rep.line, offset=rep.offset)
            self._seen[unique] = str(path)
            return replace(conv, id=unique)
        duplicate = Said("stream.duplicate", {"id": repr(conv.id), "first": first})
        rep.problem(path, Said("skip.bare", {"reason": duplicate}), line=rep.line, offset=rep.offset)
        return None

    def _qualified(self, path: Path, number: str) -> str:
        """The first free id of the file's ``number``-th conversation named by more of its path."""
        names = [readable_name(p) for p in path.parent.parts if p not in ("/", "")]
        stem, name = readable_name(path.stem), readable_name(path.name)
        for depth in range(1, len(names) + 1):
            folder = "/".join(names[-depth:])
            for candidate in (f"{folder}/{stem}{number}", f"{folder}/{name}{number}"):
                if candidate not in self._seen:
                    return candidate
        count = 2
        while f"{name}{number}~{count}" in self._seen:
            count += 1
        return f"{name}{number}~{count}"

    def _read_file(self, path: Path, named: bool) -> Iterator[Conversation]:
        rep = self._reporter
        try:
            head = read_head(path)
        except OSError as exc:  # one unreadable file in a folder must not cost the others
            cannot = Said("file.cannot_read", {"detail": str(exc.strerror or exc)})
            rep.problem(path, Said("skip.file", {"reason": cannot}))
            return
        if is_blank(head):
            rep.note(path, Said("file.empty"))
            return
        name = self._choose(path, head, named)
        if name is None:
            return
        rep.at(None, None)
        rep.named = named
        try:
            yield from get_reader(name).read(path, self._options, rep)
        except IngestError:
            raise
        except OSError as exc:
            cannot = Said("file.cannot_read", {"detail": str(exc.strerror or exc)})
            rep.problem(path, Said("skip.rest", {"reason": cannot}))
        except Exception as exc:  # noqa: BLE001 - a failing reader must not lose the other files
            failure = f"{type(exc).__name__}: {exc}"
            failed = Said("file.reader_failed", {"reader": name, "failure": failure})
            rep.problem(path, Said("skip.rest", {"reason": failed}))

    def _choose(self, path: Path, head: bytes, named: bool) -> str | None:
        rep = self._reporter
        if self._format:
            if looks_binary(head):
                binary = Said("file.binary_not", {"format": self._format})
                rep.problem(path, Said("skip.file", {"reason": binary}))
                return None
            return self._format
        try:
            return detect_format(path, head)
        except IngestError as exc:
            said = exc.said
            detail = said.params.get("detail") if said is not None and said.code == "at_path" else None
            message = detail if detail is not None else exc.message.removeprefix(f"{path}: ")
            skipped = Said("skip.file", {"reason": message})
            if named or format_for_extension(path) is not None:
                rep.problem(path, skipped)
            elif isinstance(detail, Said) and detail.code == "format.undetected":
                # a README or a picture beside the data: not a conversation file, and --format would force
                # that format on every file of the run, the good ones too
                other = Said("format.not_conversations", {"known": detail.params["known"]})
                rep.note(path, Said("skip.file", {"reason": other}))
            else:
                rep.note(path, skipped)
            return None


def read_conversations(
    paths: Iterable[str | Path] | str | Path,
    *,
    format: str | None = None,
    strict: bool = False,
    options: ReaderOptions | None = None,
    on_problem: Callable[[Problem], None] | None = None,
    on_note: Callable[[Problem], None] | None = None,
    known_agents: Iterable[str] = (),
) -> ConversationStream:
    """Stream conversations from files and folders in any registered format.

    Folders are walked (sorted, hidden entries skipped). Each bad record is
    reported to ``on_problem`` and skipped; ``strict`` raises
    :class:`IngestError` at the first one instead. A missing path or an
    unknown ``format`` name raises at once. The returned iterator's
    ``report`` holds the counts. An agent id that differs from one read before (or from one of
    ``known_agents``, the store's on import) only in case or spacing takes that spelling, with a note.
    """
    reporter = Reporter(strict=strict, on_problem=on_problem, on_note=on_note)
    return ConversationStream(paths, format=format, options=options or ReaderOptions(), reporter=reporter,
                              known_agents=known_agents)


def read_all(paths: Iterable[str | Path] | str | Path, **kw: Any) -> tuple[list[Conversation], ReadReport]:
    """Every conversation of ``paths`` in a list, with the run's report (same keywords as above)."""
    stream = read_conversations(paths, **kw)
    conversations = list(stream)
    return conversations, stream.report
