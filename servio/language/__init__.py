"""Language detection, tokenising and text normalisation for Estonian and English.

Importing this package is cheap: Vabamorf (estnltk) loads on the first
Estonian lemma request and PyStemmer on the first English stem.
"""

from servio.language.analysis import TextAnalysis, analyze_text, analyze_texts, fold_phrase
from servio.language.detect import (
    detect_conversation_language,
    detect_language,
    language_scores,
    turn_languages,
)
from servio.language.english import english_stem
from servio.language.estonian import diacritic_variants, estonian_lemma, estonian_lemmas
from servio.language.fold import fold, normalize_apostrophes
from servio.language.tokens import Token

__all__ = [
    "TextAnalysis",
    "Token",
    "analyze_text",
    "analyze_texts",
    "detect_conversation_language",
    "detect_language",
    "diacritic_variants",
    "english_stem",
    "estonian_lemma",
    "estonian_lemmas",
    "fold",
    "fold_phrase",
    "language_scores",
    "normalize_apostrophes",
    "turn_languages",
]
