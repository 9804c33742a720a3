"""Reviewer corrections: change a turn's stages (re-scores, audit record), list them, export them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import StreamingResponse

from servio import audit
from servio.service.auth import Staff
from servio.service.routers.conversations import ConversationId, visible_conversation
from servio.service.schemas.conversations import CorrectionOut, CorrectionResultOut, StagesIn
from servio.service.scope import Scope
from servio.service.shape import conversation_detail

router = APIRouter(tags=["corrections"])

TurnIndex = Annotated[int, Path(ge=0, le=1_000_000, description="The turn's index (from 0).")]


def _correct(request: Request, conversation_id: str, turn: int, body: StagesIn, user: Any) -> dict[str, Any]:
    store = request.app.state.store
    visible_conversation(request, user, conversation_id)
    store.correct_turn(conversation_id, turn, body.stages, user)
    conv, result, reviewed = store.get_reviewed(conversation_id)
    records = store.corrections(conversation_id, limit=1000)
    detail = conversation_detail(conv, result, len(records), corrected=bool(reviewed))
    return {"correction": records[0].to_dict(), "conversation": detail}


_DESCRIPTION = ("Sets the complete list of stages of one turn as a reviewer. The conversation is re-scored "
                "(stage scores, failure patterns, coaching) and an audit record keeps who changed what, "
                "when, before and after. A later re-import keeps the correction while the turn's text "
                "is unchanged. Team leads correct their own team's conversations only.")


@router.put("/conversations/{conversation_id:path}/turns/{turn}/stages", response_model=CorrectionResultOut,
            summary="Correct a turn's stages", description=_DESCRIPTION)
def put_stages(request: Request, conversation_id: ConversationId, turn: TurnIndex, body: StagesIn,
               user: Staff) -> Any:
    return _correct(request, conversation_id, turn, body, user)


@router.post("/conversations/{conversation_id:path}/turns/{turn}/stages", response_model=CorrectionResultOut,
             summary="Correct a turn's stages (same as PUT)", description=_DESCRIPTION)
def post_stages(request: Request, conversation_id: ConversationId, turn: TurnIndex, body: StagesIn,
                user: Staff) -> Any:
    return _correct(request, conversation_id, turn, body, user)


@router.get("/conversations/{conversation_id:path}/corrections", response_model=list[CorrectionOut],
            summary="The corrections of one conversation", description="Newest first.")
def conversation_corrections(request: Request, conversation_id: ConversationId, user: Staff) -> Any:
    visible_conversation(request, user, conversation_id)
    return [c.to_dict() for c in request.app.state.store.corrections(conversation_id, limit=1000)]


@router.get("/corrections", response_model=list[CorrectionOut], summary="All corrections (audit trail)",
            description="Every reviewer correction, newest first (a team lead: of their team's "
                        "conversations).")
def list_corrections(request: Request, user: Staff, limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                     offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> Any:
    team = Scope.of(user).team
    return [c.to_dict() for c in request.app.state.store.corrections(limit=limit, offset=offset, team=team)]


@router.get("/corrections/export", summary="Export corrected conversations for retraining",
            description="JSON Lines in the `../shared/data` format: one conversation per line with "
                        "`stages` on every turn (the reviewer's where corrected, else the tagger's). "
                        "`everything=true` exports every stored conversation. A team lead gets their team's "
                        "conversations only.",
            response_class=StreamingResponse,
            responses={200: {"content": {"application/x-ndjson": {
                "example": '{"id": "c1", "language": "en", "turns": [{"speaker": "agent", '
                           '"text": "Hello!", "stages": [1]}]}\n'}}}})
def export_corrections(request: Request, user: Staff, everything: bool = False) -> StreamingResponse:
    records = request.app.state.store.corrections_export(everything=everything, team=Scope.of(user).team)
    audit.of_request(request, user, "corrections.export", via="api", everything=everything,
                     team=Scope.of(user).team)
    return StreamingResponse(_lines(records), media_type="application/x-ndjson",
                             headers={"Content-Disposition": 'attachment; filename="corrections.jsonl"'})


def _lines(records: Iterator[dict[str, Any]]) -> Iterator[str]:
    for record in records:
        yield json.dumps(record, ensure_ascii=False, default=str) + "\n"
