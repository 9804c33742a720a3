"""Output files written whole or not at all."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


@contextmanager
def written_whole(path: str | Path) -> Iterator[IO[str]]:
    """A UTF-8 text file for ``path``: written beside it as ``<name>.part``, which replaces ``path`` only
    when the block ends without an error, so that a stopped run (an error, ``--strict``, a full disk)
    leaves an earlier file whole and no half-written one."""
    out = Path(path)
    tmp = out.with_name(out.name + ".part")
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            yield fh
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
