"""Security headers on every HTTP answer of the service and the dashboard (plain ASGI middleware).

Every answer gets ``X-Content-Type-Options: nosniff``, ``Referrer-Policy:
same-origin`` (see :data:`REFERRER`), ``X-Frame-Options: DENY`` and, unless its route chose one,
``Cache-Control: no-store`` (conversations, profiles and pages behind a
sign-in must not stay in a browser's or proxy's cache) and a
Content-Security-Policy: HTML pages may run only the dashboard's own script
files; anything else (JSON, CSV) may load nothing at all. A route that
needs another policy (the report's inline style block, the API docs) sets
its own header, built with :func:`policy` and :func:`inline_hashes`. An
answer over HTTPS (directly, or from a trusted proxy that says so) also
gets ``Strict-Transport-Security``: a browser that has seen servio over
HTTPS never falls back to plain HTTP for it.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Mapping
from datetime import date
from urllib.parse import quote

from servio.service.limits import ASGIApp, Message, Receive, Scope, Send

#: Other sites get no address as a referrer; servio's own pages name themselves. ``no-referrer`` made a
#: browser send ``Origin: null`` with the sign-in form, and over plain HTTP (where browsers send no
#: ``Sec-Fetch-Site``) the sign-in check could then only refuse it: nobody could sign in.
REFERRER = "same-origin"
#: Sent with every answer whatever its route says.
ALWAYS = {"x-content-type-options": "nosniff", "referrer-policy": REFERRER, "x-frame-options": "DENY"}
#: Sent unless the route set its own.
CACHE = "no-store"
#: Sent with every answer over HTTPS (a year; not to subdomains, which servio does not own).
HSTS = ("strict-transport-security", "max-age=31536000")

#: A dashboard page: its own scripts, styles and fetches; style attributes (stage colours) but no
#: inline <style> or <script>; forms post only to the dashboard; never framed.
PAGE: dict[str, str] = {
    "default-src": "'none'", "script-src": "'self'", "connect-src": "'self'", "img-src": "'self' data:",
    "style-src": "'self' 'unsafe-inline'", "style-src-elem": "'self'", "style-src-attr": "'unsafe-inline'",
    "form-action": "'self'", "base-uri": "'none'", "frame-ancestors": "'none'",
}
#: Anything that is not HTML (JSON, CSV, text): nothing in it may load or run, nor be framed.
DATA: dict[str, str] = {"default-src": "'none'", "base-uri": "'none'", "form-action": "'none'",
                        "frame-ancestors": "'none'"}


def policy(directives: Mapping[str, str]) -> str:
    """A Content-Security-Policy header value from ``{directive: sources}``."""
    return "; ".join(f"{name} {sources}" for name, sources in directives.items())


def inline_hashes(html: str, tag: str) -> str:
    """The CSP hash sources (``'sha256-...'``) of the plain inline ``<tag>`` elements of ``html``."""
    found = re.findall(rf"<{tag}>(.*?)</{tag}>", html, flags=re.S)
    digests = (base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() for text in found)
    return " ".join(f"'sha256-{d}'" for d in dict.fromkeys(digests))


def headers_for(content_type: str, present: Iterable[str] = ()) -> list[tuple[str, str]]:
    """The security headers an answer of ``content_type`` needs beyond the (lower-case) ``present`` ones."""
    have = set(present)
    chosen = {**ALWAYS, "cache-control": CACHE,
              "content-security-policy": policy(PAGE if content_type.startswith("text/html") else DATA)}
    return [(name, value) for name, value in chosen.items() if name in ALWAYS or name not in have]


class SecurityHeadersMiddleware:
    """Adds :func:`headers_for` to every HTTP answer (WebSocket messages are left alone)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = [(k, v) for k, v in message.get("headers", ())
                       if k.decode("latin-1").lower() not in ALWAYS]
                names = {k.decode("latin-1").lower() for k, _ in raw}
                kind = next((v.decode("latin-1").lower() for k, v in raw if k.lower() == b"content-type"), "")
                chosen = headers_for(kind, names)
                if scope.get("scheme") == "https":
                    chosen.append(HSTS)
                extra = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in chosen]
                message = {**message, "headers": raw + extra}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def report_policy(html: str) -> str:
    """The policy of a self-contained report page: its own ``<style>`` blocks by hash, style attributes,
    inline images, and no script at all."""
    own = inline_hashes(html, "style") or "'none'"
    return policy({**DATA, "style-src": "'unsafe-inline'", "style-src-elem": own,
                   "style-src-attr": "'unsafe-inline'", "img-src": "data:"})


def attachment(name: str) -> str:
    """A ``Content-Disposition`` saving the answer as ``name``: ASCII for every browser, and the name as
    it is (an id in Estonian letters, with spaces or a slash) where the browser reads ``filename*``."""
    plain = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in name)
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name.replace('/', '_'), safe='')}"


def report_file_name(scope: str, id: str | None, date_from: date | None, date_to: date | None,
                     ext: str) -> str:
    """``servio-team-Tallinn-2026-11-16_2026-11-22.pdf``: whose report, which days, which format (the API's
    and the dashboard's downloads alike, so that monthly downloads do not overwrite each other)."""
    days = "_".join(d.isoformat() if d else "" for d in (date_from, date_to)).strip("_")
    return "-".join(part for part in ("servio", scope, id or "all", days) if part) + f".{ext}"
