"""`servio analyze` and `servio agents` say which conversations lost turns on reading (audit M1):
a notice under the conversation's title, ``unread`` in the JSON, a count under the agent's row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from servio.cli import EXIT_SKIPPED, main

CSV = ("Vestlus;Rääkija;Teenindaja;Sõnum\n"
       "V-101;Teenindaja;mari;Tere! Siin klienditugi, mina olen Mari. Kuidas saan aidata?\n"
       "V-101;Klient;mari;Mu arve on vale.\n"
       "V-101;Teenindaja;mari;Parandasin arve. Kas saan veel aidata? Ilusat päeva!\n"
       "V-102;Klient;jüri;tere, arve on liiga suur\n"
       "V-102;Teenindaja;jüri;Arve on õige; maksa ära.\n"  # line 6: a field too many, the agent's reply lost
       "V-102;Klient;jüri;aga miks see nii suur on?\n"
       "V-102;Teenindaja;jüri;Sellel kuul oli külm. Saate järelmaksu taotleda.\n")
RUN = ["--tagger", "rules", "--color", "never", "--no-progress"]


@pytest.fixture
def chats(tmp_path: Path) -> Path:
    path = tmp_path / "eesti.csv"
    path.write_text(CSV, "utf-8")
    return path


def _block(out: str, cid: str) -> str:
    start = out.index(f"═══ {cid}")
    end = out.find("═══ ", start + 1)
    return out[start:end if end >= 0 else len(out)]


def test_analyze_says_it_under_the_title(chats: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(chats), *RUN]) == EXIT_SKIPPED  # a row was skipped
    out = capsys.readouterr().out
    lost = _block(out, "V-102").splitlines()
    assert lost[1].startswith("  ! Selle vestluse üks repliik jäi lugemata (eesti.csv:6)")
    assert "jäi lugemata" not in _block(out, "V-101")
    assert _block(out, "V-102").count("jäi lugemata") == 1  # not said again among the coaching


def test_analyze_json_carries_where(chats: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(chats), "--json", *RUN]) == EXIT_SKIPPED  # a row was skipped
    results = {r["conversation_id"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert results["V-102"]["unread"] == [f"{chats.name}:6"] and results["V-101"]["unread"] == []
    assert results["V-102"]["feedback"][0]["kind"] == "incomplete"


def test_agents_counts_them_under_the_row(chats: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["agents", str(chats), *RUN]) == EXIT_SKIPPED  # a row was skipped
    out = capsys.readouterr().out
    agents, teams = out.split("\n\n")
    assert "1 vestlusest üks on poolik" in agents and agents.count("poolik") == 1  # mari's is complete
    assert "2 vestlusest üks on poolik" in teams  # the two conversations without a team: one of them
    assert main(["agents", str(chats), "--json", *RUN]) == EXIT_SKIPPED  # a row was skipped
    found = {p["id"]: p["incomplete"] for p in json.loads(capsys.readouterr().out)["agent"]}
    assert found == {"jüri": 1, "mari": 0}
