"""Uploaded files: saved under a private temporary folder, removed once their import job ends."""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from servio.service.housekeeping import UPLOAD_MAX_AGE, UPLOAD_PREFIX
from servio.store.types import ImportJob


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


def remove_when_done(folder: Path, job: Callable[[], ImportJob], *, poll: float = 0.5,
                     give_up: float = UPLOAD_MAX_AGE) -> None:
    """Delete ``folder`` in the background once the job is ``done`` or ``failed``."""

    def watch() -> None:
        deadline = time.monotonic() + give_up
        while time.monotonic() < deadline:
            try:
                if job().status in ("done", "failed"):
                    break
            except Exception:  # the job record vanished: nothing will read the files any more
                break
            time.sleep(poll)
        shutil.rmtree(folder, ignore_errors=True)

    threading.Thread(target=watch, daemon=True).start()


@contextmanager
def remove_now(folder: Path) -> Iterator[None]:
    """Delete ``folder`` at once if the block raises (no import job took its files), then re-raise."""
    try:
        yield
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
