"""Reading: one conversation in full, filtered listings, and light results for profiles and exports."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.orm import Session

from servio.model import Conversation, Speaker, Turn
from servio.results import ConversationResult, FailurePattern, StageScore
from servio.store.convert import (
    conversation_of,
    restore_time,
    result_of,
    turn_hash,
    turn_tags_of,
)
from servio.store.schema import (
    ConversationRow,
    CorrectionRow,
    FailureRow,
    FeedbackRow,
    StageScoreRow,
    StageTagRow,
    TurnRow,
)
from servio.store.types import ConversationFilter, ConversationSummary, Page
from servio.store.writer import chunks


@dataclass(frozen=True, slots=True)
class Loaded:
    """A stored conversation with its result, tagger name and the turns a reviewer corrected."""

    row: ConversationRow
    conversation: Conversation
    result: ConversationResult
    reviewed: frozenset[int]


def _children(session: Session, model: Any, conv_id: str) -> list[Any]:
    return list(session.scalars(select(model).where(model.conversation_id == conv_id)))


#: The tables holding a conversation's parts, in the order :func:`_loaded` takes them.
CHILDREN: tuple[Any, ...] = (TurnRow, StageTagRow, StageScoreRow, FailureRow, FeedbackRow, CorrectionRow)


def load(session: Session, conv_id: str, *, lock: bool = False) -> Loaded | None:
    """Everything stored about one conversation, or None."""
    query = select(ConversationRow).where(ConversationRow.id == conv_id)
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        return None
    return _loaded(row, *(_children(session, model, conv_id) for model in CHILDREN))


def load_many(session: Session, conv_ids: Sequence[str]) -> Iterator[Loaded]:
    """Everything stored about each of ``conv_ids`` that exists, in their order: seven queries per
    :data:`~servio.store.writer.CHUNK` conversations instead of seven per conversation."""
    for part in chunks(list(conv_ids)):
        rows = {r.id: r for r in session.scalars(select(ConversationRow).where(ConversationRow.id.in_(part)))}
        kids: dict[Any, dict[str, list[Any]]] = {}
        for model in CHILDREN:
            kids[model] = {cid: [] for cid in part}
            for child in session.scalars(select(model).where(model.conversation_id.in_(part))):
                kids[model][child.conversation_id].append(child)
        for cid in part:
            if cid in rows:
                yield _loaded(rows[cid], *(kids[model][cid] for model in CHILDREN))


def _loaded(row: ConversationRow, turns: list[Any], tags: list[Any], scores: list[Any], failures: list[Any],
            feedback: list[Any], corrections: list[Any]) -> Loaded:
    conv = conversation_of(row, turns)
    result = result_of(row, turn_tags_of(row.turn_count, tags), scores, failures, feedback)
    return Loaded(row, conv, result, reviewed_turns(conv, corrections))


def reviewed_turns(conv: Conversation, corrections: Sequence[CorrectionRow]) -> frozenset[int]:
    """Turns whose latest correction still applies (the turn's speaker and text are unchanged)."""
    return frozenset(latest_corrections(conv, corrections))


def latest_corrections(conv: Conversation, corrections: Sequence[CorrectionRow]) -> dict[int, CorrectionRow]:
    """Per turn index, the latest correction that still applies to ``conv``."""
    return latest_of([turn_hash(t) for t in conv.turns], corrections)


def latest_of(hashes: Sequence[str], corrections: Sequence[CorrectionRow]) -> dict[int, CorrectionRow]:
    """Per turn index, the latest correction that still applies to the turns of ``hashes`` (each turn's
    :func:`~servio.store.convert.turn_hash`, in order)."""
    latest: dict[int, CorrectionRow] = {}
    for c in sorted(corrections, key=lambda c: (c.created_at, c.id)):
        if c.turn_index < len(hashes) and c.turn_hash == hashes[c.turn_index]:
            latest[c.turn_index] = c
        else:
            latest.pop(c.turn_index, None)
    return latest


def _missing(stage: int) -> Any:
    s = StageScoreRow
    return exists().where(s.conversation_id == ConversationRow.id, s.stage == stage,
                          s.present.is_(False), s.weight > 0)


def filtered(f: ConversationFilter) -> Select[Any]:
    """SELECT of the conversation rows matching ``f`` (no order, limit or offset)."""
    c = ConversationRow
    conds: list[Any] = []
    for column, value in ((c.agent_id, f.agent_id), (c.team, f.team), (c.contact_type, f.contact_type),
                          (c.language, f.language), (c.channel, f.channel)):
        if value is not None:
            conds.append(column == value)
    # a day is the conversation's own (its started_day, indexed); a moment is a moment (started_at, UTC)
    if f.first_day is not None:
        conds.append(c.started_day >= f.first_day)
    elif f.start is not None:
        conds.append(c.started_at >= f.start)
    if f.last_day is not None:
        conds.append(c.started_day <= f.last_day)
    elif f.end is not None:
        conds.append(c.started_at <= f.end)
    if f.score_min is not None:
        conds.append(c.overall >= f.score_min)
    if f.score_max is not None:
        conds.append(c.overall <= f.score_max)
    if f.missing_stage is not None:
        conds.append(_missing(f.missing_stage))
    if f.updated_since is not None:  # stored, re-analysed or corrected since (a sync's last run)
        conds.append(c.updated_at >= f.updated_since)
    if f.incomplete is not None:  # records of it could not be read (True), or none (False)
        conds.append(c.unread_count > 0 if f.incomplete else c.unread_count == 0)
    if f.failure is not None:  # IN, not a correlated EXISTS: SQLite ran that per conversation over every
        # row of the pattern (its index), 23 s for 20,000 conversations; IN reads the pattern's rows once
        conds.append(c.id.in_(select(FailureRow.conversation_id).where(FailureRow.pattern == f.failure)))
    return select(c).where(and_(*conds)) if conds else select(c)


def team_ids(team: str) -> Select[Any]:
    """SELECT of the ids of one team's conversations (for ``IN`` conditions)."""
    return select(ConversationRow.id).where(ConversationRow.team == team)


def ordered(query: Select[Any], sort: str) -> Select[Any]:
    """``query`` ordered by a :data:`~servio.store.types.SORT_KEYS` key, nulls last, then by id."""
    column = getattr(ConversationRow, sort.removeprefix("-"))
    direction = column.desc() if sort.startswith("-") else column.asc()
    if sort.removeprefix("-") == "id":
        return query.order_by(direction)
    return query.order_by(column.is_(None), direction, ConversationRow.id)


def page(session: Session, f: ConversationFilter) -> Page[ConversationSummary]:
    """One page of summaries and the total number matching."""
    base = filtered(f)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = list(session.scalars(ordered(base, f.sort).limit(f.limit).offset(f.offset)))
    return Page(items=tuple(summaries(session, rows)), total=int(total), limit=f.limit, offset=f.offset)


def _corrected(session: Session, ids: Sequence[str]) -> set[str]:
    """Those of ``ids`` with a correction still in force: one whose turn was not changed by a re-import
    since (a lapsed correction stays in the audit trail, but the stages are the tagger's again)."""
    by_id: dict[str, list[CorrectionRow]] = {}
    for c in session.scalars(select(CorrectionRow).where(CorrectionRow.conversation_id.in_(ids))):
        by_id.setdefault(c.conversation_id, []).append(c)
    if not by_id:
        return set()
    turns: dict[str, dict[int, str]] = {cid: {} for cid in by_id}
    t = TurnRow
    for cid, idx, speaker, text in session.execute(select(t.conversation_id, t.idx, t.speaker, t.text).where(
            t.conversation_id.in_(list(by_id)))):
        turns[cid][idx] = turn_hash(Turn(Speaker(speaker), text))
    return {cid for cid, rows in by_id.items()
            if latest_of([turns[cid][i] for i in sorted(turns[cid])], rows)}


def summaries(session: Session, rows: Sequence[Any]) -> list[ConversationSummary]:
    """Summaries of ``rows`` (conversation rows, or :func:`export_part`'s; three queries for the whole
    list)."""
    ids = [r.id for r in rows]
    missing: dict[str, list[int]] = {i: [] for i in ids}
    failures: dict[str, list[str]] = {i: [] for i in ids}
    corrected: set[str] = set()
    for part in chunks(ids):
        s = StageScoreRow
        for cid, stage in session.execute(select(s.conversation_id, s.stage).where(
                s.conversation_id.in_(part), s.present.is_(False), s.weight > 0).order_by(s.stage)):
            missing[cid].append(stage)
        for cid, pattern in session.execute(select(FailureRow.conversation_id, FailureRow.pattern).where(
                FailureRow.conversation_id.in_(part)).order_by(FailureRow.position)):
            failures[cid].append(pattern)
        corrected.update(_corrected(session, part))
    return [
        ConversationSummary(
            id=r.id, language=r.language, channel=r.channel, agent_id=r.agent_id, team=r.team,
            contact_type=r.contact_type, started_at=r.started_at, overall=r.overall, turns=r.turn_count,
            missing_stages=tuple(missing[r.id]), failures=tuple(failures[r.id]), corrected=r.id in corrected,
            unread=r.unread_count,
            imported_at=r.imported_at, updated_at=r.updated_at, started_day=r.started_day)
        for r in rows
    ]


#: What an export row reads of a conversation's row (:func:`summaries` and :func:`light_results`).
EXPORT_COLUMNS = (ConversationRow.id, ConversationRow.language, ConversationRow.channel,
                  ConversationRow.unread_count, ConversationRow.unread, ConversationRow.agent_id,
                  ConversationRow.team,
                  ConversationRow.contact_type,
                  ConversationRow.started_at, ConversationRow.started_offset, ConversationRow.started_day,
                  ConversationRow.overall,
                  ConversationRow.turn_count, ConversationRow.imported_at, ConversationRow.updated_at)


def export_part(session: Session, ids: Sequence[str]) -> list[Any]:
    """The :data:`EXPORT_COLUMNS` of the conversations ``ids`` (those that exist), in that order, as plain
    rows: no ORM objects and no metadata JSON."""
    found = {r.id: r for r in session.execute(select(*EXPORT_COLUMNS).where(ConversationRow.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


#: What a light result reads of a conversation's row (no metadata, hashes or times of import).
LIGHT_COLUMNS = (ConversationRow.id, ConversationRow.language, ConversationRow.contact_type,
                 ConversationRow.unread, ConversationRow.agent_id, ConversationRow.team,
                 ConversationRow.overall,
                 ConversationRow.started_at, ConversationRow.started_offset)


def light_rows(session: Session, query: Select[Any]) -> list[Any]:
    """The :data:`LIGHT_COLUMNS` of the rows ``query`` selects, by id (plain rows, not ORM objects)."""
    return list(session.execute(ordered(query, "id").with_only_columns(*LIGHT_COLUMNS)))


def light_results(session: Session, rows: Sequence[Any]) -> Iterator[ConversationResult]:
    """Results of ``rows`` (conversation rows, or :func:`light_rows`), in order, with scores and failures
    but no turns or feedback, and stage scores without their turns and checks.

    Columns are read as plain values, without ORM objects or the scores' JSON: what profiles, charts
    and exports need, and quick enough for a whole contact centre (20,000 conversations: 10 s -> 1 s).
    """
    s, fr = StageScoreRow, FailureRow
    # the objects are frozen, so equal ones are shared: a contact centre's scores take a few thousand
    # values, not seven per conversation (building 140,000 dataclasses was half of the time)
    shared_scores: dict[tuple[Any, ...], StageScore] = {}
    shared_failures: dict[tuple[Any, ...], FailurePattern] = {}
    for part in chunks(list(rows)):
        ids = [r.id for r in part]
        scores: dict[str, list[StageScore]] = {i: [] for i in ids}
        fails: dict[str, list[tuple[int, FailurePattern]]] = {i: [] for i in ids}
        for cid, stage, value, present, weight in session.execute(select(
                s.conversation_id, s.stage, s.score, s.present, s.weight).where(s.conversation_id.in_(ids))):
            score = shared_scores.get((stage, value, present, weight))
            if score is None:
                score = StageScore(stage=stage, score=value, present=present, weight=weight)
                shared_scores[stage, value, present, weight] = score
            scores[cid].append(score)
        for cid, position, pattern, text, turn in session.execute(
                select(fr.conversation_id, fr.position, fr.pattern, fr.text, fr.turn).where(
                    fr.conversation_id.in_(ids))):
            failure = shared_failures.get((pattern, text, turn))
            if failure is None:
                failure = shared_failures[pattern, text, turn] = FailurePattern(pattern, text, turn)
            fails[cid].append((position, failure))
        for r in part:
            yield ConversationResult(
                conversation_id=r.id, language=r.language, contact_type=r.contact_type, agent_id=r.agent_id,
                team=r.team, turns=(), overall=r.overall,
                stage_scores=tuple(sorted(scores[r.id], key=lambda x: x.stage)),
                failures=tuple(f for _, f in sorted(fails[r.id], key=lambda pf: pf[0])),
                started_at=_iso(restore_time(r.started_at, r.started_offset)),
                unread=tuple(r.unread or ()),
            )


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
