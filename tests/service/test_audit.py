"""Admin actions and exports leave a ``servio.audit`` line: who (user id, name, role), what, on which ids.

A bank must show who erased or exported what and who made an admin (security
audit 19b, m8). Each line is written through Python's logging; it names ids,
never conversation text, the erasure search's text or a token.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servio import audit
from servio.service import create_app
from tests.service.conftest import Users, make_settings
from tests.web.conftest import sign_in

POST = {"X-Servio": "1"}


def _audited(caplog: pytest.LogCaptureFixture, action: str) -> list[dict[str, Any]]:
    """The fields of the audit records of ``action`` so far (each also checked to be one line)."""
    found = []
    for r in caplog.records:
        if r.name == "servio.audit" and r.audit["action"] == action:  # type: ignore[attr-defined]
            assert "\n" not in r.getMessage() and r.getMessage().startswith(f"action={action} ")
            assert r.levelno == logging.INFO
            found.append(r.audit)  # type: ignore[attr-defined]
    return found


def _one(caplog: pytest.LogCaptureFixture, action: str) -> dict[str, Any]:
    found = _audited(caplog, action)
    assert len(found) == 1, (action, [r.getMessage() for r in caplog.records])
    return found[0]


def _no_secrets(caplog: pytest.LogCaptureFixture, *secrets: str) -> None:
    text = "\n".join(r.getMessage() for r in caplog.records if r.name == "servio.audit")
    assert text
    for secret in secrets:
        assert secret not in text, secret


def test_the_api_records_who_erased_a_conversation_and_deleted_an_import_job(
        client: TestClient, users: Users, filled_store: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="servio.audit")
    texts = [t.text for t in filled_store.get_conversation("svc-et-1")[0].turns]
    admin = users.headers("admin")
    assert client.delete("/conversations/svc-et-1", headers=admin).status_code == 204
    job = filled_store.create_import_job(["kaebus-mari.txt"])
    filled_store.start_import_job(job.id)
    filled_store.finish_import_job(job.id)
    assert client.get("/imports?quoting=Mari%20Maasikas", headers=admin).status_code == 200
    assert client.delete(f"/imports/{job.id}", headers=admin).status_code == 204
    erased = _one(caplog, "conversation.delete")
    assert erased == {"action": "conversation.delete", "via": "api", "user_id": users.ids["admin"],
                      "user": "root", "role": "admin", "client": "testclient", "conversation": "svc-et-1"}
    deleted = _one(caplog, "import_job.delete")
    assert deleted["import_job"] == job.id and deleted["user_id"] == users.ids["admin"]
    _no_secrets(caplog, users.tokens["admin"], "Maasikas", *texts)
    # a refused or a missing target is no action
    assert client.delete("/conversations/svc-et-2", headers=users.headers("reviewer")).status_code == 403
    assert client.delete("/conversations/nope", headers=admin).status_code == 404
    assert len(_audited(caplog, "conversation.delete")) == 1


def test_the_api_records_who_made_a_user_and_changed_their_tokens_and_state(
        client: TestClient, users: Users, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="servio.audit")
    admin = users.headers("admin")
    made = client.post("/users", json={"name": "eva", "role": "admin"}, headers=admin)
    assert made.status_code == 201
    eva, first = made.json()["user"]["id"], made.json()["token"]
    second = client.post(f"/users/{eva}/tokens", headers=admin).json()["token"]
    assert client.patch(f"/users/{eva}", json={"active": False}, headers=admin).status_code == 200
    assert client.patch(f"/users/{eva}", json={"active": True}, headers=admin).status_code == 200
    assert client.delete(f"/users/{eva}/tokens", headers=admin).json() == {"revoked": 2}
    who = {"via": "api", "user_id": users.ids["admin"], "user": "root", "role": "admin"}
    target = {"target_user_id": eva, "target_user": "eva"}
    created = _one(caplog, "user.create")
    assert created.items() >= {**who, **target, "target_role": "admin"}.items()  # who made an admin
    assert _one(caplog, "token.issue").items() >= {**who, **target}.items()
    assert _one(caplog, "user.deactivate").items() >= {**who, **target}.items()
    assert _one(caplog, "user.activate").items() >= {**who, **target}.items()
    assert _one(caplog, "tokens.revoke").items() >= {**who, **target, "revoked": 2}.items()
    _no_secrets(caplog, first, second, users.tokens["admin"], first.split(".")[-1], second.split(".")[-1])


def test_the_api_records_exports_and_reports(client: TestClient, users: Users,
                                             caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="servio.audit")
    lead = users.headers("team_lead")
    assert client.get("/conversations.csv?date_from=2026-01-01", headers=lead).status_code == 200
    assert client.get("/corrections/export", headers=users.headers("reviewer")).status_code == 200
    assert client.get("/reports?scope=agent&id=kati&format=html",
                      headers=users.headers("agent")).status_code == 200
    export = _one(caplog, "conversations.export")
    # the team lead's export held their team's conversations: the scope is in the filters
    assert export["role"] == "team_lead"
    assert export["filters"] == {"team": "Online", "date_from": "2026-01-01"}
    assert _one(caplog, "corrections.export")["role"] == "reviewer"
    report = _one(caplog, "report.download")
    assert report.items() >= {"user_id": users.ids["agent"], "role": "agent", "scope": "agent", "id": "kati",
                              "format": "html"}.items()


@pytest.fixture
def dashboard(filled_store: Any, users: Users) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(), store=filled_store)) as c:
        yield c


def test_the_dashboard_records_sign_in_out_and_every_admin_action(
        dashboard: TestClient, users: Users, filled_store: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="servio.audit")
    refused = dashboard.post("/ui/login", data={"token": "servio_wrong.guess"}, follow_redirects=False)
    assert refused.status_code == 401
    sign_in(dashboard, users.tokens["admin"])
    made = dashboard.post("/ui/users", json={"name": "ivo", "role": "team_lead", "team": "Online"},
                          headers=POST)
    assert made.status_code == 201
    ivo, token = made.json()["user"]["id"], made.json()["token"]
    assert dashboard.post(f"/ui/users/{ivo}/tokens", headers=POST).status_code == 201
    assert dashboard.post(f"/ui/users/{ivo}/active", json={"active": False}, headers=POST).status_code == 200
    assert dashboard.post(f"/ui/users/{ivo}/tokens/revoke", headers=POST).status_code == 200
    assert dashboard.post("/ui/conversations/svc-et-1/delete", headers=POST).status_code == 200
    job = filled_store.create_import_job(["x.jsonl"])
    filled_store.start_import_job(job.id)
    filled_store.finish_import_job(job.id)
    assert dashboard.post(f"/ui/import/{job.id}/delete", headers=POST).status_code == 200
    assert dashboard.get("/ui/conversations.csv?team=Online").status_code == 200
    assert dashboard.get("/ui/report?scope=team&id=Online&download=1").status_code == 200
    assert dashboard.get("/ui/report?scope=team&id=Online").status_code == 200  # shown, not downloaded
    assert dashboard.post("/ui/logout", follow_redirects=False).status_code == 303

    who = {"via": "dashboard", "user_id": users.ids["admin"], "user": "root", "role": "admin"}
    assert _one(caplog, "login.refused") == {"action": "login.refused", "via": "dashboard",
                                             "client": "testclient"}
    assert _one(caplog, "login").items() >= who.items()
    assert _one(caplog, "user.create").items() >= {**who, "target_user_id": ivo, "target_role": "team_lead",
                                                   "target_team": "Online"}.items()
    for action in ("token.issue", "user.deactivate", "tokens.revoke"):
        assert _one(caplog, action).items() >= {**who, "target_user_id": ivo}.items(), action
    assert _one(caplog, "conversation.delete").items() >= {**who, "conversation": "svc-et-1"}.items()
    assert _one(caplog, "import_job.delete").items() >= {**who, "import_job": job.id}.items()
    assert _one(caplog, "conversations.export")["filters"] == {"team": "Online"}
    assert _one(caplog, "report.download").items() >= {**who, "scope": "team", "id": "Online"}.items()
    assert _one(caplog, "logout").items() >= who.items()
    _no_secrets(caplog, users.tokens["admin"], token, "servio_wrong.guess", "servio_session")


def test_an_import_records_who_put_conversations_in_by_job_never_by_file_name(
        client: TestClient, dashboard: TestClient, users: Users, caplog: pytest.LogCaptureFixture) -> None:
    """An import can add and replace stored conversations: who started it, and which job holds what it did.
    A file's name can carry a customer's name (docs/privacy.md), so the line counts files, not names."""
    caplog.set_level(logging.INFO, logger="servio.audit")
    record = b'{"id": "audit-imp-1", "turns": [{"speaker": "customer", "text": "Tere"}]}\n'
    by_api = client.post("/imports?wait=true", files=[("files", ("kaebus-mari-maasikas.jsonl", record))],
                         headers=users.headers("admin"))
    assert by_api.status_code == 200, by_api.text
    sign_in(dashboard, users.tokens["admin"])
    by_page = dashboard.post("/ui/import", files=[("files", ("kaebus-mari-maasikas.jsonl", record))],
                             headers={**POST, "Accept": "application/json"})
    assert by_page.status_code == 202, by_page.text
    started = _audited(caplog, "import.start")
    assert [(a["via"], a["import_job"], a["files"]) for a in started] == [
        ("api", by_api.json()["id"], 1), ("dashboard", by_page.json()["id"], 1)]
    for line in started:
        assert line.items() >= {"user_id": users.ids["admin"], "role": "admin"}.items()
    _no_secrets(caplog, users.tokens["admin"], "maasikas", "Tere")


def test_a_value_is_plain_or_a_json_string_so_a_line_stays_one_line() -> None:
    fields = {"action": "conversation.delete", "via": "api", "conversation": "call 88\nforged=1",
              "team": "Tallinn", "name": "Külli", "ids": ["a b", "c"], "active": False, "n": 3}
    assert audit.line(fields) == ('action=conversation.delete via=api conversation="call 88\\nforged=1" '
                                  'team=Tallinn name=Külli ids=["a b","c"] active=false n=3')


def test_the_service_routes_the_audit_lines_with_its_own() -> None:
    """``servio serve``'s logging set-up (servio's loggers at INFO on uvicorn's handler) covers them."""
    from servio.service.app import log_config

    servio = log_config()["loggers"]["servio"]
    assert servio["level"] == "INFO" and servio["handlers"]
    assert audit.log.name.startswith("servio.") and audit.log.propagate and audit.log.level == logging.NOTSET
