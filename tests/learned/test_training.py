"""Training: deterministic, honours corrections, stores no text of the data."""

import json
from pathlib import Path

from servio.analyze import analyze
from servio.analyze.learned.tagger import LearnedTagger
from servio.ingest import read_all
from servio.train import train_model
from servio.train.corpus import read_labelled

from .conftest import SMALL, TINY


def _predictions(model: Path) -> list[list[tuple[int, float]]]:
    convs, _ = read_all([str(TINY)])
    tagger = LearnedTagger(model_path=str(model))
    out = []
    for conv in convs:
        for tt in analyze(conv, tagger=tagger).turns:
            out.append([(t.stage, t.confidence) for t in tt.tags])
    return out


def test_same_seed_same_model_and_predictions(tiny_model: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.json"
    report = train_model([TINY], again, seed=13, params=SMALL)
    assert again.read_bytes() == tiny_model.read_bytes()
    assert report.seed == 13 and report.conversations == 10
    assert _predictions(again) == _predictions(tiny_model)


def test_training_report_counts(tmp_path: Path) -> None:
    report = train_model([TINY], tmp_path / "m.json", seed=5, params=SMALL)
    assert report.languages == {"en": 5, "et": 5}
    assert report.turns == 64
    assert set(report.labels) == {1, 2, 3, 4, 5, 6, 7}
    assert len(report.thresholds) == 7 and all(0 < t < 1 for t in report.thresholds)
    assert report.size_bytes == (tmp_path / "m.json").stat().st_size


def test_model_learns_its_training_data(tiny_model: Path) -> None:
    convs, _ = read_all([str(TINY)])
    tagger = LearnedTagger(model_path=str(tiny_model))
    hits = total = 0
    for conv in convs:
        for turn, tt in zip(conv.turns, analyze(conv, tagger=tagger).turns, strict=True):
            total += 1
            hits += tt.stages == turn.stages
    assert hits / total > 0.7


def test_model_file_holds_no_text_of_the_data(tiny_model: Path) -> None:
    raw = tiny_model.read_text("utf-8").lower()
    for word in ("zorbleplex", "quillbeck", "kuusiku", "rattapoodi", "reinstall", "tahvelarvuti"):
        assert word not in raw
    doc = json.loads(raw)
    assert doc["format"] == "servio-stage-model"


def test_later_file_replaces_conversation_by_id(tmp_path: Path) -> None:
    first = json.loads(TINY.read_text("utf-8").splitlines()[0])
    first["turns"][0]["stages"] = [1]
    corrected = tmp_path / "corrected.jsonl"
    corrected.write_text(json.dumps(first) + "\n", encoding="utf-8")
    convs, replaced = read_labelled([TINY, corrected])
    assert replaced == 1 and len(convs) == 10
    fixed = next(c for c in convs if c.id == first["id"])
    assert fixed.turns[0].stages == frozenset({1})


def test_model_recognises_its_training_conversations_by_content(tiny_model: Path) -> None:
    from dataclasses import replace

    from servio.analyze.learned.model import fingerprint, load_model

    model = load_model(tiny_model)
    convs, _ = read_all([str(TINY)])
    assert model.trained_on([fingerprint(c) for c in convs]) == len(convs)
    renamed = replace(convs[0], id="another-id")
    assert model.trained_on([fingerprint(renamed)]) == 1  # the id does not matter, the turns do
    first = convs[0].turns[0]
    edited = replace(convs[0], turns=(replace(first, text=first.text + "!"), *convs[0].turns[1:]))
    assert model.trained_on([fingerprint(edited)]) == 0
    assert all(len(f) == 16 for f in model.meta["fingerprints"])
