"""Webhook ingress: updates one `run --webhook` replica accepts per second, and the time from a
POST to the update being in the inbox (p50 / p95), with 1 connection (Telegram with
max_connections=1) and with several, in one run.

A real `python -m bot run --webhook` subprocess on a fresh SQLite file (WAL) against the fake Bot
API of tests/fakes (for getMe and setWebhook). Clients POST group messages from a stranger, which
the bot stores, claims and drops without a reply, so the figures are the ingress and the claims,
not Telegram's reply limits. The replica answers 200 only after the update is committed to the
inbox, so POST-to-200 is the time to the inbox (an upper bound: it includes the HTTP round trip).
After the POSTs the script also waits until the dispatcher has handled every update.

    nice -n 10 .venv/bin/python bench/webhook_ingress.py [--updates 2000] [--connections 8]
        [--postgres postgresql://postgres@127.0.0.1:5432/postgres]

With ``--postgres SERVER_URL`` the replica runs on a fresh PostgreSQL database created on that
server (``dossier_bench_<random>``, dropped at the end) instead of the SQLite file.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import signal
import socket
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import aiohttp
from _common import ROOT, pct

sys.path.insert(0, str(ROOT / "tests"))

from fakes.bot_api import FakeBotAPI

SECRET = "bench-secret-0123456789"
STRANGER = 777_000_001


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _update(update_id: int, chats: int) -> bytes:
    chat = -1_000_000_000 - (update_id % chats)
    return json.dumps({"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "text": f"hello {update_id}",
        "chat": {"id": chat, "type": "group", "title": f"Group {chat}"},
        "from": {"id": STRANGER, "is_bot": False, "first_name": "Eve"}}}).encode()


def _count(url: str, sql: str) -> int:
    if url.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(url) as pg:
            row = pg.execute(sql).fetchone()
            return int(row[0]) if row else 0
    conn = sqlite3.connect(f"file:{url.removeprefix('sqlite:///')}?mode=ro", uri=True)
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


@contextlib.contextmanager
def _database(server: str | None, tmp: Path) -> Iterator[str]:
    """The DATABASE_URL to run on: a fresh SQLite file, or a fresh database on ``server``."""
    if server is None:
        yield f"sqlite:///{tmp / 'dossier.db'}"
        return
    import psycopg

    name = f"dossier_bench_{secrets.token_hex(4)}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
    parts = urlsplit(server)
    try:
        yield urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _burst(url: str, first: int, count: int, connections: int, chats: int) -> tuple[float, list[float]]:
    """POST ``count`` updates over ``connections`` keep-alive connections; (seconds, latencies)."""
    latencies: list[float] = []
    ids = iter(range(first, first + count))
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
    connector = aiohttp.TCPConnector(limit=connections)

    async with aiohttp.ClientSession(connector=connector) as session:
        async def client() -> None:
            for update_id in ids:
                body = _update(update_id, chats)
                t0 = time.perf_counter()
                async with session.post(url, data=body, headers=headers) as response:
                    await response.read()
                    if response.status != 200:
                        raise RuntimeError(f"update {update_id}: HTTP {response.status}")
                latencies.append((time.perf_counter() - t0) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(connections)))
        return time.perf_counter() - started, latencies


async def run(updates: int, connections: int, chats: int, tmp: Path, db: str) -> int:
    port = _free_port()
    async with FakeBotAPI() as api:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_", "WEBHOOK_"))}
        env.update({
            "TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_BASE_URL": api.base_url,
            "TELEGRAM_API_FILE_URL": api.file_url, "DATABASE_URL": db,
            "ALLOWED_USER_IDS": "1001", "ANALYSIS_WORKERS": "0", "LOG_LEVEL": "WARNING",
            "WEBHOOK_URL": "https://bench.example/telegram", "WEBHOOK_LISTEN": f"127.0.0.1:{port}",
            "WEBHOOK_SECRET": SECRET, "PYTHONPATH": str(ROOT),
        })
        log = (tmp / "replica.log").open("wb")
        proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", "--webhook", env=env,
                                                    cwd=tmp, stdout=log, stderr=log, start_new_session=True)
        try:
            await api.wait_for(lambda: bool(api.webhook.url), 60, message="the replica to set its webhook")
            url = f"http://127.0.0.1:{port}/telegram"
            await _burst(url, 1, 50, 1, chats)  # warm-up (connections, caches, first claims)
            results = {}
            next_id = 1000
            for n in (1, connections):
                seconds, latencies = await _burst(url, next_id, updates, n, chats)
                next_id += updates
                results[n] = (updates / seconds, pct(latencies, 50), pct(latencies, 95), max(latencies))
            total = next_id - 1000 + 50
            drain_started = time.perf_counter()
            await api.wait_for(lambda: _count(db, "SELECT count(*) FROM inbox WHERE status = 'pending'") == 0,
                               300, message="the dispatcher to handle every update")
            drain = time.perf_counter() - drain_started
            stored = _count(db, "SELECT count(*) FROM inbox")
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            await proc.wait()
            log.close()
    backend = "PostgreSQL" if db.startswith("postgresql://") else "SQLite WAL"
    print(f"webhook ingress, one replica, {backend}, {updates} updates per run over {chats} chats")
    for n, (rate, p50, p95, top) in results.items():
        print(f"  {n:2d} connection(s): {rate:7.0f} updates/s accepted; POST -> in the inbox "
              f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {top:.1f} ms")
    one, many = results[1][0], results[connections][0]
    print(f"  {connections} connections / 1: {many / one:.2f}x the rate")
    print(f"  all {stored} stored ({total} posted); the dispatcher finished the last {drain:.1f} s after the POSTs")
    return 0 if stored == total else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--chats", type=int, default=50)
    parser.add_argument("--postgres", metavar="SERVER_URL", default=None,
                        help="run on a fresh database on this PostgreSQL server instead of SQLite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dossier-webhook-bench-") as tmp, _database(args.postgres, Path(tmp)) as db:
        return asyncio.run(run(args.updates, args.connections, args.chats, Path(tmp), db))


if __name__ == "__main__":
    raise SystemExit(main())
