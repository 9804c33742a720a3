"""Conversations: list with filters, detail, CSV export."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, status
from fastapi.responses import StreamingResponse

from servio import audit
from servio.evaluate.registry import known_failure, pattern_ids
from servio.model import Channel, ContactType
from servio.service.auth import Admin, CurrentUser
from servio.service.days import Moment
from servio.service.errors import invalid
from servio.service.schemas.conversations import ConversationOut, ConversationPage
from servio.service.scope import Scope
from servio.service.shape import conversation_detail
from servio.store.types import BadFilter, ConversationFilter, User

router = APIRouter(tags=["conversations"])

SortKey = Literal["id", "started_at", "overall", "updated_at", "imported_at",
                  "-id", "-started_at", "-overall", "-updated_at", "-imported_at"]
ConversationId = Annotated[str, Path(min_length=1, max_length=255, description="The conversation id "
                                     "(URL-encoded; it may hold `/`).")]


class Filters:
    """The filter query parameters shared by the listing and the CSV export."""

    def __init__(
        self,
        # an empty value is refused (422) like an empty date_from, not taken as an id no one has (0 rows)
        agent_id: Annotated[str | None, Query(min_length=1, max_length=255,
                                              description="Only this agent's.")] = None,
        team: Annotated[str | None, Query(min_length=1, max_length=255,
                                          description="Only this team's.")] = None,
        date_from: Annotated[Moment | None, Query(description="Started on or after this day, the day it "
                                                  "started on in its own time zone; or at or after this "
                                                  "date-time (no zone means UTC).")] = None,
        date_to: Annotated[Moment | None, Query(description="Started on or before this day (its own), or "
                                                "at or before this date-time.")] = None,
        contact_type: Annotated[ContactType | None, Query(description="support, sales, complaint or "
                                                          "information.")] = None,
        missing_stage: Annotated[int | None, Query(ge=1, le=7, description="Applicable stage the agent "
                                                   "never carried.")] = None,
        failure: Annotated[str | None, Query(min_length=1, max_length=64, description="A failure pattern id, "
                                             "e.g. solution_before_needs.")] = None,
        score_min: Annotated[float | None, Query(ge=0, le=100, description="Overall score at least.")] = None,
        score_max: Annotated[float | None, Query(ge=0, le=100, description="Overall score at most.")] = None,
        language: Annotated[Literal["et", "en"] | None, Query()] = None,
        channel: Annotated[Channel | None, Query(description="chat, email, phone, twitter or other.")] = None,
        incomplete: Annotated[bool | None, Query(description="true: only conversations some records of "
                                                 "which could not be read on import; false: only complete "
                                                 "ones.")] = None,
        updated_from: Annotated[Moment | None, Query(
            description="Stored, re-analysed or corrected at or after this date-time (no zone means UTC; a "
                        "day is its first moment in UTC): what changed since a sync.")] = None,
        sort: Annotated[SortKey, Query(description="Sort key; prefix - for descending.")] = "-started_at",
    ) -> None:
        self.values: dict[str, Any] = {
            "agent_id": agent_id, "team": team, "date_from": date_from, "date_to": date_to,
            "contact_type": str(contact_type) if contact_type else None, "missing_stage": missing_stage,
            "failure": failure, "score_min": score_min, "score_max": score_max, "language": language,
            "channel": str(channel) if channel else None, "incomplete": incomplete,
            "updated_from": updated_from, "sort": sort,
        }

    def build(self, user: User, store: Any, *, limit: int = 50, offset: int = 0) -> ConversationFilter:
        """The store filter, limited to the user's scope (403 for another's; 422 naming the field for a bad
        value, values that are wrong together, or a failure pattern id that is neither registered nor
        stored)."""
        failure = self.values["failure"]
        if failure is not None and not known_failure(failure, store.list_conversations):
            invalid(("failure", f"failure must be a failure pattern id: {', '.join(pattern_ids())}"))
        agent_id, team = Scope.of(user).listing(self.values["agent_id"], self.values["team"])
        values = dict(self.values, agent_id=agent_id, team=team)
        try:
            return ConversationFilter(**values, limit=limit, offset=offset)
        except BadFilter as exc:  # date_to before date_from, score_max below score_min: 422 as any bad value
            invalid((exc.field, str(exc)))


@router.get("/conversations", response_model=ConversationPage, summary="List conversations",
            description="Scored conversations matching every filter given, one page at a time. "
                        "Agents see only their own, team leads only their team's.")
def list_conversations(request: Request, user: CurrentUser, filters: Annotated[Filters, Depends()],
                       limit: Annotated[int, Query(ge=1, le=1000)] = 50,
                       offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> Any:
    store = request.app.state.store
    page = store.list_conversations(filters.build(user, store, limit=limit, offset=offset))
    return {"items": [s.to_dict() for s in page.items], "total": page.total, "limit": page.limit,
            "offset": page.offset}


@router.get("/conversations.csv", summary="Export conversations as CSV",
            description="One row per conversation matching the filters: id, start, language, channel, "
                        "contact type, agent, team, turns, overall score, the score of each stage "
                        "(empty where it does not apply), missing stages, failure patterns, corrected, "
                        "unread (how many records could not be read on import: 0 for a complete one).",
            response_class=StreamingResponse,
            responses={200: {"content": {"text/csv": {"example": "id,started_at,language,...\n"}}}})
def export_csv(request: Request, user: CurrentUser, filters: Annotated[Filters, Depends()],
               dialect: Annotated[Literal["rfc4180", "excel"], Query(
                   description="rfc4180: `,` between cells, `79.3`; excel: for a spreadsheet whose list "
                               "separator is `;` and decimal separator `,` (Estonian Excel): `;`, `79,3` "
                               "and a UTF-8 byte order mark.")] = "rfc4180") -> StreamingResponse:
    from servio.store.export import csv_chunks

    store = request.app.state.store
    chosen = filters.build(user, store, limit=1)
    rows = store.export_rows(chosen)
    audit.of_request(request, user, "conversations.export", via="api", filters=audit.filters_of(chosen))
    return StreamingResponse(csv_chunks(rows, dialect=dialect), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": 'attachment; filename="conversations.csv"'})


def visible_conversation(request: Request, user: User,
                         conversation_id: str) -> tuple[Any, Any, frozenset[int]]:
    """A stored conversation, its result and the turns whose correction is in force, or 404 (also for
    one out of the user's scope)."""
    scope = Scope.of(user)
    found = request.app.state.store.get_reviewed(conversation_id)
    if found is None or not scope.sees(found[0].agent_id, found[0].team):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no conversation {conversation_id!r}")
    return found


@router.get("/conversations/{conversation_id:path}", response_model=ConversationOut,
            summary="One conversation",
            description="Turns with their stages and the evidence behind each, stage scores with the "
                        "scorecard checks, failure patterns and coaching feedback.")
def get_conversation(request: Request, conversation_id: ConversationId, user: CurrentUser) -> Any:
    conv, result, reviewed = visible_conversation(request, user, conversation_id)
    trail = request.app.state.store.corrections(conversation_id, limit=1000)
    return conversation_detail(conv, result, len(trail), corrected=bool(reviewed))


@router.delete("/conversations/{conversation_id:path}", status_code=204,
               summary="Delete a conversation (admins)",
               description="Removes the conversation, its turns, tags, scores and corrections for good, "
                           "for example on a customer's request to erase their data. 404 when there is "
                           "no such conversation. `servio delete --before DATE` removes by age.")
def delete_conversation(request: Request, conversation_id: ConversationId, user: Admin) -> None:
    if not request.app.state.store.delete_conversation(conversation_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no conversation {conversation_id!r}")
    audit.of_request(request, user, "conversation.delete", via="api", conversation=conversation_id)
