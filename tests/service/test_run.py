"""``run(settings)`` serves the app with uvicorn: a first admin is made and announced, /health answers."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_run_serves_and_announces_the_first_admin(tmp_path: Path) -> None:
    port = _free_port()
    env = dict(
        os.environ,
        SERVIO_DATABASE_URL=f"sqlite:///{tmp_path / 'servio.db'}",
        SERVIO_PORT=str(port),
        SERVIO_LIVE_WARM_UP="false",
    )
    code = "from servio.service import load_settings, run; run(load_settings(), log_level='warning')"
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        health = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                health = httpx.get(f"{base}/health", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.3)
        assert health is not None and health.json()["status"] == "ok"
        assert health.json()["schema_current"] is True
    finally:
        proc.terminate()
        _out, err = proc.communicate(timeout=20)
    assert f"serving {base}" in err
    assert "lost it? `servio users token admin`" in err  # the way back in, named where the token is shown
    token = re.search(r"\n  (servio_\S+)\n", err)
    assert token, err
    # the announced token is an admin's (checked against the store the server used)
    from servio.service import Settings
    from servio.service.app import open_store

    store = open_store(Settings(database_url=env["SERVIO_DATABASE_URL"]))
    user = store.user_by_token(token.group(1))
    store.close()
    assert user is not None and user.role == "admin" and user.name == "admin"


def test_in_production_the_first_admins_token_stays_out_of_a_log(tmp_path: Path) -> None:
    """Under systemd or Docker stderr is a log that many can read and that is kept: the first admin's
    token is not printed there, only how to get one (security audit S11)."""
    port = _free_port()
    env = dict(os.environ, SERVIO_DATABASE_URL=f"sqlite:///{tmp_path / 'servio.db'}", SERVIO_PORT=str(port),
               SERVIO_LIVE_WARM_UP="false", SERVIO_MODE="production", SERVIO_SECRET_KEY="s" * 40)
    code = "from servio.service import load_settings, run; run(load_settings(), log_level='warning')"
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.3)
    finally:
        proc.terminate()
        _out, err = proc.communicate(timeout=20)
    assert "created user 'admin'" in err and "`servio users token admin`" in err, err
    assert "servio_" not in err.replace("servio users", "")  # no token
    # the dashboard's cookie is Secure by default in production: plain HTTP needs a setting, said at start
    assert "set SERVIO_COOKIE_SECURE=never" in err, err


def test_a_websocket_token_in_the_query_stays_out_of_the_server_log(tmp_path: Path) -> None:
    """The token is masked however the query names it: ``%74oken=`` authenticates as ``token=`` does (the
    server decodes the name), and ``TOKEN=``, refused, is still a working token (security audit 19b, m4);
    the erasure search's text, a customer's name, is masked too (m3)."""
    import asyncio
    import json

    import websockets

    from servio.service import Settings
    from servio.service.app import open_store

    url = f"sqlite:///{tmp_path / 'servio.db'}"
    store = open_store(Settings(database_url=url))
    store.migrate()
    _user, token = store.create_user("eva", "agent", "eva")
    _admin, admin_token = store.create_user("root", "admin")
    store.close()
    port = _free_port()
    env = dict(os.environ, SERVIO_DATABASE_URL=url, SERVIO_PORT=str(port), SERVIO_LIVE_WARM_UP="false",
               SERVIO_TAGGER="rules")
    code = "from servio.service import load_settings, run; run(load_settings(), log_level='info')"
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)

    async def chat(name: str = "token") -> str:
        async with websockets.connect(f"ws://127.0.0.1:{port}/live/chat-1?{name}={token}&language=en") as ws:
            await ws.recv()
            await ws.send(json.dumps({"speaker": "agent", "text": "Hello, how can I help?"}))
            return str(await ws.recv())

    async def refused(name: str) -> None:
        try:
            async with websockets.connect(f"ws://127.0.0.1:{port}/live/chat-2?{name}={token}") as ws:
                await ws.recv()
        except websockets.exceptions.WebSocketException:
            pass

    try:
        deadline, answer = time.monotonic() + 60, ""
        while not answer and time.monotonic() < deadline and proc.poll() is None:
            try:
                answer = asyncio.run(chat())
            except OSError:
                time.sleep(0.3)
        assert '"type":"update"' in answer.replace(" ", "")
        assert '"type":"update"' in asyncio.run(chat("%74oken")).replace(" ", "")  # it does authenticate
        asyncio.run(refused("TOKEN"))
        found = httpx.get(f"http://127.0.0.1:{port}/imports?quoting=Mari%20Maasikas&limit=5",
                          headers={"Authorization": f"Bearer {admin_token}"})
        assert found.status_code == 200
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=20)
    err += out  # the access log is on stdout
    assert "WebSocket /live/chat-1" in err and "GET /imports?quoting=***&limit=5" in err, err  # logged ...
    assert "%74oken=***" in err and "TOKEN=***" in err, err
    assert token.split(".")[1] not in err  # ... but not the secret part of the token
    assert "Maasikas" not in err and "Mari" not in err


def test_serve_with_a_database_it_cannot_reach_is_one_clear_error(
        monkeypatch: Any, capsys: Any) -> None:
    """Not a traceback, and the password stays out of it."""
    from servio.cli import main

    monkeypatch.setenv("SERVIO_LIVE_WARM_UP", "false")
    url = "postgresql://servio:s3cret-pw@127.0.0.1:1/servio"
    assert main(["serve", "--database", url, "--port", str(_free_port())]) == 2
    err = capsys.readouterr().err
    assert err.startswith("servio: error: cannot use the database postgresql://servio:***@127.0.0.1:1/servio")
    assert "Traceback" not in err and "s3cret-pw" not in err


def test_serve_on_a_port_in_use_says_so_before_anything_else(tmp_path: Path, monkeypatch: Any,
                                                             capsys: Any) -> None:
    """No banner, no sign-in link to the other server, no new admin and no database: one error, exit 2
    (uvicorn said "[Errno 98]" after all that, exit 3; audit 19c, m4)."""
    from servio.cli import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        db = tmp_path / "new.db"
        assert main(["serve", "--examples", "--database", f"sqlite:///{db}", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"servio: error: port {port} on 127.0.0.1 is already in use"), err
    assert "--port or SERVIO_PORT" in err and "serving" not in err and "token" not in err
    assert not db.exists()
