"""Live stage hints: latency per turn for 200 concurrent chat sessions, in process and over loopback.

Three runs, each with ``--sessions`` chats that replay real conversations
(../shared/data at run time if present, else servio's bundled examples), at
most ``--turns`` turns each:

* in process: the sessions' turns interleaved round-robin through
  :class:`servio.live.LiveSessions` (the analysis cost alone);
* HTTP: uvicorn serving ``create_app`` on 127.0.0.1 in a child process;
  every session is one httpx client task sending ``POST /live/sessions/{id}/turns``;
* WebSocket: the same through ``/live/{session}`` with the websockets client.

Over the network each session waits a jittered ``--think`` seconds between
turns (a chat is not a flood); the offered load is printed. Latency is
measured by the client around each turn. Loops are bounded by the turn count
and a ``--deadline``; the server is stopped at the end. Prints figures and
asserts nothing.

    python bench/bench_live.py [--sessions 200] [--turns 12] [--think 2.0] [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data"
Chat = list[tuple[str, str]]


def load_chats(data: Path, limit: int) -> list[tuple[str | None, Chat]]:
    """(language, [(speaker, text)]) per conversation, from ../shared/data or the bundled examples."""
    paths = sorted(data.glob("*.jsonl")) if data.is_dir() else []
    if not paths:
        from servio.examples import example_gold_path

        paths = [example_gold_path()]
    chats: list[tuple[str | None, Chat]] = []
    for path in paths:
        for line in path.read_text("utf-8").splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            turns = [
                (t["speaker"], t["text"])
                for t in record.get("turns", [])
                if t.get("speaker") in ("agent", "customer", "system") and str(t.get("text", "")).strip()
            ]
            if turns:
                chats.append((record.get("language"), turns))
    random.Random(7).shuffle(chats)
    return chats[:limit] if len(chats) >= limit else (chats * (limit // len(chats) + 1))[:limit]


def summary(name: str, latencies: list[float], errors: int, seconds: float) -> None:
    """Print p50/p99/max in milliseconds, the count, the errors and the rate."""
    if not latencies:
        print(f"{name:<22} no turns measured, errors {errors}")
        return
    ms = sorted(x * 1000 for x in latencies)
    p50 = statistics.median(ms)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    print(
        f"{name:<22} turns {len(ms):>6}  p50 {p50:7.2f} ms  p99 {p99:7.2f} ms  max {ms[-1]:8.2f} ms  "
        f"errors {errors}  ({len(ms) / seconds:.0f} turns/s over {seconds:.1f} s)"
    )


def in_process(chats: list[tuple[str | None, Chat]], turns: int) -> None:
    """Every session's turns interleaved round-robin: the cost of the analysis per turn."""
    from servio.live import LiveSessions, SessionInfo
    from servio.model import Speaker

    live = LiveSessions(max_sessions=len(chats) + 1)
    warm = live.create("bench", SessionInfo())
    warm.add_turn(Speaker.AGENT, "Tere! Kuidas saan aidata?")
    warm.add_turn(Speaker.AGENT, "Hello! How can I help?")
    sessions = [live.create("bench", SessionInfo()) for _ in chats]
    latencies: list[float] = []
    errors = 0
    started = time.perf_counter()
    for step in range(turns):
        for session, (_lang, chat) in zip(sessions, chats, strict=True):
            if step >= len(chat):
                continue
            speaker, text = chat[step]
            t0 = time.perf_counter()
            try:
                session.add_turn(Speaker(speaker), text)
            except Exception:
                errors += 1
                continue
            latencies.append(time.perf_counter() - t0)
    summary("in process", latencies, errors, time.perf_counter() - started)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(folder: Path) -> tuple[subprocess.Popen[bytes], str, str]:
    """uvicorn with a fresh SQLite store and an admin token, in a child process on 127.0.0.1."""
    from servio.store import Store

    url = f"sqlite:///{folder / 'bench.db'}"
    store = Store(url)
    store.migrate()
    _user, token = store.create_user("bench", "admin")
    store.close()
    port = free_port()
    env = dict(
        os.environ,
        SERVIO_DATABASE_URL=url,
        SERVIO_RATE_LIMIT_PER_MINUTE="0",
        SERVIO_LIVE_MAX_SESSIONS="10000",
        SERVIO_AUTO_MIGRATE="false",
    )
    code = (
        "import uvicorn; from servio.service import create_app, load_settings; "
        f"uvicorn.run(create_app(load_settings()), host='127.0.0.1', port={port}, log_level='warning', "
        "ws='websockets', access_log=False)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    return proc, base, token


async def _wait_ready(base: str, token: str) -> None:
    import httpx

    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        for _ in range(300):
            try:
                if (await client.get("/health")).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
        # warm the server's language models before measuring
        sid = (await client.post("/live/sessions", json={}, headers=_auth(token))).json()["id"]
        for text in ("Tere! Kuidas saan aidata?", "Hello! How can I help?"):
            await client.post(
                f"/live/sessions/{sid}/turns", json={"speaker": "agent", "text": text}, headers=_auth(token)
            )


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def http_run(
    base: str, token: str, chats: list[tuple[str | None, Chat]], turns: int, think: float, deadline: float
) -> tuple[list[float], int, float]:
    """One httpx task per session, each sending its turns with think time between them."""
    import httpx

    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=len(chats), max_keepalive_connections=len(chats))
    async with httpx.AsyncClient(base_url=base, timeout=10, limits=limits, headers=_auth(token)) as client:

        async def one(index: int, chat: Chat) -> None:
            nonlocal errors
            rng = random.Random(index)
            await asyncio.sleep(rng.uniform(0, think))
            try:
                created = await client.post("/live/sessions", json={})
                sid = created.json()["id"]
            except Exception:
                errors += 1
                return
            for speaker, text in chat[:turns]:
                if time.monotonic() > deadline:
                    return
                t0 = time.perf_counter()
                try:
                    response = await client.post(
                        f"/live/sessions/{sid}/turns", json={"speaker": speaker, "text": text}
                    )
                    ok = response.status_code == 200
                except Exception:
                    ok = False
                if ok:
                    latencies.append(time.perf_counter() - t0)
                else:
                    errors += 1
                await asyncio.sleep(think * rng.uniform(0.5, 1.5))

        started = time.perf_counter()
        await asyncio.gather(*(one(i, chat) for i, (_lang, chat) in enumerate(chats)))
    return latencies, errors, time.perf_counter() - started


async def ws_run(
    base: str, token: str, chats: list[tuple[str | None, Chat]], turns: int, think: float, deadline: float
) -> tuple[list[float], int, float]:
    """One WebSocket per session, each sending its turns with think time between them."""
    import websockets

    latencies: list[float] = []
    errors = 0
    ws_base = base.replace("http://", "ws://")

    async def one(index: int, chat: Chat) -> None:
        nonlocal errors
        rng = random.Random(1000 + index)
        await asyncio.sleep(rng.uniform(0, think))
        try:
            async with websockets.connect(
                f"{ws_base}/live/bench-{index}?token={token}", open_timeout=10, close_timeout=2
            ) as ws:
                json.loads(await asyncio.wait_for(ws.recv(), 10))
                for speaker, text in chat[:turns]:
                    if time.monotonic() > deadline:
                        return
                    t0 = time.perf_counter()
                    await ws.send(json.dumps({"speaker": speaker, "text": text}))
                    answer = json.loads(await asyncio.wait_for(ws.recv(), 10))
                    if answer.get("type") == "update":
                        latencies.append(time.perf_counter() - t0)
                    else:
                        errors += 1
                    await asyncio.sleep(think * rng.uniform(0.5, 1.5))
        except Exception:
            errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(one(i, chat) for i, (_lang, chat) in enumerate(chats)))
    return latencies, errors, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--turns", type=int, default=12, help="turns per session at most")
    parser.add_argument("--think", type=float, default=2.0, help="mean seconds between a session's turns")
    parser.add_argument("--deadline", type=float, default=120.0, help="seconds per network run at most")
    parser.add_argument("--skip-network", action="store_true", help="only the in-process run")
    args = parser.parse_args(argv)

    chats = load_chats(args.data, args.sessions)
    source = args.data if args.data.is_dir() else "bundled examples"
    per_chat = sum(min(len(c), args.turns) for _, c in chats) / len(chats)
    print(
        f"live hints: {len(chats)} concurrent sessions from {source}, up to {args.turns} turns each "
        f"(mean {per_chat:.1f}); {os.cpu_count()} cores"
    )
    in_process(chats, args.turns)
    if args.skip_network:
        return 0
    print(
        f"over loopback: think time {args.think:.1f} s per session (jittered 0.5x-1.5x), offered load "
        f"about {len(chats) / args.think:.0f} turns/s"
    )
    with tempfile.TemporaryDirectory(prefix="servio-bench-") as tmp:
        proc, base, token = start_server(Path(tmp))
        try:
            asyncio.run(_wait_ready(base, token))
            for name, runner in (("HTTP (httpx)", http_run), ("WebSocket", ws_run)):
                deadline = time.monotonic() + args.deadline
                latencies, errors, seconds = asyncio.run(
                    runner(base, token, chats, args.turns, args.think, deadline)
                )
                summary(name, latencies, errors, seconds)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
