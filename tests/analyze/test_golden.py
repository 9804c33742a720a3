"""The rule tagger's output on the golden fixtures must not change unnoticed."""

from __future__ import annotations

import json

import pytest

from tests.analyze.golden import LANGUAGES, current, diff, expected_path, load_conversations


@pytest.mark.parametrize("language", LANGUAGES)
def test_golden(language: str) -> None:
    path = expected_path(language)
    assert path.exists(), f"{path} is missing: run `python -m tests.analyze.regenerate_golden` (make golden)"
    changes = diff(json.loads(path.read_text("utf-8")), current(language))
    assert not changes, (
        "the tagger's output changed:\n" + "\n".join(changes)
        + "\nIf the change is intended, run `python -m tests.analyze.regenerate_golden` (make golden)."
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_fixtures_are_labelled_and_cover_every_stage(language: str) -> None:
    convs = load_conversations(language)
    assert len(convs) >= 10
    stages = {s for c in convs for t in c.turns for s in (t.stages or ())}
    assert stages == {1, 2, 3, 4, 5, 6, 7}
    assert any(t.speaker.value == "system" for c in convs for t in c.turns)


def test_diff_is_readable() -> None:
    old = {"conversations": [{"id": "x", "turns": [
        {"index": 0, "speaker": "agent", "text": "Hi!", "stages": [1], "evidence": {"1": ["greeting"]}}]}]}
    new = {"conversations": [{"id": "x", "turns": [
        {"index": 0, "speaker": "agent", "text": "Hi!", "stages": [], "evidence": {}}]}]}
    lines = diff(old, new)
    assert lines == ["x turn 0 (agent): 'Hi!'", "    expected [1] 1<-greeting", "    got      [] (nothing)"]
    assert diff(old, old) == []
