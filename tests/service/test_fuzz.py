"""Fuzz every operation of the OpenAPI schema with schemathesis: no answer may be a 5xx.

Bounded: a fixed number of examples per operation and generation mode, and a
time budget per backend shared out between the operations; derandomised so
that a failure repeats.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable

from servio.service import create_app
from tests.service.conftest import Users, make_settings

schemathesis = pytest.importorskip("schemathesis")

EXAMPLES = 8
BUDGET_SECONDS = 12.0


class Caller:
    """Calls a case as an admin and as an agent, keeping a working admin token (fuzzing may revoke it)."""

    def __init__(self, store: Any, users: Users) -> None:
        self.store = store
        self.headers = {role: users.headers(role) for role in ("admin", "agent")}
        self.failures: list[str] = []
        self.calls = 0

    def call(self, case: Any) -> None:
        for role, headers in self.headers.items():
            response = case.call(headers={**(case.headers or {}), **headers})
            self.calls += 1
            if response.status_code >= 500:
                self.failures.append(
                    f"{role}: {case.method} {case.formatted_path} query={case.query} "
                    f"body={str(case.body)[:200]!r} -> {response.status_code} "
                    f"{response.text[:200]}"
                )
        if case.method.upper() in ("PATCH", "DELETE") and "/users/" in case.formatted_path:
            self._keep_tokens()

    def _keep_tokens(self) -> None:
        for role in self.headers:
            token = self.headers[role]["Authorization"].removeprefix("Bearer ")
            if self.store.user_by_token(token) is None:
                n = len(self.store.list_users())
                _user, fresh = self.store.create_user(
                    f"fuzz-{role}-{n}", role, "kati" if role == "agent" else None
                )
                self.headers[role] = {"Authorization": f"Bearer {fresh}"}


def _runner(operation: Any, mode: Any, until: float, caller: Caller) -> Any:
    """A Hypothesis test calling ``caller`` with generated cases of one operation until ``until``."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        if time.monotonic() < until:
            caller.call(case)

    return run


def test_no_operation_answers_5xx(filled_store: Any, users: Users) -> None:
    app = create_app(make_settings(max_upload_bytes=64 * 1024), store=filled_store)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    caller = Caller(filled_store, users)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25
    started, share = time.monotonic(), BUDGET_SECONDS / len(operations)
    for number, operation in enumerate(operations, start=1):
        deadline = started + number * share  # each operation gets its share of the time budget
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            run = _runner(operation, mode, deadline, caller)
            try:
                run()
            except Unsatisfiable:  # nothing to break in an operation without parameters
                if mode is schemathesis.GenerationMode.POSITIVE:
                    raise
    assert caller.calls >= len(operations) * 2
    assert not caller.failures, "\n".join(caller.failures[:20])
