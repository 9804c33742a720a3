"""Reports over HTTP: what ``servio report`` and the dashboard's report show, as JSON, HTML or PDF.

The handler checks the query and the user's scope, reads as the dashboard's report reads
(:func:`servio.web.pages.report_results`), and has the report package compute the report once
(:func:`servio.report.content.report_content`): the JSON is that object shaped, the HTML is it drawn
(:func:`servio.report.html.render_report`, the bytes ``servio report`` writes), the PDF that HTML
printed by Chromium (:func:`servio.report.pdf.pdf_bytes`).
"""

from __future__ import annotations

import threading
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, HTTPException, Query, Request, Response, status

from servio import audit
from servio.service.auth import CurrentUser
from servio.service.days import Day
from servio.service.errors import invalid
from servio.service.schemas.reports import ReportOut
from servio.service.scope import Scope
from servio.service.shape import EARLIER_PROBLEMS

router = APIRouter(tags=["reports"])

FORMATS = ("json", "html", "pdf")
MEDIA = {"json": "application/json", "html": "text/html; charset=utf-8", "pdf": "application/pdf"}
#: What each Accept media range asks for (the first listed format of a wildcard: JSON).
_ACCEPTS = {"application/json": "json", "text/html": "html", "application/pdf": "pdf", "*/*": "json",
            "application/*": "json", "text/*": "html"}
#: Chromium prints at once per server process (each takes a few hundred MB and a core for seconds)
PDF_PRINTS = 2
#: How long a PDF request waits for a printer before it is answered 503
PDF_WAIT_SECONDS = 60.0

ReportScope = Annotated[Literal["agent", "team", "period"], Query(
    description="agent: one agent's conversations; team: one team's; period: everyone's.")]
Id = Annotated[str | None, Query(min_length=1, max_length=255, description="The agent's or team's id "
                                 "(required for scope agent and team, none for period).")]
DayFrom = Annotated[Day | None, Query(description="First day of the report (each conversation on the day "
                                       "it started on, in its own time zone); open when left out.")]
DayTo = Annotated[Day | None, Query(description="Last day of the report, inclusive; open when left out.")]
CompareFrom = Annotated[Day | None, Query(description="First day of an earlier period to compare with "
                                           "(with compare_to; needs date_from).")]
CompareTo = Annotated[Day | None, Query(description="Last day of the earlier period, inclusive; before "
                                         "date_from.")]
Lang = Annotated[Literal["et", "en"] | None, Query(description="The report's language (default: the "
                                                   "language of most of its conversations).")]
Format = Annotated[Literal["json", "html", "pdf"] | None, Query(
    description="json, html (the self-contained page servio report writes) or pdf (printed by Chromium); "
    "wins over the Accept header.")]
Accept = Annotated[str | None, Header(include_in_schema=False)]


@router.get("/reports", response_model=ReportOut, summary="A report of an agent, a team or a period",
            responses={200: {"content": {"text/html": {}, "application/pdf": {}},
                             "description": "The report as JSON, HTML or PDF."},
                       404: {"description": "The agent or team has no conversations on any day (for a team "
                                            "lead: none in their team)."},
                       406: {"description": "The Accept header names no format a report comes in."},
                       503: {"description": "PDF asked for, and this server cannot print one now "
                                            "(no Chromium, Chromium failed, or the printers are busy)."}},
            description="The report servio report and the dashboard make, for an agent, a team or everyone "
                        "(scope period) over the days date_from..date_to, optionally compared with an "
                        "earlier period compare_from..compare_to that ends before date_from. format (or "
                        "else the Accept header: application/json, text/html, application/pdf) chooses "
                        "JSON (the figures), HTML or PDF (a download, Content-Disposition). Roles as for "
                        "the profiles: an agent reads only their own report; a team lead their team's and "
                        "their team's agents' (over the team's conversations only), not everyone's. 404 "
                        "when an agent or team has no conversations at all (for a team lead: none in "
                        "their team); one with none in the period gets an empty report that says so "
                        "(conversations 0, no scores). 422 names the parameter that is wrong.")
def report(request: Request, response: Response, user: CurrentUser, scope: ReportScope, id: Id = None,
           date_from: DayFrom = None, date_to: DayTo = None, compare_from: CompareFrom = None,
           compare_to: CompareTo = None, language: Lang = None, format: Format = None,
           accept: Accept = None) -> Any:
    _check(scope, id, date_from, date_to, compare_from, compare_to)
    chosen = format or _negotiated(accept)
    within = Scope.of(user).report(scope, id)
    if chosen == "pdf":
        _pdf_possible()
    from servio.report.content import report_content
    from servio.web.pages import report_results
    from servio.web.routes import default_backend

    backend = default_backend(request)
    results, conversations, own = report_results(  # as the dashboard and servio report --database read
        backend, agent_id=id if scope == "agent" else None, team=within,
        date_from=date_from, date_to=date_to, compare_from=compare_from, compare_to=compare_to)
    if not own and scope != "period" and not backend.knows(agent_id=id if scope == "agent" else None,
                                                             team=within):
        # never seen (in the user's scope): as if it did not exist; a quiet period is an empty report
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no conversations of {scope} {id!r}")
    content = report_content(results, scope=scope, id=id, date_from=date_from, date_to=date_to,
                             language=language, compare_from=compare_from, compare_to=compare_to)
    audit.of_request(request, user, "report.download", via="api", scope=scope, id=id, format=chosen,
                     date_from=date_from, date_to=date_to, compare_from=compare_from, compare_to=compare_to)
    if chosen == "json":
        from servio.service.shape import report_out

        response.headers["Vary"] = "Accept"
        return report_out(content)
    from servio.report.html import render_report
    from servio.service.headers import attachment, report_file_name, report_policy

    html = render_report(content, conversations)
    name = report_file_name(scope, id, date_from, date_to, chosen)
    headers = {"Content-Disposition": attachment(name), "Vary": "Accept"}
    if chosen == "html":
        return Response(html, media_type=MEDIA["html"],
                        headers={**headers, "Content-Security-Policy": report_policy(html)})
    return Response(_printed(request, html), media_type=MEDIA["pdf"], headers=headers)


def _negotiated(accept: str | None) -> str:
    """The format the Accept header prefers (JSON without one); 406 when it accepts none of them."""
    if not accept or not accept.strip():
        return "json"
    best: tuple[float, int, str] | None = None
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        found = _ACCEPTS.get(media.lower())
        if found is None:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        rank = (q, -FORMATS.index(found), found)  # equal q: JSON, then HTML, then PDF
        if q > 0 and (best is None or rank > best):
            best = rank
    if best is None:
        raise HTTPException(status.HTTP_406_NOT_ACCEPTABLE, "a report comes as application/json, text/html "
                            "or application/pdf: accept one of them, or choose with format=json|html|pdf")
    return best[2]


def _check(scope: str, id: str | None, date_from: date | None, date_to: date | None,
           compare_from: date | None, compare_to: date | None) -> None:
    """422 naming each parameter that is wrong, as a validation error."""
    from servio.report.compare import earlier_problem

    errors: list[tuple[str, str]] = []
    if scope != "period" and id is None:
        errors.append(("id", f"a report of scope {scope} needs the {scope}'s id"))
    if scope == "period" and id is not None:
        errors.append(("id", "a report of scope period is of everyone: leave id out, or choose scope agent "
                             "or team"))
    if date_from is not None and date_to is not None and date_from > date_to:
        errors.append(("date_to", "date_to is before date_from"))
    if (compare_from is None) != (compare_to is None):
        missing = "compare_to" if compare_to is None else "compare_from"
        errors.append((missing, "compare_from and compare_to go together: the first and last day of the "
                                "earlier period"))
    elif compare_from is not None and compare_to is not None:
        problem = earlier_problem(date_from, compare_from, compare_to)
        if problem is not None:
            errors.append(EARLIER_PROBLEMS[problem])
    if errors:
        invalid(*errors)


_NO_PDF = ("PDF is not available on this server: it needs Chromium (the server's SERVIO_CHROMIUM, or "
           "chromium on its PATH); format=html gives the same report without it")


def _pdf_possible() -> None:
    """503 before any work when this server has no Chromium to print with."""
    from servio.report.pdf import find_chromium

    if find_chromium() is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, _NO_PDF)


def _printed(request: Request, html: str) -> bytes:
    """``html`` as PDF bytes, at most :data:`PDF_PRINTS` at once in this process; 503 when the printers
    stay busy for :data:`PDF_WAIT_SECONDS` or Chromium fails (the details go to the server's log)."""
    import logging

    from servio.report.pdf import PdfError, pdf_bytes

    printers: threading.BoundedSemaphore = request.app.state.pdf_printers
    if not printers.acquire(timeout=PDF_WAIT_SECONDS):
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "the server is printing other PDFs; try "
                            "again in a minute", headers={"Retry-After": "60"})
    try:
        return pdf_bytes(html)
    except PdfError as exc:
        logging.getLogger("servio.service").error("printing a report to PDF failed: %s", exc)
        detail = _NO_PDF if "needs Chromium" in str(exc) or "SERVIO_CHROMIUM" in str(exc) else (
            "Chromium could not print the PDF (see the server's log); format=html gives the same report")
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail) from None
    finally:
        printers.release()
