"""The demo dashboard (``demo_app``) answers errors and sends headers as the service does.

No browser, no conversations: the demo starts empty.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

SECRET = "Mu parool on hunter2-Kalamaja"


@pytest.fixture(scope="module")
def demo() -> Iterator[TestClient]:
    from servio.web.demo import demo_app

    with TestClient(demo_app([], tagger="rules"), raise_server_exceptions=False) as client:
        yield client


def test_a_validation_error_names_the_field_without_repeating_the_value(demo: TestClient) -> None:
    answer = demo.get(f"/ui/import/{SECRET}")
    assert answer.status_code == 422
    assert SECRET not in answer.text
    assert [set(e) for e in answer.json()["detail"]] == [{"loc", "msg", "type"}]


def test_every_answer_carries_the_security_headers(demo: TestClient) -> None:
    from tests.service.test_headers import guarded

    for path in ("/ui/team", "/ui/conversations", "/ui/live", "/ui/import/1", "/ui/import/x", "/"):
        guarded(demo.get(path, follow_redirects=False))
    assert guarded(demo.get("/ui/team"))["script-src"] == {"'self'"}
