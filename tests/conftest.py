"""Shared fixtures: ``store`` runs every storage test on SQLite and on PostgreSQL.

PostgreSQL tests need ``SERVIO_TEST_POSTGRES_URL`` (a server URL whose user
may create databases; ``scripts/pg-test-server.sh start`` prints one). The
session creates its own database there, migrates it once, empties it before
each test and drops it at the end. Without the variable they are skipped,
unless ``SERVIO_REQUIRE_POSTGRES`` is set (``make test`` sets it): then they fail.
SQLite tests copy a migrated template file per test.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

POSTGRES_ENV = "SERVIO_TEST_POSTGRES_URL"
BACKENDS = ("sqlite", "postgresql")


def _no_postgres() -> None:
    """Skip a PostgreSQL test locally; fail it where a server was promised (``make test`` sets
    SERVIO_REQUIRE_POSTGRES), so a server that did not start cannot pass as skipped tests."""
    message = f"{POSTGRES_ENV} is not set; start a server with scripts/pg-test-server.sh"
    if os.environ.get("SERVIO_REQUIRE_POSTGRES"):
        pytest.fail(message)
    pytest.skip(message)


def _admin_connect(url: str) -> Any:
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return psycopg.connect(
        host=parsed.host, port=parsed.port, user=parsed.username, password=parsed.password,
        dbname=parsed.database or "postgres", autocommit=True,
    )


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The URL of a fresh, migrated PostgreSQL database for this test session (dropped afterwards)."""
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        _no_postgres()
    from sqlalchemy.engine import make_url

    from servio.store import Store

    name = f"servio_test_{os.getpid()}_{secrets.token_hex(4)}"
    with _admin_connect(server) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(server).set(drivername="postgresql+psycopg", database=name)
    rendered = url.render_as_string(hide_password=False)
    store = Store(rendered)
    store.migrate()
    store.close()
    try:
        yield rendered
    finally:
        with _admin_connect(server) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that tests copy."""
    from servio.store import Store

    path = tmp_path_factory.mktemp("store") / "template.db"
    store = Store(f"sqlite:///{path}")
    store.migrate()
    store.close()
    return path


def _empty_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    from servio.store.schema import Base

    engine = create_engine(url)
    try:
        names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE TABLE {names} RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty, migrated database: a SQLite file, or the session's PostgreSQL database."""
    if request.param == "sqlite":
        path = tmp_path / "servio.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_url")
    _empty_postgres(url)
    return url


@pytest.fixture
def store(store_url: str) -> Iterator[Any]:
    """A :class:`servio.store.Store` on an empty, migrated database (each backend in turn)."""
    from servio.store import Store

    store = Store(store_url)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(params=BACKENDS)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a database that was never migrated (a new SQLite file or a new PostgreSQL database)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        _no_postgres()
    from sqlalchemy.engine import make_url

    name = f"servio_empty_{os.getpid()}_{secrets.token_hex(4)}"
    with _admin_connect(server) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server).set(drivername="postgresql+psycopg", database=name).render_as_string(
            hide_password=False)
    finally:
        with _admin_connect(server) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
