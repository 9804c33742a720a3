"""Bytes to text lines: encoding choice, bounded line length, binary detection.

Lines are read as bytes with a length bound, so one 50 MB line costs at
most ``max_record_bytes`` of memory and is reported instead of parsed.
Encoding: a UTF-8 or UTF-16 byte-order mark decides; otherwise the first 50
lines with non-ASCII bytes vote: the file is UTF-8 unless more of them are
invalid UTF-8 than valid, in which case it is read as Windows-1257 (Estonian
Excel exports) or Windows-1252 (Excel in English and other Western European
languages) when the caller allows the fallback: the bytes on which the two
differ decide (:func:`legacy_encoding`). A Windows-1257 line can be valid
UTF-8 by accident ("OÜ" and a no-break space are the bytes of a Syriac
letter), so one such line does not decide.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from servio.ingest.base import ReaderOptions, Reporter
from servio.ingest.remedies import remedy
from servio.ingest.said import Said

HEAD_BYTES = 64 * 1024
_CLEAN_MIN = 8  # bytes: random data rarely holds this many printable bytes in a row
_NUL_LINE = Said("line.nul")
_CHUNK = 1 << 20
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_CONTROL = set(range(0, 9)) | {11} | set(range(14, 27)) | set(range(28, 32)) | {127}
ENCODING_NAMES = {"utf-8": "UTF-8", "cp1257": "Windows-1257", "cp1252": "Windows-1252", "utf-16": "UTF-16"}
#: Letters a byte reads as in Windows-1252 (where Windows-1257 reads another) that Western European text
#: writes: ``François``, ``Niño``, ``crème``, ``Søren``. Their Windows-1257 readings (``ē``, ``ń``, ``č``,
#: ``ų``) are Latvian and Lithuanian letters, not Estonian or English ones.
_WESTERN = frozenset("àáâãçèêëìîïñòôùûýÿæøœÀÁÂÃÇÈÊËÌÎÏÑÒÔÙÛÝÆØŒ")
#: Letters a byte reads as in Windows-1257 (where Windows-1252 reads another) that Estonian writes:
#: ``šokolaad``, ``žürii`` (in Windows-1252 ``ð``, ``þ``: Icelandic letters).
_ESTONIAN = frozenset("šžŠŽ")


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a text file: 1-based number, byte offset of its start, text without the line end.

    ``error`` says why the line cannot be used (too long, undecodable); the
    text of an undecodable line keeps its bad bytes as surrogate escapes.
    """

    number: int
    offset: int | None
    text: str
    error: Said | None = None


def looks_binary(head: bytes) -> bool:
    """True when ``head`` is not text: NUL bytes or many control bytes, without a UTF-16 mark, and
    fewer than half of its lines clean text. A text file with a few damaged lines (a corrupt record,
    the zero bytes a crash leaves at the end) is text: :func:`text_lines` reports those lines."""
    if not head or head.startswith(_UTF16_BOMS):
        return False
    if b"\x00" not in head and _controls(head) <= max(8, len(head) // 20):
        return False
    lines = [line for line in head.split(b"\n") if line.strip()]
    clean = sum(1 for line in lines if _is_clean(line))
    return clean * 2 < len(lines)


def _controls(data: bytes) -> int:
    return sum(1 for b in data if b in _CONTROL)


def _is_clean(line: bytes) -> bool:
    """A line of text: no NUL or control bytes, valid UTF-8 or mostly printable ASCII (a Windows-1257
    export), and long enough that random bytes are not clean by chance."""
    if len(line.strip()) < _CLEAN_MIN or b"\x00" in line or _controls(line):
        return False
    try:
        line.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return sum(1 for b in line if 32 <= b < 127 or b in b"\t\r") * 5 >= len(line) * 4


def read_head(path: Path, size: int = HEAD_BYTES) -> bytes:
    """The first ``size`` bytes of a file."""
    with path.open("rb") as fh:
        return fh.read(size)


def decode_head(head: bytes) -> str:
    """Best-effort text of a file's first bytes, for sniffing only."""
    if head.startswith(_UTF16_BOMS):
        return head.decode("utf-16", "replace")
    text = head.decode("utf-8", "replace")
    return text[1:] if text.startswith("\ufeff") else text


def raw_lines(fh: BinaryIO, limit: int) -> Iterator[tuple[int, int, bytes | None, int]]:
    """``(number, offset, bytes or None if longer than limit, length)`` per line, memory bounded.

    Lines end with LF or CRLF; a file whose start holds CRs and no LF at all ends them with CR
    (old Mac line endings, as Excel for Mac's "CSV (Macintosh)" writes).
    """
    start = fh.tell()
    head = fh.read(HEAD_BYTES)
    fh.seek(start)
    if b"\r" in head and b"\n" not in head:
        yield from _cr_lines(fh, limit)
        return
    offset = number = 0
    while True:
        chunk = fh.readline(limit + 1)
        if not chunk:
            return
        number += 1
        start, length = offset, len(chunk)
        if length > limit and not chunk.endswith(b"\n"):
            while not chunk.endswith(b"\n"):
                chunk = fh.readline(_CHUNK)
                if not chunk:
                    break
                length += len(chunk)
            offset += length
            yield number, start, None, length
            continue
        offset += length
        yield number, start, chunk, length


def _cr_lines(fh: BinaryIO, limit: int) -> Iterator[tuple[int, int, bytes | None, int]]:
    """:func:`raw_lines` for CR line endings."""
    offset = number = 0
    pending = b""
    dropped = 0  # bytes of the current line already let go for being longer than the limit
    while True:
        chunk = fh.read(_CHUNK)
        if chunk:
            *parts, pending = (pending + chunk).split(b"\r")
        else:  # the last line, unless the file ends with a CR
            parts, pending = ([pending] if pending or dropped else []), b""
        for part in parts:
            number += 1
            length = dropped + len(part) + (1 if chunk else 0)
            raw = part + b"\r" if chunk else part
            yield number, offset, raw if not dropped and len(part) <= limit else None, length
            offset += length
            dropped = 0
        if not chunk:
            return
        if len(pending) > limit:
            dropped += len(pending)
            pending = b""


def _strip_eol(raw: bytes) -> bytes:
    if raw.endswith(b"\n"):
        raw = raw[:-1]
    return raw[:-1] if raw.endswith(b"\r") else raw


#: How many lines with non-ASCII bytes vote on a file's encoding (the first ones).
_VOTES = 50


def legacy_encoding(lines: list[bytes]) -> str:
    """``cp1252`` or ``cp1257`` for lines that are not UTF-8: each byte the two code pages read as
    different characters votes for the one where it is a letter of the languages that write it (see
    :data:`_WESTERN`, :data:`_ESTONIAN`: ``š`` is ``0x9a`` in Windows-1252, which Windows-1257 has no
    character for) or where the other has no character at all; Windows-1257 (the Estonian Excel default)
    unless Windows-1252 has more votes. Bytes both read alike (``õ``, ``ä``, ``ö``, ``ü``, ``é``, ``“``)
    do not vote."""
    western = estonian = 0
    for raw in lines:
        for byte in set(raw):
            if byte < 0x80:
                continue
            one = bytes([byte])
            as_1252, as_1257 = one.decode("cp1252", "replace"), one.decode("cp1257", "replace")
            if as_1252 == as_1257:
                continue
            count = raw.count(one)  # a byte one of them has no character for votes for the other
            western += count if as_1252 in _WESTERN or as_1252 in _ESTONIAN or as_1257 == "\ufffd" else 0
            estonian += count if as_1257 in _ESTONIAN or as_1252 == "\ufffd" else 0
    return "cp1252" if western > estonian else "cp1257"


def choose_encoding(path: Path, limit: int, *, fallback: bool) -> str:
    """``utf-8``, ``utf-16`` or (with ``fallback``) ``cp1257`` or ``cp1252`` for this file, by the rule
    above."""
    with path.open("rb") as fh:
        start = fh.read(4)
        if start.startswith(_UTF16_BOMS):
            return "utf-16"
        if start.startswith(codecs.BOM_UTF8) or not fallback:
            return "utf-8"
        fh.seek(0)
        valid = invalid = 0
        legacy: list[bytes] = []
        for _, _, raw, _ in raw_lines(fh, limit):
            if raw is None or raw.isascii():
                continue
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                invalid += 1
                legacy.append(raw)
            else:
                valid += 1
            if max(valid, invalid) > _VOTES // 2:  # the majority of the first _VOTES is decided
                break
    return legacy_encoding(legacy) if invalid > valid else "utf-8"


def _decode(raw: bytes, encoding: str) -> tuple[str, Said | None]:
    try:
        return raw.decode(encoding), None
    except UnicodeDecodeError as exc:
        name = ENCODING_NAMES.get(encoding, encoding)
        byte = f"{raw[exc.start]:02x}"
        error = Said("line.invalid", {"encoding": name, "byte": byte, "column": exc.start + 1})
        return raw.decode(encoding, "surrogateescape"), error


def text_lines(
    path: Path, options: ReaderOptions, report: Reporter, *, fallback: bool = True
) -> Iterator[Line]:
    """The lines of a text file, decoded; notes a non-UTF-8 encoding choice on ``report``."""
    limit = options.max_record_bytes
    encoding = options.encoding or choose_encoding(path, limit, fallback=fallback)
    if codecs.lookup(encoding).name.startswith(("utf-16", "utf-32")):
        yield from _wide_lines(path, encoding, limit, report)
        return
    if encoding in ("cp1257", "cp1252") and options.encoding is None:
        code = "encoding.cp1252" if encoding == "cp1252" else "encoding.cp1257"
        report.note(path, Said(code, {"remedy": remedy("encoding")}))
    with path.open("rb") as fh:
        for number, offset, raw, length in raw_lines(fh, limit):
            if raw is None:
                yield Line(number, offset, "", Said("line.too_long", {"length": length, "limit": limit,
                                                                      "remedy": remedy("record_size")}))
                continue
            raw = _strip_eol(raw)
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
            if b"\x00" in raw:  # never decoded: no reader could use it, and CSV parsing stops at a NUL
                yield Line(number, offset, "", _NUL_LINE)
                continue
            text, error = _decode(raw, encoding)
            yield Line(number, offset, text, error)


def _wide_lines(path: Path, encoding: str, limit: int, report: Reporter) -> Iterator[Line]:
    """UTF-16/32 files are decoded whole (newlines are not single bytes), up to 4x the line limit."""
    size = path.stat().st_size
    if size > limit * 4:
        too_big = Said("line.wide_too_big", {"encoding": encoding, "size": size, "limit": limit * 4})
        yield Line(1, 0, "", too_big)
        return
    report.note(path, Said("encoding.read_as", {"encoding": ENCODING_NAMES.get(encoding, encoding)}))
    text = path.read_bytes().decode(encoding, "replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    for number, line in enumerate(text.splitlines(), start=1):
        if "\x00" in line:
            yield Line(number, None, "", _NUL_LINE)
            continue
        invalid = Said("line.invalid_wide", {"encoding": encoding}) if "\ufffd" in line else None
        yield Line(number, None, line, invalid)

