"""Turn features of the learned tagger, hashed into a fixed number of buckets.

Every feature is a short name such as ``lemma:aitama``, ``char:ere`` or
``position:first_agent_turn``; its column is ``crc32(name) mod 2**bits``, so
the model stores only weights per bucket, never a vocabulary or any text of
the training data. Names are rebuilt from the turn being tagged, which is
how the evidence of a prediction can name its features.

Feature groups (see :class:`FeatureSpec`): words and lemmas, lemma bigrams,
character n-grams of the folded words (robust to missing diacritics and
typos), structure (speaker, language, position, length, question, token
kinds), the rule tagger's cue hits, and the neighbouring turns' lemmas and
rule stages. Per-word features are cached, which keeps featurising cheap.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from servio.analyze.base import ConversationAnalysis, TurnAnalysis

if TYPE_CHECKING:
    from servio.results import TurnTags

_CACHE_LIMIT = 200_000
_SKIP_KINDS = frozenset({"punct", "mention"})


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """Which features a model uses; stored in the model file so that tagging rebuilds the same ones."""

    bits: int = 18
    char_min: int = 2
    char_max: int = 5
    bigrams: bool = True
    rules: bool = True
    neighbours: bool = True
    lexical_weight: float = 1.0
    char_weight: float = 1.0

    @property
    def size(self) -> int:
        """Number of hash buckets (columns)."""
        return 1 << self.bits


@dataclass(frozen=True, slots=True)
class TurnFeatures:
    """The features of one turn: names, their bucket indices and values (parallel)."""

    names: tuple[str, ...]
    indices: np.ndarray
    values: np.ndarray


class Featurizer:
    """Builds :class:`TurnFeatures` for every turn of a conversation under one :class:`FeatureSpec`."""

    def __init__(self, spec: FeatureSpec) -> None:
        self.spec = spec
        self._mask = spec.size - 1
        self._words: dict[tuple[str, str, str], tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self._index: dict[str, int] = {}

    def index(self, name: str) -> int:
        """The bucket of feature ``name``."""
        found = self._index.get(name)
        if found is None:
            if len(self._index) >= _CACHE_LIMIT:
                self._index.clear()
            found = self._index[name] = zlib.crc32(name.encode("utf-8")) & self._mask
        return found

    def conversation(self, analysis: ConversationAnalysis,
                     rule_tags: Sequence[TurnTags] | None = None) -> list[TurnFeatures]:
        """Features of every turn of ``analysis`` (``rule_tags``: the rule tagger's output, if used)."""
        own = [self._own(t) for t in analysis.turns]
        where = _positions(analysis)
        out = []
        for i, t in enumerate(analysis.turns):
            groups: list[tuple[list[str], float]] = list(own[i])
            groups.append((_structure(t, where, i), 1.0))
            if self.spec.rules and rule_tags is not None:
                groups.append((_rule_features(rule_tags, i), 1.0))
            if self.spec.neighbours:
                groups.append((self._neighbours(analysis, own, rule_tags, i), 1.0))
            out.append(self._pack(groups))
        return out

    def _pack(self, groups: list[tuple[list[str], float]]) -> TurnFeatures:
        names: list[str] = []
        values: list[float] = []
        for group, weight in groups:
            if not group:
                continue
            value = weight / len(group) ** 0.5
            names.extend(group)
            values.extend([value] * len(group))
        idx = np.fromiter((self.index(n) for n in names), dtype=np.int32, count=len(names))
        return TurnFeatures(tuple(names), idx, np.asarray(values, dtype=np.float32))

    def _own(self, turn: TurnAnalysis) -> list[tuple[list[str], float]]:
        """Lexical groups of one turn: words+lemmas, bigrams, character n-grams."""
        ta = turn.text
        if ta is None:
            return []
        lex: list[str] = []
        chars: list[str] = []
        lemmas: list[str] = []
        for tok in ta.tokens:
            if tok.kind in _SKIP_KINDS:
                continue
            if tok.kind != "word":
                lex.append(f"kind:{tok.kind}")
                continue
            words, grams = self._word(tok.norm, tok.folded_lemma, turn.language.value)
            lex.extend(words)
            chars.extend(grams)
            lemmas.append(tok.folded_lemma)
        spec = self.spec
        groups = [(lex, spec.lexical_weight), (chars, spec.char_weight)]
        if spec.bigrams:
            padded = ["<s>", *lemmas, "</s>"]
            groups.append(([f"bigram:{a} {b}" for a, b in zip(padded, padded[1:], strict=False)],
                           spec.lexical_weight))
        return groups

    def _word(self, norm: str, lemma: str, language: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        key = (norm, lemma, language)
        found = self._words.get(key)
        if found is None:
            if len(self._words) >= _CACHE_LIMIT:
                self._words.clear()
            words = (f"word:{norm}", f"lemma:{lemma}")
            found = self._words[key] = (words, _char_ngrams(norm, self.spec.char_min, self.spec.char_max))
        return found

    def _neighbours(self, analysis: ConversationAnalysis, own: list[list[tuple[list[str], float]]],
                    rule_tags: Sequence[TurnTags] | None, i: int) -> list[str]:
        """Lemmas, speaker and rule stages of the previous and the next turn."""
        out: list[str] = []
        turns = analysis.turns
        me = turns[i].turn.speaker.value
        for tag, j in (("prev", i - 1), ("next", i + 1)):
            if not 0 <= j < len(turns):
                out.append(f"{tag}:none")
                continue
            same = "same" if turns[j].turn.speaker.value == me else "other"
            out.append(f"{tag}:{same}")
            lex = own[j][0][0] if own[j] else []
            out.extend(f"{tag}:{n}" for n in lex if n.startswith("lemma:"))
            ta = turns[j].text
            if ta is not None and ta.is_question:
                out.append(f"{tag}:question")
            if self.spec.rules and rule_tags is not None:
                out.extend(f"{tag}:{same}:rule_stage:{s}" for s in sorted(rule_tags[j].stages))
        return out


def _char_ngrams(word: str, lo: int, hi: int) -> tuple[str, ...]:
    padded = f" {word} "
    n = len(padded)
    return tuple(f"char:{padded[a:a + k]}" for k in range(lo, hi + 1) for a in range(n - k + 1))


@dataclass(frozen=True, slots=True)
class _Where:
    total: int
    first_agent: int | None
    last_agent: int | None
    first_customer: int | None
    last_customer: int | None


def _positions(analysis: ConversationAnalysis) -> _Where:
    speakers = [t.turn.speaker.value for t in analysis.turns]
    agents = [i for i, s in enumerate(speakers) if s == "agent"]
    customers = [i for i, s in enumerate(speakers) if s == "customer"]
    return _Where(len(speakers), agents[0] if agents else None, agents[-1] if agents else None,
                  customers[0] if customers else None, customers[-1] if customers else None)


def _bucket(n: int, edges: Sequence[int]) -> str:
    for edge in edges:
        if n <= edge:
            return str(edge)
    return f">{edges[-1]}"


def _structure(turn: TurnAnalysis, where: _Where, i: int) -> list[str]:
    """Speaker, language, position, length and question features (also crossed with the speaker)."""
    sp = turn.turn.speaker.value
    ta = turn.text
    words = sum(1 for t in ta.tokens if t.kind == "word") if ta is not None else len(turn.turn.text.split())
    base = [
        f"index:{_bucket(i, (0, 1, 2, 4, 8))}",
        f"from_end:{_bucket(where.total - 1 - i, (0, 1, 2, 4, 8))}",
        f"share:{min(4, 5 * i // max(where.total, 1))}",
        f"words:{_bucket(words, (0, 2, 5, 10, 20, 40))}",
    ]
    if ta is not None and ta.is_question:
        base.append("question")
    if ta is not None and ta.clean.rstrip().endswith("?"):
        base.append("ends_with_question")
    marks = {"first_agent_turn": where.first_agent, "last_agent_turn": where.last_agent,
             "first_customer_turn": where.first_customer, "last_customer_turn": where.last_customer}
    base.extend(f"position:{name}" for name, at in marks.items() if at == i)
    if i == where.total - 1:
        base.append("position:last_turn")
    out = [f"speaker:{sp}", f"language:{turn.language.value}"]
    out.extend(base)
    out.extend(f"{sp}:{b}" for b in base)
    return out


def _rule_features(rule_tags: Sequence[TurnTags], i: int) -> list[str]:
    """The rule tagger's stages and the cues/rules behind them on turn ``i``."""
    out: list[str] = []
    seen: set[str] = set()
    for tag in rule_tags[i].tags:
        out.append(f"rule_stage:{tag.stage}")
        for ev in tag.evidence:
            name = f"cue:{ev.cue}"
            if name not in seen:
                seen.add(name)
                out.append(name)
    return out
