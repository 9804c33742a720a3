"""Live stage hints: latency per turn for 200 concurrent chat sessions, in process and over loopback.

Four runs, each with ``--sessions`` chats that replay real conversations
(../shared/data at run time if present, else servio's bundled examples), at
most ``--turns`` turns each:

* in process: the sessions' turns interleaved round-robin through
  :class:`servio.live.LiveSessions` (the analysis cost alone);
* HTTP: uvicorn serving ``create_app`` on 127.0.0.1 in a child process
  (``servio.service.run``); every session has its own keep-alive connection
  sending ``POST /live/sessions/{id}/turns``, once with a minimal asyncio
  HTTP/1.1 client and once with one httpx client per session (httpx spends
  several milliseconds of client CPU per request, which on two shared cores
  shows up in the latency it measures);
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


@dataclass
class Run:
    """What one run measured: client-side latencies (s), errors, duration, server analysis times (ms)."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    server_ms: list[float] = field(default_factory=list)
    client_cpu: float = 0.0


def percentiles(ms: list[float]) -> str:
    """p50, p99 and max of milliseconds."""
    ms = sorted(ms)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    return f"p50 {statistics.median(ms):7.2f} ms  p99 {p99:7.2f} ms  max {ms[-1]:8.2f} ms"


def summary(name: str, run: Run) -> None:
    """Print the latency percentiles, the count, the errors and the rate (and server/client detail)."""
    if not run.latencies:
        print(f"{name:<22} no turns measured, errors {run.errors}")
        return
    n = len(run.latencies)
    print(
        f"{name:<22} turns {n:>6}  {percentiles([x * 1000 for x in run.latencies])}  "
        f"errors {run.errors}  ({n / run.seconds:.0f} turns/s over {run.seconds:.1f} s)"
    )
    if run.server_ms:
        print(
            f"{'  of which analysis':<22} {'':>12}{percentiles(run.server_ms)}  "
            f"(client CPU {run.client_cpu / n * 1000:.2f} ms per turn)"
        )


def in_process(chats: list[tuple[str | None, Chat]], turns: int) -> None:
    """Every session's turns interleaved round-robin: the cost of the analysis per turn."""
    from servio.live import LiveSessions, SessionInfo
    from servio.model import Speaker
    from servio.service.bootstrap import warm_up

    warm_up()  # what the server does at start-up: load the models, freeze the GC's long-lived objects
    live = LiveSessions(max_sessions=len(chats) + 1, max_per_owner=len(chats) + 1)  # one owner: "bench"
    sessions = [live.create("bench", SessionInfo()) for _ in chats]
    run = Run()
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
                run.errors += 1
                continue
            run.latencies.append(time.perf_counter() - t0)
    run.seconds = time.perf_counter() - started
    summary("in process", run)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(folder: Path, plain: bool = False) -> tuple[subprocess.Popen[bytes], str, str]:
    """uvicorn with a fresh SQLite store and an admin token, in a child process on 127.0.0.1."""
    from servio.service import Settings
    from servio.service.app import open_store

    url = f"sqlite:///{folder / 'bench.db'}"
    store = open_store(Settings(database_url=url))
    store.migrate()
    _user, token = store.create_user("bench", "admin")
    store.close()
    port = free_port()
    env = dict(
        os.environ,
        SERVIO_DATABASE_URL=url,
        SERVIO_RATE_LIMIT_PER_MINUTE="0",
        SERVIO_LIVE_MAX_SESSIONS="10000",
        SERVIO_LIVE_MAX_SESSIONS_PER_USER="10000",  # every session is the one bench user's
        SERVIO_AUTO_MIGRATE="false",
    )
    env["SERVIO_PORT"] = str(port)
    code = (
        "from servio.service import load_settings, run; "
        "run(load_settings(), log_level='warning', access_log=False"
        + (", http='h11', loop='asyncio')" if plain else ")")
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
) -> Run:
    """One httpx client (one keep-alive connection) per session, sending its turns with think time.

    The clients are made before the clock starts (each builds an SSL context, which costs CPU).
    """
    import httpx

    run = Run()
    clients = [httpx.AsyncClient(base_url=base, timeout=10, headers=_auth(token)) for _ in chats]

    async def one(index: int, chat: Chat, client: httpx.AsyncClient) -> None:
        rng = random.Random(index)
        await asyncio.sleep(rng.uniform(0, think))
        try:
            sid = (await client.post("/live/sessions", json={})).json()["id"]
        except Exception:
            run.errors += 1
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
                run.latencies.append(time.perf_counter() - t0)
                run.server_ms.append(response.json()["elapsed_ms"])
            else:
                run.errors += 1
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))

    started, cpu = time.perf_counter(), time.process_time()
    try:
        await asyncio.gather(*(one(i, chat, clients[i]) for i, (_lang, chat) in enumerate(chats)))
    finally:
        run.seconds, run.client_cpu = time.perf_counter() - started, time.process_time() - cpu
        await asyncio.gather(*(c.aclose() for c in clients))
    return run


class RawHTTP:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams (JSON in, JSON out), cheap on the CPU."""

    def __init__(self, base: str, token: str) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.host, self.port, self.token = host, int(port), token
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if self.reader is None or self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        data = json.dumps(body, ensure_ascii=False).encode()
        head = (
            f"POST {path} HTTP/1.1\r\nhost: {self.host}\r\nauthorization: Bearer {self.token}\r\n"
            f"content-type: application/json\r\ncontent-length: {len(data)}\r\n\r\n"
        )
        self.writer.write(head.encode() + data)
        await self.writer.drain()
        lines = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length = next(
            int(v) for k, _, v in (ln.partition(":") for ln in lines[1:]) if k.lower() == "content-length"
        )
        return status, json.loads(await self.reader.readexactly(length))

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def raw_run(
    base: str, token: str, chats: list[tuple[str | None, Chat]], turns: int, think: float, deadline: float
) -> Run:
    """The HTTP run with :class:`RawHTTP`: what the server adds, without httpx's own CPU cost."""
    run = Run()

    async def one(index: int, chat: Chat) -> None:
        rng = random.Random(index)
        await asyncio.sleep(rng.uniform(0, think))
        client = RawHTTP(base, token)
        try:
            _status, created = await client.post("/live/sessions", {})
            sid = created["id"]
            for speaker, text in chat[:turns]:
                if time.monotonic() > deadline:
                    return
                t0 = time.perf_counter()
                status, answer = await asyncio.wait_for(
                    client.post(f"/live/sessions/{sid}/turns", {"speaker": speaker, "text": text}), 10
                )
                if status == 200:
                    run.latencies.append(time.perf_counter() - t0)
                    run.server_ms.append(answer["elapsed_ms"])
                else:
                    run.errors += 1
                await asyncio.sleep(think * rng.uniform(0.5, 1.5))
        except Exception:
            run.errors += 1
        finally:
            await client.close()

    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(one(i, chat) for i, (_lang, chat) in enumerate(chats)))
    run.seconds, run.client_cpu = time.perf_counter() - started, time.process_time() - cpu
    return run


async def ws_run(
    base: str, token: str, chats: list[tuple[str | None, Chat]], turns: int, think: float, deadline: float
) -> tuple[list[float], int, float]:
    """One WebSocket per session, each sending its turns with think time between them."""
    import websockets

    run = Run()
    ws_base = base.replace("http://", "ws://")

    async def one(index: int, chat: Chat) -> None:
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
                        run.latencies.append(time.perf_counter() - t0)
                        run.server_ms.append(answer["elapsed_ms"])
                    else:
                        run.errors += 1
                    await asyncio.sleep(think * rng.uniform(0.5, 1.5))
        except Exception:
            run.errors += 1

    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(one(i, chat) for i, (_lang, chat) in enumerate(chats)))
    run.seconds, run.client_cpu = time.perf_counter() - started, time.process_time() - cpu
    return run


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
    parser.add_argument(
        "--plain",
        action="store_true",
        help="uvicorn with its pure-Python parts (h11, asyncio) even if httptools/uvloop are there",
    )
    args = parser.parse_args(argv)

    chats = load_chats(args.data, args.sessions)
    source = args.data if args.data.is_dir() else "bundled examples"
    per_chat = sum(min(len(c), args.turns) for _, c in chats) / len(chats)
    print(
        f"live hints: {len(chats)} concurrent sessions from {source}, up to {args.turns} turns each "
        f"(mean {per_chat:.1f}); {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} "
        "(other processes share the cores: compare runs at similar load)"
    )
    in_process(chats, args.turns)
    if args.skip_network:
        return 0
    print(
        f"over loopback: each session sends a turn every {args.think:.1f} s (jittered 0.5x-1.5x), "
        f"at most about {len(chats) / args.think:.0f} turns/s in all"
    )
    with tempfile.TemporaryDirectory(prefix="servio-bench-") as tmp:
        proc, base, token = start_server(Path(tmp), args.plain)
        try:
            asyncio.run(_wait_ready(base, token))
            runs = (("HTTP (keep-alive)", raw_run), ("HTTP (httpx)", http_run), ("WebSocket", ws_run))
            for name, runner in runs:
                deadline = time.monotonic() + args.deadline
                result = asyncio.run(runner(base, token, chats, args.turns, args.think, deadline))
                summary(name, result)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
