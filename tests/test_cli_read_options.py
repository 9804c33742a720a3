"""--encoding and --channel on the command line (audit 20a F8, F10): the encoding of an export whose
letters came out wrong can be forced, an e-mail ticket export without a channel column said to be e-mail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from servio.cli import main

ROWS = ["ticket_id,speaker,text",
        "9200,customer,\"My parcel is late, where is it? Regards, François\"",
        "9200,agent,\"Hello François, I'm sorry for the wait. It arrives tomorrow. Anything else?\""]


def _tag(tmp_path: Path, capsys: pytest.CaptureFixture[str], *options: str) -> dict:
    path = tmp_path / "tickets.csv"
    path.write_bytes("\r\n".join(ROWS).encode("cp1252") + b"\r\n")
    capsys.readouterr()
    assert main(["tag", str(path), "-o", "-", "--tagger", "rules", *options]) == 0
    out = capsys.readouterr().out
    return json.loads(out.splitlines()[0])


def test_channel_sets_the_channel_the_file_does_not_give(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert _tag(tmp_path, capsys)["channel"] == "chat"
    assert _tag(tmp_path, capsys, "--channel", "email")["channel"] == "email"
    assert _tag(tmp_path, capsys, "--channel", "e-mail")["channel"] == "email"  # a spelling fields.toml knows


def test_encoding_forces_the_encoding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "François" in _tag(tmp_path, capsys)["turns"][0]["text"]
    assert "Franēois" in _tag(tmp_path, capsys, "--encoding", "cp1257")["turns"][0]["text"]


@pytest.mark.parametrize(("option", "value", "said"), [
    ("--encoding", "latin-9x", "encoding 'latin-9x' is not one servio knows (e.g. utf-8, cp1252"),
    ("--channel", "fax", "channel 'fax' is not one of chat, email, other, phone, twitter"),
])
def test_a_bad_value_is_an_error_naming_the_option(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   option: str, value: str, said: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text("\n".join(ROWS) + "\n", encoding="utf-8")
    assert main(["analyze", str(path), option, value]) != 0
    assert said in capsys.readouterr().err
