"""The row table of :class:`~servio.analyze.learned.scores.FirstPass`: summed weight rows per word form.

A word always brings the same first-pass rows: the sum of its word and lemma
rows, the sum of its character n-gram rows, and the rows of its lemma seen
from the next turn (``prev:lemma:…``) and from the previous one
(``next:lemma:…``). :class:`RowTable` sums them once per word form and keeps
them as four consecutive rows of one float32 array; the same array holds the
row of each token kind (``kind:url``), of each lemma bigram (and trigram) and
the summed rows of the small groups that have few distinct values (a turn's
structure, cue hits and neighbour names, keyed by what defines them). A row
has one column per stage and a last one that counts the features summed in
it, so summing rows also sums the group sizes. A conversation then becomes a
list of row numbers (see :meth:`RowTable.stream`) and the first pass a few
array operations over it.

Each group's rows are summed with the same numpy operation, over the same
rows in the same order, as the first pass summed them before this table
existed (``ndarray.sum`` for a word's n-grams and a structure,
``np.add.reduceat`` for the rest), so ``servio tag`` prints the same
confidences bit for bit; against ``StageModel.first_pass``, which sums a
turn's features in one run, they differ by float rounding only.
"""

from __future__ import annotations

import zlib
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from servio.analyze.learned.grams import gram_buckets
from servio.language.fold import fold

if TYPE_CHECKING:
    from servio.analyze.learned.features import Featurizer
    from servio.language import TextAnalysis, Token

#: Code of a token that brings no feature (punctuation, mentions); never a row of its own.
SKIP = 0
#: Rows (left at zero) that stand for the start and the end of a turn in a stream of codes.
START, END = 1, 2
_SKIP_KINDS = frozenset({"punct", "mention"})
#: A bigram of lemma ids a, b is keyed ``a * BIGRAM_KEY + b``: one int, cheaper to hash and compare than a
#: pair. Unique while b < BIGRAM_KEY, and an int64 while a < 2**30 (lemma ids count the distinct lemmas
#: of a table that starts over at 200,000 entries). Odd with mixed low bits, so that keys spread over a
#: dict's slots (a plain ``a << 32 | b`` puts every bigram ending in the same lemma in one slot).
BIGRAM_KEY = 0x1_9E37_79B1


class RowTable:
    """Summed first-pass weight rows per word form, token kind, lemma n-gram and small feature group.

    Row numbers index :attr:`rows`. A token's code is the first of its word's four rows (``LEX, CHAR,
    PREV, NEXT``), minus its kind's row for another kind of token, or :data:`SKIP`. Not thread-safe: the
    caller locks, and takes :attr:`rows` only after its last addition (growing replaces the array).
    """

    def __init__(self, featurizer: Featurizer, weights: np.ndarray) -> None:
        self.featurizer = featurizer
        self.weights = weights
        self._mask = featurizer.spec.size - 1
        self._char_range = (featurizer.spec.char_min, featurizer.spec.char_max)
        # Token objects are shared per word form by the language layer, and Token's hash is computed in
        # Python from its four strings: keying on id() lets one C-level map() look up a whole turn. The
        # token is kept alive in ``_alive`` beside its code, so its id cannot be reused while the code
        # is kept. ``_forms`` finds the word of an equal token that is another object.
        self._codes: dict[int, int] = {}
        self._alive: list[Token] = []
        self._forms: dict[tuple[str, str], int] = {}
        self._kinds: dict[str, int] = {}
        self._lemma_ids: dict[str, int] = {}  # folded lemma -> id
        self._raw_lemmas: dict[str, int] = {}  # lemma as the token has it -> id of its folded form
        self._lemma_names: list[str] = []
        self._lemma_buckets: list[tuple[int, int, int]] = []  # per lemma id: its lemma, prev and next buckets
        self._lemma_id("<s>")  # lemma ids 0 and 1 stand for the start and end marks
        self._lemma_id("</s>")
        self._bigrams: dict[int, int] = {}  # a * BIGRAM_KEY + b of lemma ids a, b -> row
        self._trigrams: dict[tuple[int, int, int], int] = {}  # lemma ids -> row
        # Per small group, a key that determines its names -> the row of their summed weight rows
        self.structures: dict[Hashable, int] = {}
        self.cues: dict[Hashable, int] = {}
        self.neighbours: dict[Hashable, int] = {}
        self._stages = weights.shape[1]
        self._near = 1.0 if featurizer.spec.neighbours else 0.0  # the size a PREV or NEXT row adds
        self.rows = np.zeros((1024, self._stages + 1), dtype=np.float32)  # stage sums, then their count
        self.lemmas = np.zeros(1024, dtype=np.int64)  # per word row: its lemma id; 0/1 at START/END
        self.lemmas[END] = 1
        self._used = END + 1

    def __len__(self) -> int:
        """How many entries the table holds (what bounds its memory)."""
        groups = len(self.structures) + len(self.cues) + len(self.neighbours)
        return len(self._codes) + len(self._bigrams) + len(self._trigrams) + groups

    def stream(self, texts: Sequence[TextAnalysis | None]) -> tuple[np.ndarray, list[int]]:
        """The codes of a conversation's tokens, each text between :data:`START` and :data:`END` (a
        turn without a text has one :data:`SKIP`), and how many codes each turn has."""
        codes, counts = self._look_up(texts)
        try:
            return np.fromiter(codes, dtype=np.int64, count=len(codes)), counts
        except TypeError:  # a token not seen yet: its code is None
            self._add_tokens(texts, codes)
        codes, counts = self._look_up(texts)
        return np.fromiter(codes, dtype=np.int64, count=len(codes)), counts

    def _look_up(self, texts: Sequence[TextAnalysis | None]) -> tuple[list[int | None], list[int]]:
        get = self._codes.get
        out: list[int | None] = []
        counts: list[int] = []
        for ta in texts:
            if ta is None:  # one SKIP code: every turn has a code
                out.append(SKIP)
                counts.append(1)
                continue
            out.append(START)
            out.extend(map(get, map(id, ta.tokens)))
            out.append(END)
            counts.append(len(ta.tokens) + 2)
        return out, counts

    def _add_tokens(self, texts: Sequence[TextAnalysis | None], codes: list[int | None]) -> None:
        """Give every token of ``texts`` without one in ``codes`` (see :meth:`_look_up`) a code, summing
        the rows of the words not seen yet."""
        new: dict[tuple[str, str], list[Token]] = {}
        start = 0
        for ta in texts:
            if ta is None:
                start += 1
                continue
            found = codes[start + 1:start + 1 + len(ta.tokens)]
            start += len(ta.tokens) + 2
            if None not in found:
                continue
            for tok, code in zip(ta.tokens, found, strict=True):
                if code is not None or id(tok) in self._codes:
                    continue
                if tok.kind != "word":
                    self._remember(tok, SKIP if tok.kind in _SKIP_KINDS else -self._kind_row(tok.kind))
                elif (tok.norm, tok.lemma) in self._forms:
                    self._remember(tok, self._forms[tok.norm, tok.lemma])
                else:
                    new.setdefault((tok.norm, tok.lemma), []).append(tok)
        if new:
            base = self._add_words(list(new))
            for k, (form, toks) in enumerate(new.items()):
                self._forms[form] = base + 4 * k
                for tok in toks:
                    self._remember(tok, base + 4 * k)

    def _remember(self, tok: Token, code: int) -> None:
        self._codes[id(tok)] = code
        self._alive.append(tok)

    def _kind_row(self, kind: str) -> int:
        row = self._kinds.get(kind)
        if row is None:
            row = self._kinds[kind] = self._append(self._named([_bucket(f"kind:{kind}", self._mask)]))
        return row

    def _named(self, buckets: list[int]) -> np.ndarray:
        """One row per bucket: its weight row and a count of 1."""
        block = np.ones((len(buckets), self._stages + 1), dtype=np.float32)
        block[:, :-1] = self.weights.take(buckets, axis=0)
        return block

    def _add_words(self, forms: Sequence[tuple[str, str]]) -> int:
        """Append the four rows of each (norm, lemma) word form; the first row of the first form."""
        mask, w = self._mask, self.weights
        lemma_ids = [self._lemma_id(lemma) for _, lemma in forms]
        lemma_buckets = self._lemma_buckets
        lex = [(_bucket(f"word:{norm}", mask), lemma_buckets[i][0])
               for (norm, _), i in zip(forms, lemma_ids, strict=True)]
        near = [lemma_buckets[i][1:] for i in lemma_ids]
        lo, hi = self._char_range
        grams, sizes = gram_buckets([f" {norm} " for norm, _ in forms], lo, hi, mask)
        k = len(forms)
        block = np.zeros((k, 4, self._stages + 1), dtype=np.float32)
        pairs = w.take(lex, axis=0)  # take: much faster than fancy indexing on rows of 7 floats
        block[:, 0, :-1] = pairs[:, 0] + pairs[:, 1]
        block[:, 1, :-1] = _gram_sums(w.take(grams, axis=0), sizes)
        block[:, 2:, :-1] = w.take(near, axis=0)
        block[:, :, -1] = [2, 0, self._near, self._near]
        block[:, 1, -1] = sizes
        base = self._append(block.reshape(4 * k, -1))
        self.lemmas[base:base + 4 * k:4] = lemma_ids
        return base

    def _lemma_id(self, lemma: str) -> int:
        """The id of a word's folded lemma (ids are numbered in order of first sight)."""
        found = self._raw_lemmas.get(lemma)
        if found is None:
            folded = fold(lemma)
            found = self._lemma_ids.get(folded)
            if found is None:
                found = self._lemma_ids[folded] = len(self._lemma_names)
                self._lemma_names.append(folded)
                name, mask = f"lemma:{folded}", self._mask
                self._lemma_buckets.append((_bucket(name, mask), _bucket(f"prev:{name}", mask),
                                            _bucket(f"next:{name}", mask)))
            self._raw_lemmas[lemma] = found
        return found

    def bigram_rows(self, keys: list[int]) -> list[int]:
        """The rows of lemma bigrams given as ``a * BIGRAM_KEY + b`` of their lemma ids."""
        found = list(map(self._bigrams.get, keys))
        if None in found:
            new = list(dict.fromkeys(k for k, f in zip(keys, found, strict=True) if f is None))
            names = self._lemma_names
            self._add_ngrams(self._bigrams, new, [f"bigram:{names[k // BIGRAM_KEY]} {names[k % BIGRAM_KEY]}"
                                                  for k in new])
            found = list(map(self._bigrams.get, keys))
        return found  # type: ignore[return-value]  # every bigram has a row now

    def trigram_rows(self, keys: list[tuple[int, int, int]]) -> list[int]:
        """The rows of lemma trigrams given by their lemma ids."""
        found = list(map(self._trigrams.get, keys))
        if None in found:
            new = list(dict.fromkeys(k for k, f in zip(keys, found, strict=True) if f is None))
            names = self._lemma_names
            self._add_ngrams(self._trigrams, new,
                             [f"trigram:{names[a]} {names[b]} {names[c]}" for a, b, c in new])
            found = list(map(self._trigrams.get, keys))
        return found  # type: ignore[return-value]  # every trigram has a row now

    def _add_ngrams(self, rows: dict[Any, int], keys: list[Any], names: list[str]) -> None:
        """Give each new n-gram key a row: the weight row of its name."""
        crc, mask = zlib.crc32, self._mask
        base = self._append(self._named([crc(name.encode("utf-8")) & mask for name in names]))
        rows.update(zip(keys, range(base, base + len(keys)), strict=True))

    def add(self, groups: dict[Hashable, int], key: Hashable, names: list[str], in_order: bool = True) -> int:
        """Remember in ``groups`` (:attr:`structures`, :attr:`cues` or :attr:`neighbours`) the row holding
        the summed weight rows of ``names`` and how many they are, under a ``key`` that determines them.
        The rows are added in order (as ``np.add.reduceat`` adds them), or as ``ndarray.sum`` adds them
        (pairwise from 8 rows on) when not ``in_order``: each group is summed as it always was."""
        row = SKIP  # row 0 is never written: zero, of size 0
        if names:
            rows = self.weights[self.featurizer.indices(names)]
            block = np.full((1, self._stages + 1), len(names), dtype=np.float32)
            block[:, :-1] = np.add.reduceat(rows, [0], axis=0) if in_order else rows.sum(axis=0)
            row = self._append(block)
        groups[key] = row
        return row

    def _append(self, block: np.ndarray) -> int:
        """Add rows at the end (growing the arrays as needed); the number of the first."""
        start = self._used
        end = start + len(block)
        if end > len(self.rows):
            size = max(end, 2 * len(self.rows))
            self.rows = _grown(self.rows, size)
            self.lemmas = _grown(self.lemmas, size)
        self.rows[start:end] = block
        self._used = end
        return start


def _grown(arr: np.ndarray, size: int) -> np.ndarray:
    out = np.zeros((size, *arr.shape[1:]), dtype=arr.dtype)
    out[:len(arr)] = arr
    return out


def _bucket(name: str, mask: int) -> int:
    """The bucket of a feature name (as :meth:`Featurizer.index` computes it, without filling its cache)."""
    return zlib.crc32(name.encode("utf-8")) & mask


def _gram_sums(rows: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Per word, the sum of its ``sizes[j]`` consecutive n-gram rows, added in order as ``ndarray.sum``
    adds one word's rows (the featuriser's sums, so equal bit for bit): ``sum(axis=1)`` over a (words,
    n-grams, stages) array padded with zero rows after each word's last n-gram, which add nothing."""
    counts = sizes
    width = int(counts.max(initial=0))
    if not width:
        return np.zeros((len(counts), rows.shape[1]), dtype=np.float32)
    position = np.arange(width)
    at = np.where(position < counts[:, None], (np.cumsum(counts) - counts)[:, None] + position, len(rows))
    padded = np.concatenate((rows, np.zeros((1, rows.shape[1]), dtype=np.float32)))
    return padded.take(at, axis=0).sum(axis=1)
