"""Imports: upload conversation files in any format servio reads; follow the job.

Uploads are saved to a private temporary folder under their own (cleaned)
names, imported by :func:`servio.store.import_paths` (read -> redact ->
analyze -> evaluate -> store, in committed batches) and removed afterwards.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import (
    APIRouter,
    BackgroundTasks,
    File,
    Form,
    HTTPException,
    Query,
    Request,
    Response,
    UploadFile,
    status,
)
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError

from servio import audit
from servio.ingest.remedies import Audience
from servio.service.auth import Importer
from servio.service.errors import invalid
from servio.service.housekeeping import UPLOAD_PREFIX
from servio.service.reading import (
    FormValueError,
    checked_format,
    reader_options,
    save_uploads_in,
    speaker_items,
)
from servio.service.schemas.admin import ImportJobOut
from servio.store.importer import scorecard_option
from servio.store.types import ImportJob, JobBusy

router = APIRouter(tags=["imports"])

#: The fields of POST /imports' form; any other is refused (422), as a JSON body's unknown key is, so that a
#: misspelt option ("langauge", "columns") does not import everything without it.
FORM_FIELDS = ("files", "format", "language", "column", "agent_domain", "speaker", "encoding", "channel",
               "time_zone")

_TEMP_PATH = re.compile(r"^.*?" + UPLOAD_PREFIX + r"[^/\\]+[/\\]")
_ANY_TEMP_PATH = re.compile(r"[^\s'\"]*?" + UPLOAD_PREFIX + r"[^/\\]+[/\\]")


def job_out(job: ImportJob, language: str = "en", audience: Audience = "service") -> dict[str, Any]:
    """A job as the API and the dashboard show it: upload folders stripped from paths (where the server
    keeps uploads is nobody's business), problems also as CLI-style lines. The API's are in English; the
    dashboard's (``audience="dashboard"``) in its page's ``language``, their remedies in the Import page's
    own words, where a problem was stored with its message code and values (older jobs keep their
    English messages)."""
    data = job.to_dict()
    problems = [_said_in(dict(p, path=_TEMP_PATH.sub("", str(p.get("path", "")))), language, audience)
                for p in data["problems"]]
    for p in problems:  # a message may name another upload ("first read from <folder>/a.jsonl")
        p["message"] = _ANY_TEMP_PATH.sub("", str(p.get("message", "")))
    data["problems"] = problems
    data["paths"] = [_TEMP_PATH.sub("", str(p)) for p in data["paths"]]
    if data.get("error"):
        data["error"] = _ANY_TEMP_PATH.sub("", str(data["error"]))
    data["messages"] = [_line(p) for p in problems]
    return data


def _said_in(problem: dict[str, Any], language: str, audience: Audience) -> dict[str, Any]:
    """``problem`` with its message in ``language`` and its remedy in ``audience``'s words there, when it
    has its ``said``; without the ``said`` (the stored form is the job's, not the API's)."""
    said = problem.pop("said", None)
    if (language == "en" and audience == "service") or not isinstance(said, dict):
        return problem
    from servio.ingest.remedies import render
    from servio.ingest.said import Said

    try:
        problem["message"] = render(Said.from_json(said).text(language), audience, language)
    except (ValueError, KeyError, IndexError):  # a code or value this version does not know: as stored
        pass
    return problem


def _line(problem: dict[str, Any]) -> str:
    where = problem.get("path") or ""
    if problem.get("line") is not None:
        where = f"{where}:{problem['line']}"
    elif problem.get("offset") is not None:
        where = f"{where}@byte {problem['offset']}"
    return f"{where}: {problem.get('message', '')}"


def run_import(store: Any, settings: Any, job_id: int, paths: list[Path], folder: Path, format: str | None,
               options: Any, stopping: threading.Event | None = None) -> Any:
    """Import saved uploads into the job, then remove them; returns the import report (None on failure).
    With ``stopping`` set (the server is stopping) the import stops at its next batch, the job interrupted."""
    from servio.redact import RedactionConfig
    from servio.store import import_paths

    try:
        return import_paths(store, paths, format=format, options=options, job_id=job_id,
                            tagger=settings.tagger, redact=RedactionConfig(enabled=settings.redact),
                            workers=settings.import_workers,
                            should_stop=stopping.is_set if stopping is not None else None)
    except Exception:  # the importer marked the job failed with the error; the caller reads the job
        return None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@router.post("/imports", response_model=ImportJobOut, status_code=202,
             summary="Upload conversations to import",
             description="Upload one or more files in any format servio reads (JSON Lines, CSV, "
                         "transcripts, WebVTT/SRT, e-mail .eml/.mbox; detected from name and content "
                         "unless `format` is given). Personal data is redacted before anything is stored "
                         "(setting `redact`). Re-importing a conversation with the same id and content "
                         "changes nothing; changed content is re-analysed. Bad records are skipped and "
                         "reported in the job's `problems` and `messages` like the CLI reports them. "
                         "The answer is the job (202); follow it at `GET /imports/{id}`, or pass "
                         "`wait=true` to get the finished job (200). A bad value of a form field, or a "
                         "field the form does not have, is 422 naming it, before anything is saved.",
             responses={200: {"model": ImportJobOut, "description": "The finished job (wait=true)."}})
async def create_import(
    request: Request,
    response: Response,
    background: BackgroundTasks,
    admin: Importer,
    files: Annotated[list[UploadFile], File(description="Conversation files.")],
    format: Annotated[str | None, Form(description="Force an input format (see `servio formats`).")] = None,
    language: Annotated[Literal["et", "en"] | None, Form(description="Treat every conversation as "
                                                         "this language.")] = None,
    column: Annotated[list[str] | None, Form(description="CSV column mapping FIELD=NAME, e.g. "
                                             "text=Message (repeatable).")] = None,
    agent_domain: Annotated[list[str] | None, Form(description="Senders (e-mail) and address labels "
                                                   "(transcripts, CSV) at this domain are agents, other "
                                                   "addresses customers (repeatable, or several "
                                                   "separated by commas).")] = None,
    speaker: Annotated[list[str] | None, Form(description="Speaker mapping LABEL=ROLE (agent, customer or "
                                              "system), e.g. 'Mari Maasikas=customer' (repeatable), as "
                                              "`servio import --speaker`.")] = None,
    encoding: Annotated[str | None, Form(description="Read text files in this encoding, e.g. cp1252 "
                                         "(Windows-1252), cp1257 (Windows-1257), utf-8 (default: "
                                         "detect), as `servio import --encoding`.")] = None,
    channel: Annotated[str | None, Form(description="The channel of conversations whose file does not "
                                        "say it: chat, email, phone, twitter or other, as `servio import "
                                        "--channel`.")] = None,
    time_zone: Annotated[str | None, Form(description="The site's IANA time zone, e.g. Europe/Tallinn: "
                                          "times with an offset (UTC exports) are moved into it and times "
                                          "without one taken as its own, so each conversation counts on "
                                          "the site's day, as `servio import --time-zone`.")] = None,
    wait: Annotated[bool, Query(description="Import before answering and return the finished job.")] = False,
) -> Any:
    unknown = sorted({key for key in (await request.form()).keys() if key not in FORM_FIELDS})
    if unknown:
        raise RequestValidationError([{"loc": ("body", key), "type": "extra_forbidden",
                                       "msg": "Extra inputs are not permitted (the form's fields: "
                                              f"{', '.join(FORM_FIELDS)})"} for key in unknown])
    if not files:
        invalid(("files", "upload at least one file"), where="body")
    try:  # one shape for a bad field, as everywhere in the API: 422 naming it (the dashboard's form: 400)
        checked_format(format)
        options = reader_options(language, column or [], agent_domain or [], speaker_items(speaker or []),
                                 encoding=encoding, channel=channel, time_zone=time_zone)
    except FormValueError as exc:
        exc.as_invalid()
    store, settings = request.app.state.store, request.app.state.settings
    folder = Path(tempfile.mkdtemp(prefix=UPLOAD_PREFIX))
    try:  # until a job owns the files (run_import removes them), a failure must not leave them behind
        saved = [(p.name, p) for p in await save_uploads_in(folder, files)]
        job = store.create_import_job([name for name, _ in saved], format=format, created_by=admin.id,
                                      options={"tagger": settings.tagger, "redact": settings.redact,
                                               **scorecard_option(store)})
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    audit.of_request(request, admin, "import.start", via="api", import_job=job.id, files=len(saved),
                     format=format)
    args = (store, settings, job.id, [path for _, path in saved], folder, format, options,
            getattr(request.app.state, "stopping", None))
    response.headers["Location"] = f"/imports/{job.id}"
    if wait:
        from starlette.concurrency import run_in_threadpool

        await run_in_threadpool(run_import, *args)
        response.status_code = status.HTTP_200_OK
        return job_out(store.get_import_job(job.id))
    background.add_task(run_import, *args)
    return job_out(job)


@router.get("/imports", response_model=list[ImportJobOut], summary="Import jobs",
            description="Newest first. `quoting`: only the jobs whose file names, problems or error hold "
                        "this text, in any case (a customer's name, for an erasure request: "
                        "docs/privacy.md), as `servio delete --imports-quoting` finds them.")
def list_imports(request: Request, admin: Importer,
                 status_: Annotated[Literal["pending", "running", "done", "failed"] | None,
                                    Query(alias="status")] = None,
                 quoting: Annotated[str | None, Query(min_length=1, max_length=255, pattern=r"\S")] = None,
                 limit: Annotated[int, Query(ge=1, le=1000)] = 50,
                 offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> Any:
    store = request.app.state.store
    if quoting is None:
        return [job_out(j) for j in store.list_import_jobs(status=status_, limit=limit, offset=offset)]
    found = (store.get_import_job(i) for i in reversed(store.import_jobs_quoting(quoting)))
    chosen = [j for j in found if j is not None and (status_ is None or j.status == status_)]
    return [job_out(j) for j in chosen[offset:offset + limit]]


@router.get("/imports/{job_id}", response_model=ImportJobOut, summary="One import job",
            description="Its status and what has been committed so far: conversations read, new, updated, "
                        "unchanged, bad records skipped, and the problems.")
def get_import(request: Request, job_id: Annotated[int, PathParam(ge=1, le=2**31 - 1)],
               admin: Importer) -> Any:
    job = request.app.state.store.get_import_job(job_id)
    if job is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no import job with id {job_id}")
    return job_out(job)


@router.delete("/imports/{job_id}", status_code=204, summary="Delete an import job (admins)",
               description="Removes the job's record: its counts, file names and problem list, which quote "
                           "speaker labels and other values as the files had them (a customer's name, which "
                           "redaction does not find). The conversations it stored stay. 404 when there is "
                           "no such job, 409 while it is still pending or running.",
               responses={404: {"description": "No such import job."},
                          409: {"description": "The job is still pending or running."}})
def delete_import(request: Request, job_id: Annotated[int, PathParam(ge=1, le=2**31 - 1)],
                  admin: Importer) -> None:
    try:
        removed = request.app.state.store.delete_import_job(job_id)
    except JobBusy as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    if not removed:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no import job with id {job_id}")
    audit.of_request(request, admin, "import_job.delete", via="api", import_job=job_id)
