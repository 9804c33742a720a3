"""Writing conversations and their results: upserts keyed by conversation id and content hash.

Everything here runs inside a transaction the caller opened; a batch is
either stored whole or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from servio.model import Conversation
from servio.results import ConversationResult
from servio.store.convert import conversation_row, result_rows, tag_rows, turn_rows
from servio.store.schema import (
    AgentRow,
    ConversationRow,
    FailureRow,
    FeedbackRow,
    StageScoreRow,
    StageTagRow,
    TeamRow,
    TurnRow,
)

CHUNK = 500  # ids per IN (...) list
#: What saving one conversation did.
OUTCOMES = ("new", "updated", "unchanged")
CHILD_TABLES = (TurnRow, StageTagRow, StageScoreRow, FailureRow, FeedbackRow)

Analyse = Callable[[Conversation], ConversationResult | None]


@dataclass(frozen=True, slots=True)
class Prepared:
    """A conversation ready to be written, with its result and the turns a reviewer corrected."""

    conv: Conversation
    result: ConversationResult
    digest: str
    tagger: str
    reviewed: frozenset[int] = frozenset()


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    """``items`` in slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def known_versions(session: Session, ids: Sequence[str]) -> dict[str, tuple[str, str]]:
    """``id -> (content hash, tagger)`` of the stored conversations among ``ids``."""
    out: dict[str, tuple[str, str]] = {}
    row = ConversationRow
    for part in chunks(list(ids)):
        query = select(row.id, row.content_hash, row.tagger).where(row.id.in_(part))
        for cid, digest, tagger in session.execute(query):
            out[cid] = (digest, tagger)
    return out


def _insert_ignore(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    """INSERT rows, skipping those whose primary key exists (both dialects support ON CONFLICT)."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    session.execute(module.insert(model).on_conflict_do_nothing(), rows)


def ensure_people(session: Session, convs: Iterable[Conversation], now: datetime) -> None:
    """Rows for every agent and team named, each agent with the team it was last seen in."""
    teams = sorted({c.team for c in convs if c.team})
    _insert_ignore(session, TeamRow, [{"id": t, "created_at": now} for t in teams])
    agents: dict[str, str | None] = {}
    for conv in convs:
        if conv.agent_id:
            agents[conv.agent_id] = conv.team or agents.get(conv.agent_id)
    _insert_ignore(session, AgentRow, [{"id": a, "team": t, "created_at": now} for a, t in agents.items()])
    moved = [{"id": a, "team": t} for a, t in agents.items() if t]
    if moved:  # ORM bulk UPDATE by primary key
        session.execute(update(AgentRow), moved)


def delete_children(session: Session, ids: Sequence[str], tables: Sequence[type] = CHILD_TABLES) -> None:
    """Remove the turns, tags, scores, failures and feedback of ``ids``."""
    for model in tables:
        column: Any = model.conversation_id  # type: ignore[attr-defined]
        for part in chunks(list(ids)):
            session.execute(delete(model).where(column.in_(part)))


def insert_results(session: Session, items: Sequence[Prepared]) -> None:
    """Insert the child rows (turns, tags, scores, failures, feedback) of ``items`` in bulk."""
    rows: dict[type, list[dict[str, Any]]] = {model: [] for model in CHILD_TABLES}
    for item in items:
        rows[TurnRow].extend(turn_rows(item.conv))
        _add_result_rows(rows, item.conv.id, item.result, item.reviewed)
    _insert_all(session, rows)


def _add_result_rows(rows: dict[type, list[dict[str, Any]]], conv_id: str, result: ConversationResult,
                     reviewed: frozenset[int]) -> None:
    rows[StageTagRow].extend(tag_rows(conv_id, result.turns, reviewed))
    for model, extra in result_rows(conv_id, result).items():
        rows[model].extend(extra)


def _insert_all(session: Session, rows: dict[type, list[dict[str, Any]]]) -> None:
    for model, batch in rows.items():
        core_insert(session, model, batch)


@cache
def _column_names(model: type) -> dict[str, str]:
    mapper: Any = sa_inspect(model)
    return {prop.key: prop.columns[0].name for prop in mapper.column_attrs}


def core_insert(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    """A Core executemany INSERT of rows keyed by attribute names (much faster than ORM bulk inserts)."""
    if not rows:
        return
    names = _column_names(model)
    table: Any = model.__table__  # type: ignore[attr-defined]
    session.execute(table.insert(), [{names[k]: v for k, v in row.items()} for row in rows])


def write(session: Session, items: Sequence[Prepared], existing: set[str], now: datetime) -> None:
    """Insert new conversations and replace the stored content of ``existing`` ones, in bulk."""
    ensure_people(session, [i.conv for i in items], now)
    fresh = [i for i in items if i.conv.id not in existing]
    changed = [i for i in items if i.conv.id in existing]
    if fresh:
        core_insert(session, ConversationRow, [_row(i, now) for i in fresh])
    if changed:
        delete_children(session, [i.conv.id for i in changed])
        values = [_row(item, now) for item in changed]
        for row in values:
            del row["imported_at"]
        session.execute(update(ConversationRow), values)  # ORM bulk UPDATE by primary key
    insert_results(session, items)


def _row(item: Prepared, now: datetime) -> dict[str, Any]:
    return conversation_row(item.conv, item.result, digest=item.digest, tagger=item.tagger, now=now)


def rescore(session: Session, conv_id: str, result: ConversationResult, reviewed: frozenset[int],
            now: datetime) -> None:
    """Replace the tags, scores, failures and feedback of one stored conversation (turns stay)."""
    delete_children(session, [conv_id], CHILD_TABLES[1:])
    session.execute(
        update(ConversationRow).where(ConversationRow.id == conv_id)
        .values(overall=float(result.overall), contact_type=result.contact_type, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    rows: dict[type, list[dict[str, Any]]] = {model: [] for model in CHILD_TABLES[1:]}
    _add_result_rows(rows, conv_id, result, reviewed)
    _insert_all(session, rows)
