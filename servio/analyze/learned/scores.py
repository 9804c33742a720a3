"""First-pass scores from per-word sums of weight rows, without building feature names.

The first pass of a :class:`~servio.analyze.learned.model.StageModel` is, per
turn, a sum over feature groups of ``group weight / sqrt(group size)`` times
the sum of the group's weight rows (see ``_pack`` in
:mod:`~servio.analyze.learned.features`). A word always brings the same rows:
its word and lemma rows, its character n-gram rows, and the rows of its lemma
seen from the next turn (``prev:lemma:…``) and from the previous one
(``next:lemma:…``). :class:`FirstPass` sums those once per word and keeps the
sums in a table, so a turn costs one look-up per word plus the few features
that depend on the conversation (token kinds, bigrams, structure, cue hits,
neighbours). The result equals ``StageModel.first_pass`` over the
featuriser's features up to float rounding. The tagger uses it when only
the stage sets are asked for (``servio tag``, ``servio eval``); tagging
with evidence builds the named features, since the evidence ranks them.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from servio.analyze.learned.features import (
    FeatureSpec,
    Featurizer,
    names_of_structure,
    neighbour_names,
    ngram_names,
    rule_names,
    structure_parts,
    turn_positions,
)

if TYPE_CHECKING:
    from servio.analyze.base import ConversationAnalysis
    from servio.results import TurnTags

_LEX, _CHAR, _NGRAM, _STRUCTURE, _RULES, _NEAR = range(6)  # feature groups, in the featuriser's order
_GROUPS = 6
_PREV, _NEXT = 2, 3  # rows of a word's table entry after its lexical and character sums
_TABLE_LIMIT = 200_000


def supported(spec: FeatureSpec) -> bool:
    """Whether :class:`FirstPass` covers every feature group ``spec`` uses."""
    return not (spec.speaker_lemmas or spec.edge_lemmas)


class FirstPass:
    """First-pass scores (without the bias) of one weight matrix over one featuriser's features."""

    def __init__(self, featurizer: Featurizer, weights: np.ndarray) -> None:
        if not supported(featurizer.spec):
            raise ValueError("per-word sums do not cover speaker or edge lemma features")
        self.featurizer = featurizer
        self.weights = weights
        spec = featurizer.spec
        self._group_weights = np.array([spec.lexical_weight, spec.char_weight, spec.lexical_weight, 1.0,
                                        spec.rule_weight, 1.0], dtype=np.float32)
        self._ids: dict[tuple[str, ...], int] = {}  # a word's (word name, lemma name) -> its table row
        self._structures: dict[tuple[str, str, tuple[str, ...]], tuple[np.ndarray, int]] = {}
        self._chars: list[int] = []  # character n-grams per table row
        self._table = np.zeros((1024, 4, weights.shape[1]), dtype=np.float32)
        self._lock = threading.Lock()

    def scores(self, analysis: ConversationAnalysis, rule_tags: Sequence[TurnTags] | None) -> np.ndarray:
        """Per turn, the first-pass score of each stage before the bias (turns x stages)."""
        spec, feat = self.featurizer.spec, self.featurizer
        turns = analysis.turns
        n = len(turns)
        words = [feat.words(t) for t in turns]
        with self._lock:  # row numbers and the table they index belong together
            if len(self._ids) + sum(len(entries) for entries, _ in words) > _TABLE_LIMIT:
                self._reset()  # only between conversations: a conversation's rows share one table
            rows = [[self._row(e) for e in entries] for entries, _ in words]
            table, chars = self._table, self._chars
        sizes = np.zeros((n, _GROUPS), dtype=np.float32)
        names: list[str] = []
        groups: list[int] = []
        where = turn_positions(analysis)
        questions = [t.text is not None and t.text.is_question for t in turns]
        no_lemmas: list[list[str]] = [[] for _ in turns]
        structures: list[np.ndarray] = []
        use_rules = spec.rules and rule_tags is not None
        for i, turn in enumerate(turns):
            entries, kinds = words[i]
            own: list[tuple[int, list[str]]] = []  # in group order, so that segment numbers never go down
            if turn.text is not None:
                nw = len(entries)
                sizes[i, _LEX] = 2 * nw + len(kinds)
                sizes[i, _CHAR] = sum(chars[r] for r in rows[i])
                own.append((_LEX, kinds))
                if spec.bigrams:
                    own.append((_NGRAM, ngram_names([e[4] for e in entries], spec.trigrams)))
            structure, sizes[i, _STRUCTURE] = self._structure(structure_parts(turn, where, i, questions[i]))
            structures.append(structure)
            if use_rules and rule_tags is not None:
                own.append((_RULES, rule_names(rule_tags, i)))
            if spec.neighbours:
                near = neighbour_names(analysis, no_lemmas, questions, rule_tags if use_rules else None, i)
                own.append((_NEAR, near))
                sizes[i, _NEAR] += (len(rows[i - 1]) if i > 0 else 0) + (len(rows[i + 1]) if i + 1 < n else 0)
            for g, group_names in own:
                if g != _LEX:
                    sizes[i, g] += len(group_names)
                names.extend(group_names)
                groups.extend([i * _GROUPS + g] * len(group_names))
        flat = np.zeros((n * _GROUPS, self.weights.shape[1]), dtype=np.float32)
        if names:
            _segment_sums(flat, np.asarray(groups, dtype=np.intp), self.weights[feat.indices(names)])
        sums = flat.reshape(n, _GROUPS, -1)
        if structures:
            sums[:, _STRUCTURE] += np.stack(structures)
        _add_word_sums(sums, table, rows)
        scale = np.divide(self._group_weights, np.sqrt(sizes), out=np.zeros_like(sizes), where=sizes > 0)
        return np.einsum("tg,tgs->ts", scale, sums)

    def _structure(self, parts: tuple[str, str, tuple[str, ...]]) -> tuple[np.ndarray, int]:
        """The summed weight rows of a turn's structure names, and how many there are (by their parts)."""
        found = self._structures.get(parts)
        if found is None:
            if len(self._structures) >= _TABLE_LIMIT:
                self._structures.clear()
            names = names_of_structure(parts)
            found = (self.weights[self.featurizer.indices(names)].sum(axis=0), len(names))
            self._structures[parts] = found
        return found

    def _reset(self) -> None:
        """Forget every word's row (the table is bounded; a new one starts small)."""
        self._ids = {}
        self._chars = []
        self._table = np.zeros((1024, *self._table.shape[1:]), dtype=np.float32)

    def _row(self, entry: tuple[Any, ...]) -> int:
        """The table row of a featuriser word entry, summed on first sight."""
        key = entry[0]
        found = self._ids.get(key)
        if found is not None:
            return found
        row = len(self._chars)
        if row == len(self._table):
            grown = np.zeros((2 * row, *self._table.shape[1:]), dtype=np.float32)
            grown[:row] = self._table
            self._table = grown
        feat, w = self.featurizer, self.weights
        lemma_name = key[1]
        self._table[row, _LEX] = w[list(entry[1])].sum(axis=0)
        self._table[row, _CHAR] = w[list(entry[3])].sum(axis=0) if entry[3] else 0.0
        self._table[row, _PREV] = w[feat.index(f"prev:{lemma_name}")]
        self._table[row, _NEXT] = w[feat.index(f"next:{lemma_name}")]
        self._chars.append(len(entry[3]))
        self._ids[key] = row
        return row


def _add_word_sums(sums: np.ndarray, table: np.ndarray, rows: Sequence[Sequence[int]]) -> None:
    """Add each turn's word rows to its lexical and character groups, and to its neighbours' groups
    (a turn's words are ``prev:`` features of the next turn and ``next:`` features of the previous)."""
    counts = [len(r) for r in rows]
    flat = [r for turn_rows in rows for r in turn_rows]
    if not flat:
        return
    owners = np.repeat(np.arange(len(rows)), counts)
    per_turn = np.zeros((len(rows), 4, sums.shape[2]), dtype=np.float32)
    _segment_sums(per_turn, owners, table[flat])
    sums[:, _LEX] += per_turn[:, _LEX]
    sums[:, _CHAR] += per_turn[:, _CHAR]
    sums[1:, _NEAR] += per_turn[:-1, _PREV]
    sums[:-1, _NEAR] += per_turn[1:, _NEXT]


def _segment_sums(out: np.ndarray, segments: np.ndarray, rows: np.ndarray) -> None:
    """``out[k] += sum of rows[j] with segments[j] == k``, for segment numbers that never go down
    (``np.add.reduceat`` over the runs: several times faster than ``np.add.at``)."""
    starts = np.flatnonzero(np.concatenate(([True], segments[1:] != segments[:-1])))
    out[segments[starts]] += np.add.reduceat(rows, starts, axis=0)
