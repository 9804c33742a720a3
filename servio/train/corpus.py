"""Training material: labelled conversations read once, analysed once, turned into matrices.

Later files override earlier ones by conversation id, so a reviewer-corrected
file (same JSON Lines format) passed after the original replaces its labels.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from servio.analyze.base import ConversationAnalysis
from servio.analyze.learned.context import rule_matrix
from servio.analyze.learned.features import FeatureSpec, Featurizer
from servio.model import Conversation
from servio.results import TurnTags
from servio.train.errors import TrainingError

Progress = Callable[[str], None] | None


@dataclass(frozen=True, eq=False)
class Corpus:
    """Labelled conversations with their text analysis and the rule tagger's output."""

    conversations: tuple[Conversation, ...]
    analyses: tuple[ConversationAnalysis, ...]
    rule_tags: tuple[tuple[TurnTags, ...], ...]
    replaced: int = 0

    @property
    def languages(self) -> tuple[str, ...]:
        """The language of every conversation."""
        return tuple(a.language.value for a in self.analyses)


@dataclass(frozen=True, eq=False)
class Matrix:
    """Turn-level training arrays of a :class:`Corpus` under one feature specification."""

    X: Any  # scipy.sparse.csr_matrix (turns, buckets)
    Y: np.ndarray  # (turns, 7) 0/1
    labelled: np.ndarray  # (turns,) bool: the turn has gold stages
    offsets: np.ndarray  # (conversations + 1,) first turn of each conversation
    speakers: tuple[tuple[str, ...], ...]
    rules: np.ndarray  # (turns, 7) 0/1: the rule tagger's stages (zeros when the spec does not use them)

    def rows(self, convs: Sequence[int]) -> np.ndarray:
        """Turn rows of the conversations ``convs``, in order."""
        parts = [np.arange(self.offsets[c], self.offsets[c + 1]) for c in convs]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def read_labelled(paths: Sequence[str | Path],
                  read_options: dict[str, Any] | None = None) -> tuple[list[Conversation], int]:
    """Conversations with at least one labelled turn; a later file replaces an earlier one by id
    (a correction export's record only on its ``corrected_turns``: see :func:`corrected`).

    ``read_options``: keywords of :func:`servio.ingest.read_all` (``format``, ``options``)."""
    from servio.ingest import read_all

    convs: list[Conversation] = []
    for path in paths:  # one file at a time: the same id in a later file is a correction
        found, report = read_all([str(path)], **(read_options or {}))
        if report.problems:
            raise TrainingError(f"{len(report.problems)} unreadable record(s); training stops rather than "
                                f"leave them out: fix them and train again. First: {report.problems[0]}")
        convs.extend(found)
    by_id: dict[str, Conversation] = {}
    replaced = 0
    for conv in convs:
        if not any(t.stages is not None for t in conv.turns):
            continue
        earlier = by_id.get(conv.id)
        if earlier is not None:
            replaced += 1
            conv = corrected(earlier, conv)
        by_id[conv.id] = conv
    return list(by_id.values()), replaced


def corrected(earlier: Conversation, later: Conversation) -> Conversation:
    """``earlier`` with ``later``'s stages on the turns a reviewer corrected, when ``later`` is a record of
    ``GET /corrections/export`` (``corrected_turns``) for the same turns; else ``later`` whole.

    The export fills the other turns with the tagger's stages, which must not replace the gold labels.
    Texts may differ (the service redacts personal data on import): the earlier text is kept.
    """
    marks = later.metadata.get("corrected_turns")
    if not isinstance(marks, list) or not all(type(i) is int and 0 <= i < len(later.turns) for i in marks):
        return later
    if [t.speaker for t in earlier.turns] != [t.speaker for t in later.turns]:
        return later
    turns = tuple(replace(t, stages=later.turns[i].stages) if i in marks else t
                  for i, t in enumerate(earlier.turns))
    return replace(earlier, turns=turns)


def build_corpus(paths: Sequence[str | Path], *, rules: bool = True, on_progress: Progress = None,
                 read_options: dict[str, Any] | None = None) -> Corpus:
    """Read (with ``read_options``, see :func:`read_labelled`), analyse and (if ``rules``) rule-tag the
    labelled conversations in ``paths``."""
    from servio.analyze.pipeline import prepare

    convs, replaced = read_labelled(paths, read_options)
    if not convs:
        raise TrainingError("no labelled conversations in " + ", ".join(map(str, paths)))
    _say(on_progress, f"analysing {len(convs)} conversation{'' if len(convs) == 1 else 's'}")
    analyses = tuple(prepare(c) for c in convs)
    tags: tuple[tuple[TurnTags, ...], ...] = ()
    if rules:
        from servio.analyze.rules import RuleTagger

        tagger = RuleTagger()
        tags = tuple(tagger.tag(a) for a in analyses)
    else:
        tags = tuple(() for _ in analyses)
    return Corpus(tuple(convs), analyses, tags, replaced)


def prefix_corpus(corpus: Corpus, *, rules: bool = True) -> tuple[Corpus, tuple[int, ...]]:
    """Every chat so far that ends in a labelled turn, labelled on that turn only, and the number of the
    conversation each comes from: what the live tagger sees when a turn arrives (no later turn, the
    newest turn last). The text analysis of the turns is reused; the rule tagger runs again on each
    prefix, since its position rules read where the chat ends."""
    tagger = None
    if rules:
        from servio.analyze.rules import RuleTagger

        tagger = RuleTagger()
    convs: list[Conversation] = []
    analyses: list[ConversationAnalysis] = []
    tags: list[tuple[TurnTags, ...]] = []
    sources: list[int] = []
    for k, (conv, analysis) in enumerate(zip(corpus.conversations, corpus.analyses, strict=True)):
        for i, turn in enumerate(conv.turns):
            if turn.stages is None:
                continue
            earlier = tuple(replace(t, stages=None) for t in conv.turns[:i])
            prefix = replace(conv, id=f"{conv.id}@{i + 1}", turns=(*earlier, turn))
            seen = ConversationAnalysis(conversation=prefix, language=analysis.language,
                                        turns=analysis.turns[:i + 1])
            convs.append(prefix)
            analyses.append(seen)
            tags.append(tagger.tag(seen) if tagger is not None else ())
            sources.append(k)
    return Corpus(tuple(convs), tuple(analyses), tuple(tags), corpus.replaced), tuple(sources)


def build_matrix(corpus: Corpus, spec: FeatureSpec) -> Matrix:
    """Hash every turn of ``corpus`` into a sparse matrix with its gold labels."""
    from scipy.sparse import csr_matrix

    feat = Featurizer(spec)
    indices: list[np.ndarray] = []
    values: list[np.ndarray] = []
    lengths: list[int] = []
    labels: list[list[int]] = []
    labelled: list[bool] = []
    offsets = [0]
    for conv, analysis, tags in zip(corpus.conversations, corpus.analyses, corpus.rule_tags, strict=True):
        for tf in feat.conversation(analysis, tags if spec.rules else None):
            indices.append(tf.indices)
            values.append(tf.values)
            lengths.append(len(tf.indices))
        for turn in conv.turns:
            gold = turn.stages or frozenset()
            labels.append([int(s in gold) for s in range(1, 8)])
            labelled.append(turn.stages is not None)
        offsets.append(offsets[-1] + len(conv.turns))
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    X = csr_matrix((np.concatenate(values), np.concatenate(indices), indptr),
                   shape=(len(lengths), spec.size), dtype=np.float64)
    X.sum_duplicates()
    speakers = tuple(tuple(t.speaker.value for t in c.turns) for c in corpus.conversations)
    rules = np.zeros((len(lengths), 7), dtype=np.float32)
    if spec.rules:
        rules = np.concatenate([rule_matrix(tags) for tags in corpus.rule_tags])
    return Matrix(X, np.asarray(labels, dtype=np.int8), np.asarray(labelled), np.asarray(offsets), speakers,
                  rules)


def _say(on_progress: Progress, message: str) -> None:
    if on_progress is not None:
        on_progress(message)
