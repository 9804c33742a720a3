"""docs/scorecard.md documents every built-in check, pattern and setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from servio.evaluate import load_scorecard, registered_patterns
from servio.evaluate.scorecard import _CHECK_KEYS, _TOP_KEYS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "scorecard.md").read_text("utf-8")


@pytest.mark.parametrize("check_id", [c.id for c in load_scorecard().checks] + ["agent_says", "agent_avoids"])
def test_every_builtin_check_is_documented(check_id: str) -> None:
    assert f"`{check_id}`" in DOC


@pytest.mark.parametrize("pattern_id", [p.id for p in registered_patterns()])
def test_every_pattern_is_documented(pattern_id: str) -> None:
    assert f"`{pattern_id}`" in DOC


SETTINGS = {"praise_min_score", "max_praise", "max_improve"}


@pytest.mark.parametrize("key", sorted(_CHECK_KEYS | _TOP_KEYS | SETTINGS))
def test_every_file_key_is_documented(key: str) -> None:
    assert key in DOC
