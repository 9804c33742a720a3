"""Users and API tokens: only salted hashes are stored, and only live tokens of active users work."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from servio.store import LastAdmin, NotFound, Store, StoreError
from servio.store.schema import TokenRow


def test_a_token_finds_its_user(store: Store) -> None:
    user, token = store.create_user("ann", "admin")
    assert user.role == "admin" and user.active and user.agent_id is None
    assert store.user_by_token(token) == user
    assert store.get_user(user.id) == user == store.get_user(name="ann")
    assert store.list_users() == [user]


def test_only_a_salted_hash_is_stored(store: Store) -> None:
    _user, token = store.create_user("ann", "admin")
    _user2, token2 = store.create_user("bob", "reviewer")
    secret = token.partition(".")[2]
    with store.engine.connect() as conn:
        rows = list(conn.execute(select(TokenRow.key_id, TokenRow.salt, TokenRow.secret_hash)))
        dump = repr(rows)
    assert secret not in dump and token not in dump
    assert len({r.salt for r in rows}) == 2
    assert all(len(r.secret_hash) == 64 for r in rows)


@pytest.mark.parametrize("mangle", [
    lambda t: t + "x", lambda t: t[:-1], lambda t: t.replace("servio_", "xervio_"), lambda t: "",
    lambda t: t.partition(".")[0], lambda t: "servio_zzzzzzzzzzzzzzzz.abc",
])
def test_a_wrong_token_finds_nobody(store: Store, mangle) -> None:
    _user, token = store.create_user("ann", "admin")
    assert store.user_by_token(mangle(token)) is None


def test_revoked_tokens_and_disabled_users_stop_working(store: Store) -> None:
    user, token = store.create_user("ann", "reviewer")
    second = store.issue_token(user.id)
    assert store.user_by_token(second) == user
    assert store.revoke_tokens(user.id) == 2
    assert store.user_by_token(token) is None and store.user_by_token(second) is None
    third = store.issue_token(user.id)
    store.set_user_active(user.id, False)
    assert store.user_by_token(third) is None
    store.set_user_active(user.id, True)
    assert store.user_by_token(third) is not None


def test_the_pepper_is_part_of_the_hash(store_url: str) -> None:
    with Store(store_url, pepper="one") as first:
        _user, token = first.create_user("ann", "admin")
        assert first.user_by_token(token) is not None
    with Store(store_url, pepper="two") as second:
        assert second.user_by_token(token) is None


def test_an_agent_user_is_linked_to_an_agent(store: Store) -> None:
    user, _ = store.create_user("kati", "agent", agent_id="kati")
    assert user.agent_id == "kati"
    assert [a.id for a in store.agents()] == ["kati"]


@pytest.mark.parametrize("name,role,agent", [("x", "boss", None), ("", "admin", None), ("x", "agent", None)])
def test_bad_users_are_refused(store: Store, name: str, role: str, agent: str | None) -> None:
    with pytest.raises(StoreError):
        store.create_user(name, role, agent)


def test_names_are_unique(store: Store) -> None:
    store.create_user("ann", "admin")
    with pytest.raises(StoreError):
        store.create_user("ann", "reviewer")


def test_unknown_users_are_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.issue_token(99)
    with pytest.raises(NotFound):
        store.set_user_active(99, False)
    assert store.get_user(99) is None


def test_the_last_active_admin_cannot_be_disabled(store: Store) -> None:
    ann, _ = store.create_user("ann", "admin")
    bob, _ = store.create_user("bob", "admin")
    rita, _ = store.create_user("rita", "reviewer")
    store.set_user_active(bob.id, False)
    with pytest.raises(LastAdmin, match="'ann' is the last active admin"):
        store.set_user_active(ann.id, False)
    assert store.get_user(ann.id).active  # nothing changed
    store.set_user_active(rita.id, False)  # other roles are not counted, nor kept
    store.set_user_active(bob.id, True)
    assert not store.set_user_active(ann.id, False).active  # with another active admin it may go
    with pytest.raises(LastAdmin):
        store.set_user_active(bob.id, False)
