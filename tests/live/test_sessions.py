"""Live sessions are bounded: idle ones expire, the least recently used go first, owners are apart."""

from __future__ import annotations

import pytest

from servio.live import LiveError, LiveSessions, SessionInfo, SessionNotFoundError
from servio.live.session import LiveFieldError
from servio.model import Language, Speaker


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_idle_sessions_expire_after_the_ttl() -> None:
    clock = Clock()
    live = LiveSessions(ttl=60, clock=clock)
    session = live.create("u1", SessionInfo(language=Language.EN))
    clock.now += 59
    assert live.get(session.id, "u1") is session  # using it refreshes its time-to-live
    clock.now += 59
    assert live.get(session.id, "u1") is session
    clock.now += 61
    with pytest.raises(SessionNotFoundError):
        live.get(session.id, "u1")
    assert len(live) == 0


def test_the_least_recently_used_session_is_evicted_when_full() -> None:
    clock = Clock()
    live = LiveSessions(max_sessions=3, clock=clock)
    ids = []
    for _ in range(3):
        clock.now += 1
        ids.append(live.create("u", SessionInfo()).id)
    clock.now += 1
    live.get(ids[0], "u")  # the first becomes the most recently used
    clock.now += 1
    live.create("u", SessionInfo())
    assert len(live) == 3
    with pytest.raises(SessionNotFoundError):
        live.get(ids[1], "u")
    live.get(ids[0], "u")
    live.get(ids[2], "u")


def test_one_user_never_reaches_another_users_session() -> None:
    live = LiveSessions()
    mine = live.create("alice", SessionInfo(), session_id="chat-1")
    with pytest.raises(SessionNotFoundError):
        live.get("chat-1", "bob")
    with pytest.raises(SessionNotFoundError):
        live.add_turn("chat-1", "bob", Speaker.AGENT, "Hello")
    theirs = live.get_or_create("chat-1", "bob")  # the same name is a different session for bob
    assert theirs is not mine and theirs.owner == "bob"
    assert live.get("chat-1", "alice") is mine


def test_named_sessions_are_created_once_and_closed() -> None:
    live = LiveSessions()
    first = live.get_or_create("c", "u", SessionInfo(language=Language.EN))
    assert live.get_or_create("c", "u") is first
    with pytest.raises(LiveError):
        live.create("u", session_id="c")
    live.add_turn("c", "u", Speaker.AGENT, "Hello, how can I help?")
    assert len(first.turns) == 1
    live.close("c", "u")
    with pytest.raises(SessionNotFoundError):
        live.get("c", "u")


@pytest.mark.parametrize("sid", ["x" * 129, "", "chat 7", "chat/7", "vestlus-ä", "chat\n7", "<b>"])
def test_a_named_session_needs_a_short_plain_id(sid: str) -> None:
    """A WebSocket client names its session in the path: it was kept (and echoed in every update) at any
    length and with any characters."""
    live = LiveSessions()
    for open_session in (lambda: live.create("u", session_id=sid), lambda: live.get_or_create(sid, "u")):
        with pytest.raises(LiveError, match="^session_id: at most 128 characters of A-Z") as refused:
            open_session()
        assert isinstance(refused.value, LiveFieldError) and refused.value.field == "session_id"
    assert len(live) == 0


@pytest.mark.parametrize("sid", ["x" * 128, "chat-7", "3f2b8c1e-9d4a-4e7b-8f00-1c2d3e4f5a6b", "t:12.4_a-B"])
def test_ids_that_help_desks_use_name_a_session(sid: str) -> None:
    live = LiveSessions()
    assert live.get_or_create(sid, "u").id == sid
    random_id = live.create("u").id
    assert live.get_or_create(random_id, "u").id == random_id  # random ids are plain ones too


def test_random_ids_are_distinct() -> None:
    live = LiveSessions()
    ids = {live.create("u").id for _ in range(200)}
    assert len(ids) == 200


def test_one_user_filling_the_store_evicts_their_own_sessions_not_others() -> None:
    clock = Clock()
    live = LiveSessions(max_sessions=4, clock=clock)
    alice = live.create("alice", SessionInfo(), session_id="chat-1")
    for _ in range(50):  # mallory opens sessions as fast as the rate limit allows
        clock.now += 1
        live.create("mallory", SessionInfo())
    assert live.get("chat-1", "alice") is alice
    assert len(live) == 4
    clock.now += 1
    bob = live.create("bob", SessionInfo())  # a newcomer still gets in: the biggest holder gives way
    assert live.get(bob.id, "bob") is bob and live.get("chat-1", "alice") is alice


def test_a_session_holds_a_bounded_number_of_characters() -> None:
    # security audit S2: each turn re-tags the whole chat; 500 turns of 20,000 characters cost seconds a turn
    live = LiveSessions(max_chars=30, tagger="rules")
    session = live.create("u", SessionInfo(language=Language.EN))
    live.add_turn(session.id, "u", Speaker.CUSTOMER, "x" * 20)
    with pytest.raises(LiveFieldError) as refused:
        live.add_turn(session.id, "u", Speaker.AGENT, "y" * 11)
    assert refused.value.field == "text" and "start a new chat" in refused.value.problem
    assert "30" in refused.value.problem and len(session.turns) == 1 and session.chars == 20
    assert live.add_turn(session.id, "u", Speaker.AGENT, "y" * 10).turn == 1  # up to the budget exactly


def test_one_owner_holds_a_bounded_number_of_sessions() -> None:
    # security audit S2: sessions were bounded only by the global 10,000, all of them one user's if they liked
    clock = Clock()
    live = LiveSessions(max_per_owner=3, clock=clock)
    ids = []
    for _ in range(3):
        clock.now += 1
        ids.append(live.create("u", SessionInfo()).id)
    other = live.create("v", SessionInfo()).id
    clock.now += 1
    live.get(ids[0], "u")  # used: the least recently used is now the second
    clock.now += 1
    newest = live.create("u", SessionInfo()).id
    with pytest.raises(SessionNotFoundError):
        live.get(ids[1], "u")
    for sid in (ids[0], ids[2], newest):
        live.get(sid, "u")
    assert live.get(other, "v") and len(live) == 4
