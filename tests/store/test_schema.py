"""The schema: migrations create exactly the models' tables on both backends; URLs; no engine at import."""

from __future__ import annotations

import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from servio.store import Store, StoreError
from servio.store.engine import head_revision, normalise_url
from servio.store.schema import Base

TABLES = {"conversations", "turns", "stage_tags", "stage_scores", "failures", "feedback", "agents", "teams",
          "users", "api_tokens", "dashboard_sessions", "corrections", "import_jobs"}


def test_migrated_database_matches_the_models(store: Store) -> None:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    assert set(Base.metadata.tables) == TABLES


def test_migrate_is_idempotent_and_reports_the_revision(store: Store) -> None:
    assert store.schema_revision() == head_revision()
    store.migrate()
    assert store.is_current()


def test_a_new_database_is_migrated_from_nothing_and_back(empty_url: str) -> None:
    from sqlalchemy import inspect

    with Store(empty_url) as store:
        assert store.schema_revision() is None
        assert not store.is_current()
        store.migrate()
        assert store.is_current()
        assert TABLES <= set(inspect(store.engine).get_table_names())
        store.downgrade()  # to base: removes every table again
        assert store.schema_revision() is None
        assert set(inspect(store.engine).get_table_names()) <= {"alembic_version"}
        store.migrate()
        assert store.is_current()


def test_processes_migrating_at_once_all_succeed(empty_url: str) -> None:
    code = "import sys; from servio.store import Store; Store(sys.argv[1]).migrate(); print('ok')"
    procs = [subprocess.Popen([sys.executable, "-c", code, empty_url], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err[-1500:] for _out, err in outputs]
    with Store(empty_url) as store:
        assert store.is_current()


def test_constructing_a_store_opens_nothing() -> None:
    store = Store("postgresql://nobody@127.0.0.1:1/none")
    assert store.dialect == "postgresql"
    assert store._engine is None
    assert "psycopg" in store.url


@pytest.mark.parametrize("url,driver", [
    ("postgresql://u:secret@h/db", "postgresql+psycopg"),
    ("postgres://u@h/db", "postgresql+psycopg"),
    ("postgresql+psycopg://u@h/db", "postgresql+psycopg"),
    ("sqlite:///x.db", "sqlite"),
])
def test_urls_are_normalised(url: str, driver: str) -> None:
    assert normalise_url(url).drivername == driver


def test_the_password_is_hidden_in_the_url() -> None:
    assert "secret" not in Store("postgresql://u:secret@h/db").url


def test_a_sqlite_url_is_shown_as_typed() -> None:
    """Docs audit D18: servio import ... --database sqlite:///:memory: said 'into sqlite:///%3Amemory%3A'."""
    from servio.store.engine import shown_url

    assert Store("sqlite:///:memory:").url == shown_url("sqlite:///:memory:") == "sqlite:///:memory:"
    assert Store("sqlite:////tmp/a@b.db").url == "sqlite:////tmp/a@b.db"


@pytest.mark.parametrize(("url", "shown"), [
    ("postgresql://sv:pw@host/db", "postgresql://sv:***@host/db"),
    # an unescaped '@' in the password (audit 17 #8): none of it shows, whether the URL parses or not
    ("postgresql://sv:a@b@host/db", "postgresql://sv:***@host/db"),
    ("postgresql://sv:S3cr@t:PW@127.0.0.1:1/t1", "postgresql://sv:***@127.0.0.1:1/t1"),
    ("sv:pw@127.0.0.1:5432/db", "sv:***@127.0.0.1:5432/db"),  # no scheme: no driver takes it, but typed
    ("postgresql://host/db", "postgresql://host/db"),
])
def test_passwords_are_never_shown(url: str, shown: str) -> None:
    from servio.store.engine import shown_url

    assert shown_url(url) == shown


@pytest.mark.parametrize("url", ["mysql://u@h/db", "not a url", ""])
def test_unsupported_urls_are_refused(url: str) -> None:
    with pytest.raises(StoreError):
        Store(url)


def test_importing_servio_store_loads_no_database_library() -> None:
    code = "import sys, servio.store; print('sqlalchemy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
