"""docs/formats.md documents every registered format, extension and reader option."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from servio.ingest import ReaderOptions, available_formats, get_reader

DOC = (Path(__file__).resolve().parents[2] / "docs" / "formats.md").read_text("utf-8")
BUILTIN = ["jsonl", "csv", "text", "vtt", "srt", "eml", "mbox"]


@pytest.mark.parametrize("name", BUILTIN)
def test_every_format_has_a_section(name):
    assert name in available_formats()
    assert f"\n## `{name}`\n" in DOC


@pytest.mark.parametrize("ext", sorted({e for n in BUILTIN for e in get_reader(n).extensions}))
def test_every_extension_is_listed(ext):
    assert f"`{ext}`" in DOC


@pytest.mark.parametrize("field", [f.name for f in dataclasses.fields(ReaderOptions)])
def test_every_option_is_documented(field):
    assert f"`{field}`" in DOC
