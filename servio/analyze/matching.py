"""Matching the cues of a :class:`~servio.analyze.cues.CueSet` against one turn."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from itertools import chain, repeat
from typing import NamedTuple

from servio.analyze.cues import Cue, CuePattern, CueSet
from servio.analyze.views import LazySentences, Position, Sentences, TurnView


class Hit(NamedTuple):
    """A cue that fired in a turn: which one, on which view, and the matched text.

    A NamedTuple (immutable like a frozen dataclass, but several times cheaper to build:
    the tagger makes one or two per turn).
    """

    cue: Cue
    view: str  # "phrase" or "lemma"
    match: str
    in_question: bool
    sentence: int  # number of the sentence of the match, in its view
    end: float = 0.0  # where the match ends, as a share of the view's length (0..1)
    pattern: str = ""  # the pattern that matched, as written in the cue file


class _Entry(NamedTuple):
    """One (cue, pattern) pair of a view, with what the scan needs of it at hand."""

    cue: Cue
    pattern: CuePattern
    regex: re.Pattern[str]  # the pattern's ``at`` regex when leading, else its ``search`` regex
    anchor: str | None  # the leading pattern's only anchor (None: several, or not leading)
    conditional: bool  # whether the cue has word-count or position conditions to check
    gates: tuple[frozenset[str], ...]  # the pattern's gates besides the one that made it a candidate
    literals: tuple[frozenset[str], ...]  # strings of which the text must hold one each
    asks: bool  # the cue only counts in a question sentence (on the phrase view, which knows)


class _ViewPlan(NamedTuple):
    """The patterns of one view that can apply to one speaker, numbered in (cue, pattern) order:
    ``by_key`` maps a gate key to the numbers of the patterns it gates, ``always`` lists the
    ungated ones, ``entries[n]`` is pattern ``n``. Sorting numbers sorts (cue, pattern) pairs."""

    by_key: Mapping[str, tuple[int, ...]]
    always: tuple[int, ...]
    entries: tuple[_Entry, ...]


def match_turn(cues: CueSet, view: TurnView, position: Position) -> tuple[Hit, ...]:
    """All cues that fire in ``view`` at ``position`` (at most one hit per cue), ``unless`` applied."""
    hits: dict[str, Hit] = {}
    checked: dict[str, bool] = {}
    text_plan, lemma_plan = _plans(cues, view.speaker)
    _scan(text_plan, view, position, "phrase", view.text, view.text_starts, view.text_sentences,
          hits, checked)
    if view.lemma_starts or lemma_plan.always:
        _scan(lemma_plan, view, position, "lemma", view.lemmas, view.lemma_starts, view.lemma_sentences,
              hits, checked)
    if not any(h.cue.unless for h in hits.values()):
        return tuple(hits.values())
    signals = {h.cue.signal for h in hits.values() if h.cue.signal}
    return tuple(h for h in hits.values() if not (h.cue.unless and signals.intersection(h.cue.unless)))


_by_speaker: dict[int, tuple[CueSet, dict[str, tuple[_ViewPlan, _ViewPlan]]]] = {}


def _plans(cues: CueSet, speaker: str) -> tuple[_ViewPlan, _ViewPlan]:
    """The cue set's plans without the cues that can never apply to ``speaker`` (built once per pair)."""
    entry = _by_speaker.get(id(cues))
    if entry is None or entry[0] is not cues:
        if len(_by_speaker) >= 64:
            _by_speaker.clear()
        entry = _by_speaker[id(cues)] = (cues, {})  # holding ``cues`` keeps its id from being reused
    found = entry[1].get(speaker)
    if found is None:
        keep = frozenset(i for i, c in enumerate(cues.cues) if c.speaker in ("any", speaker))
        found = entry[1][speaker] = (_plan(cues, "phrase", cues.text_index, cues.text_always, keep),
                                     _plan(cues, "lemma", cues.lemma_index, cues.lemma_always, keep))
    return found


def _plan(cues: CueSet, kind: str, index: Mapping[str, tuple[tuple[int, int], ...]],
          always: tuple[tuple[int, int], ...], keep: frozenset[int]) -> _ViewPlan:
    pairs = sorted({p for p in chain(always, chain.from_iterable(index.values())) if p[0] in keep})
    number = {p: n for n, p in enumerate(pairs)}
    gate: dict[tuple[int, int], set[str]] = {}
    for key, found in index.items():
        for p in found:
            gate.setdefault(p, set()).add(key)
    entries = []
    for i, j in pairs:
        cue = cues.cues[i]
        pattern = cue.text_patterns[j] if kind == "phrase" else cue.lemma_patterns[j]
        anchor = next(iter(pattern.anchors)) if pattern.leading and len(pattern.anchors) == 1 else None
        conditional = cue.max_words is not None or cue.min_words is not None or bool(cue.where)
        known = {frozenset(gate.get((i, j), ())), pattern.anchors if pattern.leading else frozenset()}
        gates = tuple(g for g in pattern.gates if g not in known)  # those two are tested anyway
        asks = kind == "phrase" and cue.question is True
        regex = pattern.at if pattern.leading else pattern.search
        entries.append(_Entry(cue, pattern, regex, anchor, conditional, gates, pattern.literals, asks))
    numbered = {key: tuple(number[p] for p in found if p in number) for key, found in index.items()}
    return _ViewPlan(by_key={key: found for key, found in numbered.items() if found},
                     always=tuple(number[p] for p in always if p in number), entries=tuple(entries))


def _scan(plan: _ViewPlan, view: TurnView, position: Position, kind: str, text: str,
          starts: Mapping[str, list[int]], sentences: Sentences | LazySentences,
          hits: dict[str, Hit], checked: dict[str, bool]) -> None:
    if not text:
        return
    candidates = set(plan.always)
    candidates.update(*filter(None, map(plan.by_key.get, starts)))
    entries = plan.entries
    present = starts.keys()
    for n in sorted(candidates):
        cue, pattern, regex, anchor, conditional, gates, literals, asks = entries[n]
        if cue.id in hits:
            continue
        # tests that rule a pattern out before its regex runs: a match needs them all
        if asks and not view.is_question:
            continue
        if gates and any(map(present.isdisjoint, gates)):
            continue
        if literals and _lacks(text, literals):
            continue
        if conditional:
            ok = checked.get(cue.id)
            if ok is None:
                ok = checked[cue.id] = _applies(cue, view, position)
            if not ok:
                continue
        matches: Iterable[re.Match[str] | None]
        if pattern.leading:  # tried only where one of its anchor words starts
            if anchor is not None:
                found = starts.get(anchor)
                if found is None:
                    continue
                at = found
            else:
                common = present & pattern.anchors
                if not common:
                    continue
                # word starts are listed in text order: those of several keys are merged
                at = starts[common.pop()] if len(common) == 1 else sorted(chain.from_iterable(
                    starts[k] for k in common))
            if len(at) == 1:  # the usual case: one word start to try
                m = regex.match(text, at[0])
                if m is None:
                    continue
                matches = (m,)
            else:
                matches = map(regex.match, repeat(text), at)
        else:
            matches = regex.finditer(text)
        hit = _first(cue, pattern, matches, text, sentences, kind)
        if hit is not None:
            hits[cue.id] = hit


def _lacks(text: str, literals: tuple[frozenset[str], ...]) -> bool:
    """Whether ``text`` lacks every string of one of the sets in ``literals``."""
    for options in literals:
        for literal in options:
            if literal in text:
                break
        else:
            return True
    return False


def _first(cue: Cue, pattern: CuePattern, matches: Iterable[re.Match[str] | None], text: str,
           sentences: Sentences | LazySentences, kind: str) -> Hit | None:
    """The hit of the first match, unless the cue wants (or refuses) a question and the match's
    sentence is not (is) one: then of the first match whose sentence suits the cue."""
    for m in matches:
        if m is None:
            continue
        n = sentences.index_at(m.start())
        q = sentences.questions[n] if sentences.questions else False
        if cue.question is None or cue.question == q:
            return Hit(cue, kind, m.group(0), q, n, m.end() / max(len(text), 1), pattern.source)
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
