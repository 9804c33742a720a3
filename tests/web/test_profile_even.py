"""An even profile names no weakest stage on the dashboard either (as the report and the terminal)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from servio.evaluate.feedback import texts
from servio.web.backend import MemoryBackend
from tests.report.conftest import make_conversation, make_result


@pytest.fixture
def client() -> TestClient:
    from fastapi import FastAPI

    from servio.web.routes import web_router

    backend = MemoryBackend()
    backend.add([(make_conversation(f"p{i}"),
                  make_result(f"p{i}", "pia", "North", f"2026-09-0{i}", {s: 100.0 for s in range(1, 8)}))
                 for i in (1, 2)])
    app = FastAPI()
    app.state.web_backend = backend
    app.include_router(web_router(prefix="/ui", open_access=True))
    return TestClient(app)


def test_a_perfect_agent_gets_no_weakest_stage_and_no_tip(client: TestClient) -> None:
    page = client.get("/ui/agents/pia?lang=en").text
    assert "Even across the stages;" in page
    assert 'id="weakest"' not in page
    tip = texts("en")["stage"]["attunement"]["improve"]
    assert tip not in page
