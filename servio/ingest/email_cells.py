"""E-mail text cleaning for the text cells of ticket exports (CSV rows whose channel is e-mail).

A help desk's export (Zendesk, Freshdesk) holds each mail of a ticket as
it came in: the customer's reply with the agent's quoted words under it, the
agent's answer with a signature of phone numbers. A row whose channel is
e-mail gets the cleaning of :mod:`servio.ingest.email_text`; chat rows are
left as they are. The e-mail machinery is imported only for such a row.
"""

from __future__ import annotations

from servio.ingest.base import ReaderOptions
from servio.ingest.fields import FieldError, enum_value
from servio.ingest.said import Said
from servio.model import Channel


def _is_email(channel: str | None, options: ReaderOptions) -> bool:
    if not channel:
        return options.channel is Channel.EMAIL
    try:
        return enum_value("channel", channel) == Channel.EMAIL.value
    except FieldError:  # an unknown channel is noted where the conversation's fields are read
        return False


def email_cell_text(text: str, channel: str | None, options: ReaderOptions) -> str:
    """``text`` with the quoted reply and signature cut when ``channel`` (the row's, else the
    conversation's, else ``options.channel``) is e-mail; unchanged otherwise.

    Raises :class:`FieldError` when the cleaning leaves nothing: all of the cell was a quote or a
    signature, or the sender's words were taken for one (the row is then a problem, as an e-mail
    message cut to nothing is).
    """
    if not _is_email(channel, options):
        return text
    from servio.ingest.email_text import all_cut_from, clean  # rare: spares every chat export the cues

    cleaned = clean(text, keep_signoff=options.keep_signoff)
    if cleaned.text:
        return cleaned.text
    if cleaned.cut_all is None:
        raise FieldError(Said("email.cell_only_quoted"))
    raise FieldError(all_cut_from(cleaned.cut_all))
