"""Output files written whole or not at all."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


class WriteError(Exception):
    """An output file cannot be written (no such folder, no permission, a full disk); nothing was
    left in its place."""


@contextmanager
def written_whole(path: str | Path) -> Iterator[IO[str]]:
    """A UTF-8 text file for ``path``: written beside it as ``<name>.part``, which replaces ``path`` only
    when the block ends without an error, so that a stopped run (an error, ``--strict``, a full disk)
    leaves an earlier file whole and no half-written one. Failing to create, flush or move the file
    raises :class:`WriteError` naming it."""
    out = Path(path)
    tmp = out.with_name(out.name + ".part")
    try:
        try:
            fh = tmp.open("w", encoding="utf-8")
        except OSError as exc:
            raise WriteError(_cannot(out, exc)) from None
        with _closed_or_error(fh, out):
            yield fh
        try:
            tmp.replace(out)
        except OSError as exc:
            raise WriteError(_cannot(out, exc)) from None
    finally:
        tmp.unlink(missing_ok=True)


@contextmanager
def _closed_or_error(fh: IO[str], out: Path) -> Iterator[None]:
    """Close ``fh`` after the block; a failed flush on close (a full disk) is a :class:`WriteError`."""
    try:
        yield
    finally:
        try:
            fh.close()
        except OSError as exc:
            raise WriteError(_cannot(out, exc)) from None


def _cannot(out: Path, exc: OSError) -> str:
    return f"{out}: cannot write: {exc.strerror or exc}"
