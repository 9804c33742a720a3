"""The same input gives the same report, byte for byte: ids numbered per report, the made-at time
from SOURCE_DATE_EPOCH, the PDF's dates pinned to it too."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from servio.cli import main
from servio.report import charts, pdf
from servio.report.html import build_report
from tests.report.conftest import make_conversation

EPOCH = "1764590400"  # 2025-12-01 12:00:00 UTC
MADE = "2025-12-01 12:00 UTC"


def _needs_chromium() -> None:
    if pdf.find_chromium() is None:
        if os.environ.get("SERVIO_REQUIRE_BROWSER"):
            pytest.fail("Chromium not found; make test promised a browser (SERVIO_REQUIRE_BROWSER)")
        pytest.skip("Chromium not installed (apt-get install chromium)")


def _report(out: Path, *extra: str) -> None:
    assert main(["report", "--examples", "-o", str(out), "--no-progress", *extra]) == 0


def test_two_reports_in_one_process_are_the_same_bytes(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    _report(tmp_path / "a.html", "--report-lang", "en")
    charts.timeline([frozenset({1})], ["agent"], language="en")  # charts drawn in between change nothing
    _report(tmp_path / "b.html", "--report-lang", "en")
    first = (tmp_path / "a.html").read_bytes()
    assert first == (tmp_path / "b.html").read_bytes()
    assert f"Generated {MADE}".encode() in first


def _run_in_process(out: Path, hash_seed: str,
                    env_epoch: str | None = EPOCH) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env["PYTHONHASHSEED"] = hash_seed  # a different set and str-hash order in each process
    if env_epoch is not None:
        env["SOURCE_DATE_EPOCH"] = env_epoch
    cmd = [sys.executable, "-m", "servio.cli", "report", "--examples", "-o", str(out), "--no-progress",
           "--report-lang", "et"]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300, check=False)


def test_two_processes_write_the_same_bytes(tmp_path: Path) -> None:
    outs = [tmp_path / "one.html", tmp_path / "two.html"]
    for out, seed in zip(outs, ("1", "2"), strict=True):
        done = _run_in_process(out, seed)
        assert done.returncode == 0, done.stderr
    assert outs[0].read_bytes() == outs[1].read_bytes()
    assert b"Koostatud 01.12.2025 12:00 UTC" in outs[0].read_bytes()


def test_without_source_date_epoch_the_report_says_now(results, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    before = datetime.now(UTC)
    html = build_report(results, None, language="en")
    after = datetime.now(UTC)
    made = {f"{t:%Y-%m-%d %H:%M} UTC" for t in (before, after)}
    assert any(f"Generated {m}" in html for m in made)


@pytest.mark.parametrize("value", ["abc", "2025-12-01", "-5", "1.5", " ", "99999999999999999999"])
def test_an_invalid_source_date_epoch_is_ignored_with_a_warning(results, value: str,
                                                                monkeypatch: pytest.MonkeyPatch,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    before = datetime.now(UTC)
    with caplog.at_level("WARNING", logger="servio.report"):
        html = build_report(results, None, language="en")
    assert any(f"Generated {t:%Y-%m-%d %H:%M}" in html for t in (before, datetime.now(UTC)))
    warned = [r.getMessage() for r in caplog.records if r.name.startswith("servio.report")]
    assert warned and "SOURCE_DATE_EPOCH" in warned[0] and repr(value) in warned[0]
    assert "current time" in warned[0]


def test_an_empty_source_date_epoch_counts_as_unset(results, monkeypatch: pytest.MonkeyPatch,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    before = datetime.now(UTC)
    with caplog.at_level("WARNING", logger="servio.report"):
        html = build_report(results, None, language="en")
    assert any(f"Generated {t:%Y-%m-%d %H:%M}" in html for t in (before, datetime.now(UTC)))
    assert not [r for r in caplog.records if r.name.startswith("servio.report")]


def test_the_cli_warns_on_stderr_and_still_writes_the_report(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    done = _run_in_process(out, "0", env_epoch="last tuesday")
    assert done.returncode == 0, done.stderr
    assert "SOURCE_DATE_EPOCH='last tuesday' is not" in done.stderr
    assert out.is_file()


def _ids(html: str) -> list[str]:
    return re.findall(r'\sid="([^"]+)"', html)


def test_ids_are_unique_within_a_report_and_every_reference_resolves(results) -> None:
    convs = {r.conversation_id: make_conversation(r.conversation_id) for r in results}
    # radar, bars, trend, heatmap and two timelines
    html = build_report(results, convs, scope="period", language="en")
    ids = _ids(html)
    assert len(ids) > 10
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    refs = [ref for group in re.findall(r'aria-labelledby="([^"]+)"', html) for ref in group.split()]
    assert refs and set(refs) <= set(ids)
    assert html.count('class="chart timeline"') >= 2  # more than one chart of a kind shares the numbering


def test_the_ids_do_not_depend_on_what_was_drawn_before(results) -> None:
    first = build_report(results, None, scope="team", id="North", language="et")
    for _ in range(3):
        charts.profile_radar({1: 50.0}, language="et")
    assert build_report(results, None, scope="team", id="North", language="et") == first


def test_chart_ids_number_each_kind_from_one_per_page() -> None:
    ids = charts.ChartIds()
    one = charts.timeline([frozenset({1})], ["agent"], language="en", ids=ids)
    two = charts.timeline([frozenset({2})], ["agent"], language="en", ids=ids)
    assert 'id="ttimeline1"' in one and 'id="ttimeline2"' in two
    alone = charts.timeline([frozenset({1})], ["agent"], language="en")
    assert alone == charts.timeline([frozenset({1})], ["agent"], language="en")  # no ids: numbered per chart


CHROMIUM_INFO = (b"%PDF-1.4\n%\xd3\xeb\xe9\xe1\n1 0 obj\n<</Title (r)\n/Producer (Skia/PDF m150)\n"
                 b"/CreationDate (D:20261127225718+02'00')\n/ModDate (D:20261127225719+02'00')>>\nendobj\n")


def test_the_pdf_dates_are_pinned_in_place() -> None:
    when = datetime.fromtimestamp(int(EPOCH), UTC)
    pinned = pdf.pin_dates(CHROMIUM_INFO, when)
    assert len(pinned) == len(CHROMIUM_INFO)  # the cross-reference table's offsets stay right
    assert b"/CreationDate (D:20251201120000+00'00')" in pinned
    assert b"/ModDate (D:20251201120000+00'00')" in pinned
    assert pinned.replace(b"20251201120000+00'00'", b"") == CHROMIUM_INFO.replace(
        b"20261127225718+02'00'", b"").replace(b"20261127225719+02'00'", b"")


def test_the_pdf_node_ids_are_numbered_in_place() -> None:
    """Chromium numbers tagged elements from its DOM node counter, which a loaded machine moved between two
    prints of the same report (a full test run failed on "node00000124" against "node00000125")."""
    one = (b"<</S /TH /ID (node00000124)>> <</S /TH /ID (node00000131)>> /IDTree <</Names [(node00000124) "
           b"12 0 R (node00000131) 14 0 R]>>")
    two = one.replace(b"00000124", b"00000125").replace(b"00000131", b"00000132")
    assert pdf.pin_node_ids(one) == pdf.pin_node_ids(two)
    assert pdf.pin_node_ids(one) == one.replace(b"00000124", b"00000001").replace(b"00000131", b"00000002")
    assert len(pdf.pin_node_ids(one)) == len(one)


def test_pdf_reports_are_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _needs_chromium()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    pdfs = [tmp_path / "a.pdf", tmp_path / "b.pdf"]
    for i, out in enumerate(pdfs):
        _report(tmp_path / f"{i}.html", "--pdf", str(out))
    data = pdfs[0].read_bytes()
    assert data.startswith(b"%PDF-")
    assert b"/CreationDate (D:20251201120000+00'00')" in data
    assert data == pdfs[1].read_bytes()
    assert str(tmp_path).encode() not in data and b"servio-pdf-" not in data  # no file path inside
