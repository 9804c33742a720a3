"""Request limits as plain ASGI middleware: body size, JSON depth and a per-client token bucket.

The JSON depth check scans the raw bytes before any parser sees them, so a
deeply nested body is refused with 400 instead of exhausting the recursion
limit of :mod:`json`.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from itertools import accumulate
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: The largest JSON request body (bytes): a live turn's 20,000 characters escaped are about 120 KB.
MAX_JSON_BYTES = 1024 * 1024
#: Paths the rate limit never counts (liveness probes).
UNLIMITED_PATHS = frozenset({"/health"})
#: One client address may send this many times the per-token rate in all (bounds floods of made-up tokens).
ADDRESS_FACTOR = 10
#: The dashboard's session cookie (``servio.web.session_cookie.NAME``): signed-in pages are keyed by it.
SESSION_COOKIE = "servio_token"
#: Its name when it is Secure (``servio.web.session_cookie.SECURE_NAME``); either name keys a session.
SECURE_SESSION_COOKIE = "__Host-" + SESSION_COOKIE
_SESSION_COOKIES = (SESSION_COOKIE.encode(), SECURE_SESSION_COOKIE.encode())
#: Sign-in attempts (``POST /ui/login``): per address, a twentieth of the rate (at least 10 a minute).
LOGIN_PATHS = frozenset({"/ui/login"})
LOGIN_FACTOR = 20


def json_depth_exceeds(data: bytes | str, limit: int) -> bool:
    """Whether the JSON text ``data`` nests arrays/objects deeper than ``limit`` (strings are skipped).

    Runs in C but for one pass over the brackets: strings go with a regular expression, everything but
    brackets with ``bytes.translate``, and the running depth is ``itertools.accumulate`` over +1/-1. The
    check runs in the event loop before authentication, so a Python loop over every character let an
    anonymous 50 MB body hold every other request for seconds (security audit S3).
    """
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    brackets = _JSON_STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    if brackets.count(b"[") + brackets.count(b"{") <= limit:
        return False
    return max(accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0) > limit


#: A JSON string with its escapes (an unterminated one stays, and its brackets count: such a body is not
#: JSON and is refused either way).
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_DEPTH_STEP = [1 if b in b"[{" else -1 if b in b"]}" else 0 for b in range(256)]


def now() -> float:
    """The buckets' clock (seconds, monotonic); tests replace it to count requests without racing it."""
    return time.monotonic()


class TokenBucket:
    """Per-key token buckets: ``rate`` requests a minute, bursts up to ``rate``; at most ``max_keys`` kept."""

    def __init__(self, rate_per_minute: int, *, max_keys: int = 100_000,
                 clock: Callable[[], float] | None = None) -> None:
        self.capacity = float(rate_per_minute)
        self.refill = rate_per_minute / 60.0
        self.max_keys = max_keys
        self._clock = clock or (lambda: now())
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Take one token for ``key``: 0.0 if allowed, else the seconds until one is available."""
        now = self._clock()
        with self._lock:
            tokens, stamp = self._buckets.pop(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - stamp) * self.refill)
            wait = 0.0
            if tokens >= 1.0:
                tokens -= 1.0
            else:
                wait = (1.0 - tokens) / self.refill
            self._buckets[key] = (tokens, now)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        return wait


def client_key(scope: Scope) -> str:
    """The rate-limit key of a request: a digest of its token (header, or a WebSocket's ``token``
    query parameter), else of its dashboard session cookie, else its client address.

    Keyed by address, every signed-in dashboard user behind one address shared the bucket of all
    anonymous requests from it: 600 of those put them all at 429 (security audit S10).
    """
    token = cookie = None
    for name, value in scope.get("headers", ()):
        if name == b"authorization" and value[:7].lower() == b"bearer ":
            token = value[7:].strip()
        elif name == b"cookie" and cookie is None:
            cookie = _session_cookie(value)
    if token is None and scope["type"] == "websocket":
        from urllib.parse import parse_qs

        found = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token")
        token = found[0].encode("latin-1") if found else None
    if token:
        return "t:" + hashlib.sha256(token).hexdigest()[:32]
    if cookie:
        return "s:" + hashlib.sha256(cookie).hexdigest()[:32]
    return address_key(scope)


def _session_cookie(header: bytes) -> bytes | None:
    """The value of the dashboard's session cookie (of either name) in a ``Cookie`` header, if it has one."""
    for part in header.split(b";"):
        name, equals, value = part.strip().partition(b"=")
        if equals and name in _SESSION_COOKIES and value.strip(b'" '):
            return value.strip(b'" ')
    return None


def address_key(scope: Scope) -> str:
    """The rate-limit key of a request's client address."""
    client = scope.get("client")
    return "ip:" + (client[0] if client else "unknown")


def too_large(limit: int) -> str:
    """The 413 answer: the limit as people write sizes, what to do, and the exact byte count."""
    mib = limit / (1024 * 1024)
    shown = f"{mib:.0f} MB" if mib >= 1 else f"{limit / 1024:.0f} KB"
    return f"the upload is larger than the limit of {shown} ({limit} bytes): split it into smaller files"


def json_too_large(limit: int) -> str:
    """The 413 answer to a JSON body over :data:`MAX_JSON_BYTES` (files go as uploads, not as JSON)."""
    return (f"the JSON body is larger than the limit of {limit // 1024} KB ({limit} bytes); "
            "conversation files go to POST /imports as uploads")


async def _reply(send: Send, status: int, detail: str,
                 headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps({"detail": detail}).encode()
    head = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": head + (headers or [])})
    await send({"type": "http.response.body", "body": body})


class LimitsMiddleware:
    """Refuses over-large bodies (413), too deeply nested JSON (400) and too many requests (429)."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_json_depth: int,
                 rate_per_minute: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        #: JSON bodies are requests (a live turn of 20,000 characters, a correction, a user), never uploads:
        #: they are read whole and scanned before authentication, so they get a much smaller limit
        self.max_json_bytes = min(max_body_bytes, MAX_JSON_BYTES)
        self.max_json_depth = max_json_depth
        self.bucket = TokenBucket(rate_per_minute) if rate_per_minute > 0 else None
        self.addresses = TokenBucket(rate_per_minute * ADDRESS_FACTOR) if rate_per_minute > 0 else None
        self.logins = TokenBucket(max(10, rate_per_minute // LOGIN_FACTOR)) if rate_per_minute > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if self.bucket is not None and scope.get("path") not in UNLIMITED_PATHS:
            wait = self._wait(scope)
            if wait > 0:
                await self._too_many(scope, send, wait)
                return
        if scope["type"] == "websocket":
            rated = self._rated(scope, receive, send) if self.bucket is not None else receive
            await self.app(scope, rated, send)
            return
        headers = dict(scope.get("headers", ()))
        declared = headers.get(b"content-length")
        if declared is not None and not declared.isdigit():
            await _reply(send, 400, "bad Content-Length header")
            return
        is_json = b"json" in headers.get(b"content-type", b"")
        # a JSON body's limit is the smaller, and its answer says where files go (not "split the upload")
        if is_json and declared is not None and int(declared) > self.max_json_bytes:
            await _reply(send, 413, json_too_large(self.max_json_bytes))
            return
        if declared is not None and int(declared) > self.max_body_bytes:
            await _reply(send, 413, too_large(self.max_body_bytes))
            return
        if is_json:
            await self._json(scope, receive, send)
            return
        await self._counted(scope, receive, send)

    def _wait(self, scope: Scope) -> float:
        """Seconds until this request may pass: its token's, session's or (anonymous) address's bucket;
        with a token or session also its address's, the outer bound of all of them (made-up ones too);
        a sign-in attempt also the address's sign-in bucket."""
        key = client_key(scope)
        wait = self.bucket.take(key) if self.bucket is not None else 0.0
        if not key.startswith("ip:") and self.addresses is not None:
            wait = max(wait, self.addresses.take(address_key(scope)))
        if scope.get("method") == "POST" and scope.get("path") in LOGIN_PATHS and self.logins is not None:
            wait = max(wait, self.logins.take(address_key(scope)))
        return wait

    def _rated(self, scope: Scope, receive: Receive, send: Send) -> Receive:
        """``receive`` counting each WebSocket message against the same buckets as an HTTP request: one
        over the rate is answered with an error frame (status 429, ``retry_after`` in seconds) and not
        passed on, the socket stays open. Counted at the handshake only, one open socket sent turns
        without any bound but the session's turn limit (security audit S2)."""
        async def rated_receive() -> Message:
            while True:
                message = await receive()
                if message["type"] != "websocket.receive":
                    return message
                wait = self._wait(scope)
                if wait <= 0:
                    return message
                await send({"type": "websocket.send", "text": json.dumps({
                    "type": "error", "status": 429, "detail": "rate limit exceeded; try again later",
                    "retry_after": max(1, math.ceil(wait))})})

        return rated_receive

    async def _too_many(self, scope: Scope, send: Send, wait: float) -> None:
        retry = str(max(1, math.ceil(wait))).encode()
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008, "reason": "rate limit exceeded"})
            return
        await _reply(send, 429, "rate limit exceeded; try again later", [(b"retry-after", retry)])

    async def _json(self, scope: Scope, receive: Receive, send: Send) -> None:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_json_bytes:
                await _reply(send, 413, json_too_large(self.max_json_bytes))
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if json_depth_exceeds(body, self.max_json_depth):
            await _reply(send, 400, f"JSON nested deeper than {self.max_json_depth} levels")
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _counted(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the app counting body bytes; past the limit answer 413 and tell the app the client left."""
        size = 0
        refused = started = answered = False

        async def counting_receive() -> Message:
            nonlocal size, refused, answered
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                size += len(message.get("body", b""))
                if size > self.max_body_bytes:
                    refused = True
                    if not started:
                        answered = True
                        await _reply(send, 413, too_large(self.max_body_bytes))
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if answered:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, counting_receive, guarded_send)
