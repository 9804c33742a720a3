"""Interface strings of the dashboard and the reports, in Estonian and English.

The strings live in ``et.toml`` and ``en.toml`` next to this file; English
fills any key a language leaves out. Nothing is read at import time.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType

from servio.model import LANGUAGES

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "pick_language", "strings"]

DEFAULT_LANGUAGE = "et"


def pick_language(*candidates: str | None) -> str:
    """The first candidate that is a supported language, else the default (Estonian)."""
    for c in candidates:
        if c and c.lower()[:2] in LANGUAGES:
            return c.lower()[:2]
    return DEFAULT_LANGUAGE


def strings(language: str) -> Mapping[str, str]:
    """All interface strings of ``language`` (read-only); unknown languages get English."""
    return _strings(language if language in LANGUAGES else "en")


@cache
def _strings(language: str) -> Mapping[str, str]:
    base = _load("en")
    own = _load(language) if language != "en" else {}
    return MappingProxyType({**base, **own})


def _load(language: str) -> dict[str, str]:
    raw = resources.files(__name__).joinpath(f"{language}.toml").read_text("utf-8")
    return {k: str(v) for k, v in tomllib.loads(raw).items()}
