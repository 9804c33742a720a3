"""The site's time zone (--time-zone, ReaderOptions.time_zone): UTC exports count on the site's day."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from servio.cli import main
from servio.ingest import IngestError, ReaderOptions, read_all
from servio.model import local_day

NIGHT = {"id": "n1", "language": "et", "agent_id": "kati", "team": "Tallinn",
         "started_at": "2026-08-31T22:15:00Z",
         "turns": [{"speaker": "agent", "text": "Tere! Kuidas saan aidata?",
                    "timestamp": "2026-08-31T22:15:00Z"},
                   {"speaker": "customer", "text": "Mu arve on vale.", "timestamp": "2026-08-31T22:16:30"},
                   {"speaker": "agent", "text": "Parandasin selle. Head päeva!"}]}


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "utc.jsonl"
    path.write_text(json.dumps(NIGHT) + "\n", "utf-8")
    return path


def test_times_move_into_the_sites_zone_and_the_day_with_them(tmp_path: Path) -> None:
    """Audit rep21 F7: 22:15 UTC on 31 August is 01:15 on 1 September in Tallinn, but counted in August."""
    (plain,), _ = read_all([_file(tmp_path)])
    assert local_day(plain.started_at).isoformat() == "2026-08-31"  # as written: its own offset
    (conv,), _ = read_all([_file(tmp_path)], options=ReaderOptions(time_zone="Europe/Tallinn"))
    assert conv.started_at is not None and conv.started_at.utcoffset() == timedelta(hours=3)
    assert conv.started_at.astimezone(UTC) == datetime(2026, 8, 31, 22, 15, tzinfo=UTC)
    assert local_day(conv.started_at).isoformat() == "2026-09-01"
    first, second, third = (t.timestamp for t in conv.turns)
    assert first == conv.started_at
    assert second == datetime(2026, 8, 31, 22, 16, 30).replace(tzinfo=second.tzinfo)  # no offset: the site's
    assert second is not None and second.utcoffset() == timedelta(hours=3) and third is None


def test_an_unknown_zone_is_an_error_naming_it() -> None:
    with pytest.raises(IngestError, match="time zone 'Europe/Talinn' is not one servio knows"):
        ReaderOptions(time_zone="Europe/Talinn")
    with pytest.raises(IngestError, match="time zone"):
        ReaderOptions.from_cli(time_zone="../../etc/passwd")


def test_the_cli_reports_on_the_sites_day(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, out = _file(tmp_path), tmp_path / "r.html"
    common = ["report", str(path), "--team", "Tallinn", "--tagger", "rules", "--no-progress", "-o", str(out)]
    assert main([*common, "--from", "2026-09-01", "--to", "2026-09-30", "--time-zone", "Europe/Tallinn"]) == 0
    assert '<span class="date">01.09.2026 – 30.09.2026</span> · 1 vestlus' in out.read_text("utf-8")
    assert main([*common, "--from", "2026-09-01", "--to", "2026-09-30", "--time-zone", "Mars/Olympus"]) == 2
    assert "time zone 'Mars/Olympus' is not one servio knows" in capsys.readouterr().err
