"""PDF printing through headless Chromium; a clear error without it."""

from __future__ import annotations

from pathlib import Path

import pytest

from servio.report import pdf
from servio.report.html import build_report


def test_missing_chromium_gives_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SERVIO_CHROMIUM", str(tmp_path / "no-such-browser"))
    with pytest.raises(pdf.PdfError, match="needs Chromium"):
        pdf.write_pdf("<p>x</p>", tmp_path / "out.pdf")


@pytest.mark.skipif(pdf.find_chromium() is None, reason="Chromium not installed (apt-get install chromium)")
def test_report_prints_to_a_pdf(results, tmp_path: Path) -> None:
    html = build_report(results, None, scope="team", id="North", language="et")
    out = pdf.write_pdf(html, tmp_path / "r.pdf")
    data = out.read_bytes()
    assert data.startswith(b"%PDF-")
    assert data.count(b"/Type /Page") - data.count(b"/Type /Pages") >= 1
