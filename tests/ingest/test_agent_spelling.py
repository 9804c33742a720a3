"""An agent id spelt in another case or spacing is the same agent (Kati from an e-mail, kati from a chat)."""

from __future__ import annotations

import json
from pathlib import Path

from servio.ingest import read_all, read_conversations


def _chat(cid: str, agent: str) -> str:
    return json.dumps({"id": cid, "language": "et", "agent_id": agent, "turns": [
        {"speaker": "agent", "text": "Tere! Kuidas saan aidata?"},
        {"speaker": "customer", "text": "Mu arve on vale."}]}) + "\n"


def test_the_first_spelling_read_names_the_agent_with_a_note(tmp_path: Path) -> None:
    """make run's agent table listed Kati beside kati and Priya beside priya before the example mails were
    given other agents: one agent, two rows in every table, report and filter."""
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(_chat("a1", "kati") + _chat("a2", "Mari Maasikas"), "utf-8")
    second.write_text(_chat("b1", "Kati") + _chat("b2", "KATI ") + _chat("b3", "mari  maasikas")
                      + _chat("b4", "Kati"), "utf-8")
    convs, report = read_all([first, second])
    assert [c.agent_id for c in convs] == ["kati", "Mari Maasikas", "kati", "kati", "Mari Maasikas", "kati"]
    said = [n.message for n in report.notes]
    assert said.count("agent 'Kati' read as 'kati', the same id as first written (agent ids are compared "
                      "regardless of case and spacing)") == 1  # once per spelling, not per conversation
    assert len(said) == 3 and report.problems == ()


def test_known_agents_come_first(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(_chat("c1", "Kati"), "utf-8")
    (conv,) = list(read_conversations([path], known_agents=["kati"]))
    assert conv.agent_id == "kati"
