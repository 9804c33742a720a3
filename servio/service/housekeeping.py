"""What a crashed run leaves behind, tidied while the service runs.

An import's uploaded files wait in a private temporary folder (``servio-upload-*``) until its job
ends; the process that ran the job removes them. A process killed mid-import (an OOM kill, ``docker
kill``, a node failure) removes nothing: the raw upload, before redaction, would stay on disk for good,
and its job would show ``running`` for ever when the service came back within the 15 minutes after
which :meth:`~servio.store.Store.fail_stale_import_jobs` gives a job up. So the service sweeps both at
start-up and then every :data:`EVERY` seconds: jobs with no progress for 15 minutes are marked failed,
and upload folders older than :data:`UPLOAD_MAX_AGE` are removed (an import of the largest upload takes
minutes). A graceful stop (SIGTERM) is not such a crash: it waits for the imports under way, the API's and
the dashboard's, which then remove their uploads (docs/storage.md).
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

log = logging.getLogger("servio.housekeeping")

#: The prefix of every upload folder (the API's and the dashboard's).
UPLOAD_PREFIX = "servio-upload-"
#: Upload folders older than this (seconds) belong to no running import.
UPLOAD_MAX_AGE = 6 * 3600
#: Seconds between sweeps.
EVERY = 600


def sweep_uploads(root: Path | None = None, max_age: float = UPLOAD_MAX_AGE, now: float | None = None) -> int:
    """Remove the upload folders under ``root`` (the temporary directory) older than ``max_age`` seconds;
    returns how many went."""
    root = root or Path(tempfile.gettempdir())
    cutoff = (now if now is not None else time.time()) - max_age
    removed = 0
    for folder in root.glob(f"{UPLOAD_PREFIX}*"):
        try:
            if folder.is_symlink() or not folder.is_dir() or folder.stat().st_mtime > cutoff:
                continue
        except OSError:  # gone meanwhile
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
    return removed


def tidy(store: Any, root: Path | None = None) -> tuple[int, int]:
    """One sweep: stale import jobs marked failed, old upload folders removed; the two counts."""
    stale = int(store.fail_stale_import_jobs())
    if stale:
        log.warning("%d import job(s) with no progress for 15 minutes (their run stopped) marked failed",
                    stale)
    swept = sweep_uploads(root)
    if swept:
        log.warning("removed %d upload folder(s) left by imports that never finished", swept)
    return stale, swept


async def keep_tidy(store: Any, every: float = EVERY) -> None:
    """:func:`tidy` now and then every ``every`` seconds, until cancelled; a failed sweep is logged and the
    next one tried (the database may be away for a while)."""
    while True:
        try:
            await asyncio.to_thread(tidy, store)
        except Exception:  # keep serving
            log.exception("housekeeping: the sweep failed")
        await asyncio.sleep(every)
