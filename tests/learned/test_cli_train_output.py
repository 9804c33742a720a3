"""What ``servio train`` prints: a summary a person reads (the file, the data, the stages with too few
gold turns), and with ``--json`` the whole training report for scripts."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from servio.cli import main

from .conftest import TINY


def test_train_prints_a_summary_naming_the_file_and_the_thin_stages(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "m.json"
    assert main(["train", str(TINY), "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"wrote the stage model {out} (")
    assert "learnt from 10 conversations (en 5, et 5)" in text
    gold = Counter(s for line in TINY.read_text("utf-8").splitlines()
                   for turn in json.loads(line)["turns"] for s in turn.get("stages", []))
    assert gold[3] >= 20 > gold[2]  # the fixture has both kinds
    shown = "  ".join(f"{s}: {gold[s]}" + ("*" if gold[s] < 20 else "") for s in range(1, 8))
    assert f"gold turns per stage: {shown}" in text
    assert "fewer than 20 gold turns" in text
    # the thresholds are on a 0.025 grid: two decimals showed 0.575 as 0.57 (docs audit D18)
    assert re.search(r"thresholds: +1: \d\.\d{3}  2: \d\.\d{3}", text)
    assert f"--model {out}" in text
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)


def test_train_json_is_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "m.json"
    assert main(["train", str(TINY), "-o", str(out), "--json", "--live"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["output"] == str(out) and report["kind"] == "live" and report["conversations"] == 10
    assert len(report["thresholds"]) == 7 and len(report["sha256"]) == 64
