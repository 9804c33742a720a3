"""Profiles' tallies from grouped rows: what the team page and the profiles need, without a result
per conversation.

Three statements for any number of conversations: the conversations' light columns (one plain row
each, in id order: the order :meth:`~servio.store.Store.results` gives, which decides ties), their
stage scores grouped by (key, stage, score, present, applies) and their failure patterns grouped by
(key, pattern). Every stage score was a Python object per conversation before (140,000 for 20,000
conversations); now the database counts them. See :mod:`servio.evaluate.tally`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, distinct, func, select
from sqlalchemy.orm import Session

from servio.store.schema import ConversationRow, FailureRow, StageScoreRow

if TYPE_CHECKING:
    from servio.evaluate.tally import Tally, ZeroScores

BY = ("agent", "team")


def key_column(by: str) -> Any:
    """The conversations' column a tally is grouped by: ``agent_id`` or ``team``."""
    if by not in BY:
        raise ValueError(f"tallies are by 'agent' or 'team', not {by!r}")
    return ConversationRow.agent_id if by == "agent" else ConversationRow.team


def tallies(session: Session, query: Select[Any], by: str, *, ids: bool = False) -> dict[str | None, Tally]:
    """Per agent or team (``by``; None: conversations without one) the tally of the conversations
    ``query`` selects (:func:`~servio.store.queries.filtered`); with ``ids``, their ids too."""
    from servio.evaluate.tally import TallyBuilder  # not at import: servio.store loads no evaluation

    c, key = ConversationRow, key_column(by)
    builders: dict[str | None, TallyBuilder] = {}
    rows = query.with_only_columns(c.id, key, c.team, c.language, c.overall, c.unread_count).order_by(c.id)
    for position, (cid, group, team, language, overall, unread) in enumerate(session.execute(rows)):
        builder = builders.get(group)
        if builder is None:
            builder = builders[group] = TallyBuilder(keep_ids=ids)
        builder.conversation(position, cid, overall, team, language, unread > 0)
    if not builders:
        return {}
    chosen = query.with_only_columns(c.id.label("id"), key.label("key")).subquery()
    s = StageScoreRow
    stages = (select(chosen.c.key, s.stage, s.score, s.present, s.weight, func.count())
              .join_from(chosen, s, s.conversation_id == chosen.c.id)
              .group_by(chosen.c.key, s.stage, s.score, s.present, s.weight))
    for group, stage, score, present, weight, n in session.execute(stages):
        builders[group].stage(stage, score, present, weight, n)
    fr = FailureRow
    failures = (select(chosen.c.key, fr.pattern, func.count(distinct(fr.conversation_id)))
                .join_from(chosen, fr, fr.conversation_id == chosen.c.id)
                .group_by(chosen.c.key, fr.pattern))
    for group, pattern, n in session.execute(failures):
        builders[group].failure(pattern, n)
    return {group: b.build() for group, b in builders.items()}


def zero_scores(session: Session, query: Select[Any]) -> dict[int, ZeroScores]:
    """Per stage, the stage scores of the conversations ``query`` selects that were carried where the stage
    applies yet scored 0, with the checks that failed in them (:func:`servio.evaluate.tally.zero_scores`).

    One statement, reading the checks of those scores only (``score <= 0.5`` is ``round(score) == 0``).
    """
    from servio.evaluate.tally import zero_scores as counted

    chosen = query.with_only_columns(ConversationRow.id.label("id")).subquery()
    s = StageScoreRow
    rows = (select(s.stage, s.checks).join_from(chosen, s, s.conversation_id == chosen.c.id)
            .where(s.present.is_(True), s.weight > 0, s.score <= 0.5))
    return counted((stage, [(str(c.get("id")), bool(c.get("passed"))) for c in checks or ()
                            if isinstance(c, dict)])
                   for stage, checks in session.execute(rows))
