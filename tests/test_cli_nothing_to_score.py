"""A conversation with no agent text is reported and left out of scores, not scored 0 (dashboard audit F6).

``servio analyze``, ``agents`` and ``report`` skip it at its file and line; ``servio tag`` still writes it
(with empty stages), since accuracy is measured through tag's output and it drops no conversation it reads.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from servio.cli import main
from servio.jobs import unscorable
from servio.model import Conversation, Speaker, Turn

GOOD = {"id": "good", "agent_id": "kati", "language": "en",
        "turns": [{"speaker": "customer", "text": "My bill is wrong."},
                  {"speaker": "agent", "text": "Hello, I'm Kati. Let me check that for you."}]}
ROBOT = {"id": "badspeaker", "agent_id": "kati", "turns": [{"speaker": "robot", "text": "hi"}]}
EMPTY = {"id": "emptytext", "agent_id": "kati", "turns": [{"speaker": "agent", "text": ""}]}
SILENT_AGENT = {"id": "silent", "agent_id": "kati",
                "turns": [{"speaker": "agent", "text": "  "}, {"speaker": "customer", "text": "hello?"},
                          {"speaker": "customer", "text": "anyone?"}]}


@pytest.fixture()
def mixed(tmp_path: Path) -> Path:
    path = tmp_path / "mixed.jsonl"
    rows = [GOOD, ROBOT, EMPTY, SILENT_AGENT, {**GOOD, "id": "good2"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    return path


def test_analyze_skips_a_conversation_without_agent_text_at_its_line(
        mixed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(mixed), "--json", "--tagger", "rules", "--no-progress"]) == 1
    captured = capsys.readouterr()
    assert [json.loads(line)["conversation_id"] for line in captured.out.splitlines()] == ["good", "good2"]
    err = captured.err
    assert (f"servio: skipped: {mixed}:2: no agent turn with text, only 1 system turn (if the agent's turns "
            "have another label, map it with --speaker LABEL=agent): nothing to score; conversation "
            "skipped") in err
    assert f"servio: skipped: {mixed}:3: no turn has any text: nothing to score; conversation skipped" in err
    assert f"servio: skipped: {mixed}:4: no agent turn with text, only 2 customer turns" in err
    assert "2 conversations read, 3 skipped" in err


def test_agents_means_leave_out_what_had_nothing_to_score(
        mixed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["agents", str(mixed), "--json", "--tagger", "rules", "--no-progress"]) == 1
    kati = json.loads(capsys.readouterr().out)["agent"][0]
    assert kati["id"] == "kati" and kati["conversations"] == 2


def test_strict_stops_at_a_conversation_with_nothing_to_score(
        mixed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(mixed), "--strict", "--tagger", "rules", "--no-progress"]) == 2
    assert f"servio: error: {mixed}:2: no agent turn with text" in capsys.readouterr().err


def test_tag_still_writes_every_conversation_it_reads(mixed: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    assert main(["tag", str(mixed), "-o", str(out), "--tagger", "rules", "--no-progress"]) == 0
    written = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [w["id"] for w in written] == ["good", "badspeaker", "emptytext", "silent", "good2"]
    assert written[2]["turns"] == [{"speaker": "agent", "text": "", "stages": []}]


def test_what_has_nothing_to_score() -> None:
    def conv(*turns: tuple[Speaker, str]) -> Conversation:
        return Conversation(id="c", turns=tuple(Turn(s, t) for s, t in turns))

    assert unscorable(conv((Speaker.AGENT, "Tere!"))) is None
    assert unscorable(conv((Speaker.CUSTOMER, "Tere"), (Speaker.AGENT, "Tere!"))) is None
    assert str(unscorable(conv((Speaker.AGENT, " \n"), (Speaker.SYSTEM, "")))) == (
        "no turn has any text: nothing to score; conversation skipped")
    said = unscorable(conv((Speaker.SYSTEM, "Ootel"), (Speaker.CUSTOMER, "tere"), (Speaker.CUSTOMER, "?")))
    assert said is not None and str(said).startswith("no agent turn with text, only 1 system turn and 2 "
                                                     "customer turns (\u27e6agent_labels:\u27e7)")
    # said as data (servio.ingest.said), so the Estonian dashboard lists it in Estonian
    assert said.text("et").startswith("tekstiga teenindaja repliike pole, on ainult 1 süsteemi repliik ja 2 "
                                      "kliendi repliiki (\u27e6agent_labels:\u27e7): pole midagi hinnata; "
                                      "vestlus jäeti vahele")
