"""Sanity check against the project's annotated development data (read at run time, never copied)."""

from __future__ import annotations

from pathlib import Path

import pytest

from servio.ingest import read_all

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


@pytest.mark.slow
@pytest.mark.skipif(not DATA.is_dir(), reason="../shared/data is not available")
def test_all_annotated_files_read_without_problems():
    convs, report = read_all(sorted(DATA.glob("*.jsonl")), strict=True)
    assert (report.read, report.skipped, report.problems) == (390, 0, ())
    assert len({c.id for c in convs}) == 390
    assert all(t.stages is not None for c in convs for t in c.turns)
    assert {str(c.language) for c in convs} == {"et", "en"}
