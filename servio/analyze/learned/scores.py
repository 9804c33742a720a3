"""First-pass scores from summed weight rows, without building feature names.

The first pass of a :class:`~servio.analyze.learned.model.StageModel` is, per
turn, a sum over feature groups of ``group weight / sqrt(group size)`` times
the sum of the group's weight rows (see ``_pack`` in
:mod:`~servio.analyze.learned.features`). :class:`FirstPass` keeps those rows
summed per word form, token kind, lemma n-gram and small group in a
:class:`~servio.analyze.learned.table.RowTable`, so a conversation costs one
dictionary look-up per token, one per lemma bigram and three per turn, then a
few array operations. The result equals ``StageModel.first_pass`` over the
featuriser's features up to float rounding (the groups are summed
separately). The tagger uses it when only the stage sets are asked for
(``servio tag``, ``servio eval``); tagging with evidence builds the named
features, since the evidence ranks them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from functools import lru_cache
from itertools import chain
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import numpy as np

from servio.analyze.learned.features import (
    FeatureSpec,
    Featurizer,
    names_of_structure,
    neighbour_names,
    rule_names,
    structure_parts,
    turn_positions,
)
from servio.analyze.learned.table import BIGRAM_KEY, END, SKIP, RowTable
from servio.language.lexicon import lexicon
from servio.model import Speaker

if TYPE_CHECKING:
    from servio.analyze.base import ConversationAnalysis, TurnAnalysis
    from servio.language import TextAnalysis
    from servio.model import Language
    from servio.results import StageTag, TurnTags

_LEX, _CHAR, _NGRAM, _STRUCTURE, _RULES, _NEAR = range(6)  # feature groups, in the featuriser's order
_GROUPS = 6
_NORM, _CUE, _STAGE, _TAGS = attrgetter("norm"), attrgetter("cue"), attrgetter("stage"), attrgetter("tags")
_TABLE_LIMIT = 200_000
#: structure_parts' buckets of a turn's index (and distance to the end) up to 9, and of its word count
#: up to 41: keys that give the same buckets give the same structure names.
_POSITIONS = ("0", "1", "2", "4", "4", "8", "8", "8", "8", ">8")
_WORDS = tuple("0" if n == 0 else "2" if n <= 2 else "5" if n <= 5 else "10" if n <= 10
               else "20" if n <= 20 else "40" if n <= 40 else ">40" for n in range(42))


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
        self._table = RowTable(featurizer, weights)
        self._scales = _scales(self._group_weights, 1024)
        self._lock = threading.Lock()

    def scores(self, analysis: ConversationAnalysis, rule_tags: Sequence[TurnTags] | None) -> np.ndarray:
        """Per turn, the first-pass score of each stage before the bias (turns x stages)."""
        spec = self.featurizer.spec
        n = len(analysis.turns)
        if not n:
            return np.zeros((0, self.weights.shape[1]), dtype=np.float32)
        with self._lock:  # row numbers and the table they index belong together
            if len(self._table) > _TABLE_LIMIT:
                self._table = RowTable(self.featurizer, self.weights)  # only between conversations
            table = self._table
            codes, counts = table.stream([t.text for t in analysis.turns])
            owner = np.repeat(_TURNS[:n] if n <= len(_TURNS) else np.arange(n), counts)  # each code's turn
            words = codes > END
            word_rows, word_turns = codes[words], owner[words]
            ngrams, ngram_turns = _ngrams(table, codes, owner, spec) if spec.bigrams else (_NONE, _NONE)
            singles = _singles(table, analysis, rule_tags if spec.rules else None,
                               np.bincount(word_turns, minlength=n).tolist(), spec.neighbours)
            rows = table.rows
        kinds = codes < SKIP
        # Runs of rows, one per feature family and turn (family-major, each family in turn order): the
        # words' LEX, CHAR, PREV and NEXT rows, n-grams, token kinds, then the structure, cue-hit and
        # neighbour rows (one each).
        idx = np.concatenate(((word_rows + _WORD_ROWS).ravel(), ngrams, -codes[kinds], singles))
        runs = np.concatenate(((word_turns + _WORD_ROWS * n).ravel(), ngram_turns + 4 * n,
                               owner[kinds] + 5 * n, np.arange(6 * n, 9 * n)))
        starts = np.flatnonzero(np.concatenate((_TRUE, runs[1:] != runs[:-1])))
        summed = np.zeros((9 * n, rows.shape[1]), dtype=np.float32)
        summed[runs[starts]] += np.add.reduceat(rows.take(idx, axis=0), starts, axis=0)
        summed = summed.reshape(9, n, -1)
        sums = summed.take(_FAMILY_OF_GROUP, axis=0).transpose(1, 0, 2)  # turns x groups x (stages, size)
        sums[:, _LEX] += summed[5]  # the token kinds are lexical features too
        sums[1:, _NEAR] += summed[2, :-1]  # a turn's words are prev: features of the next turn
        sums[:-1, _NEAR] += summed[3, 1:]  # and next: features of the previous one
        sizes = sums[:, :, -1].astype(np.intp)
        try:
            scale = self._scales[_GROUP, sizes]
        except IndexError:  # a group larger than any before
            self._scales = _scales(self._group_weights, 2 * int(sizes.max()))
            scale = self._scales[_GROUP, sizes]
        return np.einsum("tg,tgs->ts", scale, np.ascontiguousarray(sums[:, :, :-1]))


def _scales(group_weights: np.ndarray, sizes: int) -> np.ndarray:
    """Per group and group size below ``sizes``, ``group weight / sqrt(size)`` (0 for an empty group), in
    float32 as ``_pack`` in the featuriser computes it: a turn's scales become one table look-up."""
    size = np.arange(sizes, dtype=np.float32)[None, :]
    weights = group_weights[:, None]
    return np.divide(weights, np.sqrt(size), out=np.zeros((len(group_weights), sizes), dtype=np.float32),
                     where=size > 0)


_GROUP = np.arange(_GROUPS)
_NONE = np.zeros(0, dtype=np.int64)
_TRUE = np.ones(1, dtype=bool)
_TURNS = np.arange(1024)
_WORD_ROWS = np.arange(4)[:, None]  # a word's LEX, CHAR, PREV and NEXT rows follow each other
_FAMILY_OF_GROUP = np.array([0, 1, 4, 6, 7, 8])  # LEX, CHAR, n-grams, structure, cue hits, neighbours


def _ngrams(table: RowTable, codes: np.ndarray, owner: np.ndarray,
            spec: FeatureSpec) -> tuple[np.ndarray, np.ndarray]:
    """The rows of each turn's lemma bigrams (then trigrams), in the order of ``ngram_names``, and
    their turns."""
    marked = codes > SKIP  # the words and each text's START and END marks, in order
    seq, turn = codes[marked], owner[marked]
    lemma = table.lemmas.take(seq)
    inner = seq[:-1] != END  # no n-gram runs from one turn's END mark into the next turn
    keys = (lemma[:-1] * BIGRAM_KEY + lemma[1:])[inner].tolist()
    rows = np.fromiter(table.bigram_rows(keys), dtype=np.int64, count=len(keys))
    turns = turn[:-1][inner]
    if spec.trigrams:
        inner3 = inner[:-1] & (seq[1:-1] != END)
        triples = list(zip(lemma[:-2][inner3].tolist(), lemma[1:-1][inner3].tolist(),
                           lemma[2:][inner3].tolist(), strict=True))
        turns = np.concatenate((turns, turn[:-2][inner3]))
        order = np.argsort(turns, kind="stable")  # per turn: its bigrams, then its trigrams
        return np.concatenate((rows, table.trigram_rows(triples)))[order], turns[order]
    return rows, turns


def _singles(table: RowTable, analysis: ConversationAnalysis, rule_tags: Sequence[TurnTags] | None,
             words: list[int], neighbours: bool) -> np.ndarray:
    """The rows of the structure, cue-hit and neighbour groups of every turn (all structures, then all
    cue hits, then all neighbours), each looked up by a small key that determines its names."""
    turns = analysis.turns
    n = len(turns)
    speakers = [t.turn.speaker for t in turns]
    texts = [t.text for t in turns]
    questions = [False if ta is None else "?" in ta.clean or _opens_question(ta) for ta in texts]
    lazy: dict[str, Any] = {}

    def structure(i: int) -> list[str]:
        where = lazy.get("where") or lazy.setdefault("where", turn_positions(analysis))
        return names_of_structure(structure_parts(turns[i], where, i, questions[i]))

    keys = _structure_keys(turns, texts, speakers, questions, words)
    rows = _rows(table, table.structures, keys, structure, in_order=False)
    if rule_tags is None:
        rows += [SKIP] * n
    else:
        keys = [_cue_key(tags) if tags else () for tags in map(_TAGS, rule_tags)]
        rows += _rows(table, table.cues, keys, lambda i: rule_names(rule_tags, i))
    if not neighbours:
        rows += [SKIP] * n
    else:
        stages = [tuple(map(_STAGE, tt.tags)) for tt in rule_tags] if rule_tags is not None else [()] * n
        no_lemmas: list[list[str]] = [[] for _ in turns]
        # flat keys (a tuple's hash is not kept: nested ones cost more to hash and compare)
        keys = list(zip(speakers, [None, *speakers], [None, *questions], [None, *stages],
                        [*speakers[1:], None], [*questions[1:], None], [*stages[1:], None], strict=False))
        rows += _rows(table, table.neighbours, keys,
                      lambda i: neighbour_names(analysis, no_lemmas, questions, rule_tags, i))
    return np.fromiter(rows, dtype=np.int64, count=3 * n)


def _rows(table: RowTable, groups: dict[Hashable, int], keys: list[Hashable],
          names: Callable[[int], list[str]], in_order: bool = True) -> list[int]:
    """The row of each key in ``groups``, added from ``names(i)`` (the names of turn i) if new."""
    found = list(map(groups.get, keys))
    if None in found:
        for i, row in enumerate(found):
            if row is None:
                row = groups.get(keys[i])  # an earlier turn may have added it
                found[i] = table.add(groups, keys[i], names(i), in_order) if row is None else row
    return found  # type: ignore[return-value]  # no None left


def _structure_keys(turns: Sequence[TurnAnalysis], texts: Sequence[TextAnalysis | None],
                    speakers: list[Speaker], questions: list[bool], words: list[int]) -> list[Hashable]:
    """Per turn, what its structure names are made of (see ``structure_parts``), cheaply."""
    n = len(turns)
    for i, ta in enumerate(texts):
        if ta is None:
            words[i] = len(turns[i].turn.text.split())
    marks = [0] * n  # first and last agent turn: bits 0 and 1; first and last customer turn: 2 and 3
    for bit, who in ((0, Speaker.AGENT), (2, Speaker.CUSTOMER)):
        if who in speakers:
            marks[speakers.index(who)] |= 1 << bit
            marks[n - 1 - speakers[::-1].index(who)] |= 2 << bit
    ends = [q and ta is not None and ta.clean.rstrip().endswith("?")
            for q, ta in zip(questions, texts, strict=True)]
    return list(zip(speakers, [t.language for t in turns], _positions(n),
                    [_WORDS[min(k, 41)] for k in words], questions, ends, marks, strict=True))


@lru_cache(maxsize=256)
def _positions(n: int) -> tuple[int, ...]:
    """The index, distance-to-end and share buckets of each turn of an ``n``-turn conversation, as one
    int (buckets of ``_POSITIONS`` by their first index)."""
    first = {bucket: _POSITIONS.index(bucket) for bucket in _POSITIONS}
    return tuple(100 * first[_POSITIONS[min(i, 9)]] + 10 * first[_POSITIONS[min(n - 1 - i, 9)]] + 5 * i // n
                 for i in range(n))


def _cue_key(tags: Sequence[StageTag]) -> tuple[int | str, ...]:
    """What a turn's cue-hit names are made of: each tag's stage (an int) then its cues (strings)."""
    if len(tags) == 1:
        return (tags[0].stage, *map(_CUE, tags[0].evidence))
    return tuple(chain.from_iterable((tag.stage, *map(_CUE, tag.evidence)) for tag in tags))


def _is_question(ta: TextAnalysis | None) -> bool:
    """``ta.is_question``, answered at once for a text with no "?" and no question opener among its
    token norms (most texts): the property itself builds a list of the norms first."""
    return ta is not None and ("?" in ta.clean or _opens_question(ta))


def _opens_question(ta: TextAnalysis) -> bool:
    """``ta.is_question`` for a text without "?": False at once when no token norm is a question opener."""
    openers = _OPENERS.get(ta.language)
    if openers is None:
        openers = _OPENERS[ta.language] = frozenset(q[0] for q in lexicon(ta.language).question_starts)
    return not openers.isdisjoint(map(_NORM, ta.tokens)) and ta.is_question


#: Per language, the first words of its question openers (what ``is_question`` looks for).
_OPENERS: dict[Language, frozenset[str]] = {}
