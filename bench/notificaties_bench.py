"""Benchmark of notificaties: deliveries per second to 10 subscribers, and event→webhook latency at a fixed
300 events/s. Starts its own PostgreSQL and NATS in a temporary folder and the service as `make run` does
(uvicorn subprocess, consumer and delivery worker in the API process); the receivers and the publisher are
this process.

    .venv/bin/python bench/notificaties_bench.py            # about a minute
    .venv/bin/python bench/notificaties_bench.py --quick    # a smoke test

Results: a table on stdout and bench/results/notificaties-<YYYYMMDD-HHMM>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import tempfile
import time
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import nats

from inburgering_kit.auth import generate_dev_keypair, mint_token
from inburgering_kit.db import database_url_for, ensure_database, plain_url
from inburgering_kit.embedded import EmbeddedNats, EmbeddedPostgres, free_port
from inburgering_kit.migrations import upgrade
from inburgering_kit.registry import uvicorn_command

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
MIGRATIONS = ROOT / "services" / "notificaties" / "migrations"
HOST = "127.0.0.1"
ISSUER = "urn:inburgering:benchmark"
AUDIENCE = "inburgering"
GEMEENTE = "0363"
STREAM = "INBURGERING"
SUBSCRIBERS = 10
EVENT_TYPE = "nl.inburgering.inburgeraar.inburgeraar-geregistreerd"


class Receivers:
    """A minimal HTTP/1.1 server with keep-alive (not a framework: the receiver must not be the bottleneck).
    Records, per delivery, now minus the event's `time`."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.count = 0
        self.server: asyncio.Server | None = None
        self.port = free_port()
        self.connections: set[asyncio.StreamWriter] = set()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections.add(writer)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                body = await reader.readexactly(length)
                sent = datetime.fromisoformat(json.loads(body)["time"])
                self.latencies.append((datetime.now(UTC) - sent).total_seconds())
                self.count += 1
                writer.write(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self.connections.discard(writer)
            writer.close()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._handle, HOST, self.port)

    def reset(self) -> None:
        self.latencies, self.count = [], 0


def event(n: int) -> tuple[str, bytes]:
    subject = str(uuid.uuid4())
    event_id = str(uuid.uuid4())
    body = {
        "specversion": "1.0",
        "id": event_id,
        "source": "urn:nld:oin:00000001002564440000:systeem:inburgeraar-api",
        "type": EVENT_TYPE,
        "time": datetime.now(UTC).isoformat(),
        "subject": subject,
        "dataref": f"http://{HOST}/api/v1/inburgeraars/{subject}",
        "datacontenttype": "application/json",
        "gemeentecode": GEMEENTE,
        "data": {"inburgeraarId": subject, "n": n},
    }
    return event_id, json.dumps(body).encode()


async def publish_burst(js: Any, count: int) -> None:
    for start in range(0, count, 500):
        acks = []
        for n in range(start, min(count, start + 500)):
            event_id, body = event(n)
            acks.append(js.publish(EVENT_TYPE, body, headers={"Nats-Msg-Id": event_id}))
        await asyncio.gather(*acks)


async def publish_at_rate(js: Any, rate: float, seconds: float) -> int:
    started = time.monotonic()
    sent = 0
    pending: list[asyncio.Future[Any]] = []
    while (elapsed := time.monotonic() - started) < seconds:
        due = int(elapsed * rate) + 1
        while sent < due:
            event_id, body = event(sent)
            pending.append(asyncio.ensure_future(js.publish(EVENT_TYPE, body, headers={"Nats-Msg-Id": event_id})))
            sent += 1
        await asyncio.sleep(0.002)
    await asyncio.gather(*pending)
    return sent


async def wait_for(receivers: Receivers, expected: int, within: float) -> float:
    started = time.monotonic()
    while receivers.count < expected:
        if time.monotonic() - started > within:
            raise RuntimeError(f"only {receivers.count} of {expected} deliveries after {within:.0f}s")
        await asyncio.sleep(0.01)
    return time.monotonic() - started


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


async def queued_at(database_url: str, expected: int) -> float:
    """When the consumer had queued every delivery of the burst: separates consuming from delivering."""
    conn = await asyncpg.connect(plain_url(database_url))
    try:
        while await conn.fetchval("SELECT count(*) FROM aflevering") < expected:  # noqa: ASYNC110 - another process writes
            await asyncio.sleep(0.02)
    finally:
        await conn.close()
    return time.monotonic()


async def measure(base: str, token: str, nats_url: str, database_url: str, quick: bool) -> dict[str, Any]:
    receivers = Receivers()
    await receivers.start()
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"}) as client:
        for i in range(SUBSCRIBERS):
            response = await client.post(
                "/api/v1/abonnementen", json={"callbackUrl": f"http://{HOST}:{receivers.port}/ontvanger-{i}"}
            )
            response.raise_for_status()
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    try:
        burst = 200 if quick else 1000
        receivers.reset()
        started = time.monotonic()
        await publish_burst(js, burst)
        queued = asyncio.create_task(queued_at(database_url, burst * SUBSCRIBERS))
        await wait_for(receivers, burst * SUBSCRIBERS, within=300)
        elapsed = time.monotonic() - started
        consumed_per_s = burst / ((await queued) - started)
        throughput = burst * SUBSCRIBERS / elapsed

        receivers.reset()
        seconds = 3.0 if quick else 15.0
        sent = await publish_at_rate(js, 300.0, seconds)
        await wait_for(receivers, sent * SUBSCRIBERS, within=300)
        latencies = receivers.latencies
    finally:
        await nc.close()
        if receivers.server is not None:
            receivers.server.close()
            for writer in list(receivers.connections):
                writer.close()
            await receivers.server.wait_closed()
    return {
        "subscribers": SUBSCRIBERS,
        "burst_events": burst,
        "deliveries_per_s": round(throughput, 1),
        "events_consumed_per_s": round(consumed_per_s, 1),
        "fixed_rate_events_per_s": 300,
        "fixed_rate_seconds": seconds,
        "fixed_rate_deliveries": sent * SUBSCRIBERS,
        "latency_p50_ms": round(percentile(latencies, 50), 1),
        "latency_p99_ms": round(percentile(latencies, 99), 1),
        "latency_max_ms": round(max(latencies) * 1000, 1),
        "latency_mean_ms": round(statistics.fmean(latencies) * 1000, 1),
    }


def wait_ready(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"notificaties stopped while starting:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"notificaties not ready:\n{log.read_text()[-3000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-notificaties-"))
    postgres = EmbeddedPostgres(workdir / "pg", free_port())
    broker = EmbeddedNats(workdir / "nats", free_port())
    postgres.start()
    broker.start()
    proc: subprocess.Popen[bytes] | None = None
    try:
        asyncio.run(ensure_database(postgres.url, "notificaties"))
        database_url = database_url_for(postgres.url, "notificaties")
        upgrade(MIGRATIONS, database_url)
        private_key, public_key = generate_dev_keypair(workdir / "keys")
        port = free_port()
        env = {
            **os.environ,
            "NOTIFICATIES_ENVIRONMENT": "development",
            "NOTIFICATIES_DATABASE_URL": database_url,
            "NOTIFICATIES_NATS_URL": broker.url,
            "NOTIFICATIES_AUTH__ISSUERS": f'["{ISSUER}"]',
            "NOTIFICATIES_AUTH__AUDIENCE": AUDIENCE,
            "NOTIFICATIES_AUTH__PUBLIC_KEY_FILE": str(public_key),
            "NOTIFICATIES_STREAM_NAME": STREAM,
            # The receivers listen on loopback over plain HTTP.
            "NOTIFICATIES_ALLOW_HTTP": "true",
            "NOTIFICATIES_ALLOW_PRIVATE_ADDRESSES": "true",
            "NOTIFICATIES_LOG_LEVEL": "WARNING",
        }
        log = workdir / "notificaties.log"
        with log.open("ab") as out:
            proc = subprocess.Popen(
                uvicorn_command("notificaties.main:create_app", host=HOST, port=port),
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        base = f"http://{HOST}:{port}"
        wait_ready(f"{base}/health/ready", proc, log)
        token = mint_token(
            private_key.read_bytes(),
            issuer=ISSUER,
            audience=AUDIENCE,
            client_id="bench",
            scopes=["abonnementen:lezen", "abonnementen:schrijven"],
            gemeente_code=GEMEENTE,
            aanbieder_id=None,
            user=None,
            ttl_seconds=3600,
        )
        result = asyncio.run(measure(base, token, broker.url, database_url, args.quick))
    finally:
        if proc is not None and proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=15)
        broker.stop()
        postgres.stop()
    result |= {
        "quick": args.quick,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }
    for key, value in result.items():
        print(f"{key:>26}  {value}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    target = RESULTS / f"notificaties-{datetime.now(UTC):%Y%m%d-%H%M}.json"
    target.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
