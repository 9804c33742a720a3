"""Tagging accuracy on the annotated development data (../shared/data, read at run time, never copied)."""

from __future__ import annotations

from pathlib import Path

import pytest

from servio.analyze import analyze
from servio.evaluate.metrics import compare_conversations
from servio.ingest import read_conversations

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
TARGET_MICRO_F1 = 0.80

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("language", ["et", "en"])
def test_micro_f1_on_the_development_data(language: str) -> None:
    files = sorted(DATA.glob(f"{language}_*.jsonl")) if DATA.is_dir() else []
    if not files:
        pytest.skip(f"no {language} development data under {DATA}")
    convs = list(read_conversations(files))
    tagged = [analyze(c) for c in convs]
    m = compare_conversations(convs, tagged)
    per_stage = ", ".join(f"{s.stage}: {s.f1:.2f}" for s in m.stages)
    assert m.micro_f1 >= TARGET_MICRO_F1, f"{language} micro-F1 {m.micro_f1:.3f} ({per_stage})"
