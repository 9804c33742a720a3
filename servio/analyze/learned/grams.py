"""Buckets of the character n-gram features of many words at once, without building their names.

A word brings a ``char:`` feature for each of its character n-grams (see
``_char_ngrams`` in :mod:`~servio.analyze.learned.features`), whose bucket is
``crc32(name) mod 2**bits``. Summing the rows of a new word form is the cold
part of the first pass, and making a string per n-gram (about 30 a word) was
most of it. :func:`gram_buckets` runs the table-driven CRC-32 of zlib over
the bytes of all ASCII words with numpy, one n-gram length at a time; the few
other words take the plain path. The buckets are those of
``Featurizer.index``, in the featuriser's order (checked by the tests).
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np

_PREFIX = b"char:"


def _crc_table() -> np.ndarray:
    """zlib's CRC-32 table (reflected polynomial 0xEDB88320): the CRC of each byte value."""
    table = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        table = np.where(table & 1, (table >> 1) ^ np.uint32(0xEDB88320), table >> 1).astype(np.uint32)
    return table


_TABLE = _crc_table()
#: The CRC register after the name's prefix, before the n-gram's bytes (zlib inverts it in and out).
_START = np.uint32(zlib.crc32(_PREFIX) ^ 0xFFFFFFFF)


def gram_counts(lengths: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """How many n-grams (``lo`` to ``hi`` characters) strings of ``lengths`` characters have."""
    return sum((np.maximum(lengths - k + 1, 0) for k in range(lo, hi + 1)), np.zeros_like(lengths))


def gram_buckets(padded: Sequence[str], lo: int, hi: int, mask: int) -> tuple[np.ndarray, np.ndarray]:
    """The buckets of the ``char:`` n-grams of each (padded) word, word after word, each word's by length
    then position; and how many each word has."""
    lengths = np.fromiter(map(len, padded), dtype=np.int64, count=len(padded))
    counts = gram_counts(lengths, lo, hi)
    out = np.zeros(int(counts.sum()), dtype=np.int64)
    block = np.cumsum(counts) - counts  # where each word's buckets start in ``out``
    ascii_words = np.fromiter(map(str.isascii, padded), dtype=bool, count=len(padded))
    for w in np.flatnonzero(~ascii_words).tolist():  # a string per n-gram, as the featuriser does
        word = padded[w]
        grams = [word[a:a + k] for k in range(lo, hi + 1) for a in range(len(word) - k + 1)]
        out[block[w]:block[w] + len(grams)] = [zlib.crc32(f"char:{g}".encode()) & mask for g in grams]
    chosen = np.flatnonzero(ascii_words)
    if len(chosen):
        _ascii_buckets(out, [padded[w] for w in chosen.tolist()], block[chosen], lo, hi, mask)
    return out, counts


def _ascii_buckets(out: np.ndarray, words: list[str], block: np.ndarray, lo: int, hi: int, mask: int) -> None:
    """Write the buckets of the n-grams of ASCII ``words`` (one byte a character) at ``block`` in ``out``."""
    data = np.frombuffer("".join(words).encode("ascii"), dtype=np.uint8)
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    offsets = np.cumsum(lengths) - lengths
    before = np.zeros_like(lengths)  # per word, its n-grams of the shorter lengths
    for k in range(lo, hi + 1):
        count = np.maximum(lengths - k + 1, 0)
        total = int(count.sum())
        if total:
            word = np.repeat(np.arange(len(words)), count)
            at = np.arange(total) - (np.cumsum(count) - count)[word]  # the n-gram's position in its word
            start = offsets[word] + at
            crc = np.full(total, _START, dtype=np.uint32)
            for j in range(k):
                crc = _TABLE[(crc ^ data[start + j]) & 0xFF] ^ (crc >> 8)
            out[block[word] + before[word] + at] = (crc ^ np.uint32(0xFFFFFFFF)) & mask
        before += count
