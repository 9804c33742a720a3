"""servio's own example conversations, shipped with the package.

``conversations.jsonl`` is a small gold set labelled by the annotation guide;
``formats/`` holds other conversations in the raw formats the readers accept.
``servio analyze --examples`` and ``servio agents --examples`` read them all.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

GOLD_FILE = "conversations.jsonl"
FORMATS_DIR = "formats"


def _root() -> Path:
    # The package lives in a directory (a normal or editable install), so the
    # resource root is a real path that readers can open by name.
    return Path(str(files(__name__)))


def example_gold_path() -> Path:
    """The labelled example conversations (JSON Lines, gold stages on every turn)."""
    return _root() / GOLD_FILE


def example_paths() -> list[Path]:
    """Every bundled example file: the JSON Lines gold set first, then ``formats/*`` by name."""
    folder = _root() / FORMATS_DIR
    found = folder.iterdir() if folder.is_dir() else iter(())
    raw = sorted(p for p in found if p.is_file() and not p.name.startswith((".", "_")))
    return [example_gold_path(), *raw]
