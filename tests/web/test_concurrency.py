"""A page that reads much from the store must not stop the server answering anyone else meanwhile.

With 20,000 conversations the team page of everyone reads for seconds; run on the event loop,
that froze every other request (the API, /health, live hints) for as long. The backend here
holds each page's read until another request has been answered: on the event loop that other
request would wait for the read instead, and the read would give up waiting.
"""

from __future__ import annotations

import threading
import time
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

    def tallies(self, **kw: Any) -> Any:  # the team page's read
        self._hold()
        return self.inner.tallies(**kw)

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


def test_memory_backend_pages_read_while_an_import_adds() -> None:
    """Pages now read in worker threads while an upload's import thread adds to the same dict: each read
    must see a whole snapshot, not fail with 'dictionary changed size during iteration' (a 500)."""
    import sys
    from dataclasses import replace

    from servio.analyze import analyze
    from servio.evaluate import evaluate
    from servio.store.types import ConversationFilter
    from tests.web.test_team_lead import _chat

    conv = _chat("seed", "eva", "North")
    result = evaluate(analyze(conv), contact_type=conv.contact_type)
    backend, stop, errors = MemoryBackend(), threading.Event(), []

    changes = 0

    def add() -> None:  # adds (and, to stay small, deletes) conversations: the dict changes size each time
        nonlocal changes
        while not stop.is_set():
            changes += 1
            cid = f"c{changes % 200}"
            if not backend.delete(cid):
                backend.add([(replace(conv, id=cid), replace(result, conversation_id=cid))])

    reads = (lambda: backend.listing(ConversationFilter()), backend.teams, backend.agents, backend.results)
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, so the two interleave
    adder = threading.Thread(target=add)
    adder.start()
    deadline, rounds = time.monotonic() + 20, 0
    try:
        while time.monotonic() < deadline and (rounds < 100 or changes < 300):
            for read in reads:
                try:
                    read()
                except RuntimeError as exc:
                    errors.append(str(exc))
            rounds += 1
            time.sleep(0.001)  # let the import thread in between rounds too
    finally:
        stop.set()
        adder.join()
        sys.setswitchinterval(switch)
    assert changes >= 300 and errors == []


class HeldWrites(Held):
    """A backend whose deletions and corrections wait until ``release`` is set (or :data:`WAIT` passes)."""

    def delete(self, conversation_id: str) -> Any:
        self._hold()
        return self.inner.delete(conversation_id)

    def correct(self, *args: Any) -> Any:
        self._hold()
        return self.inner.correct(*args)


@pytest.mark.parametrize("action", ["delete", "correct"])
def test_other_requests_are_answered_while_a_post_writes(action: str, tmp_path: Any) -> None:
    """A deletion (which waits for readers to empty SQLite's log) or a correction (re-scoring, then
    waiting for the write lock while an import writes) must not hold the event loop either."""
    from servio.analyze import analyze
    from servio.evaluate import evaluate
    from servio.store import Store
    from tests.web.test_team_lead import _chat

    held = HeldWrites()
    conv = _chat("held-1", "eva", "North")
    held.inner.add([(conv, evaluate(analyze(conv), contact_type=conv.contact_type))])
    store = Store(f"sqlite:///{tmp_path / 'users.db'}")
    store.migrate()
    root, _ = store.create_user("root", "admin")
    session = store.start_session(root.id)  # what signing in puts in the cookie
    app = FastAPI()
    app.state.store = store
    app.include_router(web_router(backend=lambda _request: held))
    url, body = {"delete": ("/ui/conversations/held-1/delete", {}),
                 "correct": ("/ui/conversations/held-1/turns/0", {"stages": [1]})}[action]
    try:
        with served_app(app) as origin:
            slow: dict[str, Any] = {}
            post = lambda: httpx.post(origin + url, json=body, timeout=60,  # noqa: E731
                                      headers={"X-Servio": "1", "Cookie": f"servio_token={session}"})
            writer = threading.Thread(target=lambda: slow.update(answer=post()))
            writer.start()
            assert held.entered.wait(30), f"the {action} never reached its backend"
            other = httpx.get(f"{origin}/ui/login", timeout=60)
            held.release.set()
            writer.join(60)
    finally:
        store.close()
    assert other.status_code == 200
    assert slow["answer"].status_code == 200, slow["answer"].text
    assert held.released_in_time, f"the {action} held the event loop: no other request was answered meanwhile"
