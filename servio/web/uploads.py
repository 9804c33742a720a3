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

from servio.store.types import ImportJob


async def save_uploads(files: Sequence[Any]) -> tuple[list[Path], Path]:
    """Write uploaded files (Starlette ``UploadFile``) to a new private folder; returns paths and folder."""
    from servio.service.reading import upload_name

    folder = Path(tempfile.mkdtemp(prefix="servio-upload-"))
    paths = []
    taken: set[str] = set()
    with remove_now(folder):  # a failed copy (a full disk) must not leave a customer's files behind
        for n, upload in enumerate(files):
            if not hasattr(upload, "read") or not getattr(upload, "filename", None):
                continue
            target = folder / upload_name(upload.filename, n, taken)  # the API's names: the same ids
            with target.open("wb") as out:
                while chunk := await upload.read(1 << 20):
                    out.write(chunk)
            paths.append(target)
    if not paths:
        shutil.rmtree(folder, ignore_errors=True)
    return paths, folder


def remove_when_done(folder: Path, job: Callable[[], ImportJob], *, poll: float = 0.5,
                     give_up: float = 6 * 3600) -> None:
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
