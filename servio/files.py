"""Output files written whole or not at all."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable, Iterator
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
    """A UTF-8 text file for ``path``: written beside it as ``<name>.<random>.part``, which replaces ``path``
    only when the block ends without an error, so that a stopped run (an error, ``--strict``, a full disk)
    leaves an earlier file whole and no half-written one. Something that is not a regular file
    (``/dev/null``, a named pipe) is written in place. Failing to create, write, flush or move the
    file raises :class:`WriteError` naming it."""
    out = Path(path)
    if out.exists() and not out.is_file():  # /dev/null, a named pipe: written in place, never replaced
        yield from _writing(lambda: out.open("w", encoding="utf-8"), out)
        return
    tmp: Path | None = None

    def part() -> IO[str]:
        nonlocal tmp
        tmp, fh = _open_part(out)
        return fh

    try:
        yield from _writing(part, out)
        assert tmp is not None
        try:
            tmp.replace(out)
        except OSError as exc:
            raise WriteError(_cannot(out, exc)) from None
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


def _open_part(out: Path) -> tuple[Path, IO[str]]:
    """A new file beside ``out``, open for UTF-8 text: its name unpredictable and created exclusively
    (``O_CREAT | O_EXCL``), so never through a link someone left in a shared folder. A fixed
    ``<name>.part`` was opened through such a link, overwriting whatever it pointed to (security audit
    S9). Its mode is what ``open()`` gives a new file (``0o666`` less the umask), not ``mkstemp``'s 0600."""
    fd, name = tempfile.mkstemp(dir=out.parent, prefix=f"{out.name}.", suffix=".part")
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        return Path(name), os.fdopen(fd, "w", encoding="utf-8")
    except BaseException:
        os.close(fd)
        os.unlink(name)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _writing(opener: Callable[[], IO[str]], out: Path) -> Iterator[IO[str]]:
    """The file ``opener`` opens, over the caller's block; failing to open, write or flush it is a
    :class:`WriteError` naming ``out``."""
    try:
        fh = opener()
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
