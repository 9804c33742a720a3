"""docs/privacy.md names every built-in redaction kind with its token."""

from __future__ import annotations

from pathlib import Path

import pytest

from servio.redact import RedactionConfig, available_kinds

DOC = (Path(__file__).resolve().parents[2] / "docs" / "privacy.md").read_text("utf-8")


@pytest.mark.parametrize("kind", available_kinds())
def test_every_kind_is_documented_with_its_token(kind: str) -> None:
    assert f"| `{kind}` | `{RedactionConfig().token(kind)}` |" in DOC
