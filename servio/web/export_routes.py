"""The conversation list as a CSV file, for a browser signed in to the dashboard.

``GET /conversations.csv`` takes the list page's filters and answers with the
CSV of ``GET /conversations.csv`` (:mod:`servio.store.export`: the same
columns, every match, no paging), limited to what the user may see as the list
page is (:meth:`servio.service.scope.Scope.listing`: an agent's own, a team
lead's team). The API's export wants a bearer token, which a dashboard session
is not; this one takes the session. A refusal (another team, a bad filter) is
the dashboard's error page, as the list's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse

if TYPE_CHECKING:
    from servio.web.routes import _Ui


def add_export(router: APIRouter, ui: _Ui) -> None:
    """Add ``GET /conversations.csv``."""

    def export_csv(request: Request) -> Response:
        from servio.evaluate.registry import known_failure
        from servio.service.scope import Scope
        from servio.store.export import CSV_DIALECTS, csv_chunks
        from servio.web.routes import PageRefusal, _filter

        user = ui.viewer(request)
        if isinstance(user, Response):
            return user
        f = _filter(request.query_params, Scope.of(user))  # the list page's filter, in the user's scope
        # "excel": ; between cells, decimal commas and a byte order mark, as Estonian Excel opens it
        dialect = request.query_params.get("dialect") or "rfc4180"
        if dialect not in CSV_DIALECTS:
            raise PageRefusal(422, "bad_choice", field="export_dialect")
        backend = ui.backend(request)
        if f.failure is not None and not known_failure(f.failure, backend.listing):
            raise PageRefusal(422, "bad_choice", field="filter_failure")
        from servio import audit

        audit.of_request(request, user, "conversations.export", via="dashboard", filters=audit.filters_of(f))
        return StreamingResponse(csv_chunks(backend.export_rows(f), dialect=dialect),
                                 media_type="text/csv; charset=utf-8",
                                 headers={"Content-Disposition": 'attachment; filename="conversations.csv"'})

    router.add_api_route("/conversations.csv", ui.guarded(export_csv), methods=["GET"])
