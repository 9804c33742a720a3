"""The error of training and cross-validation."""

from __future__ import annotations

from servio.analyze.base import TaggerError


class TrainingError(TaggerError, ValueError):
    """The learned tagger cannot be trained or cross-validated on the data as given (the CLI prints it
    as ``servio: error: ...``)."""
