"""Cross-validation with training-only conversations (``--train-also``): in every fold, never scored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import servio.train.cv as cv
from servio.cli import main
from servio.train import FitParams, TrainingError, cross_validate

from .conftest import TINY


def _split(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    lines = TINY.read_text("utf-8").splitlines()
    scored, extra = tmp_path / "scored.jsonl", tmp_path / "extra.jsonl"
    scored.write_text("\n".join(lines[:6]) + "\n", "utf-8")
    extra.write_text("\n".join(lines[6:]) + "\n", "utf-8")
    return scored, extra, [json.loads(line)["id"] for line in lines[6:]]


def test_extra_conversations_train_every_fold_and_are_never_scored(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    scored, extra, extra_ids = _split(tmp_path)
    seen: list[tuple[list[str], list[str]]] = []
    fit, predict = cv.fit_model, cv.predict_convs

    def spy_fit(m, train, *args, **kw):  # type: ignore[no-untyped-def]
        seen.append(([ids[i] for i in train], []))
        return fit(m, train, *args, **kw)

    def spy_predict(model, m, test):  # type: ignore[no-untyped-def]
        seen[-1][1].extend(ids[i] for i in test)
        return predict(model, m, test)

    built = cv.build_corpus

    def spy_build(paths, **kw):  # type: ignore[no-untyped-def]
        corpus = built(paths, **kw)
        ids.extend(c.id for c in corpus.conversations)
        return corpus

    ids: list[str] = []
    monkeypatch.setattr(cv, "fit_model", spy_fit)
    monkeypatch.setattr(cv, "predict_convs", spy_predict)
    monkeypatch.setattr(cv, "build_corpus", spy_build)
    report = cross_validate([scored], folds=2, splits=("parallel",), params=FitParams(inner_folds=2),
                            train_also=[extra])
    assert len(seen) == 2
    for train, test in seen:
        assert set(extra_ids) <= set(train)  # in every training fold
        assert not set(extra_ids) & set(test)  # never held out
    assert sorted(t for _, test in seen for t in test) == sorted(set(ids) - set(extra_ids))
    assert report.conversations == 6 and report.params["train_also"] == 4
    gold_turns = sum(len(json.loads(line)["turns"]) for line in scored.read_text("utf-8").splitlines())
    assert report.turns == gold_turns


def test_a_conversation_both_scored_and_extra_is_refused(tmp_path: Path) -> None:
    scored, _, _ = _split(tmp_path)
    with pytest.raises(TrainingError, match="both evaluated and trained on only"):
        cross_validate([scored], folds=2, splits=("parallel",), train_also=[scored])


def test_cli_train_also_needs_cv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scored, extra, _ = _split(tmp_path)
    assert main(["eval", str(scored), "--train-also", str(extra), "--no-progress"]) == 2
    assert "give --cv FOLDS" in capsys.readouterr().err
    args = ["eval", str(scored), "--cv", "2", "--train-also", str(extra), "--json", "--no-progress"]
    assert main(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["conversations"] == 6 and report["params"]["train_also"] == 4


def test_folds_fitted_in_worker_processes_give_the_same_report(tmp_path: Path) -> None:
    scored, extra, _ = _split(tmp_path)
    reports = [cross_validate([scored], folds=2, splits=("parallel",), params=FitParams(inner_folds=2),
                              train_also=[extra], workers=workers).to_dict() for workers in (1, 2)]
    for report in reports:
        report.pop("seconds")
    assert reports[0] == reports[1]
    assert reports[0]["splits"][0]["learned"]  # a report with figures in it, not two empty ones
