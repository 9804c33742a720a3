"""English stems from the Snowball stemmer (PyStemmer), created on first use and cached per word."""

from __future__ import annotations

import threading
from typing import Any

_cache: dict[str, str] = {}
_lock = threading.Lock()
_stemmer: Any = None


def _get_stemmer() -> Any:
    global _stemmer
    if _stemmer is None:
        import Stemmer

        _stemmer = Stemmer.Stemmer("english")
    return _stemmer


def english_stem(word: str) -> str:
    """Snowball stem of the lowercased ``word`` (typographic apostrophes normalised)."""
    form = word.lower().replace("\u2019", "'")
    hit = _cache.get(form)
    if hit is None:
        with _lock:  # a PyStemmer object is not safe to share between threads unguarded
            hit = str(_get_stemmer().stemWord(form))
        _cache[form] = hit
    return hit


def stem_cache() -> dict[str, str]:
    """The process-wide word -> stem cache."""
    return _cache
