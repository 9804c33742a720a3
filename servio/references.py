"""What an unexpected failure shows: only a reference, under which the server's log holds the details.

An API answer (a 500, :mod:`servio.service.errors`) and a failed import job (:func:`servio.store.importer.
job_error`) both say ``internal error (reference …)``, never the exception's text, which can hold SQL,
parameters and customers' words. :func:`internal_error` makes that reference, logs the exception with
its traceback under it, and gives the text; one function, so that the two say it alike.
"""

from __future__ import annotations

import logging
import uuid


def internal_error(log: logging.Logger, exc: BaseException, what: str, *args: object) -> tuple[str, str]:
    """A new reference for ``exc`` and the text a user is shown, ``internal error (reference <ref>)``; the
    error and its traceback go to ``log`` as ``what % (ref, *args)`` (``what`` names the reference first)."""
    ref = uuid.uuid4().hex[:12]
    log.error(what, ref, *args, exc_info=exc)
    return ref, f"internal error (reference {ref})"
