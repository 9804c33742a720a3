"""E-mail messages as turns: header facts, thread grouping and who is the agent."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage, MIMEPart
from typing import Any

from servio.ingest.base import ReaderOptions
from servio.ingest.email_quote import Quoted, quoted_message
from servio.ingest.email_text import clean, html_to_text, sender, subject_is_reply, subject_key
from servio.ingest.said import Said
from servio.model import Speaker

_MSG_ID = re.compile(r"<[^<>\s]+>")


@dataclass(frozen=True, slots=True)
class Mail:
    """What servio keeps of one message."""

    position: int
    offset: int | None
    address: str
    name: str | None
    date: datetime | None
    message_id: str | None
    refs: tuple[str, ...]
    subject: str
    text: str
    signer: str | None
    cut_all: str | None = None  # see email_text.Cleaned
    blank: bool = False  # no body text at all, not even a quote (an empty body, attachments only)
    quoted: Quoted | None = None  # what a reply quotes (email_quote.Quoted); read for replies only


def _header(msg: EmailMessage, name: str) -> str:
    # the stdlib header parser can raise almost anything on malformed headers
    try:
        value = msg.get(name)
    except Exception:  # noqa: BLE001
        return ""
    return str(value or "").strip()


def _date(msg: EmailMessage) -> datetime | None:
    try:
        header = msg.get("date")
        value = getattr(header, "datetime", None)
    except Exception:  # noqa: BLE001 - see _header
        return None
    return value if isinstance(value, datetime) else None


def _undeclared_8bit(part: MIMEPart) -> str | None:
    """Non-ASCII text of a part that declares no charset (or ``us-ascii``): UTF-8, else Windows-1257.

    The stdlib decodes such bytes as ASCII with replacement characters, which
    turns every ``ä`` of an export without MIME headers into two U+FFFD.
    """
    if str(part.get_param("charset") or "us-ascii").casefold() not in ("us-ascii", "ascii"):
        return None
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes) or payload.isascii():
        return None
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        return payload.decode("cp1257", "replace")


#: An HTML body's quote, which :func:`html_to_text` leaves out (see ``email_text._HtmlText``).
_HTML_QUOTE = re.compile(r"<blockquote|gmail_quote|divRplyFwdMsg", re.I)


def body_text(msg: EmailMessage) -> str:
    """The message's plain text (HTML converted when there is no plain part)."""
    return _body(msg)[0]


def _body(msg: EmailMessage) -> tuple[str, bool]:
    """The message's plain text, and whether its body holds no text at all, not even a quote."""
    try:
        part = msg.get_body(preferencelist=("plain", "html"))
    except (KeyError, LookupError, ValueError):
        part = None
    if part is None:
        return "", True
    content: Any = _undeclared_8bit(part)
    if content is None:
        try:
            content = part.get_content()
        except (LookupError, UnicodeError, KeyError, ValueError, AssertionError):
            payload = part.get_payload(decode=True)
            content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if not isinstance(content, str):
        return "", True
    if part.get_content_type() != "text/html":
        return content, not content.strip()
    text = html_to_text(content)
    return text, not text.strip() and _HTML_QUOTE.search(content) is None


#: ``Name <address>`` as the whole of a decoded From header.
def mail_from_message(msg: EmailMessage, position: int, offset: int | None, options: ReaderOptions) -> Mail:
    """The facts servio needs from one parsed message."""
    name, address = sender(_header(msg, "from"))
    refs = _MSG_ID.findall(_header(msg, "references")) + _MSG_ID.findall(_header(msg, "in-reply-to"))
    own = _MSG_ID.findall(_header(msg, "message-id"))
    text, blank = _body(msg)
    body = clean(text, keep_signoff=options.keep_signoff)
    subject = _header(msg, "subject")
    quoted = None
    if refs or subject_is_reply(subject):
        quoted = quoted_message(text, keep_signoff=options.keep_signoff)
    return Mail(position, offset, address.casefold(), name, _date(msg),
                own[0] if own else None, tuple(dict.fromkeys(refs)), subject, body.text,
                body.signer, body.cut_all, blank, quoted)


class _Union:
    def __init__(self) -> None:
        self.parent: dict[Any, Any] = {}

    def find(self, key: Any) -> Any:
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def join(self, a: Any, b: Any) -> None:
        self.parent[self.find(a)] = self.find(b)


def group_threads(mails: Sequence[Mail]) -> list[list[Mail]]:
    """Threads by Message-ID/References/In-Reply-To, then by subject for replies without them.

    A message that names the message it answers (``References``/``In-Reply-To``)
    is threaded by those ids alone, even when none of them is in the file: two
    customers' replies to the shop's own notifications ("Re: Your order has
    shipped!", each to a notification not exported) share a subject, not a
    thread. Only a reply with neither header joins the earlier thread of its
    subject. Threads come in the order of their first message; messages in a
    thread are ordered by date when all have one, else as they appear.
    """
    union = _Union()
    for i, mail in enumerate(mails):
        union.find(("m", i))
        for ref in (mail.message_id, *mail.refs) if mail.message_id else mail.refs:
            union.join(("m", i), ("id", ref))
    by_subject: dict[str, int] = {}
    for i, mail in enumerate(mails):
        key, replied = subject_key(mail.subject)
        if not key:
            continue
        if replied and not mail.refs and key in by_subject:
            union.join(("m", i), ("m", by_subject[key]))
        by_subject.setdefault(key, i)
    groups: dict[Any, list[Mail]] = {}
    for i, mail in enumerate(mails):
        groups.setdefault(union.find(("m", i)), []).append(mail)
    return [_ordered(thread) for thread in groups.values()]


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _ordered(thread: list[Mail]) -> list[Mail]:
    if all(m.date is not None for m in thread):
        return sorted(thread, key=lambda m: (_utc(m.date) if m.date else datetime.min, m.position))
    return thread


def is_agent_address(address: str, options: ReaderOptions) -> bool:
    """True when the address is configured as an agent's, or sits at an agent domain."""
    domain = address.rpartition("@")[2]
    return address in options.agent_addresses or any(
        domain == d or domain.endswith("." + d) for d in options.agent_domains
    )


def guessed_roles_doubt(thread: Sequence[Mail], options: ReaderOptions) -> Said | None:
    """Why the roles :func:`speakers` guesses for this thread may be wrong, or ``None``.

    Unconfigured, a sender whose address is not the first message's is the
    other side: a customer writing from a second address is read as the agent.
    A thread of more than two addresses is where that happens.
    """
    if options.agent_addresses or options.agent_domains:
        return None
    count = len({m.address for m in thread})
    if count <= 2:
        return None
    return Said("email.guessed_roles", {"count": count})


def speakers(thread: Sequence[Mail], options: ReaderOptions) -> list[Speaker]:
    """Who wrote each message: configured agent addresses/domains first.

    Without configuration the thread's starter is taken to be the customer
    and the two parties to alternate: when the first message here is itself
    a reply to messages that are not here, its depth (the number of
    References/In-Reply-To ids, 1 for a bare ``Re:`` subject, 0 for ``FW:``) says whose turn
    it is: even depth is the customer, odd the agent. Every other sender is
    the other party.
    """
    if options.agent_addresses or options.agent_domains:
        return [Speaker.AGENT if is_agent_address(m.address, options) else Speaker.CUSTOMER for m in thread]
    if not thread:
        return []
    first = thread[0]
    depth = len(first.refs) or int(subject_is_reply(first.subject))
    first_role = Speaker.AGENT if depth % 2 else Speaker.CUSTOMER
    other = Speaker.CUSTOMER if first_role is Speaker.AGENT else Speaker.AGENT
    return [first_role if m.address == first.address else other for m in thread]
