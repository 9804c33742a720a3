"""``--model``: the commands that tag use a model file written by ``servio train`` (the loop's last step)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from servio.cli import main

from .conftest import TINY


def _stages(path: Path) -> list[list[list[int]]]:
    return [[t["stages"] for t in json.loads(line)["turns"]] for line in path.read_text("utf-8").splitlines()]


def test_tag_and_eval_use_the_model_file(tiny_model: Path, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    packaged, trained = tmp_path / "packaged.jsonl", tmp_path / "trained.jsonl"
    assert main(["tag", str(TINY), "-o", str(packaged), "--no-progress"]) == 0
    assert main(["tag", str(TINY), "-o", str(trained), "--model", str(tiny_model), "--no-progress"]) == 0
    assert _stages(packaged) != _stages(trained)  # the tiny model is not the packaged one
    capsys.readouterr()
    assert main(["eval", str(TINY), "--model", str(tiny_model), "--json", "--no-progress"]) == 0
    out = capsys.readouterr()
    assert "all" in json.loads(out.out)
    # the note names the model given: the tiny model was trained on TINY, the packaged one was not
    assert "were in the learned model's training data" in out.err


@pytest.mark.parametrize(("extra", "message"), [
    (["--tagger", "rules"], "--model is a model of the learned tagger"),
    ([], "no such model file"),
])
def test_model_errors_are_usage_errors(extra: list[str], message: str, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str], tiny_model: Path) -> None:
    model = str(tiny_model) if extra else str(tmp_path / "missing.json")
    assert main(["tag", str(TINY), "-o", str(tmp_path / "o.jsonl"), "--model", model, *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith("servio: error: ") and message in err


def test_a_bad_model_file_stops_before_reading(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[]", "utf-8")
    assert main(["analyze", str(TINY), "--model", str(bad)]) == 2
    assert "not a servio-stage-model" in capsys.readouterr().err


def test_eval_cv_refuses_the_options_it_cannot_use(tiny_model: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    for extra in (["--model", str(tiny_model)], ["--tagger", "rules"], ["--lang", "et"]):
        assert main(["eval", str(TINY), "--cv", "2", *extra]) == 2
        assert "cannot be used with it" in capsys.readouterr().err


def test_eval_cv_reads_with_the_input_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--column and --speaker reach the reader of the folds (they were ignored before)."""
    import csv

    rows = []
    for line in TINY.read_text("utf-8").splitlines():
        conv = json.loads(line)
        for turn in conv["turns"]:
            rows.append({"Vestlus": conv["id"], "Keel": conv["language"], "Kes": turn["speaker"].upper(),
                         "Tekst": turn["text"], "Etapid": " ".join(map(str, turn["stages"]))})
    gold = tmp_path / "gold.csv"
    with gold.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    args = ["eval", str(gold), "--cv", "2", "--json", "--column", "id=Vestlus", "--column", "language=Keel",
            "--column", "speaker=Kes", "--column", "text=Tekst", "--column", "stages=Etapid",
            "--speaker", "AGENT=agent", "--speaker", "CUSTOMER=customer"]
    assert main(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["conversations"] == 10


def test_report_from_a_database_refuses_a_model(tiny_model: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    args = ["report", "--database", f"sqlite:///{tmp_path}/x.db", "--model", str(tiny_model),
            "-o", str(tmp_path / "r.html")]
    assert main(args) == 2
    assert "tagged when imported" in capsys.readouterr().err
