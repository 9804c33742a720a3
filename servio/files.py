"""Output files written whole or not at all."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

#: Errors of writing itself (a full disk or quota, a file too large, the device failing).
_WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


class WriteError(OSError):
    """An output file cannot be written (no such folder, no permission, a full disk); the file it
    would have replaced is left as it was."""


@contextmanager
def written_whole(path: str | Path) -> Iterator[IO[str]]:
    """A UTF-8 text file for ``path``: written beside it as ``<name>.part``, which replaces ``path`` only
    when the block ends without an error, so that a stopped run (an error, ``--strict``, a full disk)
    leaves an earlier file whole and no half-written one. Something that is not a regular file
    (``/dev/null``, a named pipe) is written in place. Failing to create, write, flush or move the
    file raises :class:`WriteError` naming it."""
    out = Path(path)
    if out.exists() and not out.is_file():  # /dev/null, a named pipe: written in place, never replaced
        yield from _writing(out, out)
        return
    tmp = out.with_name(out.name + ".part")
    try:
        yield from _writing(tmp, out)
        try:
            tmp.replace(out)
        except OSError as exc:
            raise WriteError(_cannot(out, exc)) from None
    finally:
        tmp.unlink(missing_ok=True)


def _writing(target: Path, out: Path) -> Iterator[IO[str]]:
    """``target`` open for UTF-8 text over the caller's block; failing to open, write or flush it is a
    :class:`WriteError` naming ``out``."""
    try:
        fh = target.open("w", encoding="utf-8")
    except OSError as exc:
        raise WriteError(_cannot(out, exc)) from None
    try:
        with fh:
            yield fh
    except OSError as exc:
        if exc.errno not in _WRITE_ERRNOS:  # a WriteError (errno None) or another kind of error
            raise
        raise WriteError(_cannot(out, exc)) from None


def _cannot(out: Path, exc: OSError) -> str:
    return f"{out}: cannot write: {exc.strerror or exc}"
