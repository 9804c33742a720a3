"""Training and cross-validation on small or unusable data: a model where one can be fitted, else one
clear error that `servio train` and `servio eval --cv` print as `servio: error: ...` (exit status 2)."""

import json
from pathlib import Path

import pytest

from servio.cli import main
from servio.train import TrainingError, cross_validate, train_model

from .conftest import TINY


def _lines(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _tiny(tmp_path: Path, n: int, language: str | None = None) -> Path:
    lines = [line for line in TINY.read_text("utf-8").splitlines()
             if language is None or json.loads(line)["language"] == language]
    return _lines(tmp_path, f"tiny{n}{language or ''}.jsonl", lines[:n])


def test_two_conversations_train_a_model(tmp_path: Path) -> None:
    report = train_model([_tiny(tmp_path, 2)], tmp_path / "m.json")  # default: 4 inner folds
    assert report.conversations == 2 and (tmp_path / "m.json").is_file()
    assert report.params["inner_folds"] == 2  # the folds it could fill, as recorded


def test_one_conversation_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(TrainingError, match="at least 2 conversations"):
        train_model([_tiny(tmp_path, 1)], tmp_path / "m.json")
    assert not (tmp_path / "m.json").exists()


def test_cross_validation_of_a_small_file_in_one_language(tmp_path: Path) -> None:
    report = cross_validate([_tiny(tmp_path, 4, "en")], folds=2, splits=("parallel",))
    assert report.conversations == 4
    assert [s.name for s in report.split("parallel").learned] == ["all", "en"]


@pytest.mark.parametrize(("n", "folds", "message"), [
    (4, 1, "at least 2 folds"),
    (2, 5, "2 conversations cannot fill 5 folds"),
    (2, 2, "at least 2 conversations"),
])
def test_impossible_cross_validation_is_a_clear_error(tmp_path: Path, n: int, folds: int,
                                                      message: str) -> None:
    with pytest.raises(TrainingError, match=message):
        cross_validate([_tiny(tmp_path, n)], folds=folds)


def test_cli_prints_training_errors_without_a_traceback(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    unlabelled = _lines(tmp_path, "plain.jsonl", [json.dumps(
        {"id": "p", "language": "en", "turns": [{"speaker": "agent", "text": "Hello!"}]})])
    broken = _lines(tmp_path, "broken.jsonl", ['{"id": "a", "turns": ['])
    runs = [["train", str(unlabelled), "-o", str(tmp_path / "m.json")],
            ["train", str(broken), "-o", str(tmp_path / "m.json")],
            ["train", str(_tiny(tmp_path, 1)), "-o", str(tmp_path / "m.json")],
            ["eval", str(_tiny(tmp_path, 2)), "--cv", "5"],
            ["eval", str(_tiny(tmp_path, 4)), "--cv", "1"]]
    for argv in runs:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.splitlines()[-1].startswith("servio: error: ") and "Traceback" not in err, (argv, err)
