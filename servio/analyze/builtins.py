"""The built-in taggers, registered through the public :func:`register_tagger` like any plugin."""

from __future__ import annotations

from typing import Any

from servio.analyze.base import Tagger
from servio.analyze.registry import register_tagger


def _rules(**config: Any) -> Tagger:
    from servio.analyze.rules import RuleTagger

    return RuleTagger(**config)


def _learned(**config: Any) -> Tagger:
    from servio.analyze.learned import learned_tagger

    return learned_tagger(**config)


def register_builtins() -> None:
    """Register servio's own taggers (``rules`` and ``learned``)."""
    register_tagger("rules", _rules)
    register_tagger("learned", _learned)
