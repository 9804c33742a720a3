"""The two fold splits of ``servio eval --cv``: a split that groups the conversations as an earlier one
does gives the same folds, so it is fitted once and reported once; a language-only corpus gets one
block per split, not the same table twice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import servio.train.cv as cv
from servio.train import FitParams, cross_validate, format_report

from .conftest import TINY

SMALL = FitParams(inner_folds=2)


def _fits(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    fit = cv.fit_model

    def counted(*args, **kw):  # type: ignore[no-untyped-def]
        calls.append(1)
        return fit(*args, **kw)

    monkeypatch.setattr(cv, "fit_model", counted)
    return calls


def _with_translations(tmp_path: Path) -> Path:
    """The tiny corpus with each Estonian conversation marked as the translation of an English one."""
    lines = []
    for line in TINY.read_text("utf-8").splitlines():
        conv = json.loads(line)
        if conv["language"] == "et":
            conv["source"] = "translated:" + conv["id"].replace("-et-", "-en-")
        lines.append(json.dumps(conv, ensure_ascii=False))
    path = tmp_path / "pairs.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def test_without_translations_the_conversation_split_reuses_the_parallel_folds(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _fits(monkeypatch)
    report = cross_validate([TINY], folds=2, params=SMALL)
    parallel, conversation = report.split("parallel"), report.split("conversation")
    assert len(calls) == 2  # two folds, fitted once
    assert conversation.same_as == "parallel" and not parallel.same_as
    assert conversation.learned == parallel.learned and conversation.rules == parallel.rules
    assert report.to_dict()["splits"][1]["same_as"] == "parallel"
    text = format_report(report)
    assert "[conversation split] the same folds as the parallel split" in text
    assert text.count("micro-F1 learned") == 3  # parallel: all, en, et


def test_translated_pairs_make_the_splits_differ(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _fits(monkeypatch)
    report = cross_validate([_with_translations(tmp_path)], folds=2, params=SMALL)
    assert len(calls) == 4  # each split fits its own two folds
    assert not report.split("conversation").same_as
    assert "same_as" not in report.to_dict()["splits"][1]
    assert format_report(report).count("micro-F1 learned") == 6


def test_one_language_is_reported_once_per_split(tmp_path: Path) -> None:
    lines = [line for line in TINY.read_text("utf-8").splitlines() if json.loads(line)["language"] == "en"]
    path = tmp_path / "en.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    report = cross_validate([path], folds=2, splits=("parallel",), params=SMALL)
    assert [s.name for s in report.split("parallel").learned] == ["all", "en"]  # the data keep both
    text = format_report(report)
    assert "[parallel split] en:" in text and "[parallel split] all:" not in text
