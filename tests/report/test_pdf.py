"""PDF printing through headless Chromium; a clear error without it."""

from __future__ import annotations

from pathlib import Path

import pytest

from servio.report import pdf
from servio.report.html import build_report


def test_missing_chromium_gives_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SERVIO_CHROMIUM", raising=False)
    monkeypatch.setattr(pdf, "find_chromium", lambda: None)
    with pytest.raises(pdf.PdfError, match="needs Chromium"):
        pdf.write_pdf("<p>x</p>", tmp_path / "out.pdf")


def test_a_servio_chromium_that_points_nowhere_is_named(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SERVIO_CHROMIUM", str(tmp_path / "no-such-browser"))
    with pytest.raises(pdf.PdfError, match="SERVIO_CHROMIUM is '.*no-such-browser', which is not a file"):
        pdf.write_pdf("<p>x</p>", tmp_path / "out.pdf")


@pytest.mark.parametrize("mode", [0o644, 0o755])
def test_a_chromium_that_cannot_be_run_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                mode: int) -> None:
    """A file without the execute bit, or one that is no program: a PdfError naming it (the command line's
    exit 2, the API's 503), not a PermissionError's traceback (audit 19c, m5)."""
    browser = tmp_path / "chromium"
    browser.write_bytes(b"")
    browser.chmod(mode)
    monkeypatch.setenv("SERVIO_CHROMIUM", str(browser))
    said = r"Chromium at '.*chromium' cannot be run \(.+\): .*SERVIO_CHROMIUM"
    with pytest.raises(pdf.PdfError, match=said):
        pdf.write_pdf("<p>x</p>", tmp_path / "out.pdf")
    assert not (tmp_path / "out.pdf").exists()


def test_servio_report_says_so_and_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    from servio.cli import main

    browser = tmp_path / "chromium"
    browser.write_bytes(b"")
    monkeypatch.setenv("SERVIO_CHROMIUM", str(browser))
    assert main(["report", "--examples", "-o", str(tmp_path / "r.html"), "--pdf", str(tmp_path / "r.pdf"),
                 "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "cannot be run" in err and "Traceback" not in err


@pytest.mark.skipif(pdf.find_chromium() is None, reason="Chromium not installed (apt-get install chromium)")
def test_report_prints_to_a_pdf(results, tmp_path: Path) -> None:
    html = build_report(results, None, scope="team", id="North", language="et")
    out = pdf.write_pdf(html, tmp_path / "r.pdf")
    data = out.read_bytes()
    assert data.startswith(b"%PDF-")
    assert data.count(b"/Type /Page") - data.count(b"/Type /Pages") >= 1


def _fake_chromium(tmp_path: Path, body: str, code: int) -> str:
    """A stand-in browser that writes ``body`` where it is told to print, then exits with ``code``."""
    script = tmp_path / "fake-chromium"
    script.write_text("#!/bin/sh\nfor a in \"$@\"; do case \"$a\" in --print-to-pdf=*) "
                      f"printf '%s' '{body}' > \"${{a#--print-to-pdf=}}\";; esac; done\nexit {code}\n")
    script.chmod(0o755)
    return str(script)


def test_a_failed_print_leaves_the_previous_report_whole(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "reports" / "team.pdf"
    out.parent.mkdir()
    out.write_bytes(b"%PDF-1.7 last week's good report")
    monkeypatch.setenv("SERVIO_CHROMIUM", _fake_chromium(tmp_path, "%PDF-1.7 half a rep", 1))
    with pytest.raises(pdf.PdfError):
        pdf.write_pdf("<p>x</p>", out)
    assert out.read_bytes() == b"%PDF-1.7 last week's good report"
    assert sorted(p.name for p in out.parent.iterdir()) == ["team.pdf"]  # no temporary file left


def test_a_finished_print_replaces_the_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "team.pdf"
    out.write_bytes(b"%PDF-1.7 old")
    monkeypatch.setenv("SERVIO_CHROMIUM", _fake_chromium(tmp_path, "%PDF-1.7 new", 0))
    assert pdf.write_pdf("<p>x</p>", out) == out.resolve()
    assert out.read_bytes() == b"%PDF-1.7 new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fake-chromium", "team.pdf"]
