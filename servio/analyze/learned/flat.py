"""A conversation's named features as flat arrays, for the learned tagger's evidence path.

Tagging with evidence needs each turn's features by name and their first-pass
contributions summed in the featuriser's order, so that the confidences stay
those of :meth:`~servio.analyze.learned.model.StageModel.first_pass` over
:meth:`Featurizer.conversation <servio.analyze.learned.features.Featurizer.conversation>`
bit for bit. Building that per turn cost a string per feature, a numpy array
per group and a dictionary look-up per fresh name. :class:`FlatFeaturizer`
gives the same names, buckets and values, in the same order, from what stays
the same between turns: a token's names and buckets (kept per token object,
which the language layer shares per word form), a lemma bigram's, and the
small groups (structure, cue hits, a neighbour's speaker, question and rule
stages) keyed as :mod:`~servio.analyze.learned.scores` keys them. A
conversation then costs C-level joins of cached tuples and one numpy array of
buckets and one of values (tests pin it to ``Featurizer.conversation``).
"""

from __future__ import annotations

import threading
from array import array
from collections.abc import Callable, Hashable, Iterable, Sequence
from itertools import chain
from operator import itemgetter
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from servio.analyze.learned.features import (
    Featurizer,
    Positions,
    TurnFeatures,
    _char_ngrams,
    names_of_structure,
    ngram_names,
    rule_names,
    structure_parts,
    turn_positions,
)
from servio.analyze.learned.scores import _cue_key, _is_question, _structure_keys, supported
from servio.language.fold import fold

if TYPE_CHECKING:
    from servio.analyze.base import ConversationAnalysis
    from servio.language import Token
    from servio.model import Speaker
    from servio.results import TurnTags

_CACHE_LIMIT = 200_000
#: The ``array`` type code of a native 4-byte int, which ``np.frombuffer(..., dtype=np.int32)`` reads.
_INT32 = next(code for code in "il" if array(code).itemsize == 4)
_SKIP_KINDS = frozenset({"punct", "mention"})
_NONE: tuple[()] = ()
_NO_BUCKETS = b""

#: What a token brings, cached per token object (buckets as native int32 bytes, joined per turn with one
#: C-level ``bytes.join``): the names and buckets of its word and lemma, of its character n-grams, of its
#: lemma seen from the next and from the previous turn (``prev:lemma:…``, ``next:lemma:…``), its folded
#: lemma (None: not a word), then the names and buckets of its kind (``kind:url``; none for words,
#: punctuation and mentions).
_Entry = tuple[tuple[str, ...], bytes, tuple[str, ...], bytes, str, bytes, str, bytes, "str | None",
               tuple[str, ...], bytes]
_LEX, _LEX_B, _CHAR, _CHAR_B, _PREV, _PREV_B, _NEXT, _NEXT_B, _FOLDED, _KIND, _KIND_B = (
    itemgetter(k) for k in range(11))
#: Names and buckets of a small group, or of one side of a turn's neighbour group (head, then tail).
_Named = tuple[tuple[str, ...], bytes]
_Side = tuple[tuple[str, ...], bytes, tuple[str, ...], bytes]


class FlatFeatures(NamedTuple):
    """The features of every turn of a conversation: what ``Featurizer.conversation`` gives, joined.

    ``indices`` and ``values`` are those of all turns one after the other (``sizes`` features each);
    ``names[i]`` are turn i's names, parallel to its slice.
    """

    names: list[tuple[str, ...]]
    indices: np.ndarray  # int32
    values: np.ndarray  # float32
    sizes: list[int]


class FlatFeaturizer:
    """:class:`FlatFeatures` of a conversation under one :class:`Featurizer`'s specification.

    A lock keeps a cache from being started over while another thread fills it (an entry kept by a
    token's id must keep its token alive).
    """

    def __init__(self, featurizer: Featurizer) -> None:
        self.featurizer = featurizer
        self.spec = featurizer.spec
        # Keyed by id(): Token's hash is computed in Python from four strings. Each token is kept alive
        # in ``_alive`` beside its entry, so its id cannot be reused while the entry is kept.
        self._tokens: dict[int, _Entry] = {}
        self._alive: list[Token] = []
        self._ngrams: dict[tuple[str, ...], tuple[str, bytes]] = {}
        self._small: dict[Hashable, _Named] = {}
        self._sides: dict[Hashable, _Side] = {}
        self._lock = threading.Lock()

    def conversation(self, analysis: ConversationAnalysis,
                     rule_tags: Sequence[TurnTags] | None = None) -> FlatFeatures:
        """The features of every turn of ``analysis`` (``rule_tags``: the rule tagger's output, if used)."""
        if not supported(self.spec):  # speaker and edge lemmas: the featuriser's own path
            return flat(self.featurizer.conversation(analysis, rule_tags))
        with self._lock:
            self._bound()
            return self._conversation(analysis, rule_tags)

    def _conversation(self, analysis: ConversationAnalysis,
                      rule_tags: Sequence[TurnTags] | None) -> FlatFeatures:
        spec = self.spec
        turns = analysis.turns
        texts = [t.text for t in turns]
        speakers = [t.turn.speaker for t in turns]
        tokens = [self._tokens_of(ta.tokens) if ta is not None else None for ta in texts]
        words = [[e for e in entries if e[8] is not None] if entries is not None else []
                 for entries in tokens]
        questions = [_is_question(ta) for ta in texts]
        where: list[Positions] = []

        def structure(i: int) -> list[str]:
            if not where:
                where.append(turn_positions(analysis))
            return names_of_structure(structure_parts(turns[i], where[0], i, questions[i]))

        keys = _structure_keys(turns, texts, speakers, questions, list(map(len, words)))
        structures = self._groups("structure", keys, structure)
        cues = stages = None
        if spec.rules and rule_tags is not None:
            tags = rule_tags
            keys = [_cue_key(tt.tags) if tt.tags else () for tt in tags]
            cues = self._groups("cues", keys, lambda i: rule_names(tags, i))
            stages = [tuple(sorted(tt.stages)) for tt in tags]
        lexical, join = spec.lexical_weight, b"".join
        names: list[tuple[str, ...]] = []
        buckets: list[bytes] = []
        weights: list[float] = []
        sizes: list[int] = []  # per group
        per_turn: list[int] = []
        for i, entries in enumerate(tokens):
            parts: list[Iterable[str]] = []
            groups: list[tuple[bytes, float]] = []  # buckets and weight of each group, in order
            if entries is not None:
                ws = words[i]
                parts += (chain.from_iterable(map(_LEX, ws)), chain.from_iterable(map(_KIND, entries)),
                          chain.from_iterable(map(_CHAR, ws)))
                groups += ((join([*map(_LEX_B, ws), *map(_KIND_B, entries)]), lexical),
                           (join(map(_CHAR_B, ws)), spec.char_weight))
                if spec.bigrams:
                    gram_names, gram_buckets = self._ngram_group(ws)
                    parts.append(gram_names)
                    groups.append((gram_buckets, lexical))
            parts.append(structures[i][0])
            groups.append((structures[i][1], 1.0))
            if cues is not None:
                parts.append(cues[i][0])
                groups.append((cues[i][1], spec.rule_weight))
            if spec.neighbours:
                near_names, near_buckets = self._neighbours(i, words, tokens, speakers, questions, stages)
                parts += near_names
                groups.append((join(near_buckets), 1.0))
            turn = tuple(chain.from_iterable(parts))
            for group, weight in groups:
                if group:
                    size = len(group) >> 2
                    weights.append(weight / size ** 0.5)
                    sizes.append(size)
            names.append(turn)
            buckets += (group for group, _ in groups)
            per_turn.append(len(turn))
        return FlatFeatures(names, np.frombuffer(join(buckets), dtype=np.int32),
                            np.repeat(np.asarray(weights, dtype=np.float32), sizes), per_turn)

    def _bound(self) -> None:
        """Start the caches over when they grow past their limit (only between conversations)."""
        if len(self._tokens) >= _CACHE_LIMIT:
            self._tokens.clear()
            self._alive.clear()
        if len(self._ngrams) >= _CACHE_LIMIT:
            self._ngrams.clear()
        if len(self._small) + len(self._sides) >= _CACHE_LIMIT:
            self._small.clear()
            self._sides.clear()

    def _tokens_of(self, tokens: Sequence[Token]) -> list[_Entry]:
        """The entries of a turn's tokens, in order."""
        found = list(map(self._tokens.get, map(id, tokens)))
        if None in found:
            get = self._tokens.get  # a token met twice in the turn: its entry is made once
            found = [e or get(id(tok)) or self._entry(tok) for tok, e in zip(tokens, found, strict=True)]
        return found  # type: ignore[return-value]  # every token has an entry now

    def _entry(self, tok: Token) -> _Entry:
        """What ``tok`` brings (see :data:`_Entry`), remembered."""
        entry: _Entry
        if tok.kind == "word":
            folded = fold(tok.lemma)
            lex = (f"word:{tok.norm}", f"lemma:{folded}")
            grams = _char_ngrams(tok.norm, self.spec.char_min, self.spec.char_max)
            prev, after = f"prev:{lex[1]}", f"next:{lex[1]}"
            entry = (lex, self._buckets(lex), grams, self._buckets(grams), prev, self._buckets([prev]),
                     after, self._buckets([after]), folded, _NONE, _NO_BUCKETS)
        elif tok.kind in _SKIP_KINDS:
            entry = (_NONE, _NO_BUCKETS, _NONE, _NO_BUCKETS, "", _NO_BUCKETS, "", _NO_BUCKETS, None,
                     _NONE, _NO_BUCKETS)
        else:
            kind = (f"kind:{tok.kind}",)
            entry = (_NONE, _NO_BUCKETS, _NONE, _NO_BUCKETS, "", _NO_BUCKETS, "", _NO_BUCKETS, None,
                     kind, self._buckets(kind))
        self._tokens[id(tok)] = entry
        self._alive.append(tok)
        return entry

    def _buckets(self, names: Sequence[str]) -> bytes:
        """The buckets of ``names`` as native int32 bytes (``array``: cheaper than numpy for a few)."""
        return array(_INT32, map(self.featurizer.index, names)).tobytes()

    def _ngram_group(self, words: list[_Entry]) -> tuple[list[str], bytes]:
        """Names and buckets of a turn's lemma bigrams (then trigrams), as ``ngram_names`` gives them."""
        lemmas: list[str] = list(map(_FOLDED, words))
        padded = ["<s>", *lemmas, "</s>"]
        keys: list[tuple[str, ...]] = list(zip(padded, padded[1:], strict=False))
        if self.spec.trigrams:
            keys += zip(padded, padded[1:], padded[2:], strict=False)
        found = list(map(self._ngrams.get, keys))
        if None in found:
            names = ngram_names(lemmas, self.spec.trigrams)
            found = [f if f is not None else self._ngrams.setdefault(key, (name, self._buckets([name])))
                     for key, name, f in zip(keys, names, found, strict=True)]
        return list(map(_NAME, found)), b"".join(map(_BUCKETS, found))  # type: ignore[arg-type]

    def _groups(self, kind: str, keys: list[Hashable], names: Callable[[int], list[str]]) -> list[_Named]:
        """Per turn, the names and buckets of a small group, cached under ``(kind, key)``: a key that
        determines the names (``names(i)`` gives turn i's when its key is new)."""
        small = self._small
        out = []
        for i, key in enumerate(keys):
            found = small.get((kind, key))
            if found is None:
                group = tuple(names(i))
                found = small[kind, key] = (group, self._buckets(group))
            out.append(found)
        return out

    def _neighbours(self, i: int, words: list[list[_Entry]], tokens: list[list[_Entry] | None],
                    speakers: list[Speaker], questions: list[bool],
                    stages: list[tuple[int, ...]] | None) -> tuple[list[Iterable[str]], list[bytes]]:
        """The names (in pieces) and buckets of ``neighbour_names`` for turn i: per side, a head
        (``prev:same``), the neighbour's lemmas and a tail (its question form and rule stages)."""
        names: list[Iterable[str]] = []
        buckets: list[bytes] = []
        for tag, j in (("prev", i - 1), ("next", i + 1)):
            if not 0 <= j < len(words):
                head, head_buckets, _, _ = self._side(tag, None, False, None)
                names.append(head)
                buckets.append(head_buckets)
                continue
            found = stages[j] if stages is not None else None
            head, head_buckets, tail, tail_buckets = self._side(tag, speakers[j] == speakers[i], questions[j],
                                                                found)
            ws = words[j] if tokens[j] is not None else []
            lemma_names, lemma_buckets = (_PREV, _PREV_B) if tag == "prev" else (_NEXT, _NEXT_B)
            names += (head, map(lemma_names, ws), tail)
            buckets += (head_buckets, *map(lemma_buckets, ws), tail_buckets)
        return names, buckets

    def _side(self, tag: str, same: bool | None, question: bool, stages: tuple[int, ...] | None) -> _Side:
        """Head names and buckets, then tail names and buckets, of one side of a turn's neighbour group
        (``same``: None when the turn has no neighbour on that side)."""
        key = (tag, same, question, stages)
        found = self._sides.get(key)
        if found is None:
            if same is None:
                head = (f"{tag}:none",)
                tail: tuple[str, ...] = ()
            else:
                relation = "same" if same else "other"
                head = (f"{tag}:{relation}",)
                tail = (*([f"{tag}:question"] if question else []),
                        *(f"{tag}:{relation}:rule_stage:{s}" for s in stages or ()))
            found = self._sides[key] = (head, self._buckets(head), tail, self._buckets(tail))
        return found


_NAME, _BUCKETS = itemgetter(0), itemgetter(1)


def flat(features: Sequence[TurnFeatures]) -> FlatFeatures:
    """:class:`FlatFeatures` of the featuriser's :class:`~servio.analyze.learned.features.TurnFeatures`."""
    if not features:
        return FlatFeatures([], np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32), [])
    return FlatFeatures([f.names for f in features], np.concatenate([f.indices for f in features]),
                        np.concatenate([f.values for f in features]), [len(f.indices) for f in features])
