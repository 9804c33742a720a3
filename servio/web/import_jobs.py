"""Earlier import jobs on the Import page, and deleting one: an admin's part of a customer's erasure request.

A job's problems quote speaker labels and other values as the file had them (``unknown speaker 'Mari
Maasikas'``; redaction does not find names), so erasing a customer's conversation is not enough.
``POST /import/{id}/delete`` (JSON, ``X-Servio: 1``) removes the job's record through the backend (over a
store: ``Store.delete_import_job``, as the API's ``DELETE /imports/{id}`` does): 404 for none, 409 while
the job is still pending or running. Only a signed-in admin may; the page offers the button to them alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import JSONResponse

from servio import audit
from servio.report.numbers import day_text
from servio.store.types import ImportJob, JobBusy
from servio.web.i18n import strings
from servio.web.render import language_of
from servio.web.users_routes import ADMINS, MAX_ID, manages_users

if TYPE_CHECKING:
    from servio.web.routes import _Ui

#: How many earlier jobs the Import page lists.
LISTED = 20


def job_rows(jobs: list[ImportJob], language: str) -> list[dict[str, Any]]:
    """The Import page's rows of earlier jobs: id, day and time started, file names (without the upload
    folder), status in ``language``, bad records (those skipped: the problem list also keeps notes, such as
    "not UTF-8; read as Windows-1257", that skip nothing)."""
    from servio.service.routers.imports import job_out

    t = strings(language)
    rows = []
    for job in jobs:
        shown = job_out(job, language)
        when = job.started_at or job.created_at
        rows.append({"id": job.id, "when": f"{day_text(when.date(), language)} {when:%H:%M}",
                     "files": ", ".join(shown["paths"]), "status": t.get(f"job_{job.status}", job.status),
                     "problems": job.skipped})
    return rows


def shown_job(value: str | None) -> int | None:
    """The job the Import page opens with (``?job=ID``), or None for none or a malformed one."""
    if value is None or not value.isdigit():
        return None
    job_id = int(value)
    return job_id if 0 < job_id <= MAX_ID else None


def add_import_jobs(router: APIRouter, ui: _Ui) -> None:
    """Add ``POST /import/{id}/delete``."""

    async def delete_job(request: Request, job_id: int) -> Response:
        user = ui.json_post(request, ADMINS)
        if not manages_users(user):
            raise HTTPException(403, "deleting an import job needs a signed-in admin")
        texts = strings(language_of(request))
        if not 0 < job_id <= MAX_ID:
            raise HTTPException(404, f"no import job {job_id}")
        from starlette.concurrency import run_in_threadpool

        try:  # in the thread pool: a deletion may wait for the database (an import's batch)
            removed = await run_in_threadpool(ui.backend(request).delete_job, job_id)
        except JobBusy:
            raise HTTPException(409, texts["import_delete_busy"].format(id=job_id)) from None
        if not removed:
            raise HTTPException(404, f"no import job {job_id}")
        audit.of_request(request, user, "import_job.delete", via="dashboard", import_job=job_id)
        return JSONResponse({"deleted": job_id, "message": texts["import_deleted_notice"].format(id=job_id)})

    router.add_api_route("/import/{job_id}/delete", delete_job, methods=["POST"])
