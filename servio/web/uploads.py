"""Uploaded files: saved under a private temporary folder, removed once their import job ends."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from servio.service.housekeeping import UPLOAD_PREFIX


async def save_uploads(files: Sequence[Any]) -> tuple[list[Path], Path]:
    """Write uploaded files (Starlette ``UploadFile``) to a new private folder; returns paths and folder."""
    from servio.service.reading import save_uploads_in

    folder = Path(tempfile.mkdtemp(prefix=UPLOAD_PREFIX))
    chosen = [u for u in files if hasattr(u, "read") and getattr(u, "filename", None)]  # not an empty input
    with remove_now(folder):  # a failed copy (a full disk) must not leave a customer's files behind
        paths = await save_uploads_in(folder, chosen)  # the API's names: a file gives the same ids
    if not paths:
        shutil.rmtree(folder, ignore_errors=True)
    return paths, folder


#: Files read as one conversation per non-blank line (``.json`` is read whole: its count is unknown).
LINE_SUFFIXES = (".jsonl", ".ndjson")


def expected_records(paths: Sequence[Path], format: str | None) -> int | None:
    """How many records the upload holds, where that is known without reading it: the non-blank lines of
    JSON Lines files; None when any file is of another kind (the import page then shows counts only)."""
    if format not in (None, "jsonl"):
        return None
    total = 0
    for path in paths:
        if path.suffix.casefold() not in LINE_SUFFIXES:
            return None
        with path.open("rb") as f:
            total += sum(1 for line in f if line.strip())
    return total


def finish_import(wait: Callable[[], None], folder: Path) -> None:
    """Wait for an import's run (``wait``), then delete its upload ``folder``, whatever became of the run.

    The dashboard's answer runs this as its background task, as the API's ``POST /imports`` runs its import:
    a graceful stop of the server (SIGTERM: uvicorn waits for background tasks) lets the import finish and
    removes the raw upload, instead of dropping the import half-way and leaving the files for the six-hour
    sweep (:mod:`servio.service.housekeeping`)."""
    try:
        wait()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def remove_now(folder: Path) -> Iterator[None]:
    """Delete ``folder`` at once if the block raises (no import job took its files), then re-raise."""
    try:
        yield
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
