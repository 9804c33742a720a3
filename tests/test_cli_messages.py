"""What the command line tells a QA lead: counts in the right number, remedies named by the options they
typed, help with examples (audit of the CLI, findings 6-9, 11-12)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from servio.cli import counted, main

ONE = {"id": "m-1", "language": "et", "agent_id": "kati", "team": "Tallinn", "turns": [
    {"speaker": "agent", "text": "Tere! Kuidas saan aidata?", "stages": [1, 2]},
    {"speaker": "customer", "text": "Mu internet ei tööta.", "stages": [3]},
]}


@pytest.fixture()
def one_file(tmp_path: Path) -> Path:
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(ONE, ensure_ascii=False) + "\n", "utf-8")
    return path


@pytest.mark.parametrize(("n", "shown"), [(0, "0 conversations"), (1, "1 conversation"),
                                          (2, "2 conversations")])
def test_counts_take_the_plural_unless_one(n: int, shown: str) -> None:
    assert counted(n, "conversation") == shown


def test_tag_says_it_wrote_one_conversation_in_the_singular(one_file: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.jsonl"
    assert main(["tag", str(one_file), "-o", str(out), "--tagger", "rules", "--no-progress"]) == 0
    err = capsys.readouterr().err
    assert f"servio: wrote 1 conversation to {out}\n" in err
    assert "servio: 1 conversation read, 0 skipped" in err


def test_import_counts_one_redacted_value_in_the_singular(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "mail.jsonl"
    conv = {**ONE, "turns": [*ONE["turns"], {"speaker": "customer", "text": "Kirjutage mari@example.com"}]}
    path.write_text(json.dumps(conv, ensure_ascii=False) + "\n", "utf-8")
    url = f"sqlite:///{tmp_path / 's.db'}"
    assert main(["import", str(path), "--database", url, "--tagger", "rules", "--no-progress"]) == 0
    assert "redacted 1 value into" in capsys.readouterr().err
