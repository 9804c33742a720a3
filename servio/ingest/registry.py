"""Readers by format name, and format detection by extension and content."""

from __future__ import annotations

from pathlib import Path

from servio.ingest.base import IngestError, Reader
from servio.ingest.remedies import remedy
from servio.ingest.said import Said
from servio.ingest.textio import looks_binary

_READERS: dict[str, Reader] = {}


def register_reader(name: str, reader: Reader, *, replace: bool = False) -> None:
    """Make ``reader`` available as format ``name`` (built-in readers register the same way).

    Raises ``ValueError`` if the name is taken (unless ``replace``) or the
    object lacks the :class:`Reader` members.
    """
    key = name.strip().casefold()
    if not key:
        raise ValueError("a reader needs a non-empty name")
    if not isinstance(reader, Reader):
        raise ValueError(f"{reader!r} is not a Reader (needs name, extensions, sniff and read)")
    if key in _READERS and not replace:
        raise ValueError(f"a reader named {key!r} is already registered; pass replace=True to override")
    _READERS[key] = reader


def unregister_reader(name: str) -> None:
    """Remove a registered format (for tests and plugins that replace a built-in)."""
    _READERS.pop(name.strip().casefold(), None)


def get_reader(name: str) -> Reader:
    """The reader registered as ``name``; :class:`IngestError` names the known formats otherwise."""
    reader = _READERS.get(name.strip().casefold())
    if reader is None:
        known = ", ".join(available_formats())
        raise IngestError(Said("format.unknown", {"name": repr(name), "known": known}))
    return reader


def available_formats() -> list[str]:
    """Names of the registered formats, in registration order."""
    return list(_READERS)


def _by_priority() -> list[tuple[str, Reader]]:
    return sorted(_READERS.items(), key=lambda item: getattr(item[1], "priority", 50))


def format_for_extension(path: Path) -> str | None:
    """The format claiming the file's extension (``.tar.gz`` style endings included), if any."""
    name = path.name.casefold()
    best: tuple[int, str] | None = None
    for key, reader in _READERS.items():
        for ext in reader.extensions:
            if name.endswith(ext.casefold()) and (best is None or len(ext) > best[0]):
                best = (len(ext), key)
    return best[1] if best else None


def sniff_format(head: bytes) -> str | None:
    """The first format, by priority, whose sniffer recognises ``head``."""
    for key, reader in _by_priority():
        try:
            if reader.sniff(head):
                return key
        except Exception:  # noqa: BLE001 - a third-party sniffer must not break detection
            continue
    return None


#: Compressed files people export conversations in, by their first bytes.
_ARCHIVES = ((b"\x1f\x8b", "gzip"), (b"PK\x03\x04", "zip"), (b"7z\xbc\xaf\x27\x1c", "7z"), (b"BZh", "bzip2"),
             (b"\xfd7zXZ\x00", "xz"))


#: The first bytes of an old Excel workbook (.xls, an OLE compound file) and of an OpenDocument one.
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS = b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"


def _spreadsheet(head: bytes) -> str | None:
    """The message code of a spreadsheet, told by its first bytes (a workbook names its parts, such as
    ``xl/workbook.xml``, in the zip's first entries); None for anything else."""
    if head.startswith(_OLE):
        return "format.excel"
    if head.startswith(b"PK\x03\x04"):
        if _ODS in head[:200]:
            return "format.ods"
        if b"xl/workbook" in head or b"xl/worksheets/" in head or b"xl/_rels/" in head:
            return "format.excel"
    return None


def detect_format(path: str | Path, head: bytes) -> str:
    """The format of a file from its extension and its first bytes.

    The extension's format is kept when its sniffer agrees or no other
    sniffer recognises the content; content wins over a misleading
    extension; an unknown extension is sniffed. Raises :class:`IngestError`
    for binary data or content no reader recognises.
    """
    path = Path(path)
    if looks_binary(head):
        sheet = _spreadsheet(head)
        if sheet is not None:  # unpacking a workbook gives XML parts: saving it as CSV is what helps
            raise IngestError(Said("at_path", {"path": str(path), "detail": Said(sheet)}))
        archive = next((what for magic, what in _ARCHIVES if head.startswith(magic)), None)
        if archive is not None:
            unpack = Said("format.archive", {"archive": Said(f"archive.{archive}")})
            raise IngestError(Said("at_path", {"path": str(path), "detail": unpack}))
        raise IngestError(Said("at_path", {"path": str(path), "detail": Said("format.binary")}))
    by_ext = format_for_extension(path)
    if by_ext is not None:
        if not head.strip() or _READERS[by_ext].sniff(head):
            return by_ext
        return sniff_format(head) or by_ext
    found = sniff_format(head)
    if found is None:
        known = ", ".join(available_formats())
        undetected = Said("format.undetected", {"known": known, "remedy": remedy("format")})
        raise IngestError(Said("at_path", {"path": str(path), "detail": undetected}))
    return found
