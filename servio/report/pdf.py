"""PDF from an HTML report, printed by headless Chromium (a subprocess; nothing to install in Python).

Chromium is looked up in ``$SERVIO_CHROMIUM``, then on ``PATH`` (``chromium``,
``chromium-browser``, ``google-chrome``), then at ``/usr/bin/chromium``.

Chromium writes the time it printed into the PDF's document information
(``/CreationDate``, ``/ModDate``) and has no option to set it; every other byte
follows from the HTML. With ``$SOURCE_DATE_EPOCH`` set, :func:`write_pdf` writes
that time over both dates in place, so the same HTML gives the same PDF bytes.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from servio.report.clock import source_date

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-pdf-header-footer")


class PdfError(RuntimeError):
    """The PDF could not be written (no Chromium, or Chromium failed)."""


def find_chromium() -> str | None:
    """The path of a Chromium (or Chrome) executable, or None."""
    env = os.environ.get("SERVIO_CHROMIUM")
    if env:
        return env if Path(env).is_file() else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None


def write_pdf(html: str, path: str | Path, *, timeout: float = 120.0) -> Path:
    """Print ``html`` to a PDF at ``path`` (A4, as laid out by the report's print CSS); returns the path.

    With ``$SOURCE_DATE_EPOCH`` set, the PDF's dates are that time (:func:`pin_dates`).

    Chromium prints to a temporary file beside ``path``, which replaces ``path``
    only once the print has succeeded: a failed or killed print leaves an
    earlier report there whole.
    """
    browser = find_chromium()
    if browser is None:
        chosen = os.environ.get("SERVIO_CHROMIUM")
        if chosen:
            raise PdfError(f"SERVIO_CHROMIUM is {chosen!r}, which is not a file: set it to Chromium's path "
                           "(or unset it to look on PATH); the HTML report works without it")
        raise PdfError("writing a PDF needs Chromium: install it (Debian: apt-get install chromium) "
                       "or set SERVIO_CHROMIUM to its path; the HTML report works without it")
    out = Path(path).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    printed = out.with_name(f".{out.name}.{secrets.token_hex(6)}.tmp")  # made by Chromium, as out would be
    try:
        _print(browser, html, printed, timeout)
        when = source_date()
        if when is not None:
            printed.write_bytes(pin_node_ids(pin_dates(printed.read_bytes(), when)))
        os.replace(printed, out)
    finally:
        printed.unlink(missing_ok=True)
    return out


def _print(browser: str, html: str, target: Path, timeout: float) -> None:
    with tempfile.TemporaryDirectory(prefix="servio-pdf-") as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(html, encoding="utf-8")
        cmd = [browser, *FLAGS, f"--user-data-dir={tmp}/profile", f"--print-to-pdf={target}", page.as_uri()]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise PdfError(f"Chromium did not finish printing within {timeout:.0f} s") from exc
        except OSError as exc:  # no execute bit, not a program (a broken installation, a wrong path)
            raise PdfError(f"Chromium at {browser!r} cannot be run ({exc.strerror or exc}): make it "
                           "executable, or set SERVIO_CHROMIUM to Chromium's path; the HTML report works "
                           "without it") from None
    if done.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
        tail = (done.stderr or "").strip().splitlines()[-3:]
        raise PdfError(f"Chromium could not print the PDF (exit {done.returncode}): {' | '.join(tail)}")


_DATE = re.compile(rb"/(CreationDate|ModDate)\s*\((D:[0-9]{4}[^)]*)\)")


def pin_dates(data: bytes, when: datetime) -> bytes:
    """``data`` (a PDF) with its ``/CreationDate`` and ``/ModDate`` set to ``when`` (UTC), every offset kept.

    Each date is rewritten in the room the old one took (``D:YYYYMMDDHHmmSS+00'00'``, or the shorter
    ``...Z`` form), padded with spaces after the string, so the cross-reference table stays right. A
    date too short for either form is left as it is.
    """
    stamp = when.astimezone(UTC).strftime("%Y%m%d%H%M%S")
    forms = (f"D:{stamp}+00'00'".encode(), f"D:{stamp}Z".encode())

    def pinned(m: re.Match[bytes]) -> bytes:
        room = len(m.group(2))
        new = next((f for f in forms if len(f) <= room), None)
        if new is None:
            return m.group(0)
        key = m.group(0)[:m.start(2) - m.start(0)]  # "/CreationDate ("
        return key + new + b")" + b" " * (room - len(new))

    return _DATE.sub(pinned, data)


_NODE_ID = re.compile(rb"\(node([0-9]{8})\)")


def pin_node_ids(data: bytes) -> bytes:
    """``data`` (a PDF) with the ids Chromium gives tagged elements (``/ID (node00000125)``, from its DOM
    node counter) numbered from 1 in their order: the counter depends on what the renderer made before,
    which a loaded machine changed between two prints of the same report. The order is kept (the
    ``/IDTree`` lists them sorted) and so is every length (the cross-reference table stays right)."""
    found = sorted({int(n) for n in _NODE_ID.findall(data)})
    numbers = {old: f"{new:08d}".encode() for new, old in enumerate(found, start=1)}
    return _NODE_ID.sub(lambda m: b"(node" + numbers[int(m.group(1))] + b")", data)


def pdf_bytes(html: str, *, timeout: float = 120.0) -> bytes:
    """``html`` printed as :func:`write_pdf` prints it (dates pinned the same way), as bytes: for an
    answer over HTTP. Chromium prints into a private temporary folder that goes afterwards."""
    with tempfile.TemporaryDirectory(prefix="servio-pdf-") as tmp:
        return write_pdf(html, Path(tmp) / "report.pdf", timeout=timeout).read_bytes()
