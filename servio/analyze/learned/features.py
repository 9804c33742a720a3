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
from servio.language.fold import fold

if TYPE_CHECKING:
    from servio.language import Token
    from servio.results import TurnTags

_CACHE_LIMIT = 200_000
#: A cached word: (word and lemma names, their buckets, character n-gram names, their buckets, folded lemma).
_WordEntry = tuple[tuple[str, ...], tuple[int, ...], tuple[str, ...], tuple[int, ...], str]
_SKIP_KINDS = frozenset({"punct", "mention"})


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """Which features a model uses; stored in the model file so that tagging rebuilds the same ones."""

    bits: int = 18
    char_min: int = 3  # 3-6 measured +0.002 et, +0.001 en over 2-5 (docs/model_card.md)
    char_max: int = 6
    bigrams: bool = True
    rules: bool = True
    neighbours: bool = True
    lexical_weight: float = 1.0
    char_weight: float = 1.0
    speaker_lemmas: bool = False
    edge_lemmas: bool = False
    trigrams: bool = False
    rule_weight: float = 1.0

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


class _Group:
    """Feature names of one group with their bucket indices (cached arrays or computed ints)."""

    __slots__ = ("names", "parts", "weight")

    def __init__(self, weight: float) -> None:
        self.names: list[str] = []
        self.parts: list[np.ndarray] = []
        self.weight = weight


class Featurizer:
    """Builds :class:`TurnFeatures` for every turn of a conversation under one :class:`FeatureSpec`."""

    def __init__(self, spec: FeatureSpec) -> None:
        self.spec = spec
        self._mask = spec.size - 1
        self._words: dict[tuple[str, str, str], _WordEntry] = {}
        self._index: dict[str, int] = {}

    def index(self, name: str) -> int:
        """The bucket of feature ``name``."""
        found = self._index.get(name)
        if found is None:
            if len(self._index) >= _CACHE_LIMIT:
                self._index.clear()
            found = self._index[name] = zlib.crc32(name.encode("utf-8")) & self._mask
        return found

    def indices(self, names: Sequence[str]) -> np.ndarray:
        """Buckets of ``names``."""
        found = list(map(self._index.get, names))
        if None in found:
            found = [self.index(n) for n in names]
        return np.array(found, dtype=np.int32)

    def conversation(self, analysis: ConversationAnalysis,
                     rule_tags: Sequence[TurnTags] | None = None) -> list[TurnFeatures]:
        """Features of every turn of ``analysis`` (``rule_tags``: the rule tagger's output, if used)."""
        pairs = [self._own(t) for t in analysis.turns]
        own = [p[0] for p in pairs]
        lemmas = [p[1] for p in pairs]
        where = turn_positions(analysis)
        questions = [t.text is not None and t.text.is_question for t in analysis.turns]
        use_rules = self.spec.rules and rule_tags is not None
        out = []
        for i, t in enumerate(analysis.turns):
            groups = [*own[i], self._group(structure_names(t, where, i, questions[i]))]
            if use_rules and rule_tags is not None:
                groups.append(self._group(rule_names(rule_tags, i), self.spec.rule_weight))
            if self.spec.neighbours:
                near = neighbour_names(analysis, lemmas, questions, rule_tags if use_rules else None, i)
                groups.append(self._group(near))
            out.append(_pack(groups))
        return out

    def _group(self, names: list[str], weight: float = 1.0) -> _Group:
        group = _Group(weight)
        group.names = names
        group.parts = [self.indices(names)]
        return group

    def words(self, turn: TurnAnalysis) -> tuple[list[_WordEntry], list[str]]:
        """The cached entries of a turn's words, in order, and the names of its other token kinds
        (``kind:url``); both empty without a text analysis."""
        ta = turn.text
        if ta is None:
            return [], []
        language = turn.language.value
        get = self._words.get
        entries: list[_WordEntry] = []
        kinds: list[str] = []
        for tok in ta.tokens:
            kind = tok.kind
            if kind != "word":
                if kind not in _SKIP_KINDS:
                    kinds.append(f"kind:{kind}")
                continue
            entries.append(get((tok.norm, tok.lemma, language)) or self._word(tok.norm, tok.lemma, language))
        return entries, kinds

    def _own(self, turn: TurnAnalysis) -> tuple[list[_Group], list[str]]:
        """Lexical groups of one turn (words+lemmas, character n-grams, bigrams) and its lemma names."""
        ta = turn.text
        if ta is None:
            return [], []
        spec = self.spec
        entries, kinds = self.words(turn)
        lex_names: list[str] = []
        lex_idx: list[int] = []
        char_names: list[str] = []
        char_idx: list[int] = []
        lemmas: list[str] = []
        lemma_names: list[str] = []
        for found in entries:
            lex_names.extend(found[0])
            lex_idx.extend(found[1])
            char_names.extend(found[2])
            char_idx.extend(found[3])
            lemmas.append(found[4])
            lemma_names.append(found[0][1])
        lex, chars = _Group(spec.lexical_weight), _Group(spec.char_weight)
        lex.names = lex_names + kinds
        lex.parts = [np.array(lex_idx + [self.index(k) for k in kinds], dtype=np.int32)]
        chars.names = char_names
        chars.parts = [np.array(char_idx, dtype=np.int32)]
        groups = [lex, chars]
        if spec.speaker_lemmas:
            sp = turn.turn.speaker.value
            groups.append(self._group([f"{sp}:lemma:{x}" for x in lemmas], spec.lexical_weight))
        if spec.edge_lemmas:
            groups.append(self._group(_edges(ta.tokens), spec.lexical_weight))
        if spec.bigrams:
            groups.append(self._group(ngram_names(lemmas, spec.trigrams), spec.lexical_weight))
        return groups, lemma_names

    def _word(self, norm: str, lemma: str, language: str) -> _WordEntry:
        """Names and buckets of one word (cached by surface form, lemma and language)."""
        key = (norm, lemma, language)
        found = self._words.get(key)
        if found is None:
            if len(self._words) >= _CACHE_LIMIT:
                self._words.clear()
            folded = fold(lemma)
            words = (f"word:{norm}", f"lemma:{folded}")
            grams = _char_ngrams(norm, self.spec.char_min, self.spec.char_max)
            found = self._words[key] = (words, tuple(self.index(w) for w in words), grams,
                                        tuple(self.index(g) for g in grams), folded)
        return found


def _pack(groups: Sequence[_Group]) -> TurnFeatures:
    names: list[str] = []
    parts: list[np.ndarray] = []
    weights: list[float] = []
    sizes: list[int] = []
    for g in groups:
        if not g.names:
            continue
        names.extend(g.names)
        parts.extend(g.parts)
        weights.append(g.weight / len(g.names) ** 0.5)
        sizes.append(len(g.names))
    if not names:
        return TurnFeatures((), np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32))
    values = np.repeat(np.asarray(weights, dtype=np.float32), sizes)
    return TurnFeatures(tuple(names), np.concatenate(parts), values)


def ngram_names(lemmas: Sequence[str], trigrams: bool) -> list[str]:
    """Lemma bigram names of a turn (and trigram names when asked), with start and end marks."""
    padded = ["<s>", *lemmas, "</s>"]
    names = [f"bigram:{a} {b}" for a, b in zip(padded, padded[1:], strict=False)]
    if trigrams:
        names += [f"trigram:{a} {b} {c}" for a, b, c in zip(padded, padded[1:], padded[2:], strict=False)]
    return names


def neighbour_names(analysis: ConversationAnalysis, lemmas: Sequence[Sequence[str]],
                    questions: Sequence[bool], rule_tags: Sequence[TurnTags] | None, i: int) -> list[str]:
    """Lemmas, speaker, question form and rule stages of the previous and the next turn."""
    out: list[str] = []
    turns = analysis.turns
    me = turns[i].turn.speaker.value
    for tag, j in (("prev", i - 1), ("next", i + 1)):
        if not 0 <= j < len(turns):
            out.append(f"{tag}:none")
            continue
        same = "same" if turns[j].turn.speaker.value == me else "other"
        out.append(f"{tag}:{same}")
        out.extend(f"{tag}:{n}" for n in lemmas[j])
        if questions[j]:
            out.append(f"{tag}:question")
        if rule_tags is not None:
            out.extend(f"{tag}:{same}:rule_stage:{s}" for s in sorted(rule_tags[j].stages))
    return out


def _edges(tokens: Sequence[Token]) -> list[str]:
    """Lemmas of the first and of the last sentence (where greetings and closings stand)."""
    sentences: list[list[str]] = [[]]
    for tok in tokens:
        if tok.kind == "word":
            sentences[-1].append(tok.folded_lemma)
        elif tok.kind == "punct" and tok.text[:1] in ".!?" and sentences[-1]:
            sentences.append([])
    if not sentences[-1]:
        sentences.pop()
    if not sentences:
        return []
    return [f"first:{x}" for x in sentences[0]] + [f"last:{x}" for x in sentences[-1]]


def _char_ngrams(word: str, lo: int, hi: int) -> tuple[str, ...]:
    padded = f" {word} "
    n = len(padded)
    return tuple(f"char:{padded[a:a + k]}" for k in range(lo, hi + 1) for a in range(n - k + 1))


@dataclass(frozen=True, slots=True)
class Positions:
    """Where a conversation's first and last agent and customer turns are."""

    total: int
    first_agent: int | None
    last_agent: int | None
    first_customer: int | None
    last_customer: int | None


def turn_positions(analysis: ConversationAnalysis) -> Positions:
    """The :class:`Positions` of ``analysis``."""
    speakers = [t.turn.speaker.value for t in analysis.turns]
    agents = [i for i, s in enumerate(speakers) if s == "agent"]
    customers = [i for i, s in enumerate(speakers) if s == "customer"]
    return Positions(len(speakers), agents[0] if agents else None, agents[-1] if agents else None,
                  customers[0] if customers else None, customers[-1] if customers else None)


def _bucket(n: int, edges: Sequence[int]) -> str:
    for edge in edges:
        if n <= edge:
            return str(edge)
    return f">{edges[-1]}"


def structure_names(turn: TurnAnalysis, where: Positions, i: int, question: bool) -> list[str]:
    """Speaker, language, position, length and question features (also crossed with the speaker)."""
    return names_of_structure(structure_parts(turn, where, i, question))


def names_of_structure(parts: tuple[str, str, tuple[str, ...]]) -> list[str]:
    """The structure names made of :func:`structure_parts`."""
    sp, language, base = parts
    out = [f"speaker:{sp}", f"language:{language}"]
    out.extend(base)
    out.extend(f"{sp}:{b}" for b in base)
    return out


def structure_parts(turn: TurnAnalysis, where: Positions, i: int,
                    question: bool) -> tuple[str, str, tuple[str, ...]]:
    """What :func:`structure_names` are made of: the speaker, the language and the position, length
    and question names (a key: equal parts give equal names)."""
    sp = turn.turn.speaker.value
    ta = turn.text
    words = sum(1 for t in ta.tokens if t.kind == "word") if ta is not None else len(turn.turn.text.split())
    base = [
        f"index:{_bucket(i, (0, 1, 2, 4, 8))}",
        f"from_end:{_bucket(where.total - 1 - i, (0, 1, 2, 4, 8))}",
        f"share:{min(4, 5 * i // max(where.total, 1))}",
        f"words:{_bucket(words, (0, 2, 5, 10, 20, 40))}",
    ]
    if question:
        base.append("question")
    if ta is not None and ta.clean.rstrip().endswith("?"):
        base.append("ends_with_question")
    marks = {"first_agent_turn": where.first_agent, "last_agent_turn": where.last_agent,
             "first_customer_turn": where.first_customer, "last_customer_turn": where.last_customer}
    base.extend(f"position:{name}" for name, at in marks.items() if at == i)
    if i == where.total - 1:
        base.append("position:last_turn")
    return sp, turn.language.value, tuple(base)


def rule_names(rule_tags: Sequence[TurnTags], i: int) -> list[str]:
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
