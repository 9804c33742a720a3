"""Dashboard sessions: stored as salted hashes, never API tokens, ended by expiry, sign-out, revoking and
deactivating, and expired ones removed when a new one is made. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, inspect, select, update

from servio.store import NotFound, Store, StoreError
from servio.store.schema import DashboardSessionRow

NOON = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
HOURS_12 = timedelta(hours=12)


def _rows(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(DashboardSessionRow)).scalar_one())


def test_a_session_finds_its_user_and_only_a_salted_hash_is_stored(store: Store) -> None:
    ann, _ = store.create_user("ann", "reviewer")
    bob, _ = store.create_user("bob", "agent", "bob")
    first, second = store.start_session(ann.id), store.start_session(bob.id)
    assert first.startswith("servio_session_") and first != second
    assert store.user_by_session(first) == ann and store.user_by_session(second) == bob
    with store.engine.connect() as conn:
        dump = repr(list(conn.execute(select(DashboardSessionRow))))
    for token in (first, second):
        assert token not in dump and token.partition(".")[2] not in dump
    assert dump.count("servio_session_") == 0


def test_a_session_is_no_api_token_and_an_api_token_no_session(store: Store) -> None:
    ann, token = store.create_user("ann", "reviewer")
    session = store.start_session(ann.id)
    assert store.user_by_token(session) is None
    assert store.user_by_session(token) is None
    assert store.end_session(token) is False and store.user_by_token(token) == ann


@pytest.mark.parametrize("mangle", [
    lambda t: t + "x", lambda t: t[:-1], lambda t: t.replace("servio_session_", "servio_"), lambda t: "",
    lambda t: t.partition(".")[0], lambda t: "servio_session_zzzzzzzzzzzzzzzz.abc",
])
def test_a_wrong_session_finds_nobody_and_ends_nothing(store: Store, mangle) -> None:
    ann, _ = store.create_user("ann", "admin")
    session = store.start_session(ann.id)
    assert store.user_by_session(mangle(session)) is None
    assert store.end_session(mangle(session)) is False  # the key id alone cannot end someone's session
    assert store.user_by_session(session) == ann


def test_a_session_ends_when_it_expires(store: Store) -> None:
    ann, _ = store.create_user("ann", "reviewer")
    session = store.start_session(ann.id, HOURS_12, now=NOON)
    assert store.user_by_session(session, now=NOON + HOURS_12 - timedelta(seconds=1)) == ann
    assert store.user_by_session(session, now=NOON + HOURS_12) is None
    assert store.user_by_session(session, now=datetime(2026, 12, 2, 0, 0)) is None  # naive: UTC
    short = store.start_session(ann.id, timedelta(minutes=5))
    assert store.user_by_session(short) == ann
    assert store.user_by_session(short, now=datetime.now(UTC) + timedelta(minutes=6)) is None


def test_signing_out_ends_the_session_and_no_other(store: Store) -> None:
    ann, _ = store.create_user("ann", "reviewer")
    laptop, phone = store.start_session(ann.id), store.start_session(ann.id)
    assert store.end_session(laptop) is True
    assert store.user_by_session(laptop) is None and store.user_by_session(phone) == ann
    assert store.end_session(laptop) is False


def test_revoking_a_users_tokens_ends_their_sessions(store: Store) -> None:
    ann, token = store.create_user("ann", "reviewer")
    bob, _ = store.create_user("bob", "reviewer")
    mine, his = store.start_session(ann.id), store.start_session(bob.id)
    assert store.revoke_tokens(ann.id) == 1  # API tokens are counted; the sessions end with them
    assert store.user_by_session(mine) is None and store.user_by_token(token) is None
    assert store.user_by_session(his) == bob


def test_deactivating_a_user_ends_their_sessions_for_good(store: Store) -> None:
    ann, token = store.create_user("ann", "reviewer")
    session = store.start_session(ann.id)
    store.set_user_active(ann.id, False)
    assert store.user_by_session(session) is None
    with pytest.raises(StoreError, match="inactive"):
        store.start_session(ann.id)
    store.set_user_active(ann.id, True)
    assert store.user_by_session(session) is None  # enabled again: the API token works, the session not
    assert store.user_by_token(token) is not None


def test_a_user_made_inactive_behind_the_stores_back_is_not_let_in(store: Store) -> None:
    """Even a session whose row survived (a database edited by hand) does not work for an inactive user."""
    ann, _ = store.create_user("ann", "reviewer")
    session = store.start_session(ann.id)
    from servio.store.schema import UserRow

    with store.engine.begin() as conn:
        conn.execute(update(UserRow).where(UserRow.id == ann.id).values(active=False))
    assert store.user_by_session(session) is None


def test_a_new_session_removes_the_expired_ones(store: Store) -> None:
    ann, _ = store.create_user("ann", "reviewer")
    bob, _ = store.create_user("bob", "reviewer")
    then = NOON - timedelta(days=2)
    old = [store.start_session(ann.id, HOURS_12, now=then) for _ in range(2)]
    live = store.start_session(bob.id, timedelta(days=3), now=then)
    assert _rows(store) == 3
    fresh = store.start_session(ann.id, HOURS_12, now=NOON)
    assert _rows(store) == 2  # ann's two of two days ago went; bob's, still running, stays
    assert [store.user_by_session(s, now=NOON) for s in old] == [None, None]
    assert store.user_by_session(live, now=NOON) == bob and store.user_by_session(fresh, now=NOON) == ann


def test_a_session_needs_a_known_user_and_some_time(store: Store) -> None:
    ann, _ = store.create_user("ann", "reviewer")
    with pytest.raises(NotFound):
        store.start_session(ann.id + 100)
    with pytest.raises(StoreError):
        store.start_session(ann.id, timedelta(0))


def test_removing_a_user_removes_their_sessions(store: Store) -> None:
    ann, _ = store.create_user("ann", "reviewer")
    store.start_session(ann.id)
    from servio.store.schema import UserRow

    with store.engine.begin() as conn:
        conn.execute(UserRow.__table__.delete().where(UserRow.id == ann.id))
    assert _rows(store) == 0  # ON DELETE CASCADE


def test_the_pepper_is_part_of_the_hash(store_url: str) -> None:
    with Store(store_url, pepper="one") as first:
        ann, _ = first.create_user("ann", "admin")
        session = first.start_session(ann.id)
        assert first.user_by_session(session) == ann
    with Store(store_url, pepper="two") as second:
        assert second.user_by_session(session) is None


def test_the_migration_adds_the_table_and_going_back_drops_it(empty_url: str) -> None:
    with Store(empty_url) as store:
        store.migrate("0002")
        ann, token = store.create_user("ann", "admin")
        assert "dashboard_sessions" not in inspect(store.engine).get_table_names()
        store.migrate()
        assert store.is_current() and store.user_by_token(token) == ann
        assert store.user_by_session(store.start_session(ann.id)) == ann
        store.downgrade("0002")  # everyone signed in to the dashboard signs in again
        assert store.schema_revision() == "0002"
        assert "dashboard_sessions" not in inspect(store.engine).get_table_names()
        assert store.user_by_token(token) == ann
