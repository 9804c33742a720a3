"""The bundled example files (servio/examples) read without a problem through auto-detection."""

from __future__ import annotations

import pytest

examples = pytest.importorskip("servio.examples")


def test_every_bundled_example_reads_cleanly():
    from servio.ingest import read_all

    paths = examples.example_paths()
    convs, report = read_all(paths, strict=True)
    assert report.problems == () and report.files == len(paths)
    assert len(convs) >= len(paths)
    assert all(c.turns and all(t.text.strip() for t in c.turns) for c in convs)
