"""A problem that comes again in one file is printed once, then counted with where it came again (audit 20a:
an unknown voice was printed once per cue, 9 lines for one Teams call)."""

from __future__ import annotations

from pathlib import Path

import pytest

from servio.cli import main

CUES = "".join(f"00:00:{i:02d}.000 --> 00:00:{i:02d}.500\n<v {'Jessica Park' if i % 2 else 'Robert Klein'}>"
               f"words {i}</v>\n\n" for i in range(1, 8))


def test_an_unknown_voice_in_every_cue_is_one_line_per_voice(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    call = tmp_path / "teams.vtt"
    call.write_text("WEBVTT\n\n" + CUES, encoding="utf-8")
    other = tmp_path / "zz.vtt"
    other.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Agent>Hello, how can I help?</v>\n\n"
                     "00:00:03.000 --> 00:00:04.000\n<v Mari Maasikas>hi</v>\n", encoding="utf-8")
    assert main(["tag", str(call), str(other), "-o", str(tmp_path / "out.jsonl"), "--tagger", "rules"]) != 0
    said = capsys.readouterr().err
    err = [line for line in said.splitlines() if line.startswith("servio: skipped:")]
    voiced = [line for line in err if "unknown voice 'Jessica Park'" in line]
    assert len(voiced) == 1 and f"{call}:3:" in voiced[0]
    assert f"servio: skipped: {call}: as at line 3, 3 more times (lines 9, 15, 21)" in err
    assert f"servio: skipped: {call}: as at line 6, 2 more times (lines 12, 18)" in err
    # the repeats are said before the file's last word, and before the next file's problems
    assert err.index(f"servio: skipped: {call}: no cue with a speaker and text; file skipped") == 4
    assert "unknown voice 'Mari Maasikas'" in err[5]
    assert "servio: 1 conversation read, 9 skipped" in said  # every cue still counts
