"""docs/api.md and docs/live.md cover every endpoint and setting; the OpenAPI schema is readable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servio.service import Settings, create_app
from tests.service.conftest import make_settings

ROOT = Path(__file__).resolve().parents[2]
API_DOC = (ROOT / "docs" / "api.md").read_text("utf-8")
LIVE_DOC = (ROOT / "docs" / "live.md").read_text("utf-8")


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    with TestClient(create_app(make_settings())) as client:
        body: dict[str, Any] = client.get("/openapi.json").json()
        return body


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, op) for path, item in schema["paths"].items() for method, op in item.items()
    ]


def test_every_operation_is_in_the_api_doc(schema: dict[str, Any]) -> None:
    missing = [f"{m} {p}" for m, p, _ in _operations(schema) if f"{m} {p}" not in API_DOC]
    assert missing == []


def test_live_operations_and_the_websocket_are_in_the_live_doc(schema: dict[str, Any]) -> None:
    live = [f"{m} {p}" for m, p, _ in _operations(schema) if p.startswith("/live")]
    assert len(live) == 4
    assert [op for op in live if op not in LIVE_DOC] == []
    assert "`/live/{session_id}`" in LIVE_DOC


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented(name: str) -> None:
    assert f"`SERVIO_{name.upper()}`" in API_DOC


def test_every_operation_has_a_summary_and_a_description(schema: dict[str, Any]) -> None:
    for method, path, op in _operations(schema):
        assert op.get("summary"), f"{method} {path} has no summary"
        assert op.get("description"), f"{method} {path} has no description"
        assert op.get("tags"), f"{method} {path} has no tag"


def test_request_bodies_carry_examples(schema: dict[str, Any]) -> None:
    models = schema["components"]["schemas"]
    for name in ("LiveTurnIn", "LiveSessionIn", "StagesIn", "UserIn"):
        assert models[name].get("examples"), f"{name} has no example"


def test_bearer_security_scheme_is_declared(schema: dict[str, Any]) -> None:
    schemes = schema["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())
