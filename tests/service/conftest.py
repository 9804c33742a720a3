"""Fixtures of the service tests: a store with the invented conversations, an app, users of every role.

Storage-backed tests use the project's ``store`` fixture (tests/conftest.py),
so each runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servio.service import Settings, create_app
from tests.service.data import conversations


@dataclass(frozen=True)
class Users:
    """Tokens of one user per role (the agent is kati) and their ids."""

    tokens: dict[str, str]
    ids: dict[str, int]

    def headers(self, role: str) -> dict[str, str]:
        token = self.tokens.get(role)
        return {"Authorization": f"Bearer {token}"} if token else {}


@pytest.fixture(scope="session")
def scored() -> list[tuple[Any, Any]]:
    """The invented conversations, analysed and evaluated once."""
    from servio.analyze import analyze
    from servio.evaluate import evaluate

    return [(c, evaluate(analyze(c), contact_type=c.contact_type)) for c in conversations()]


@pytest.fixture
def filled_store(store: Any, scored: list[tuple[Any, Any]]) -> Any:
    """The project's ``store`` (SQLite, PostgreSQL) holding the invented conversations."""
    results = {c.id: r for c, r in scored}
    store.save_results([c for c, _ in scored], lambda c: results[c.id])
    return store


def make_settings(**overrides: Any) -> Settings:
    """Settings for tests: no warm-up, no rate limit, no token cache unless asked."""
    values: dict[str, Any] = {
        "database_url": "sqlite://",
        "live_warm_up": False,
        "rate_limit_per_minute": 0,
        "auth_cache_seconds": 0,
        "auto_migrate": False,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def users(filled_store: Any) -> Users:
    """One user per role: admin, reviewer, team lead of Online (tom's), agent (kati), another agent (tom)."""
    tokens, ids = {}, {}
    for name, role, agent, team in (
        ("root", "admin", None, None),
        ("mari", "reviewer", None, None),
        ("lea", "team_lead", None, "Online"),
        ("kati", "agent", "kati", None),
        ("tom", "agent", "tom", None),
    ):
        user, token = filled_store.create_user(name, role, agent, team=team)
        key = role if name != "tom" else "other_agent"
        tokens[key], ids[key] = token, user.id
    return Users(tokens, ids)


@pytest.fixture
def client(filled_store: Any, users: Users) -> Iterator[TestClient]:
    """A test client of an app on the filled store."""
    app = create_app(make_settings(), store=filled_store)
    with TestClient(app) as c:
        yield c
