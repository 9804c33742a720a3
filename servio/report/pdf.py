"""PDF from an HTML report, printed by headless Chromium (a subprocess; nothing to install in Python).

Chromium is looked up in ``$SERVIO_CHROMIUM``, then on ``PATH`` (``chromium``,
``chromium-browser``, ``google-chrome``), then at ``/usr/bin/chromium``.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path

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

    Chromium prints to a temporary file beside ``path``, which replaces ``path``
    only once the print has succeeded: a failed or killed print leaves an
    earlier report there whole.
    """
    browser = find_chromium()
    if browser is None:
        raise PdfError("writing a PDF needs Chromium: install it (Debian: apt-get install chromium) "
                       "or set SERVIO_CHROMIUM to its path; the HTML report works without it")
    out = Path(path).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    printed = out.with_name(f".{out.name}.{secrets.token_hex(6)}.tmp")  # made by Chromium, as out would be
    try:
        _print(browser, html, printed, timeout)
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
    if done.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
        tail = (done.stderr or "").strip().splitlines()[-3:]
        raise PdfError(f"Chromium could not print the PDF (exit {done.returncode}): {' | '.join(tail)}")
