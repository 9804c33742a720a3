"""A page that reads much from the store must not stop the server answering anyone else meanwhile.

With 20,000 conversations the team page of everyone reads for seconds; run on the event loop,
that froze every other request (the API, /health, live hints) for as long. The backend here
holds each page's read until another request has been answered: on the event loop that other
request would wait for the read instead, and the read would give up waiting.
"""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from servio.web import web_router
from servio.web.backend import MemoryBackend
from tests.web.conftest import served_app

WAIT = 15.0  # seconds the held read waits for the other request before it gives up


class Held:
    """A backend whose reads wait until ``release`` is set (or :data:`WAIT` passes)."""

    def __init__(self) -> None:
        self.inner = MemoryBackend()
        self.entered, self.release = threading.Event(), threading.Event()
        self.released_in_time: bool | None = None

    def _hold(self) -> None:
        self.entered.set()
        self.released_in_time = self.release.wait(WAIT)

    def results(self, **kw: Any) -> Any:
        self._hold()
        return self.inner.results(**kw)

    def listing(self, f: Any) -> Any:
        self._hold()
        return self.inner.listing(f)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@pytest.mark.parametrize("path", ["/ui/team", "/ui/agents/kati", "/ui/conversations",
                                  "/ui/report?scope=period"])
def test_other_requests_are_answered_while_a_page_reads(path: str) -> None:
    held = Held()
    app = FastAPI()
    app.include_router(web_router(backend=lambda _request: held, open_access=True))
    with served_app(app) as origin:
        slow: dict[str, Any] = {}
        reader = threading.Thread(target=lambda: slow.update(answer=httpx.get(origin + path, timeout=60)))
        reader.start()
        assert held.entered.wait(30), "the page never read from its backend"
        other = httpx.get(f"{origin}/ui/login", timeout=60)  # served while the page's read is held?
        held.release.set()
        reader.join(60)
    assert other.status_code == 200
    assert slow["answer"].status_code in (200, 404)
    assert held.released_in_time, f"{path} held the event loop: no other request was answered meanwhile"
