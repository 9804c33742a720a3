"""The learned stage tagger ("learned"): hashed turn features, a two-pass linear model, evidence.

Importing this package loads no model and no scikit-learn; the model file is
read on first use. :func:`register` adds the tagger to the registry the same
way a third-party plugin would (idempotent).
"""

from __future__ import annotations

from typing import Any

from servio.analyze.base import Tagger

__all__ = ["learned_tagger", "register"]


def learned_tagger(**config: Any) -> Tagger:
    """Factory of the ``learned`` tagger (keyword configuration as in ``LearnedConfig``)."""
    from servio.analyze.learned.tagger import LearnedTagger

    return LearnedTagger(**config)


def register() -> None:
    """Register ``learned`` with :func:`servio.analyze.register_tagger` (no-op when already there)."""
    from servio.analyze.registry import available_taggers, register_tagger

    if "learned" not in available_taggers():
        register_tagger("learned", learned_tagger)
