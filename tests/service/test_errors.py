"""Error answers name what is wrong and never repeat what was sent (a customer's words, a password, a token).

The conversations and secrets here are invented.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servio.service import create_app
from tests.service.conftest import make_settings

SECRET = "Mu parool on hunter2-Kalamaja"  # what must never come back in an answer


@pytest.fixture
def api(store: Any) -> Iterator[tuple[TestClient, dict[str, str]]]:
    _, token = store.create_user("root", "admin")
    with TestClient(create_app(make_settings(), store=store), raise_server_exceptions=False) as client:
        yield client, {"Authorization": f"Bearer {token}"}


def _session(client: TestClient, headers: dict[str, str]) -> str:
    sid: str = client.post("/live/sessions", json={}, headers=headers).json()["id"]
    return sid


def _refused(answer: Any) -> list[dict[str, Any]]:
    assert answer.status_code == 422, answer.text
    assert SECRET not in answer.text
    detail: list[dict[str, Any]] = answer.json()["detail"]
    for error in detail:
        assert set(error) == {"loc", "msg", "type"}, error
    return detail


def test_a_turn_missing_its_speaker_names_the_field_without_echoing_the_text(api: Any) -> None:
    client, headers = api
    answer = client.post(f"/live/sessions/{_session(client, headers)}/turns", json={"text": SECRET},
                         headers=headers)
    assert _refused(answer) == [{"loc": ["body", "speaker"], "msg": "Field required", "type": "missing"}]


def test_a_bad_value_and_an_unknown_field_are_named_but_not_repeated(api: Any) -> None:
    client, headers = api
    body = {"speaker": SECRET, "text": "hello", "password": SECRET}
    detail = _refused(client.post(f"/live/sessions/{_session(client, headers)}/turns", json=body,
                                  headers=headers))
    assert {(tuple(e["loc"]), e["type"]) for e in detail} == {(("body", "speaker"), "enum"),
                                                               (("body", "password"), "extra_forbidden")}


def test_query_parameters_and_user_names_are_not_repeated(api: Any) -> None:
    client, headers = api
    detail = _refused(client.get("/conversations", params={"score_min": SECRET}, headers=headers))
    assert detail[0]["loc"] == ["query", "score_min"]
    _refused(client.post("/users", json={"name": "\x01" + SECRET, "role": "agent"}, headers=headers))


def test_a_body_that_is_not_json_is_refused_without_quoting_it(api: Any) -> None:
    client, headers = api
    answer = client.post(f"/live/sessions/{_session(client, headers)}/turns",
                         content='{"speaker": "agent", "text": "' + SECRET, headers={
                             **headers, "content-type": "application/json"})
    assert _refused(answer)[0]["type"] == "json_invalid"


def test_the_dashboards_path_parameters_are_not_repeated(api: Any) -> None:
    client, _ = api
    _refused(client.get(f"/ui/import/{SECRET}"))


def test_the_openapi_schema_describes_the_422_answer_as_it_is(api: Any) -> None:
    client, _ = api
    error = client.get("/openapi.json").json()["components"]["schemas"]["ValidationError"]
    assert set(error["properties"]) == {"loc", "msg", "type"}
    assert set(error["required"]) == {"loc", "msg", "type"}


@pytest.mark.parametrize("path", ["/conversations", "/conversations.csv", "/agents/kati/profile",
                                  "/teams/Tallinn/profile"])
@pytest.mark.parametrize(("field", "value"), [("date_to", "0001-01-01T00:00:00+14:00"),
                                              ("date_from", "9999-12-31T23:59:59-12:00"),
                                              ("date_to", "9999-12-31"), ("date_from", "0001-01-01")])
def test_a_moment_or_day_at_the_calendars_edge_is_named_not_a_500(api: Any, path: str, field: str,
                                                                  value: str) -> None:
    """A date-time whose UTC instant falls outside the calendar (year 0 or 10000) was an OverflowError
    and a 500 that any signed-in user could repeat; a day at the edge is a day like any other."""
    client, headers = api
    answer = client.get(path, params={field: value}, headers=headers)
    if "T" in value:
        assert [e["loc"] for e in _refused(answer)] == [["query", field]]
        assert "range" in _refused(answer)[0]["msg"]
    else:
        assert answer.status_code in (200, 404), answer.text  # 404: a profile with no conversations then


def _outage(*_: Any, **__: Any) -> Any:
    from sqlalchemy.exc import OperationalError

    raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))


def test_the_database_out_of_reach_is_a_503_with_retry_after(api: Any, store: Any, monkeypatch: Any,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    """Every endpoint, not only /health: a monitor or load balancer reads an outage, not a bug, and the log
    has one line per request instead of a traceback (audit 19c, m1)."""
    client, headers = api
    monkeypatch.setattr(store, "list_conversations", _outage)
    monkeypatch.setattr(store, "schema_revision", _outage)
    answer = client.get("/conversations", headers=headers)
    assert answer.status_code == 503, answer.text
    assert answer.json() == {"detail": "the database is unavailable; try again shortly"}
    assert answer.headers["Retry-After"] == "30"
    lines = [r for r in caplog.records if "database unavailable" in r.getMessage()]
    assert len(lines) == 1 and lines[0].exc_info is None and "connection refused" in lines[0].getMessage()
    assert client.get("/health").status_code == 503


def test_a_database_error_with_the_database_up_is_still_a_500(api: Any, store: Any, monkeypatch: Any) -> None:
    """SQLite's OperationalError also covers a bad statement: with the database answering, it is a bug."""
    client, headers = api
    monkeypatch.setattr(store, "list_conversations", _outage)
    answer = client.get("/conversations", headers=headers)
    assert answer.status_code == 500 and answer.json()["detail"].startswith("internal error (reference ")


def test_a_500_and_a_failed_import_job_make_their_reference_in_one_place(
        api: Any, store: Any, monkeypatch: Any, caplog: pytest.LogCaptureFixture) -> None:
    """job_error (an import job's error) and the API's 500 built "internal error (reference …)" each on
    its own; both come from servio.references.internal_error now, so one reference rule holds for both."""
    import types
    import uuid

    import servio.references
    from servio.store.importer import job_error

    fixed = uuid.UUID("9b5475e62220" + "0" * 20)  # only what goes through servio.references gets this one
    monkeypatch.setattr(servio.references, "uuid", types.SimpleNamespace(uuid4=lambda: fixed))
    client, headers = api
    monkeypatch.setattr(store, "list_conversations", _outage)
    with caplog.at_level("ERROR"):
        answer = client.get("/conversations", headers=headers)
        job = job_error(RuntimeError("SELECT text FROM turns WHERE text = 'Mari Maasikas'"))
    assert answer.status_code == 500
    assert answer.json() == {"detail": "internal error (reference 9b5475e62220)", "reference": "9b5475e62220"}
    assert job == answer.json()["detail"]
    logged = [r for r in caplog.records if "9b5475e62220" in r.getMessage()]
    assert [r.getMessage() for r in logged] == ["unexpected error 9b5475e62220 on GET /conversations",
                                                "import failed: internal error 9b5475e62220"]
    assert all(r.exc_info is not None for r in logged)  # each with its traceback, as before
