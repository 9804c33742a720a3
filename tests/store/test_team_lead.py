"""The team_lead role in the store: users with a team, the migration that adds it, team-limited reads.

Every test runs on SQLite and on PostgreSQL (the project's ``store``/``empty_url`` fixtures).
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from servio.store import Store, StoreError
from servio.store.people import hash_secret
from servio.store.types import ROLES
from tests.store.helpers import analyse, conversation


def test_team_lead_is_a_role() -> None:
    assert ROLES == ("admin", "reviewer", "team_lead", "agent")


def test_a_team_lead_has_a_team(store: Store) -> None:
    user, token = store.create_user("lea", "team_lead", team="Online")
    assert user.role == "team_lead" and user.team == "Online" and user.agent_id is None
    assert store.user_by_token(token) == user == store.get_user(name="lea")
    assert user.to_dict()["team"] == "Online"
    assert [t.id for t in store.teams()] == ["Online"]  # the team is known from now on, as an agent's id is


@pytest.mark.parametrize("team", [None, "", "   "])
def test_a_team_lead_without_a_team_is_refused(store: Store, team: str | None) -> None:
    with pytest.raises(StoreError, match="team"):
        store.create_user("lea", "team_lead", team=team)
    assert store.list_users() == []


def test_only_a_team_lead_has_a_team(store: Store) -> None:
    with pytest.raises(StoreError, match="team"):
        store.create_user("rita", "reviewer", team="Online")
    user, _ = store.create_user("rita", "reviewer")
    assert user.team is None and user.to_dict()["team"] is None


def test_the_database_refuses_an_unknown_role(store: Store) -> None:
    """The CHECK constraint takes every role of ROLES and nothing else."""
    insert = text("INSERT INTO users (name, role, active, created_at) VALUES (:n, :r, :a, :c)")
    with store.engine.begin() as conn:
        for role in ROLES:
            conn.execute(insert, {"n": f"u-{role}", "r": role, "a": True, "c": "2026-01-01 00:00:00"})
    with pytest.raises(IntegrityError), store.engine.begin() as conn:
        conn.execute(insert, {"n": "u-boss", "r": "boss", "a": True, "c": "2026-01-01 00:00:00"})


def _old_database(url: str) -> tuple[str, str]:
    """A database at migration 0001 with an admin (and a token), a reviewer's correction and an import job."""
    with Store(url) as store:
        store.migrate()  # the conversation is saved by this servio, into the columns it writes,
        conv = conversation(1, agent="kati")
        store.save_result(conv, analyse(conv))
        store.downgrade("0001")  # and kept as 0001 holds it
        salt = "00" * 16
        with store.engine.begin() as conn:
            conn.execute(text("INSERT INTO users (id, name, role, agent_id, active, created_at) VALUES "
                              "(1, 'root', 'admin', NULL, :t, '2026-01-01 00:00:00'), "
                              "(2, 'kati', 'agent', 'kati', :t, '2026-01-01 00:00:00')"), {"t": True})
            conn.execute(text("INSERT INTO api_tokens (user_id, key_id, salt, secret_hash, created_at) "
                              "VALUES (1, '0123456789abcdef', :salt, :hash, '2026-01-01 00:00:00')"),
                         {"salt": salt, "hash": hash_secret("secret", salt)})
            conn.execute(text("INSERT INTO corrections (conversation_id, turn_index, turn_hash, user_id, "
                              "user_name, before, after, overall_before, overall_after, created_at) VALUES "
                              "('c1', 0, 'x', 1, 'root', '[1]', '[1, 2]', 50, 60, '2026-01-01 00:00:00')"))
            conn.execute(text("INSERT INTO import_jobs (status, paths, format, options, created_by, read, "
                              "skipped, new, updated, unchanged, problems, problem_count, created_at, "
                              "updated_at) VALUES ('done', '[]', NULL, '{}', 1, 0, 0, 0, 0, 0, '[]', 0, "
                              "'2026-01-01 00:00:00', '2026-01-01 00:00:00')"))
        if store.dialect == "postgresql":  # ids were given: move the sequence past them
            with store.engine.begin() as conn:
                conn.execute(text("SELECT setval('users_id_seq', 2)"))
    return url, "servio_0123456789abcdef.secret"


def test_the_migration_keeps_existing_users_tokens_and_their_records(empty_url: str) -> None:
    url, token = _old_database(empty_url)
    with Store(url) as store:
        assert store.schema_revision() == "0001"
        store.migrate()
        assert store.is_current()
        assert "team" in {c["name"] for c in inspect(store.engine).get_columns("users")}
        root = store.user_by_token(token)  # the token row survived the users table's rebuild
        assert root is not None and root.name == "root" and root.team is None
        assert [(u.name, u.role, u.agent_id, u.team) for u in store.list_users()] == [
            ("root", "admin", None, None), ("kati", "agent", "kati", None)]
        assert [c.user_id for c in store.corrections()] == [1]
        assert store.list_import_jobs()[0].created_by == 1
        lead, lead_token = store.create_user("lea", "team_lead", team="Tallinn")
        assert store.user_by_token(lead_token) == lead


def test_the_migration_goes_back_while_no_team_lead_exists(empty_url: str) -> None:
    url, token = _old_database(empty_url)
    with Store(url) as store:
        store.migrate()
        lead, _ = store.create_user("lea", "team_lead", team="Tallinn")
        with pytest.raises(Exception, match="team_lead"):
            store.downgrade("0001")
        assert store.is_current()
    with Store(url) as store:
        with store.engine.begin() as conn:
            conn.execute(text("DELETE FROM api_tokens WHERE user_id = :id"), {"id": lead.id})
            conn.execute(text("DELETE FROM users WHERE id = :id"), {"id": lead.id})
        store.downgrade("0001")
        assert store.schema_revision() == "0001"
        assert "team" not in {c["name"] for c in inspect(store.engine).get_columns("users")}
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM api_tokens")).scalar() == 1
            assert conn.execute(text("SELECT user_id FROM corrections")).scalar() == 1


def _teams(store: Store) -> None:
    convs = [conversation(1, agent="kati"), conversation(2, agent="kati", turns=3),
             conversation(3, agent="tom", team="Online"), conversation(4, agent="kati", team="Online"),
             replace(conversation(5, agent="x", team="Online"), agent_id=None)]
    store.save_results(convs, analyse)


def test_an_agent_profile_within_a_team_counts_that_team_only(store: Store) -> None:
    _teams(store)
    everywhere = store.profile("agent", "kati", language="en")
    online = store.profile("agent", "kati", language="en", team="Online")
    assert everywhere is not None and everywhere.conversation_ids == ("c1", "c2", "c4")
    assert online is not None and online.conversation_ids == ("c4",)
    assert store.profile("agent", "tom", team="Tallinn") is None
    assert store.profile("team", "Online", team="Online") is not None
    assert store.profile("team", "Online", team="Tallinn") is None


def test_agents_within_a_team_are_counted_over_that_team(store: Store) -> None:
    _teams(store)
    assert [(a.id, a.team, a.conversations) for a in store.agents(team="Online")] == [
        ("kati", "Online", 1), ("tom", "Online", 1)]
    assert [(a.id, a.conversations) for a in store.agents(team="Tallinn")] == [("kati", 2)]
    assert store.agents(team="Nowhere") == []
    assert {a.id: a.conversations for a in store.agents()} == {"kati": 3, "tom": 1}


def test_corrections_and_their_export_within_a_team(store: Store) -> None:
    _teams(store)
    store.correct_turn("c1", 0, [1], "rita")
    store.correct_turn("c3", 0, [1, 2], "rita")
    assert [c.conversation_id for c in store.corrections(team="Online")] == ["c3"]
    assert [c.conversation_id for c in store.corrections(team="Tallinn")] == ["c1"]
    assert len(store.corrections()) == 2
    assert [r["id"] for r in store.corrections_export(team="Online")] == ["c3"]
    assert [r["id"] for r in store.corrections_export(everything=True, team="Online")] == ["c3", "c4", "c5"]


def test_sqlite_enforces_foreign_keys_again_after_migrating(empty_url: str) -> None:
    if not empty_url.startswith("sqlite"):
        pytest.skip("the foreign-key pragma is SQLite's")
    url, _ = _old_database(empty_url)
    with Store(url) as store:
        store.migrate()  # migrates with foreign keys off, on a pooled connection that is used again
        for _ in range(3):
            with store.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        with pytest.raises(IntegrityError), store.engine.begin() as conn:
            conn.execute(text("INSERT INTO api_tokens (user_id, key_id, salt, secret_hash, created_at) "
                              "VALUES (999, 'ffffffffffffffff', 's', 'h', '2026-01-01 00:00:00')"))
