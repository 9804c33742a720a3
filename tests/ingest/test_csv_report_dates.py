"""An Excel export with separate date and time columns can be reported by day (audit F1), and a
report whose --from/--to finds nothing because the conversations have no date says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from servio.cli import main

ROWS = ("\ufeffVestluse ID;Kuupäev;Kellaaeg;Rääkija;Teenindaja;Sõnum\r\n"
        "V-1001;01.10.2026;10:32;Teenindaja;kati;Tere! Kuidas saan aidata?\r\n"
        "V-1001;01.10.2026;10:33;Klient;kati;Mu kaart jäi automaati kinni.\r\n"
        "V-1001;01.10.2026;10:35;Teenindaja;kati;Tellisin uue kaardi. Head päeva!\r\n")


def _report(args: list[str], out: Path) -> int:
    return main(["report", *args, "-o", str(out), "--tagger", "rules", "--no-progress"])


def test_a_day_of_an_export_with_date_and_time_columns_is_reported(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "eksport.csv"
    export.write_text(ROWS, "utf-8")
    out = tmp_path / "r.html"
    status = _report([str(export), "--from", "2026-10-01", "--to", "2026-10-02"], out)
    assert status == 0, capsys.readouterr().err
    assert out.exists()


def test_a_date_filter_over_undated_conversations_says_they_have_no_date(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    undated = tmp_path / "kell.csv"  # clock times only: the conversations' day is not known
    undated.write_text(ROWS.replace("Kuupäev;", "").replace("01.10.2026;", ""), "utf-8")
    out = tmp_path / "r.html"
    assert _report([str(undated), "--from", "2026-10-01"], out) == 2
    err = capsys.readouterr().err
    assert "no conversation from 2026-10-01 in the input" in err
    assert "1 conversation has no date" in err
    assert not out.exists()
