"""Training on the service's correction export: the reviewer's turns win, the gold of the others stays."""

import json
from pathlib import Path
from typing import Any

from servio.train.corpus import read_labelled

from .conftest import TINY


def _first() -> dict[str, Any]:
    record: dict[str, Any] = json.loads(TINY.read_text("utf-8").splitlines()[0])
    return record


def _export(tmp_path: Path, record: dict[str, Any]) -> Path:
    path = tmp_path / "corrections.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return path


def _as_exported(gold: dict[str, Any], corrected: dict[int, list[int]]) -> dict[str, Any]:
    """What GET /corrections/export gives: the tagger's (here wrong) stages on every turn, the
    reviewer's on the corrected ones, and their indexes in ``corrected_turns``."""
    record = json.loads(json.dumps(gold))
    for i, turn in enumerate(record["turns"]):
        turn["stages"] = corrected.get(i, [5])  # the tagger's stages: not the gold of any turn here
    record["corrected_turns"] = sorted(corrected)
    return record


def test_export_overrides_only_the_corrected_turns_of_a_gold_conversation(tmp_path: Path) -> None:
    gold = _first()
    export = _export(tmp_path, _as_exported(gold, {4: [5, 6]}))
    convs, replaced = read_labelled([TINY, export])
    assert replaced == 1 and len(convs) == 10
    merged = next(c for c in convs if c.id == gold["id"])
    assert merged.turns[4].stages == frozenset({5, 6})  # the reviewer's
    for i, turn in enumerate(merged.turns):
        if i != 4:  # the annotators' gold, not the tagger's stages the export carries
            assert turn.stages == frozenset(gold["turns"][i]["stages"]), i


def test_export_of_a_redacted_conversation_keeps_the_original_text(tmp_path: Path) -> None:
    gold = _first()
    record = _as_exported(gold, {0: [1]})
    record["turns"][0]["text"] = "Hi, this is [NAME] at Quillbeck Books. How can I help you today?"
    convs, _ = read_labelled([TINY, _export(tmp_path, record)])
    merged = next(c for c in convs if c.id == gold["id"])
    assert merged.turns[0].text == gold["turns"][0]["text"]
    assert merged.turns[0].stages == frozenset({1})
    assert merged.turns[1].stages == frozenset(gold["turns"][1]["stages"])


def test_export_of_a_changed_conversation_replaces_it_whole(tmp_path: Path) -> None:
    gold = _first()
    record = _as_exported(gold, {0: [1]})
    record["turns"] = record["turns"][:-1]  # a turn fewer: not the conversation the gold labels
    convs, replaced = read_labelled([TINY, _export(tmp_path, record)])
    assert replaced == 1
    changed = next(c for c in convs if c.id == gold["id"])
    assert len(changed.turns) == len(gold["turns"]) - 1
    assert [t.stages for t in changed.turns] == [frozenset(t["stages"]) for t in record["turns"]]


def test_export_of_a_new_conversation_trains_on_every_turn(tmp_path: Path) -> None:
    record = _as_exported(_first(), {2: [3]})
    record["id"] = "only-in-the-export"
    convs, replaced = read_labelled([TINY, _export(tmp_path, record)])
    assert replaced == 0 and len(convs) == 11
    new = next(c for c in convs if c.id == "only-in-the-export")
    assert [t.stages for t in new.turns] == [frozenset(t["stages"]) for t in record["turns"]]
