"""Evaluation: tagged conversations -> stage scores, failure patterns, coaching; results -> profiles.

Pure functions over the frozen types of :mod:`servio.results`; the scorecard,
cue words and coaching texts are data files (``servio/data/scorecard.toml``,
``evaluate_cues.toml``, ``feedback/{et,en}.toml``). Importing this package
loads no data: each file is read once, on first use.
"""

from __future__ import annotations

from servio.evaluate.contact_type import detect_contact_type
from servio.evaluate.profiles import profiles
from servio.evaluate.registry import register_check, register_pattern, registered_checks, registered_patterns
from servio.evaluate.scorecard import CheckSpec, Scorecard, ScorecardError, load_scorecard
from servio.evaluate.scoring import evaluate
from servio.evaluate.view import View

__all__ = [
    "CheckSpec",
    "Scorecard",
    "ScorecardError",
    "View",
    "detect_contact_type",
    "evaluate",
    "load_scorecard",
    "profiles",
    "register_check",
    "register_pattern",
    "registered_checks",
    "registered_patterns",
]
