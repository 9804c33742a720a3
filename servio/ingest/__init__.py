"""Readers for every input format, a registry keyed by format name, and bad-input handling.

``read_conversations(paths)`` streams :class:`~servio.model.Conversation`
objects from files and folders; each bad record becomes a :class:`Problem`
(file, line or byte offset, what is wrong) and the rest is read. Formats:
``jsonl``, ``csv``, ``text``, ``vtt``, ``srt``, ``eml``, ``mbox``; see
``docs/formats.md``. Third-party readers register with :func:`register_reader`
exactly as the built-ins do.
"""

from __future__ import annotations

from servio.ingest.base import (
    COLUMN_FIELDS,
    IngestError,
    Problem,
    Reader,
    ReaderOptions,
    ReadReport,
    Reporter,
)
from servio.ingest.registry import (
    available_formats,
    detect_format,
    get_reader,
    register_reader,
    unregister_reader,
)
from servio.ingest.stream import ConversationStream, read_all, read_conversations

__all__ = [
    "COLUMN_FIELDS",
    "ConversationStream",
    "IngestError",
    "Problem",
    "ReadReport",
    "Reader",
    "ReaderOptions",
    "Reporter",
    "available_formats",
    "detect_format",
    "get_reader",
    "read_all",
    "read_conversations",
    "register_reader",
    "unregister_reader",
]


def _register_builtins() -> None:
    from servio.ingest.csv_reader import CsvReader
    from servio.ingest.email_reader import EmlReader, MboxReader
    from servio.ingest.jsonl_reader import JsonLinesReader
    from servio.ingest.subtitle_reader import SrtReader, VttReader
    from servio.ingest.text_reader import TranscriptReader

    builtins: tuple[Reader, ...] = (
        JsonLinesReader(), CsvReader(), TranscriptReader(), VttReader(), SrtReader(),
        EmlReader(), MboxReader(),
    )
    for reader in builtins:
        register_reader(reader.name, reader)


_register_builtins()
