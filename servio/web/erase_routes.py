"""Deleting a conversation from its page: an admin's answer to a customer's request to erase their data.

``POST /conversations/{id}/delete`` (JSON, ``X-Servio: 1``) removes the
conversation with its turns, tags, scores and corrections through the
backend (over a store: ``Store.delete_conversation``, as the API's
``DELETE /conversations/{id}`` does) and answers with where to go next and
the notice to show there. Only a signed-in admin may; the page offers the
button to them alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import JSONResponse

from servio import audit
from servio.web.i18n import strings
from servio.web.render import language_of
from servio.web.users_routes import ADMINS, manages_users

if TYPE_CHECKING:
    from servio.web.routes import _Ui


def add_erase(router: APIRouter, ui: _Ui) -> None:
    """Add ``POST /conversations/{id}/delete``."""

    async def delete_conversation(request: Request, cid: str) -> Response:
        user = ui.json_post(request, ADMINS)
        if not manages_users(user):
            raise HTTPException(403, "deleting a conversation needs a signed-in admin")
        from starlette.concurrency import run_in_threadpool

        # in the thread pool: a deletion may wait for the database (readers, an import's writes)
        if not await run_in_threadpool(ui.backend(request).delete, cid):
            raise HTTPException(404, f"no conversation {cid!r}")
        audit.of_request(request, user, "conversation.delete", via="dashboard", conversation=cid)
        message = strings(language_of(request))["deleted_notice"].format(id=cid)
        return JSONResponse({"deleted": cid, "next": ui.link("conversations"), "message": message})

    router.add_api_route("/conversations/{cid:path}/delete", delete_conversation, methods=["POST"])
