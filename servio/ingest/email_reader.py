"""E-mail: ``.eml`` files (one message, one conversation) and mbox files (threads of messages).

Each message is one turn with the quoted reply and the signature cut
(:mod:`servio.ingest.email_text`); a thread's first message that replies to a
message not in the file gets the message it quotes as the turn before it
(:mod:`servio.ingest.email_quote`). Roles: a sender at a configured agent
address or domain is the agent; without configuration the first sender of
a thread is the customer and every other sender the agent. The conversation's
agent id is the name of the agent who wrote most of its agent messages.

The message machinery (:mod:`~servio.ingest.email_thread` and the stdlib ``email``
package behind it) is imported when a mail file is read: every reader is registered
at start-up, and most runs read no mail.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from servio.ingest.agents import main_agent
from servio.ingest.base import ReaderOptions, Reporter
from servio.ingest.fields import build_conversation, derived_id
from servio.ingest.remedies import remedy
from servio.ingest.said import Said
from servio.ingest.textio import decode_head
from servio.model import Channel, Conversation, Speaker, Turn

if TYPE_CHECKING:
    from servio.ingest.email_thread import Mail

_HEADER_LINE = re.compile(r"^([!-9;-~]+):[ \t]")
_KNOWN_HEADERS = {"from", "to", "subject", "date", "message-id", "received", "return-path", "mime-version",
                  "content-type", "cc", "reply-to", "in-reply-to", "references", "delivered-to", "x-mailer"}


def _parse(raw: bytes) -> Any:
    from email import policy
    from email.parser import BytesParser

    return BytesParser(policy=policy.default).parsebytes(raw)


def _header_names(lines: Sequence[str]) -> list[str]:
    names = []
    for line in lines:
        if not line.strip():
            break
        if line[:1] in " \t":
            continue
        match = _HEADER_LINE.match(line)
        if match is None:
            return []
        names.append(match[1].casefold())
    return names


#: Why a message without any body text is skipped (an empty body, attachments only).
_NO_TEXT = Said("email.no_text")
#: ... and when the file ends before its headers do.
_CUT_SHORT = Said("email.cut_short")


def _all_cut(mail: Mail) -> Said:
    """That cleaning cut a message to nothing, and where, for a problem's message."""
    from servio.ingest.email_text import all_cut_from

    return Said("email.all_cut") if mail.cut_all is None else all_cut_from(mail.cut_all)


#: What a help desk adds to an agent's display name: ``Kati | Example Shop``, ``Jessica Park (ShopCo)``.
_BRAND = re.compile(r"\s+\|\s.*$|\s+\([^()]*\)$", re.S)


def _agent_label(mail: Mail) -> str | None:
    """How an agent's message names its writer for the agent id: the From header's display name without
    a help desk's `` | Brand`` or `` (Brand)``, else the name under the signature, else the address's
    local part (an id is stored unredacted, an address would be personal data there)."""
    if mail.name:
        return _BRAND.sub("", mail.name).strip() or mail.name
    return mail.signer or mail.address.partition("@")[0] or None


def _quoted_turn(first: Mail, role: Speaker, present: set[str | None],
                 options: ReaderOptions) -> tuple[Mail, Speaker] | None:
    """The message a thread's first message quotes, as the turn before it, with its speaker; ``None``
    unless that message is a reply quoting one under an attribution line or Outlook header block and
    none of the messages it names is in the file (a quoted message that is here is its own turn).

    The speaker is the other side from the reply's (with agent addresses or domains configured, the
    attribution's address decides when it has one). The attribution's date and time, read in the
    reply's UTC offset, is the turn's time when it is not after the reply's."""
    from servio.ingest.email_thread import Mail, is_agent_address

    quoted = first.quoted
    if quoted is None or present & set(first.refs):
        return None
    other = Speaker.CUSTOMER if role is Speaker.AGENT else Speaker.AGENT
    if quoted.address and (options.agent_addresses or options.agent_domains):
        other = Speaker.AGENT if is_agent_address(quoted.address, options) else Speaker.CUSTOMER
    when = None
    if quoted.when is not None and first.date is not None:
        when = quoted.when.replace(tzinfo=first.date.tzinfo)
        when = when if when <= first.date else None
    mail = Mail(first.position, first.offset, quoted.address, quoted.name, when, None, (), first.subject,
                quoted.text, quoted.signer)
    return mail, other


def _conversation(thread: list[Mail], index: int, path: Path, options: ReaderOptions,
                  present: set[str | None] | None = None) -> Conversation:
    """One thread's conversation; ``present`` (the ids of the thread's messages in the file, kept or
    not) lets a lone reply's quoted message be its earlier turn (:func:`_quoted_turn`)."""
    from servio.ingest.email_thread import speakers

    roles = speakers(thread, options)
    earlier = _quoted_turn(thread[0], roles[0], present or set(), options)
    if earlier is not None:
        thread, roles = [earlier[0], *thread], [earlier[1], *roles]
    turns = [
        Turn(role, mail.text, author=mail.name or mail.signer or mail.address or None, timestamp=mail.date)
        for role, mail in zip(roles, thread, strict=True)
    ]
    agent = main_agent(_agent_label(m) for r, m in zip(roles, thread, strict=True) if r is Speaker.AGENT)
    metadata: dict[str, Any] = {"subject": thread[0].subject,
                                "message_ids": [m.message_id for m in thread if m.message_id]}
    return build_conversation({"agent_id": agent} if agent else {}, turns, options,
                              default_id=derived_id(path, index), default_channel=Channel.EMAIL,
                              metadata=metadata)


class EmlReader:
    """Format ``eml``: one RFC 822 message per file, one conversation of one turn (and the quoted one)."""

    name = "eml"
    extensions = (".eml",)
    priority = 30

    def sniff(self, head: bytes) -> bool:
        """True when the file opens with a header block naming at least two usual mail headers."""
        names = _header_names(decode_head(head).splitlines()[:60])
        return len(set(names) & _KNOWN_HEADERS) >= 2

    def read(self, path: Path, options: ReaderOptions, report: Reporter) -> Iterator[Conversation]:
        """Read the message; its sender is the agent only when configured as one."""
        from servio.ingest.email_thread import mail_from_message

        size = path.stat().st_size
        if size > options.max_record_bytes:
            limit = options.max_record_bytes
            too_big = Said("email.too_big", {"size": size, "limit": limit, "remedy": remedy("record_size")})
            report.problem(path, Said("skip.file", {"reason": too_big}))
            return
        try:
            mail = mail_from_message(_parse(path.read_bytes()), 0, 0, options)
        except Exception as exc:  # noqa: BLE001 - the stdlib e-mail parser fails in many ways on bad input
            unreadable = Said("email.unreadable", {"detail": str(exc)})
            report.problem(path, Said("skip.file", {"reason": unreadable}))
            return
        if mail.blank:
            report.problem(path, Said("skip.file", {"reason": _NO_TEXT}))
            return
        if not mail.text:
            report.problem(path, Said("skip.file", {"reason": _all_cut(mail)}))
            return
        report.at(1)
        yield _conversation([mail], 1, path, options, {mail.message_id})


class MboxReader:
    """Format ``mbox``: messages grouped into threads, one conversation per thread."""

    name = "mbox"
    extensions = (".mbox", ".mbx")
    priority = 30

    def sniff(self, head: bytes) -> bool:
        """True when the file starts with an mbox ``From `` line followed by mail headers."""
        lines = decode_head(head).splitlines()
        return bool(lines) and lines[0].startswith("From ") and len(_header_names(lines[1:60])) >= 1

    def read(self, path: Path, options: ReaderOptions, report: Reporter) -> Iterator[Conversation]:
        """Read every message (bad ones reported by byte offset) and yield one conversation per thread."""
        from servio.ingest.email_thread import group_threads, guessed_roles_doubt

        cut_short: set[int | None] = set()  # offsets of messages whose headers the file's end cut off
        mails = list(self._mails(path, options, report, cut_short))
        for index, thread in enumerate(group_threads(mails), start=1):
            kept = [m for m in thread if m.text]
            mark = report.mark()  # the thread's messages skipped below are its unread records
            for mail in thread:
                if mail.text:
                    continue
                if mail.blank:
                    reason = _CUT_SHORT if mail.offset in cut_short else _NO_TEXT
                    report.problem(path, Said("skip.message", {"reason": reason}), offset=mail.offset)
                elif mail.cut_all is None:
                    report.note(path, Said("email.only_quoted"), offset=mail.offset)
                else:
                    report.problem(path, Said("skip.message", {"reason": _all_cut(mail)}), offset=mail.offset)
            if not kept:
                continue
            doubt = guessed_roles_doubt(kept, options)
            if doubt:
                report.note(path, doubt, offset=kept[0].offset)
            report.at(None, kept[0].offset)
            present = {m.message_id for m in thread}
            yield replace(_conversation(kept, index, path, options, present), unread=report.since(mark))

    def _mails(self, path: Path, options: ReaderOptions, report: Reporter,
               cut_short: set[int | None]) -> Iterator[Mail]:
        """The file's messages; ``cut_short`` gets the offset of a last message the file ends in the
        headers of, and a note says when the file ends in a message's text without a line break."""
        from servio.ingest.email_thread import mail_from_message

        unbroken = _ending(path) != b"\n"
        joined: list[int] = []
        messages = _with_last(_mbox_messages(path, options.max_record_bytes, joined))
        for position, (start, raw, size, last) in enumerate(messages):
            if joined and joined[-1] == start:
                report.note(path, Said("email.no_blank_before"), offset=start)
            if raw is None:
                limit = options.max_record_bytes
                too_big = Said("email.too_big", {"size": size, "limit": limit, "remedy": ""})
                report.problem(path, Said("skip.message", {"reason": too_big}), offset=start)
                continue
            if last and unbroken:
                if _HEADERS_END.search(raw) is None:
                    cut_short.add(start)
                else:
                    report.note(path, Said("email.no_final_break"), offset=start)
            try:
                msg = _parse(raw)
                yield mail_from_message(msg, position, start, options)
            except Exception as exc:  # noqa: BLE001 - the stdlib e-mail parser fails in many ways on bad input
                unreadable = Said("email.unreadable", {"detail": str(exc)})
                report.problem(path, Said("skip.message", {"reason": unreadable}), offset=start)


#: An mbox separator: ``From <sender> <date>`` with a year or a clock time in it. A body line that
#: merely begins with "From " ("From what I can tell, ...") is not one, though writers that do not
#: escape it as ``>From`` leave it there; the standard library's mbox would split the message at it.
_FROM_LINE = re.compile(rb"^From \S+.*(?:\b(?:19|20)\d\d\b|\b\d{1,2}:\d\d)")


_PIECE = 64 * 1024


#: How many lines after a ``From `` line with no blank line above it are looked at for mail headers.
_LOOK_AHEAD = 40


def _headers_follow(fh: BinaryIO) -> bool:
    """True when the lines at ``fh``'s position are a mail header block naming a usual mail header
    (``From:``, ``Content-Type:``...) and ending at a blank line; ``fh`` is left where it was."""
    at = fh.tell()
    lines = []
    try:
        for _ in range(_LOOK_AHEAD):
            line = fh.readline(_PIECE)
            if not line:
                return False
            text = line.decode("latin-1")
            lines.append(text)
            if not text.strip():
                break
        else:
            return False
    finally:
        fh.seek(at)
    names = _header_names(lines)
    return bool(set(names) & _KNOWN_HEADERS) and not lines[-1].strip()


def _mbox_messages(path: Path, limit: int, joined: list[int] | None = None
                   ) -> Iterator[tuple[int, bytes | None, int]]:
    """``(byte offset, message bytes or None when over limit, size)`` per message of an mbox file.

    A message starts at a ``From `` separator line (:data:`_FROM_LINE`) at the start of the file or
    after a blank line, or, when a writer left out that blank line, one with a mail header block
    right under it (its offset goes to ``joined``); memory is bounded by ``limit`` per message.
    """
    start: int | None = None
    parts: list[bytes] | None = []
    size = offset = 0
    blank_before = True
    line_start = True
    with path.open("rb") as fh:
        while line := fh.readline(_PIECE):  # a long line comes in pieces: memory stays bounded
            separator = line_start and line.startswith(b"From ") and _FROM_LINE.match(line) is not None
            if separator and not blank_before and start is not None:
                separator = _headers_follow(fh)
                if separator and joined is not None:
                    joined.append(offset)
            if separator:
                if start is not None:
                    yield start, _joined(parts), size
                start, parts, size = offset, [], 0
            elif start is not None:
                size += len(line)
                if parts is not None:
                    parts.append(line)
                    if size > limit:
                        parts = None
            offset += len(line)
            if line_start or line.strip():
                blank_before = line_start and not line.strip()
            line_start = line.endswith(b"\n")
    if start is not None:
        yield start, _joined(parts), size


#: The blank line that ends a message's headers.
_HEADERS_END = re.compile(rb"\n\r?\n")


_Message = tuple[int, bytes | None, int]


def _with_last(messages: Iterator[_Message]) -> Iterator[tuple[int, bytes | None, int, bool]]:
    """The messages, each with whether it is the file's last (one message read ahead)."""
    previous = next(messages, None)
    for message in messages:
        assert previous is not None
        yield (*previous, False)
        previous = message
    if previous is not None:
        yield (*previous, True)


def _ending(path: Path) -> bytes:
    """The file's last byte (empty for an empty file)."""
    with path.open("rb") as fh:
        if fh.seek(0, 2) == 0:
            return b""
        fh.seek(-1, 2)
        return fh.read(1)


def _joined(parts: list[bytes] | None) -> bytes | None:
    return None if parts is None else b"".join(parts)
