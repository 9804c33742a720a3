"""Live stage hints over HTTP and WebSocket: the answer's shape, errors, limits, privacy."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from servio.service.schemas.live import LiveUpdateOut
from tests.service.conftest import Users

BLANK = "a turn needs some visible text, not only spaces, control or zero-width characters"
CHAT = [
    ("agent", "Tere! Siin Kati Laine Mobiilist. Kuidas saan teid aidata?"),
    ("customer", "tere, mul on vaja uut paketti, praegune saab alati enne kuu lõppu otsa"),
    ("agent", "Selge. Milleks te andmesidet enamasti kasutate?"),
]


def test_http_session_turn_by_turn(client: TestClient, users: Users) -> None:
    headers = users.headers("agent")
    made = client.post("/live/sessions", json={"contact_type": "sales"}, headers=headers)
    assert made.status_code == 201
    session = made.json()
    assert session["agent_id"] == "kati" and session["turns"] == 0  # an agent's session is their own
    updates = []
    for speaker, text in CHAT:
        response = client.post(
            f"/live/sessions/{session['id']}/turns", json={"speaker": speaker, "text": text}, headers=headers
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == set(LiveUpdateOut.model_fields)
        LiveUpdateOut.model_validate(body)  # the documented schema is what is sent
        updates.append(body)
    assert [u["turn"] for u in updates] == [0, 1, 2]
    assert updates[-1]["language"] == "et" and updates[-1]["contact_type"] == "sales"
    assert set(updates[0]["stages"]) <= set(updates[-1]["done"])
    assert updates[-1]["hint"] and isinstance(updates[-1]["warnings"], list)
    assert client.get(f"/live/sessions/{session['id']}", headers=headers).json()["turns"] == 3
    assert client.delete(f"/live/sessions/{session['id']}", headers=headers).status_code == 204
    assert client.get(f"/live/sessions/{session['id']}", headers=headers).status_code == 404


def test_http_errors(client: TestClient, users: Users) -> None:
    headers = users.headers("reviewer")
    sid = client.post("/live/sessions", json={"language": "en"}, headers=headers).json()["id"]
    url = f"/live/sessions/{sid}/turns"
    assert (
        client.post(
            "/live/sessions/nope/turns", json={"speaker": "agent", "text": "Hi"}, headers=headers
        ).status_code
        == 404
    )
    for body in (
        {"speaker": "boss", "text": "Hi"},
        {"speaker": "agent", "text": ""},
        {"speaker": "agent"},
        {"speaker": "agent", "text": "x" * 20_001},
        {"speaker": "agent", "text": "Hi", "extra": 1},
    ):
        assert client.post(url, json=body, headers=headers).status_code == 422
    for blank in ("   \n\t ", "\u200b\u200b", "\x00\x01\x02"):  # refused like "", naming the field
        refused = client.post(url, json={"speaker": "agent", "text": blank}, headers=headers)
        assert refused.status_code == 422, blank
        assert refused.json()["detail"] == [{"loc": ["body", "text"], "msg": BLANK, "type": "value_error"}]
    assert client.get(f"/live/sessions/{sid}", headers=headers).json()["turns"] == 0
    assert client.post("/live/sessions", json={"language": "fi"}, headers=headers).status_code == 422


def test_agents_open_sessions_only_for_themselves(client: TestClient, users: Users) -> None:
    response = client.post("/live/sessions", json={"agent_id": "tom"}, headers=users.headers("agent"))
    assert response.status_code == 403
    ok = client.post("/live/sessions", json={"agent_id": "tom"}, headers=users.headers("reviewer"))
    assert ok.status_code == 201 and ok.json()["agent_id"] == "tom"


def test_websocket_chat(client: TestClient, users: Users) -> None:
    token = users.tokens["agent"]
    with client.websocket_connect(f"/live/chat-7?token={token}&language=et&contact_type=sales") as ws:
        assert ws.receive_json() == {"type": "ready", "session_id": "chat-7", "turns": 0}
        for i, (speaker, text) in enumerate(CHAT):
            ws.send_json({"speaker": speaker, "text": text})
            answer = ws.receive_json()
            assert answer["type"] == "update" and answer["turn"] == i
            LiveUpdateOut.model_validate({k: v for k, v in answer.items() if k != "type"})
        assert answer["language"] == "et"
        ws.send_text("[" * 100 + "]" * 100)
        assert ws.receive_json()["status"] == 400
        ws.send_text('{"speaker": "agent"}')
        assert ws.receive_json()["status"] == 422
        for blank in (" ", "\u200b", "\x01"):
            ws.send_json({"speaker": "agent", "text": blank})
            assert ws.receive_json() == {"type": "error", "status": 422,
                                         "detail": json.dumps([{"loc": ["text"], "msg": BLANK}])}
    # reconnecting continues the same chat; the HTTP endpoint sees it too
    with client.websocket_connect("/live/chat-7", headers=users.headers("agent")) as ws:
        assert ws.receive_json()["turns"] == 3
    assert client.get("/live/sessions/chat-7", headers=users.headers("agent")).json()["turns"] == 3
    assert client.get("/live/sessions/chat-7", headers=users.headers("reviewer")).status_code == 404


def _closed(client: TestClient, url: str, headers: dict[str, str] | None = None) -> WebSocketDisconnect:
    """How servio closed the socket at ``url``: after accepting it, so the client reads the code and the
    reason (closed before the handshake, uvicorn answers a bare HTTP 403 and a browser sees only 1006)."""
    with (
        client.websocket_connect(url, headers=headers or {}) as ws,
        pytest.raises(WebSocketDisconnect) as closed,
    ):
        ws.receive_json()
    return closed.value


@pytest.mark.parametrize(
    "query,reason",
    [
        ("language=fi", "query parameter language: Input should be 'et' or 'en'"),
        ("contact_type=gossip", "query parameter contact_type: Input should be"),
        ("channel=pigeon", "query parameter channel: Input should be"),
        ("agent_id=tom", "agents open live sessions for themselves only"),
    ],
)
def test_websocket_refuses_bad_parameters_naming_them(client: TestClient, users: Users, query: str,
                                                      reason: str) -> None:
    closed = _closed(client, f"/live/x?token={users.tokens['agent']}&{query}")
    assert closed.code == 1008
    assert closed.reason.startswith(reason), closed.reason
    assert query.split("=")[1] not in closed.reason  # the value sent is never repeated


@pytest.mark.parametrize(
    "query,reason",
    [
        ("lang=et", "unknown query parameter lang"),  # a typo was dropped: the language was detected instead
        ("language=et&contact_typ=sales", "unknown query parameter contact_typ"),
    ],
)
def test_websocket_refuses_unknown_parameters_like_the_http_body(client: TestClient, users: Users, query: str,
                                                                 reason: str) -> None:
    closed = _closed(client, f"/live/x?token={users.tokens['agent']}&{query}")
    assert (closed.code, closed.reason) == (1008, reason)
    http = client.post("/live/sessions", json={"lang": "et"}, headers=users.headers("agent"))
    assert http.status_code == 422 and http.json()["detail"][0]["loc"] == ["body", "lang"]


@pytest.mark.parametrize("path", ["x" * 129, "chat%207", "vestlus-%C3%A4"])
def test_websocket_refuses_long_or_odd_session_ids(client: TestClient, users: Users, path: str) -> None:
    closed = _closed(client, f"/live/{path}?token={users.tokens['agent']}")
    assert closed.code == 1008
    assert closed.reason.startswith("session_id: at most 128 characters of A-Z, a-z, 0-9"), closed.reason
    with client.websocket_connect(f"/live/{'x' * 128}?token={users.tokens['agent']}") as ws:
        assert ws.receive_json()["session_id"] == "x" * 128


@pytest.mark.parametrize("query", ["", "?token=nonsense", "?token=servio_x.y"])
def test_websocket_refuses_bad_tokens_with_1008(client: TestClient, query: str) -> None:
    closed = _closed(client, f"/live/x{query}")
    assert (closed.code, closed.reason) == (1008, "a valid API token is required")


def test_a_binary_frame_gets_an_error_and_the_socket_stays_open(client: TestClient, users: Users) -> None:
    """Many client libraries send bytes as a binary frame: it used to end the socket with a server error."""
    with client.websocket_connect(f"/live/chat-b?token={users.tokens['agent']}") as ws:
        assert ws.receive_json()["type"] == "ready"
        ws.send_bytes(b'{"speaker": "agent", "text": "Hello, how can I help?"}')
        answer = ws.receive_json()
        assert answer == {"type": "error", "status": 400,
                          "detail": "binary frame: send each turn as JSON in a text frame"}
        ws.send_json({"speaker": "agent", "text": "Hello, how can I help?"})
        answer = ws.receive_json()
        assert answer["type"] == "update" and answer["turn"] == 0  # the binary frame was not taken as a turn


@pytest.mark.parametrize("change", ["disable", "revoke"])
def test_an_open_websocket_stops_when_its_user_is_disabled_or_revoked(client: TestClient, users: Users,
                                                                      change: str) -> None:
    admin, kati = users.headers("admin"), users.ids["agent"]
    with client.websocket_connect(f"/live/chat-9?token={users.tokens['agent']}") as ws:
        assert ws.receive_json()["type"] == "ready"
        ws.send_json({"speaker": "agent", "text": "Hello, how can I help?"})
        assert ws.receive_json()["type"] == "update"
        if change == "disable":
            assert client.patch(f"/users/{kati}", json={"active": False}, headers=admin).status_code == 200
        else:
            assert client.delete(f"/users/{kati}/tokens", headers=admin).json() == {"revoked": 1}
        ws.send_json({"speaker": "customer", "text": "My bill is wrong."})
        with pytest.raises(WebSocketDisconnect) as closed:  # the next turn is refused, not answered
            ws.receive_json()
        assert closed.value.code == 1008


def test_tagging_a_turn_runs_off_the_event_loop(client: TestClient, users: Users,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Tagging grows with the chat (a long one takes seconds): on the event loop it would stall every
    other request of the service meanwhile, so the HTTP and WebSocket turns run it in a worker thread."""
    import asyncio

    from servio.live import LiveSessions

    seen: list[bool] = []
    real = LiveSessions.add_turn

    def add_turn(self: LiveSessions, *args: object, **kwargs: object) -> object:
        try:
            asyncio.get_running_loop()
            seen.append(True)
        except RuntimeError:
            seen.append(False)
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(LiveSessions, "add_turn", add_turn)
    headers = users.headers("agent")
    session = client.post("/live/sessions", json={}, headers=headers).json()
    turn = {"speaker": "agent", "text": CHAT[0][1]}
    assert client.post(f"/live/sessions/{session['id']}/turns", json=turn, headers=headers).status_code == 200
    with client.websocket_connect(f"/live/chat-9?token={users.tokens['agent']}") as ws:
        ws.receive_json()
        ws.send_json(turn)
        assert ws.receive_json()["type"] == "update"
    assert seen == [False, False], "a live turn was tagged on the event loop"
