"""``--scorecard FILE``: ``analyze``, ``agents`` and ``report`` score with an organisation's own scorecard
(docs/scorecard.md), in worker processes too; a bad file stops the run before anything is read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from servio.cli import main

CARD = Path(__file__).parent / "fixtures" / "scorecards" / "no_values.toml"


@pytest.fixture
def card(tmp_path: Path) -> Path:
    path = tmp_path / "rattapood.toml"
    path.write_text(CARD.read_text("utf-8"), "utf-8")
    return path


def _results(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[list[dict], str]:
    assert main(["analyze", "--examples", "--json", "--tagger", "rules", "--no-progress", *args]) == 0
    out = capsys.readouterr()
    return [json.loads(line) for line in out.out.splitlines()], out.err


def _values_weights(results: list[dict]) -> set[float]:
    return {s["weight"] for r in results for s in r["stage_scores"] if s["stage"] == 4}


def test_analyze_scores_with_the_scorecard_given(card: Path, capsys: pytest.CaptureFixture[str]) -> None:
    default, _ = _results(capsys)
    own, err = _results(capsys, "--scorecard", str(card))
    assert _values_weights(default) != {0.0}  # the default card weighs values somewhere
    assert _values_weights(own) == {0.0}
    assert f"scoring with the scorecard 'Rattapood' ({card})" in err
    assert [r["conversation_id"] for r in own] == [r["conversation_id"] for r in default]


def test_worker_processes_score_with_it_too(card: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one, _ = _results(capsys, "--scorecard", str(card))
    two, _ = _results(capsys, "--scorecard", str(card), "--workers", "2")
    assert two == one


def test_agents_take_it(card: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["agents", "--examples", "--json", "--tagger", "rules", "--no-progress",
                 "--scorecard", str(card)]) == 0
    out = capsys.readouterr()
    assert "'Rattapood'" in out.err and json.loads(out.out)["agent"]


@pytest.mark.parametrize(("text", "message"), [
    ('name = "x"\n[weights.support]\ninterst = 1\n', "weights.support: unknown stage 'interst'"),
    ('name = "x"\n[weights.support\n', "cannot read scorecard"),
    (None, "cannot read scorecard"),
])
def test_a_bad_scorecard_stops_before_reading(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              text: str | None, message: str) -> None:
    path = tmp_path / "ours.toml"
    if text is not None:
        path.write_text(text, "utf-8")
    assert main(["analyze", "--examples", "--no-progress", "--scorecard", str(path)]) == 2
    out = capsys.readouterr()
    assert out.out == "" and f"servio: error: {path}" in out.err and message in out.err
    assert "conversations read" not in out.err


def test_a_report_from_the_database_refuses_it(card: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'none.db'}"
    assert main(["report", "--database", db, "--scorecard", str(card), "-o", str(tmp_path / "r.html")]) == 2
    assert "scored when imported" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()


def test_a_report_from_files_names_the_scorecard(card: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    own, default = tmp_path / "own.html", tmp_path / "default.html"
    common = ["report", "--examples", "--tagger", "rules", "--no-progress", "--report-lang", "en"]
    assert main([*common, "--scorecard", str(card), "-o", str(own)]) == 0
    assert main([*common, "-o", str(default)]) == 0
    assert "· Scorecard: Rattapood</p>" in own.read_text("utf-8")
    assert "Scorecard:" not in default.read_text("utf-8")
