"""Matching the cues of a :class:`~servio.analyze.cues.CueSet` against one turn."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import chain, repeat

from servio.analyze.cues import Cue, CuePattern, CueSet
from servio.analyze.views import LazySentences, Position, Sentences, TurnView


@dataclass(frozen=True, slots=True)
class Hit:
    """A cue that fired in a turn: which one, on which view, and the matched text."""

    cue: Cue
    view: str  # "phrase" or "lemma"
    match: str
    in_question: bool
    sentence: int  # number of the sentence of the match, in its view
    end: float = 0.0  # where the match ends, as a share of the view's length (0..1)
    pattern: str = ""  # the pattern that matched, as written in the cue file


def match_turn(cues: CueSet, view: TurnView, position: Position) -> tuple[Hit, ...]:
    """All cues that fire in ``view`` at ``position`` (at most one hit per cue), ``unless`` applied."""
    hits: dict[str, Hit] = {}
    checked: dict[int, bool] = {}
    text_index, text_always, lemma_index, lemma_always = _speaker_indexes(cues, view.speaker)
    _scan(cues, view, position, "phrase", view.text, view.text_starts, view.text_sentences,
          text_index, text_always, hits, checked)
    _scan(cues, view, position, "lemma", view.lemmas, view.lemma_starts, view.lemma_sentences,
          lemma_index, lemma_always, hits, checked)
    signals = {h.cue.signal for h in hits.values() if h.cue.signal}
    return tuple(h for h in hits.values() if not (h.cue.unless and signals.intersection(h.cue.unless)))


_Index = Mapping[str, tuple[tuple[int, int], ...]]
_Pairs = tuple[tuple[int, int], ...]
_SpeakerIndexes = tuple[_Index, _Pairs, _Index, _Pairs]
_by_speaker: dict[int, tuple[CueSet, dict[str, _SpeakerIndexes]]] = {}


def _speaker_indexes(cues: CueSet, speaker: str) -> _SpeakerIndexes:
    """The cue set's indexes without the cues that can never apply to ``speaker`` (built once per pair)."""
    entry = _by_speaker.get(id(cues))
    if entry is None or entry[0] is not cues:
        if len(_by_speaker) >= 64:
            _by_speaker.clear()
        entry = _by_speaker[id(cues)] = (cues, {})  # holding ``cues`` keeps its id from being reused
    found = entry[1].get(speaker)
    if found is None:
        keep = frozenset(i for i, c in enumerate(cues.cues) if c.speaker in ("any", speaker))
        found = entry[1][speaker] = (_only(cues.text_index, keep), _kept(cues.text_always, keep),
                                     _only(cues.lemma_index, keep), _kept(cues.lemma_always, keep))
    return found


def _kept(pairs: _Pairs, keep: frozenset[int]) -> _Pairs:
    return tuple(p for p in pairs if p[0] in keep)


def _only(index: _Index, keep: frozenset[int]) -> _Index:
    out = {key: _kept(pairs, keep) for key, pairs in index.items()}
    return {key: pairs for key, pairs in out.items() if pairs}


def _scan(cues: CueSet, view: TurnView, position: Position, kind: str, text: str,
          starts: Mapping[str, list[int]], sentences: Sentences | LazySentences,
          index: Mapping[str, tuple[tuple[int, int], ...]], always: tuple[tuple[int, int], ...],
          hits: dict[str, Hit], checked: dict[int, bool]) -> None:
    if not text:
        return
    candidates: set[tuple[int, int]] = set(always)
    for key in starts:
        found = index.get(key)
        if found:
            candidates.update(found)
    for (i, j) in sorted(candidates):
        cue = cues.cues[i]
        if cue.id in hits:
            continue
        ok = checked.get(i)
        if ok is None:
            ok = checked[i] = _applies(cue, view, position)
        if not ok:
            continue
        pattern = cue.text_patterns[j] if kind == "phrase" else cue.lemma_patterns[j]
        hit = _find(cue, pattern, text, sentences, kind, starts)
        if hit is not None:
            hits[cue.id] = hit


def _find(cue: Cue, pattern: CuePattern, text: str, sentences: Sentences | LazySentences, kind: str,
          starts: Mapping[str, list[int]]) -> Hit | None:
    matches: Iterable[re.Match[str] | None]
    if pattern.leading:
        common = starts.keys() & pattern.anchors
        if not common:
            return None
        if len(common) == 1:
            at = starts[common.pop()]  # built in text order: already sorted
            if len(at) == 1:  # the usual case: one word start to try
                m = pattern.at.match(text, at[0])
                return None if m is None else _hit(cue, pattern, m, text, sentences, kind)
        else:
            at = sorted(chain.from_iterable(starts[k] for k in common))
        matches = map(pattern.at.match, repeat(text), at)
    else:
        matches = pattern.search.finditer(text)
    for m in matches:
        if m is None:
            continue
        hit = _hit(cue, pattern, m, text, sentences, kind)
        if hit is not None:
            return hit
    return None


def _hit(cue: Cue, pattern: CuePattern, m: re.Match[str], text: str, sentences: Sentences | LazySentences,
         kind: str) -> Hit | None:
    """The hit of ``m``, unless the cue wants (or refuses) a question and its sentence is not (is) one."""
    n = sentences.index_at(m.start())
    q = sentences.questions[n] if sentences.questions else False
    if cue.question is None or cue.question == q:
        return Hit(cue=cue, view=kind, match=m.group(0), in_question=q, sentence=n,
                   end=m.end() / max(len(text), 1), pattern=pattern.source)
    return None


def _applies(cue: Cue, view: TurnView, position: Position) -> bool:
    if cue.speaker != "any" and cue.speaker != view.speaker:
        return False
    if cue.max_words is not None and view.words > cue.max_words:
        return False
    if cue.min_words is not None and view.words < cue.min_words:
        return False
    for p in cue.where:
        if not position.holds(p):
            return False
    return True
