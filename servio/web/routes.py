"""The dashboard's pages: a FastAPI router factory over a :class:`~servio.web.backend.Backend`.

Handlers parse the request, call one function of :mod:`servio.web.pages` and
render a template. People sign in by pasting an API token; the server checks it
and answers with a dashboard session of 12 hours (never the API token) in an
HttpOnly cookie, which signing out ends on the server (its name and Secure attribute:
:mod:`servio.web.session_cookie`). JSON posts must carry the
``X-Servio: 1`` header (a request other sites cannot make without CORS consent).
"""

from __future__ import annotations

import functools
import inspect
import json
import logging
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from typing import Any
from urllib.parse import quote, unquote, urlencode, urlsplit

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from servio.analyze.registry import DEFAULT_TAGGER
from servio.evaluate.registry import known_failure
from servio.model import ContactType, Language
from servio.service.scope import STAFF, Scope, needs_role
from servio.store.types import ROLES, SORT_KEYS, ConversationFilter, NotFound, StoreError, User
from servio.web import pages, session_cookie
from servio.web.backend import Backend
from servio.web.evidence import GUEST_NAME
from servio.web.i18n import strings
from servio.web.render import Renderer, language_of

_log = logging.getLogger("servio.web")
#: How long a dashboard session (and its cookie) lasts.
SESSION_LIFETIME = timedelta(hours=12)
LANG_COOKIE = "servio_lang"
STATIC = {"app.css": "text/css; charset=utf-8", "app.js": "text/javascript; charset=utf-8",
          "live.js": "text/javascript; charset=utf-8", "icon.svg": "image/svg+xml"}
#: JSON nesting allowed in a body when the app has no service settings (the service's default).
DEFAULT_JSON_DEPTH = 32
#: The user of an open dashboard (``open_access=True``, development only): a reviewer without a users row
#: (id 0; its corrections and imports are kept with no user id), shown by a localised label (``guest_name``).
GUEST = User(id=0, name=GUEST_NAME, role="reviewer", agent_id=None, active=True,
             created_at=datetime(2026, 1, 1, tzinfo=UTC))


def default_backend(request: Request) -> Backend:
    """The app's backend: ``app.state.web_backend`` if set, else a :class:`StoreBackend` over its store."""
    state = request.app.state
    backend = getattr(state, "web_backend", None)
    if backend is None:
        from servio.web.store_backend import StoreBackend

        settings = getattr(state, "settings", None)
        backend = StoreBackend(state.store, tagger=getattr(settings, "tagger", DEFAULT_TAGGER),
                               import_workers=getattr(settings, "import_workers", 1),
                               redact=getattr(settings, "redact", True),
                               stopping=getattr(state, "stopping", None))
        state.web_backend = backend
    return backend


class PageRefusal(Exception):
    """A page that cannot be shown as asked: the HTTP status and what to say, as a key of the interface
    strings and its values (``field`` values are keys too: the label the form shows)."""

    def __init__(self, status: int, key: str, **values: Any) -> None:
        super().__init__(key)
        self.status, self.key, self.values = status, key, values


#: Where ``servio serve`` puts the dashboard's pages (``servio report --base-url`` links under it).
DASHBOARD_PREFIX = "/ui"


def web_router(*, prefix: str = DASHBOARD_PREFIX, backend: Callable[[Request], Backend] | None = None,
               open_access: bool = False) -> APIRouter:
    """The dashboard's pages under ``prefix``; ``open_access`` lets anyone in as a reviewer (no token)."""
    router = APIRouter(prefix=prefix, include_in_schema=False)
    ui = _Ui(prefix, backend or default_backend, open_access)
    ui.add_pages(router)
    from servio.web.live_routes import add_live

    add_live(router, ui)
    from servio.web.users_routes import add_users

    add_users(router, ui)
    from servio.web.erase_routes import add_erase

    add_erase(router, ui)
    from servio.web.import_jobs import add_import_jobs

    add_import_jobs(router, ui)
    from servio.web.export_routes import add_export

    add_export(router, ui)
    # last: any other address under the prefix is the dashboard's "not found" page, not the API's JSON
    router.add_api_route("/{rest:path}", ui.guarded(ui.unknown), methods=["GET"])
    return router


class _Ui:
    """Shared request helpers of the dashboard routes."""

    def __init__(self, prefix: str, backend: Callable[[Request], Backend], open_access: bool) -> None:
        self.prefix = prefix
        self.backend = backend
        self.open_access = open_access
        self.render = Renderer(prefix)

    # -- who and which language --------------------------------------------

    def user(self, request: Request) -> User | None:
        """The user of the request's dashboard session (None: none, or one that expired or ended)."""
        token = session_cookie.session(request)
        if token:
            from servio.service.auth import authenticate_session

            try:
                return authenticate_session(request.app.state, token)
            except HTTPException:
                return None
        return GUEST if self.open_access else None

    def need_user(self, request: Request, roles: tuple[str, ...] = ROLES) -> User:
        user = self.user(request)
        if user is None:
            raise HTTPException(401, "sign in first")
        if user.role not in roles:
            raise HTTPException(403, needs_role(roles))
        return user

    @property
    def importers(self) -> tuple[str, ...]:
        """Roles that may import and read import jobs: admins (and an open dashboard's guest reviewer)."""
        return ("admin",) if not self.open_access else ("admin", "reviewer")

    def json_post(self, request: Request, roles: tuple[str, ...] = ROLES) -> User:
        if request.headers.get("x-servio") != "1":
            raise HTTPException(403, "missing X-Servio header")
        return self.need_user(request, roles)

    def viewer(self, request: Request) -> User | Response:
        """The signed-in user, or the redirect to the sign-in page (before any data is read)."""
        user = self.user(request)
        if user is None:
            return self.to_login(request)
        return user

    def to_login(self, request: Request, *, drop: tuple[str, ...] = ()) -> Response:
        """The redirect to the sign-in page, which comes back to this path and query (as sent: ids stay
        encoded, and a shared link's filters survive signing in); ``drop`` leaves query keys out."""
        raw = (request.scope.get("raw_path") or request.url.path.encode()).decode("latin-1")
        query = request.scope.get("query_string", b"").decode("latin-1")
        if drop:
            from urllib.parse import parse_qsl

            query = urlencode([(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k not in drop])
        target = pages.query(f"{self.prefix}/login", next=f"{raw}?{query}" if query else raw)
        return RedirectResponse(target, status_code=303)

    def safe_next(self, nxt: str) -> str:
        """``nxt`` if it is a path of this dashboard (with its query), else the team page: signing in never
        leads to another site (``//host``, ``/ui/..\\host``, a scheme) nor out of the dashboard: a path with a
        dot segment, percent-encoded or not, goes to the team page too (``/ui/../openapi.json`` left the
        dashboard, security audit S8)."""
        parts = urlsplit(nxt)
        dotted = any(segment in (".", "..") for segment in unquote(parts.path).split("/"))
        if (nxt.startswith(self.prefix + "/") and not parts.scheme and not parts.netloc and not dotted
                and "\\" not in nxt and not any(ord(c) < 32 for c in nxt)):
            return nxt
        return f"{self.prefix}/team"

    def guarded(self, handler: Callable[..., Any]) -> Callable[..., Any]:
        """``handler`` (a GET page) answering its refusals with a page in the page's language.

        A 403 or 422 of a page (another team's page, From after To in the filter form, a date that is
        no date) was the API's bare English JSON, and a 401 of the report the same: a person following
        a link gets the error page 404s get, and the sign-in page when signed out.
        """
        if inspect.iscoroutinefunction(handler):
            @functools.wraps(handler)
            async def run_async(request: Request, *args: Any, **kwargs: Any) -> Response:
                try:
                    return await handler(request, *args, **kwargs)
                except (HTTPException, PageRefusal) as exc:
                    return self.refused(request, exc)
            return run_async

        @functools.wraps(handler)
        def run(request: Request, *args: Any, **kwargs: Any) -> Response:
            try:
                return handler(request, *args, **kwargs)
            except (HTTPException, PageRefusal) as exc:
                return self.refused(request, exc)
        return run

    def refused(self, request: Request, exc: HTTPException | PageRefusal) -> Response:
        """The error page for a refusal of a page (see :meth:`guarded`); the sign-in page for a 401."""
        status = exc.status if isinstance(exc, PageRefusal) else exc.status_code
        user = self.user(request)
        if status == 401 or user is None:
            return self.to_login(request)
        texts = strings(language_of(request))
        links: list[tuple[str, str]] = []
        if isinstance(exc, PageRefusal):
            values = {k: texts.get(v, v) if k.endswith("field") or k.endswith("label") else v
                      for k, v in exc.values.items()}
            message = texts[exc.key].format(**values)
            if status == 422:
                links.append((_without_filters(request), "clear_filters"))
        elif status == 403:
            message = self.forbidden_text(user, texts)
        elif status == 404:
            message = texts["page_not_found"]
            links.append((self.link("team"), "to_team_overview"))
        else:  # a refusal no page names in words: what went wrong, in general
            message, status = texts["bad_filters"], 422
            links.append((_without_filters(request), "clear_filters"))
        if status == 403 and user.role == "agent" and user.agent_id:
            links.append((self.link("agent", id=user.agent_id), "to_own_page"))
        elif status == 403 and user.role == "team_lead" and user.team:
            links.append((self.link("team", team=user.team), "to_own_team"))
        elif status == 403:
            links.append((self.link("team"), "to_team_overview"))
        title = {403: "forbidden_title", 404: "not_found_title"}.get(status, "bad_address_title")
        response = self.page(request, "error.html", title=texts[title], message=message,
                             links=[(href, texts[label]) for href, label in links])
        response.status_code = status
        return response

    @staticmethod
    def forbidden_text(user: User, texts: Any) -> str:
        """Why a page is not for ``user``, from what their role may see."""
        if user.role == "agent":
            return str(texts["forbidden_agent" if user.agent_id else "forbidden_agent_unlinked"])
        if user.role == "team_lead":
            return texts["forbidden_team_lead"].format(team=user.team) if user.team else \
                str(texts["forbidden_team_lead_unlinked"])
        return str(texts["forbidden_admin"])

    def page(self, request: Request, template: str, **context: Any) -> Response:
        from servio.web.users_routes import manages_users

        lang = language_of(request)
        user = self.user(request)
        if user is None:
            return self.to_login(request)
        html = self.render.page(template, lang=lang, user=user, path=request.url.path,
                                home=self.home_of(user), query=request.query_params.multi_items(),
                                can_import=user.role in self.importers, signed_in_admin=manages_users(user),
                                has_live=getattr(request.app.state, "live", None) is not None, **context)
        return self.remember_language(request, lang, HTMLResponse(html))

    def home_of(self, user: User) -> tuple[str, str, str]:
        """The menu's first item: its address, its text's key, and the path under which it is the current
        page. An agent's is their own page ("My results"): "Team" led there too, and then no item was
        current."""
        if user.role == "agent" and user.agent_id:
            return self.link("agent", id=user.agent_id), "nav_my_results", f"{self.prefix}/agents/"
        return f"{self.prefix}/team", "nav_team", f"{self.prefix}/team"

    @staticmethod
    def remember_language(request: Request, lang: str, response: Response) -> Response:
        """``response`` with the language cookie when ``?lang=`` chose ``lang`` (docs/dashboard.md)."""
        if request.query_params.get("lang") == lang:
            response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
        return response

    def link(self, name: str, id: str | None = None, **params: Any) -> str:
        segment = quote(id or "", safe="")  # ids come from uploads: "/", "?", "#" and "%" stay in the id
        paths = {"conversations": "/conversations", "conversation": f"/conversations/{segment}",
                 "agent": f"/agents/{segment}", "team": "/team"}
        return pages.query(self.prefix + paths[name], **params)

    # -- pages ---------------------------------------------------------------
    # Handlers that read the store are plain functions: FastAPI runs them in its thread pool, so a
    # page reading a large store for seconds does not stop the server answering everyone else.

    def add_pages(self, r: APIRouter) -> None:
        r.add_api_route("", self.home, methods=["GET"])
        r.add_api_route("/", self.home, methods=["GET"])
        r.add_api_route("/static/{name}", self.static, methods=["GET"])
        r.add_api_route("/login", self.login_form, methods=["GET"])
        r.add_api_route("/login", self.login, methods=["POST"])
        r.add_api_route("/logout", self.logout, methods=["POST"])
        r.add_api_route("/import", self.guarded(self.import_form), methods=["GET"])
        r.add_api_route("/import", self.import_files, methods=["POST"])
        r.add_api_route("/import/{job_id}", self.import_status, methods=["GET"])
        r.add_api_route("/conversations", self.guarded(self.conversations), methods=["GET"])
        r.add_api_route("/conversations/{cid:path}", self.guarded(self.conversation), methods=["GET"])
        r.add_api_route("/conversations/{cid:path}/turns/{turn}", self.correct, methods=["POST"])
        r.add_api_route("/agents/{agent_id:path}", self.guarded(self.agent), methods=["GET"])
        r.add_api_route("/team", self.guarded(self.team), methods=["GET"])
        r.add_api_route("/report", self.guarded(self.report), methods=["GET"])

    async def unknown(self, request: Request, rest: str) -> Response:
        """An address under the prefix that no page has (see :meth:`guarded`: the not-found page)."""
        raise HTTPException(404, "no such page")

    async def home(self, request: Request) -> Response:
        return RedirectResponse(f"{self.prefix}/team", status_code=303)

    async def static(self, name: str) -> Response:
        if name not in STATIC:
            raise HTTPException(404, "no such file")
        body = resources.files("servio.web").joinpath("static", name).read_bytes()
        return Response(body, media_type=STATIC[name], headers={"Cache-Control": "max-age=300"})

    async def login_form(self, request: Request) -> Response:
        lang = language_of(request)
        dropped = session_cookie.dropped(request)  # signed in, but the browser did not keep the cookie
        html = self.render.page("login.html", lang=lang, user=None, path=request.url.path,
                                query=request.query_params.multi_items(),
                                next=request.query_params.get("next", ""),
                                error="login_cookie_dropped" if dropped else None)
        response = self.remember_language(request, lang, HTMLResponse(html))
        if dropped:
            _log.warning("a browser that signed in to the dashboard over plain HTTP did not keep the "
                         "session cookie, which is Secure (SERVIO_COOKIE_SECURE=%s): serve the dashboard "
                         "over HTTPS, or set SERVIO_COOKIE_SECURE=never for a dashboard reached over plain "
                         "HTTP", session_cookie.policy(request))
            session_cookie.forget_check(response)
        return response

    @staticmethod
    def not_cross_site(request: Request) -> None:
        """403 for a form another site made the browser post (login CSRF: signing someone in as you).

        Browsers say where a post comes from in ``Sec-Fetch-Site``: only ``same-origin`` (or a typed
        address, ``none``) may sign in or out; a sibling subdomain (``same-site``) may not either.
        Older browsers send no such header, nor does any browser to a plain-HTTP address that is not
        this machine's; for them the ``Origin`` header, when there is one, must name this server's
        host (servio's ``Referrer-Policy: same-origin`` lets it: ``no-referrer`` made it ``null``).
        """
        site = request.headers.get("sec-fetch-site")
        if site is not None:
            if site not in ("same-origin", "none"):
                raise HTTPException(403, "this form cannot be posted from another site")
            return
        origin = request.headers.get("origin")
        if origin is not None and urlsplit(origin).netloc.lower() != request.headers.get("host", "").lower():
            raise HTTPException(403, "this form cannot be posted from another site")

    async def login(self, request: Request) -> Response:
        self.not_cross_site(request)
        form = await request.form()
        token, nxt = str(form.get("token", "")).strip(), str(form.get("next", ""))
        from starlette.concurrency import run_in_threadpool

        from servio import audit
        from servio.service.auth import authenticate, end_session, start_session

        def sign_in() -> tuple[str, User]:
            session = start_session(request.app.state, token, SESSION_LIFETIME,
                                    replacing=session_cookie.session(request))
            for stale in session_cookie.stale(request):  # the other name's cookie goes too (set_session)
                end_session(request.app.state, stale)
            # who signed in, for the audit line: the token's user, as start_session found them (not the
            # session's, which would put the new session in the token cache)
            return session, authenticate(request.app.state, token)

        try:  # in the thread pool: a write, which may wait for the write lock while an import writes
            session, user = await run_in_threadpool(sign_in)
        except HTTPException:
            audit.of_request(request, None, "login.refused", via="dashboard")
            lang = language_of(request)
            html = self.render.page("login.html", lang=lang, user=None, path=request.url.path,
                                    query=[("next", nxt)] if nxt else [], next=nxt, error="login_failed")
            return self.remember_language(request, lang, HTMLResponse(html, status_code=401))
        audit.of_request(request, user, "login", via="dashboard")
        response = RedirectResponse(self.safe_next(nxt), status_code=303)
        session_cookie.set_session(response, request, session, int(SESSION_LIFETIME.total_seconds()))
        # the sign-in page's language carries on to the page it leads to
        return self.remember_language(request, language_of(request), response)

    def logout(self, request: Request) -> Response:
        self.not_cross_site(request)
        from servio.service.auth import end_session

        user = self.user(request)
        if user is not None and user.id > 0:  # a session's user (an open dashboard's guest has none)
            from servio import audit

            audit.of_request(request, user, "logout", via="dashboard")
        for session in (session_cookie.session(request), *session_cookie.stale(request)):
            end_session(request.app.state, session)  # a copy of the cookie is dead now
        response = RedirectResponse(f"{self.prefix}/login", status_code=303)
        session_cookie.drop(response, request)
        return response

    async def import_form(self, request: Request) -> Response:
        from servio.ingest import available_formats

        user = self.viewer(request)
        if isinstance(user, Response):
            return user
        if user.role not in self.importers:  # an import can write any team's conversations
            raise PageRefusal(403, "forbidden_admin")
        from starlette.concurrency import run_in_threadpool

        from servio.service.reading import column_hints
        from servio.web.import_jobs import LISTED, job_rows, shown_job

        # the earlier jobs, to open one (its bad records) and, for an erasure request, delete it
        jobs = await run_in_threadpool(self.backend(request).recent_jobs, LISTED)
        return self.page(request, "import.html", formats=available_formats(), column_hints=column_hints(),
                         jobs=job_rows(jobs, language_of(request)), listed=LISTED,
                         shown_job=shown_job(request.query_params.get("job")))

    async def import_files(self, request: Request) -> Response:
        user = self.json_post(request, self.importers)
        from servio.service.reading import checked_format, form_reader_options
        from servio.web.uploads import save_uploads

        form = await request.form()
        options = form_reader_options(form)  # as POST /imports reads them; a bad one is refused before saving
        fmt = checked_format(str(form.get("format") or "") or None)
        paths, folder = await save_uploads(form.getlist("files"))
        if not paths:
            return JSONResponse({"detail": "choose at least one file"}, status_code=422)
        from starlette.concurrency import run_in_threadpool

        from servio.web.uploads import expected_records, finish_import, remove_now

        backend = self.backend(request)
        with remove_now(folder):  # if no job takes the files, nothing would ever remove them
            # the total the page shows beside the counts ("records read: 1200 of 4000"), where known;
            # counted before the job starts, which removes the files when it ends
            expected = await run_in_threadpool(expected_records, paths, fmt)
            job = backend.start_import(paths, format=fmt, user=user, options=options)
        from servio import audit

        audit.of_request(request, user, "import.start", via="dashboard", import_job=job.id, files=len(paths),
                         format=fmt)
        from starlette.background import BackgroundTask

        from servio.service.routers.imports import job_out

        answer = job_out(job, language=language_of(request), audience="dashboard")
        # a background task, as the API's import: a graceful stop waits for it; then the upload goes
        done = BackgroundTask(finish_import, functools.partial(backend.wait_import, job.id), folder)
        return JSONResponse({**answer, "expected": expected}, status_code=202, background=done)

    def import_status(self, request: Request, job_id: int) -> Response:
        self.need_user(request, self.importers)  # a job lists file names and bad records: importers only
        from servio.service.routers.imports import job_out
        from servio.web.users_routes import MAX_ID

        try:
            if not 0 < job_id <= MAX_ID:  # no job has such an id, and the database could not even look
                raise NotFound(f"no import job {job_id}")
            return JSONResponse(job_out(self.backend(request).job(job_id), language=language_of(request),
                                        audience="dashboard"))
        except NotFound as exc:
            raise HTTPException(404, str(exc)) from None

    def conversations(self, request: Request) -> Response:
        user = self.viewer(request)
        if isinstance(user, Response):
            return user
        q, scope = request.query_params, Scope.of(user)
        f = _filter(q, scope)
        if f.failure is not None and not known_failure(f.failure, self.backend(request).listing):
            raise PageRefusal(422, "bad_choice", field="filter_failure")  # a typo is no empty list
        ctx = pages.conversation_list(self.backend(request), f, language_of(request),
                                      own_agent=scope.agent_id, own_team=scope.team)
        page, kept = ctx["page"], {k: v for k, v in q.items() if k != "offset"}
        prev_link = (pages.query(request.url.path, **kept, offset=max(0, f.offset - f.limit))
                     if f.offset else None)
        next_link = (pages.query(request.url.path, **kept, offset=f.offset + f.limit)
                     if f.offset + f.limit < page.total else None)
        return self.page(request, "conversations.html", **ctx, q=dict(q), link=self.link, prev_link=prev_link,
                         next_link=next_link)

    def conversation(self, request: Request, cid: str) -> Response:
        user = self.viewer(request)
        if isinstance(user, Response):
            return user
        try:
            conv, result, corrected = self.visible(request, user, cid)
        except HTTPException as exc:
            if exc.status_code != 404:
                raise
            return self.missing(request, "no_conversation_here", cid,
                                [(self.link("conversations"), "to_conversation_list")])
        view = pages.conversation_view(conv, result, corrected, language_of(request))
        return self.page(request, "conversation.html", **view, link=self.link,
                         can_correct=Scope.of(user).staff)

    def visible(self, request: Request, user: User, cid: str) -> Any:
        """A conversation in the user's scope; 404 otherwise (as the API: not yours = not found)."""
        scope = Scope.of(user)
        try:
            conv, result, corrected = self.backend(request).get(cid)
        except NotFound:
            raise HTTPException(404, f"no conversation {cid!r}") from None
        if not scope.sees(result.agent_id, result.team):
            raise HTTPException(404, f"no conversation {cid!r}")
        return conv, result, corrected

    async def correct(self, request: Request, cid: str, turn: int) -> Response:
        user = self.json_post(request, STAFF)
        body = await json_body(request)
        from starlette.concurrency import run_in_threadpool

        # in the thread pool: re-scoring, and waiting for the write lock while an import writes
        return await run_in_threadpool(self.corrected, request, user, cid, turn, body)

    def corrected(self, request: Request, user: User, cid: str, turn: int, body: Any) -> Response:
        """Apply a correction and answer with the new scores (see :meth:`correct`)."""
        self.visible(request, user, cid)
        try:
            stages = body.get("stages") if isinstance(body, dict) else None
            if not isinstance(stages, list):
                raise StoreError("send {\"stages\": [1..7, ...]}")
            corr = self.backend(request).correct(cid, turn, stages, user)
            _, result, _ = self.backend(request).get(cid)
        except NotFound as exc:
            raise HTTPException(404, str(exc)) from None
        except (StoreError, ValueError) as exc:
            raise HTTPException(422, str(exc)) from None
        answer = dict(pages.score_update(result, language_of(request)))
        answer.update(turn=turn, stages=list(corr.after), overall_before=round(corr.overall_before, 1))
        return JSONResponse(answer)

    def agent(self, request: Request, agent_id: str) -> Response:
        user = self.viewer(request)
        if isinstance(user, Response):
            return user
        team = Scope.of(user).agent_profile(agent_id)
        backend, dates, language = self.backend(request), _dates(request), language_of(request)
        ctx = pages.profile_page(backend, kind="agent", id=agent_id, within=team, language=language,
                                 link=self.link, **dates)
        if ctx is None:
            if not backend.knows(agent_id=agent_id, team=team):  # none at all (in the team lead's team)
                return self.missing(request, "agent_none_at_all", agent_id,
                                    [(self.link("team"), "to_team_overview")])
            # a quiet period of a real agent: their page, saying so, with the way to all their days
            ctx = pages.quiet_profile_page(kind="agent", id=agent_id, language=language,
                                           all_link=self.link("agent", id=agent_id), **dates)
        # quiet: what a period without their conversations says ("" on a page of figures)
        return self.page(request, "profile.html", **{"quiet": "", **ctx}, q=dict(request.query_params))

    def missing(self, request: Request, key: str, id: str, links: list[tuple[str, str]]) -> Response:
        """A 404 page in the page's language, with the menu and a way on (not the API's JSON)."""
        texts = strings(language_of(request))
        response = self.page(request, "error.html", title=texts["not_found_title"],
                             message=texts[key].format(id=id),
                             links=[(href, texts[label]) for href, label in links])
        response.status_code = 404
        return response

    def team(self, request: Request) -> Response:
        user = self.viewer(request)
        if isinstance(user, Response):
            return user
        scope, q = Scope.of(user), request.query_params
        if scope.agent_id is not None:
            return RedirectResponse(self.link("agent", id=scope.agent_id), status_code=303)
        team = q.get("team") or None
        if scope.team is not None and team is None:  # a team lead starts on their own team's page
            own = pages.query(request.url.path, **{**q, "team": scope.team})
            return RedirectResponse(own, status_code=303)
        if team is not None:
            scope.team_profile(team)
            # a team no conversation names: not a heatmap titled with it, the selector on "everyone" and a
            # report offered for it (a team lead's own team is theirs even before anything is imported)
            if scope.team is None and not self.known_team(request, team):
                return self.missing(request, "team_none_at_all", team,
                                    [(self.link("team"), "to_team_overview")])
        dates = _dates(request)
        ctx = pages.team_page(self.backend(request), team=team, language=language_of(request), link=self.link,
                              **dates)
        ctx["teams"] = scope.within(ctx["teams"], lambda t: t.id)
        ctx["quiet"] = ""  # what the page says of a period without conversations, when one was chosen
        if not ctx["n"] and any(dates.values()):  # a quiet period, said as a report of it says it
            from servio.report.summary import quiet_text

            ctx["quiet"] = quiet_text("team" if team else "period", team, dates["date_from"],
                                      dates["date_to"], language_of(request))
        return self.page(request, "team.html", **ctx, q=dict(q), team_locked=scope.team is not None)

    def known_team(self, request: Request, team: str) -> bool:
        """Whether any conversation names ``team``."""
        return self.backend(request).knows(team=team)

    def nothing_to_report(self, request: Request, kind: str, key: str) -> Response:
        """The 404 page of a team or agent report with no conversation behind it at all (in the user's
        scope), as their pages answer."""
        if kind == "agent":
            return self.missing(request, "agent_none_at_all", key, [(self.link("team"), "to_team_overview")])
        return self.missing(request, "team_none_at_all", key, [(self.link("team"), "to_team_overview")])

    def report(self, request: Request) -> Response:
        """The HTML report; ``download=1`` sends it as a file (the pages' "Download report" link).

        Signed out, the browser goes to the sign-in page and from there to the report shown in the tab:
        a link with a ``download`` attribute saved the sign-in page as the report instead.
        """
        user = self.user(request)
        if user is None:
            return self.to_login(request, drop=("download",))
        q = request.query_params
        scope = q.get("scope", "period")
        key = q.get("id") or None
        within = Scope.of(user).report(scope, key)
        from servio.report.html import build_report

        dates = _dates(request)
        compare = _compare_dates(q, dates)
        backend = self.backend(request)
        results, conversations, own = pages.report_results(  # as servio report --database reads them
            backend, agent_id=key if scope == "agent" else None, team=within,
            date_from=dates["date_from"], date_to=dates["date_to"],
            compare_from=compare["date_from"] if compare else None,
            compare_to=compare["date_to"] if compare else None)
        if not own and scope in ("agent", "team") and key is not None and \
                not backend.knows(agent_id=key if scope == "agent" else None, team=within):
            # not an empty "0 conversations" report where the agent's or team's page is not found; a quiet
            # period of a real one is the report that says so (as the API's and servio report's)
            return self.nothing_to_report(request, scope, key)
        try:
            # every conversation id a link to its page here, in the tab and in the downloaded file
            html = build_report(results, conversations, scope=scope, id=key, language=language_of(request),
                                date_from=dates["date_from"], date_to=dates["date_to"],
                                compare_from=compare["date_from"] if compare else None,
                                compare_to=compare["date_to"] if compare else None,
                                links=str(request.base_url).rstrip("/") + self.link("conversation"))
        except ValueError:
            raise PageRefusal(422, "bad_filters") from None
        from servio.service.headers import attachment, report_file_name, report_policy

        headers = {"Content-Security-Policy": report_policy(html)}
        if q.get("download") == "1":
            from servio import audit

            audit.of_request(request, user, "report.download", via="dashboard", scope=scope, id=key,
                             format="html", date_from=dates["date_from"], date_to=dates["date_to"],
                             compare_from=compare["date_from"] if compare else None,
                             compare_to=compare["date_to"] if compare else None)
            headers["Content-Disposition"] = attachment(report_file_name(scope, key, dates["date_from"],
                                                                         dates["date_to"], "html"))
        return HTMLResponse(html, headers=headers)


async def json_body(request: Request) -> Any:
    """The request's JSON body (``{}`` when empty): 400 when nested too deep, 422 when not JSON.

    The service's limits check JSON depth only for a JSON content type;
    the dashboard parses its bodies whatever type the client declares.
    """
    from servio.service.limits import json_depth_exceeds

    raw = await request.body() or b"{}"
    depth = getattr(getattr(request.app.state, "settings", None), "max_json_depth", DEFAULT_JSON_DEPTH)
    if json_depth_exceeds(raw, depth):
        raise HTTPException(400, f"JSON nested deeper than {depth} levels")
    try:
        return json.loads(raw)
    except ValueError:
        raise HTTPException(422, "the body must be JSON") from None


def _dates(request: Request) -> dict[str, date | None]:
    """``date_from`` and ``date_to`` of the query; a refusal naming the field for a date that is no date,
    and for From after To."""
    return _date_pair(request.query_params)


#: The label (a key of the interface strings) of each filter a refusal names.
FIELD_LABELS = {"date_from": "filter_from", "date_to": "filter_to", "score_min": "filter_score_min",
                "score_max": "filter_score_max", "missing_stage": "filter_missing_stage",
                "sort": "filter_sort", "limit": "filter_limit", "offset": "filter_offset",
                "compare_from": "compare_form_from", "compare_to": "compare_form_to"}


def _date_pair(q: Any) -> dict[str, date | None]:
    out: dict[str, date | None] = {}
    for key in ("date_from", "date_to"):
        raw = q.get(key) or ""
        try:
            out[key] = date.fromisoformat(raw) if raw else None
        except ValueError:
            raise PageRefusal(422, "bad_date", field=FIELD_LABELS[key]) from None
    start, end = out["date_from"], out["date_to"]
    if start is not None and end is not None and start > end:
        raise PageRefusal(422, "dates_reversed", from_label="filter_from", to_label="filter_to",
                          date_from=start.isoformat(), date_to=end.isoformat())
    return out


def _without_filters(request: Request) -> str:
    """The page asked for without its filters: a report keeps whose it is (``scope``, ``id``), since the
    report of everyone is not everyone's to see."""
    kept = {k: v for k in ("scope", "id") if (v := request.query_params.get(k))}
    return request.url.path + (f"?{urlencode(kept)}" if kept else "")


def _compare_dates(q: Any, dates: dict[str, date | None]) -> dict[str, date | None] | None:
    """A report's comparison period (``compare_from``, ``compare_to``) as ``date_from``/``date_to``, None
    without one; a refusal naming the field for a bad or missing date, reversed dates, or a period that does
    not end before the report's first day (:func:`servio.report.compare.earlier_problem`)."""
    raw = {key: q.get(key) or "" for key in ("compare_from", "compare_to")}
    if not any(raw.values()):
        return None
    out: dict[str, date | None] = {}
    for key, value in raw.items():
        try:
            out[key] = date.fromisoformat(value)
        except ValueError:
            raise PageRefusal(422, "bad_date", field=FIELD_LABELS[key]) from None
    from servio.report.compare import earlier_problem

    start, end = out["compare_from"], out["compare_to"]
    assert start is not None and end is not None  # parsed above
    problem = earlier_problem(dates["date_from"], start, end)
    if problem == "reversed":
        raise PageRefusal(422, "dates_reversed", from_label="compare_form_from", to_label="compare_form_to",
                          date_from=start.isoformat(), date_to=end.isoformat())
    if problem is not None:
        own = dates["date_from"]
        raise PageRefusal(422, f"compare_{problem}", compare_from=start.isoformat(),
                          compare_to=end.isoformat(), date_from=own.isoformat() if own else "")
    return {"date_from": start, "date_to": end}


def _filter(q: Any, scope: Scope) -> ConversationFilter:
    """The conversation list's filter from the query; a refusal that names the field for a bad value."""
    def num(key: str, kind: Callable[[str], Any] = float) -> Any:
        if not q.get(key):
            return None
        try:
            value = kind(q[key])
        except ValueError:
            raise PageRefusal(422, "bad_number" if kind is float else "bad_whole_number",
                              field=FIELD_LABELS[key]) from None
        if kind is float and value != value:  # NaN
            raise PageRefusal(422, "bad_number", field=FIELD_LABELS[key])
        return value

    dates = _date_pair(q)
    stage = num("missing_stage", int)
    if stage is not None and not 1 <= stage <= 7:
        raise PageRefusal(422, "bad_choice", field=FIELD_LABELS["missing_stage"])
    sort = q.get("sort") or "-started_at"
    if sort.removeprefix("-") not in SORT_KEYS:
        raise PageRefusal(422, "bad_choice", field=FIELD_LABELS["sort"])
    # a value no conversation can have is a typo, not an empty list (the API answers 422 too)
    for key, choices in (("contact_type", ContactType), ("language", Language)):
        if q.get(key) and q[key] not in {c.value for c in choices}:
            raise PageRefusal(422, "bad_choice", field=f"filter_{key}")
    low, high = num("score_min"), num("score_max")
    if low is not None and high is not None and low > high:
        raise PageRefusal(422, "scores_reversed", min_label="filter_score_min", max_label="filter_score_max",
                          score_min=f"{low:g}", score_max=f"{high:g}")
    limit, offset = num("limit", int), num("offset", int)
    if limit is not None and limit < 1:
        raise PageRefusal(422, "bad_whole_number", field=FIELD_LABELS["limit"])
    incomplete = q.get("incomplete") or ""  # the "incomplete only" box: on, or not there
    if incomplete not in ("", "1", "on", "true"):
        raise PageRefusal(422, "bad_choice", field="filter_incomplete")
    agent, team = scope.listing(q.get("agent_id") or None, q.get("team") or None)
    try:
        return ConversationFilter(
            agent_id=agent, team=team, date_from=dates["date_from"], date_to=dates["date_to"],
            contact_type=q.get("contact_type") or None, missing_stage=stage,
            failure=q.get("failure") or None, score_min=low, score_max=high,
            language=q.get("language") or None, incomplete=True if incomplete else None,
            limit=min(200, limit or 50),
            offset=max(0, offset or 0), sort=sort)
    except StoreError:  # an offset past the last page the store will count to
        raise PageRefusal(422, "bad_filters") from None
