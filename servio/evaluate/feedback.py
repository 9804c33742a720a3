"""Coaching feedback in the conversation's language, and the texts it is made of.

Texts live in ``servio/data/feedback/{et,en}.toml``; a scorecard check may
carry its own. Praise comes first (at most a couple of stages done well),
then improvements ordered by importance: the stage weight times the share
of the stage score the failed check (or the missing stage) costs. A conversation
that lost turns on reading gets a notice before all of them (:func:`incomplete_notice`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Collection, Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

from servio.evaluate.scorecard import Scorecard
from servio.model import LANGUAGES
from servio.results import CheckResult, Feedback, StageScore
from servio.stages import Stage


def texts(language: str) -> Mapping[str, Any]:
    """The coaching texts of ``language`` (``et`` or ``en``; anything else gets English). Read-only."""
    return _texts(language if language in LANGUAGES else "en")


@cache
def _texts(lang: str) -> Mapping[str, Any]:
    raw = resources.files("servio.data").joinpath("feedback", f"{lang}.toml").read_text("utf-8")
    return tomllib.loads(raw)


def pattern_name(pattern_id: str, language: str) -> str:
    """A failure pattern's name in plain words (its id, spelled out, if there is no text for it)."""
    entry = texts(language).get("pattern", {}).get(pattern_id, {})
    return str(entry.get("name", pattern_id.replace("_", " ")))


def _stage_key(stage: int) -> str:
    return Stage(stage).name.lower()


def _stage_text(stage: int, kind: str, language: str) -> str:
    return str(texts(language)["stage"][_stage_key(stage)][kind])


def check_text(card: Scorecard, check_id: str, kind: str, language: str) -> str | None:
    """The ``improve`` or ``praise`` text of a check: the scorecard's own, else the data file's."""
    lang = language if language in LANGUAGES else "en"
    try:
        spec = card.check(check_id)
    except KeyError:
        spec = None
    if spec is not None and kind in spec.texts.get(lang, {}):
        return spec.texts[lang][kind]
    entry = texts(lang).get("check", {}).get(check_id, {})
    if kind in entry:
        return str(entry[kind])
    return None


def coach(scores: Sequence[StageScore], language: str, card: Scorecard,
          unread: Sequence[str] = (), flagged: Collection[int] = ()) -> tuple[Feedback, ...]:
    """Praise for the best stages, then improvements by importance, in ``language``; first of all, when
    records of the conversation could not be read (``unread``), the :func:`incomplete_notice`.

    No praise points at a turn in ``flagged`` (the turns that failure patterns name): a pitch named
    "solution before needs" is not also praised as a concrete solution."""
    applicable = [s for s in scores if s.weight > 0]
    settings = card.feedback
    praise = _praise(applicable, language, card, frozenset(flagged))[: settings.max_praise]
    improve = _improvements(applicable, language, card)[: settings.max_improve]
    notice = [incomplete_notice(unread, language)] if unread else []
    return tuple(notice + praise + improve)


#: Where an incomplete conversation's notice names at most this many lost records.
SHOWN_UNREAD = 3


def unread_text(unread: Sequence[str], language: str) -> str:
    """Where records of a conversation were lost, for people: ``chats.csv:12, chats.csv:16`` (the file's
    name, not its folders: an upload's is a temporary one), the first :data:`SHOWN_UNREAD` and how many
    more."""
    shown = ", ".join(_file_name(w) for w in unread[:SHOWN_UNREAD])
    more = len(unread) - SHOWN_UNREAD
    if more <= 0:
        return shown
    return str(texts(language)["incomplete"]["more"]).format(shown=shown, more=more)


def _file_name(where: str) -> str:
    return where.replace("\\", "/").rsplit("/", 1)[-1]


def incomplete_notice(unread: Sequence[str], language: str) -> Feedback:
    """The first item of an incomplete conversation's feedback (kind ``incomplete``, stage 0): how many
    of its turns could not be read and where, so that no score or advice blames the agent for them unsaid."""
    entry = texts(language)["incomplete"]
    template = str(entry["one" if len(unread) == 1 else "many"])
    return Feedback(0, "incomplete", template.format(count=len(unread), where=unread_text(unread, language)))


def _praise(scores: Sequence[StageScore], language: str, card: Scorecard,
            flagged: frozenset[int]) -> list[Feedback]:
    good = [s for s in scores if s.present and s.score >= card.feedback.praise_min_score]
    good.sort(key=lambda s: (-s.weight * s.score, s.stage))
    items = (_praise_item(s, language, card, flagged) for s in good)
    return [item for item in items if item is not None]


def _praise_item(score: StageScore, language: str, card: Scorecard,
                 flagged: frozenset[int]) -> Feedback | None:
    """The praise of a stage: its heaviest passed check with a text, at a turn no failure pattern names
    (none when every such check is at a named turn: the stage's general praise would say the same);
    for a stage none of whose passed checks has a text, the stage's own praise at its first turn not
    named."""
    passed = sorted((c for c in score.checks if c.passed), key=lambda c: -c.weight)
    worded = [(c, text) for c in passed if (text := check_text(card, c.id, "praise", language))]
    if worded:
        check, text = next(((c, t) for c, t in worded if c.turn not in flagged), (None, ""))
        return Feedback(score.stage, "praise", text, check.turn) if check is not None else None
    turn = next((t for t in score.turns if t not in flagged), None)
    if turn is None:
        return None
    return Feedback(score.stage, "praise", _stage_text(score.stage, "praise", language), turn)


def _improvements(scores: Sequence[StageScore], language: str, card: Scorecard) -> list[Feedback]:
    ranked: list[tuple[float, int, int, Feedback]] = []
    for s in scores:
        failed = [c for c in s.checks if not c.passed]
        if not s.present:
            item = Feedback(s.stage, "missing", _stage_text(s.stage, "missing", language), None)
            ranked.append((s.weight, s.stage, 0, item))
            # the "missing" advice covers the stage's own checks, not those that judge the whole
            # conversation (a curt tone, an unacknowledged wait): those are coached too, right after
            # it and as important, since the stage's whole weight is lost with them
            for order, check in enumerate((c for c in failed if _coached_when_missing(card, c.id)), start=1):
                ranked.append((s.weight, s.stage, order, _improve_item(s.stage, check, language, card)))
            continue
        total = sum(c.weight for c in s.checks)
        for order, check in enumerate(failed, start=1):
            importance = s.weight * check.weight / total if total else 0.0
            ranked.append((importance, s.stage, order, _improve_item(s.stage, check, language, card)))
    ranked.sort(key=lambda r: (-r[0], r[1], r[2]))
    return _unique([r[3] for r in ranked if r[0] > 0])


def _coached_when_missing(card: Scorecard, check_id: str) -> bool:
    try:
        return card.check(check_id).coach_when_missing
    except KeyError:
        return False


def _improve_item(stage: int, check: CheckResult, language: str, card: Scorecard) -> Feedback:
    text = check_text(card, check.id, "improve", language) or _stage_text(stage, "improve", language)
    return Feedback(stage, "improve", text, check.turn)


def _unique(items: list[Feedback]) -> list[Feedback]:
    seen: set[tuple[str, int | None]] = set()
    out = []
    for item in items:
        key = (item.text, item.turn)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out
