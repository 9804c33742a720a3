"""Taggers behind one small contract, and the pipeline that runs them.

``analyze(conversation)`` is the one code path for tagging a conversation;
taggers are found by name through the registry (``"rules"`` is built in).
"""

from servio.analyze.base import (
    ConversationAnalysis,
    Tagger,
    TaggerConfig,
    TaggerError,
    TurnAnalysis,
)
from servio.analyze.pipeline import analyze, analyze_many, analyze_stages, prepare
from servio.analyze.registry import available_taggers, get_tagger, register_tagger, unregister_tagger

__all__ = [
    "ConversationAnalysis",
    "Tagger",
    "TaggerConfig",
    "TaggerError",
    "TurnAnalysis",
    "analyze",
    "analyze_many",
    "analyze_stages",
    "available_taggers",
    "get_tagger",
    "prepare",
    "register_tagger",
    "unregister_tagger",
]
