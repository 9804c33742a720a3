"""`servio agents`: one language per table, and no table of nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from servio.cli import main


def _conv(cid: str, language: str, agent: str, texts: list[tuple[str, str]]) -> dict[str, object]:
    return {"id": cid, "language": language, "channel": "chat", "agent_id": agent, "team": "T",
            "turns": [{"speaker": s, "text": t} for s, t in texts]}


ET = [("agent", "Tere! Kuidas saan aidata?"), ("customer", "Minu arve on vale."),
      ("agent", "Parandasin arve. Kas saan veel aidata? Ilusat päeva!")]
EN = [("agent", "Hi! How can I help?"), ("customer", "My invoice is wrong."),
      ("agent", "I've corrected the invoice. Anything else? Have a nice day!")]


def test_the_summaries_speak_the_table_language(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    convs = [_conv("e1", "et", "kati", ET), _conv("e2", "et", "kati", ET), _conv("n1", "en", "tom", EN)]
    path = tmp_path / "mixed.jsonl"
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in convs), "utf-8")
    assert main(["agents", str(path), "--tagger", "rules", "--color", "never", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("teenindaja")  # the table is Estonian: most conversations are
    assert "Tugevaim etapp" in out or "ühtlasel tasemel" in out
    for english in ("Strong at", "weak at", "most common issue", "Even across"):
        assert english not in out
    assert main(["agents", str(path), "--tagger", "rules", "--color", "never", "--no-progress",
                 "--summary-lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("agent") and "Tugevaim" not in out


def test_an_empty_input_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "e.jsonl"
    empty.write_text("", "utf-8")
    assert main(["agents", str(empty), "--no-progress"]) == 2
    captured = capsys.readouterr()
    assert "nothing to profile: no conversation was read" in captured.err and captured.out == ""


def test_agents_profiles_are_those_of_fully_tagged_conversations(capsys: pytest.CaptureFixture[str]) -> None:
    """`servio agents` tags without evidence (profiles never read it): the same profiles as from the
    tags with evidence."""
    from servio.evaluate import profiles
    from servio.examples import example_paths
    from servio.jobs import JobOptions, read, score

    assert main(["agents", "--examples", "--json", "--no-progress"]) == 0
    shown = json.loads(capsys.readouterr().out)
    opts = JobOptions()
    results = [r for _, r in score(read([str(p) for p in example_paths()], opts), opts, evidence=True)]
    assert shown["agent"] == [p.to_dict() for p in profiles(results, by="agent")]


def test_agents_from_the_database_for_a_team_and_days(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """Audit rep21 F14: the agent table could not be made for "October, from the database"; the report was
    the only route."""
    convs = [dict(_conv("e1", "et", "kati", ET), started_at="2026-10-05T10:00:00+03:00", team="Tallinn"),
             dict(_conv("e2", "et", "mari", ET), started_at="2026-09-05T10:00:00+03:00", team="Tallinn"),
             dict(_conv("n1", "en", "tom", EN), started_at="2026-10-06T10:00:00+03:00", team="Tartu")]
    path, db = tmp_path / "c.jsonl", f"sqlite:///{tmp_path / 's.db'}"
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in convs), "utf-8")
    assert main(["import", str(path), "--database", db, "--tagger", "rules", "--no-progress"]) == 0
    capsys.readouterr()
    october = ["--from", "2026-10-01", "--to", "2026-10-31"]
    assert main(["agents", "--database", db, "--team", "Tallinn", *october, "--by", "agent", "--json"]) == 0
    out = capsys.readouterr()
    assert [p["id"] for p in json.loads(out.out)["agent"]] == ["kati"]
    assert "servio: 1 conversation from the database" in out.err
    # the same choice from files
    assert main(["agents", str(path), "--tagger", "rules", "--team", "Tallinn", *october, "--by", "agent",
                 "--json", "--no-progress"]) == 0
    assert [p["id"] for p in json.loads(capsys.readouterr().out)["agent"]] == ["kati"]
    assert main(["agents", "--database", db, "--team", "Pärnu"]) == 2
    assert "no conversation of team Pärnu in the database" in capsys.readouterr().err
    assert main(["agents", str(path), "--database", db]) == 2
    assert "--database profiles the results stored there; the files given would not be read" in \
        capsys.readouterr().err
    assert main(["agents", "--database", db, "--lang", "et"]) == 2
    assert "--lang reads files" in capsys.readouterr().err
