"""Benchmark of notificaties: event commit (in inburgeraar-api) → webhook received, p50/p99 at a fixed 300
events/s with 1 and with 10 subscribers; the same with a dead subscriber (one whose endpoint never answers,
one that refuses the connection) beside 10 healthy ones; deliveries/s to 10 subscribers; CPU per delivery.

Issue 5 targets: commit→webhook p99 < 250 ms at 300 events/s; >= 1,000 deliveries/s in total; a dead
subscriber costs the others nothing measurable.

Starts its own PostgreSQL (durable: every commit is a real fsync) and NATS in a temporary folder, then the way
deploy/local/stack.py does: inburgeraar-api under uvicorn with its outbox relay as its own process, and
notificaties under uvicorn (consumer and delivery worker in the API process). The load generator (open loop,
registrations over HTTP) and the webhook receivers are this process. An event's `time` is stamped in the
registration's transaction, so the latency covers commit, NOTIFY, the relay, JetStream, the consumer's
transaction and the POST.

    .venv/bin/python bench/notificaties_bench.py            # about 3 minutes
    .venv/bin/python bench/notificaties_bench.py --quick    # every phase 5x shorter

Run it under `flock /tmp/bench.lock` on a shared machine. Results: a table on stdout and
bench/results/notificaties-<YYYYMMDD-HHMM>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import signal
import sys
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import nats

from inburgeraar_api import scopes as inburgeraar_scopes
from inburgering_kit.auth import generate_dev_keypair, mint_token
from inburgering_kit.db import database_url_for, ensure_database
from inburgering_kit.embedded import free_port
from inburgering_kit.migrations import upgrade

sys.path.insert(0, str(Path(__file__).resolve().parent))
# bench/ is not a package: the load generator and the inburgeraar-api bench's helpers are found through sys.path.
from loadgen import CpuMeter, make_client, open_loop, rss_mb, summarize_ms
from run import (
    AUDIENCE,
    GEMEENTE,
    HOST,
    ISSUER,
    BsnGenerator,
    EventProbe,
    Server,
    _raise_interrupt,
    describe_run,
    in_workdir,
    postmaster_pid,
    registration_body,
    service_env,
    start_infrastructure,
    start_relay,
    start_uvicorn,
    wait_ready,
    write_results,
)

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
INBURGERAAR_MIGRATIONS = ROOT / "services" / "inburgeraar-api" / "migrations"
NOTIFICATIES_MIGRATIONS = ROOT / "services" / "notificaties" / "migrations"
EVENT_TYPE = "nl.inburgering.inburgeraar.inburgeraar-geregistreerd"
SUBSCRIBERS = 10
RATE = 300.0

TARGET_P99_MS = 250.0
TARGET_DELIVERIES_PER_S = 1000.0


class Receivers:
    """Webhook receivers on one loopback port: a minimal HTTP/1.1 server with keep-alive on an asyncio protocol
    (not a framework, not even streams: the receivers share the two cores with what they measure). Per path,
    each delivery's delay from the event's `time`."""

    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.event_ids: dict[str, set[str]] = defaultdict(set)
        self.duplicates = 0
        self.count = 0
        self.port = free_port()
        self.server: asyncio.Server | None = None
        self.transports: set[asyncio.Transport] = set()

    def received(self, path: str, body: bytes, at: float) -> None:
        event = json.loads(body)
        if event["id"] in self.event_ids[path]:
            self.duplicates += 1
            return
        self.event_ids[path].add(event["id"])
        self.latencies[path].append(at - datetime.fromisoformat(event["time"]).timestamp())
        self.count += 1

    async def start(self) -> None:
        self.server = await asyncio.get_running_loop().create_server(lambda: _Receiver(self), HOST, self.port)

    def reset(self) -> None:
        self.latencies.clear()
        self.event_ids.clear()
        self.duplicates = self.count = 0

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
            for transport in list(self.transports):
                transport.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.server.wait_closed(), 5)


class _Receiver(asyncio.Protocol):
    _ANSWER = b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n"

    def __init__(self, receivers: Receivers) -> None:
        self.receivers = receivers
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.receivers.transports.add(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.transport is not None:
            self.receivers.transports.discard(self.transport)

    def data_received(self, data: bytes) -> None:
        at = time.time()  # before parsing: the parse is ours, not the pipeline's
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head = self.buffer[:end]
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            if len(self.buffer) < end + 4 + length:
                return
            body = self.buffer[end + 4 : end + 4 + length]
            self.buffer = self.buffer[end + 4 + length :]
            self.receivers.received(head.split(b" ", 2)[1].decode(), body, at)
            assert self.transport is not None
            self.transport.write(self._ANSWER)


class Blackhole:
    """A dead subscriber that accepts connections and never answers: each attempt runs into the timeout."""

    def __init__(self) -> None:
        self.port = free_port()
        self.server: asyncio.Server | None = None
        self.writers: list[asyncio.StreamWriter] = []

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.append(writer)
        with contextlib.suppress(Exception):
            while await reader.read(65536):
                pass

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._handle, HOST, self.port)

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
            for writer in self.writers:
                writer.close()


def direct_event(n: int) -> tuple[str, bytes]:
    """An event as inburgeraar-api's relay publishes it, for the throughput burst (straight onto JetStream)."""
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


async def wait_for(receivers: Receivers, expected: int, within: float) -> float:
    started = time.monotonic()
    while receivers.count < expected:
        if time.monotonic() - started > within:
            raise RuntimeError(f"only {receivers.count} of {expected} deliveries after {within:.0f}s")
        await asyncio.sleep(0.01)
    return time.monotonic() - started


def cpu_summary(cpu: dict[str, float], elapsed_s: float, deliveries: int) -> dict[str, Any]:
    """CPU% per process tree, and CPU milliseconds per delivery (notificaties alone, and everything of ours)."""
    ours = ("notificaties", "inburgeraar-api", "relay", "postgres", "nats", "bench")
    per = {name: round(cpu[name] / 100 * elapsed_s * 1000 / deliveries, 3) for name in ours} if deliveries else {}
    return {
        "cpu_pct": {k: round(v, 1) for k, v in cpu.items()},
        "cpu_ms_per_delivery": per,
        "cpu_ms_per_delivery_all_ours": round(sum(per.values()), 3) if per else None,
    }


class Bench:
    def __init__(
        self,
        quick: bool,
        notificaties: Server,
        inburgeraar: Server,
        meter: CpuMeter,
        tokens: dict[str, str],
        nats_url: str,
    ) -> None:
        self.quick = quick
        self.nats_url = nats_url
        self.notificaties = notificaties
        self.inburgeraar = inburgeraar
        self.meter = meter
        self.tokens = tokens
        self.receivers = Receivers()
        self.blackhole = Blackhole()
        self.bsns = BsnGenerator()
        self.counter = itertools.count()
        self.subscriptions: dict[str, str] = {}  # name -> id
        self.api: httpx.AsyncClient | None = None

    async def subscribe(self, name: str, url: str) -> None:
        assert self.api is not None
        response = await self.api.post("/api/v1/abonnementen", json={"callbackUrl": url})
        response.raise_for_status()
        self.subscriptions[name] = response.json()["id"]

    async def set_paused(self, name: str, paused: bool) -> None:
        assert self.api is not None
        action = "_pauzeren" if paused else "_hervatten"
        response = await self.api.post(f"/api/v1/abonnementen/{self.subscriptions[name]}/{action}")
        response.raise_for_status()

    async def fixed_rate(self, seconds: float, healthy: list[str]) -> dict[str, Any]:
        """Registrations at RATE/s for `seconds`; each healthy subscriber must receive every event."""
        self.receivers.reset()
        headers = {"Authorization": f"Bearer {self.tokens['inburgeraar']}"}
        client = make_client("raw", HOST, self.inburgeraar.port, headers, 256)

        def register(_: int) -> tuple[str, str, bytes]:
            return "POST", "/api/v1/inburgeraars", registration_body(next(self.bsns), next(self.counter))

        # Where the time goes: the same events as they reach JetStream (commit + relay), beside the webhooks.
        probe = EventProbe()
        await probe.start(self.nats_url)
        load_avg = os.getloadavg()
        self.meter.start()
        started = time.monotonic()
        try:
            outcome = await open_loop(client, rate=RATE, duration_s=seconds, make=register)
        finally:
            await client.aclose()
        expected = outcome.ok * len(healthy)
        await wait_for(self.receivers, expected, within=120)
        elapsed = time.monotonic() - started
        cpu = self.meter.stop()
        await probe.stop()
        paths = [f"/{name}" for name in healthy]
        latencies = [v for p in paths for v in self.receivers.latencies[p]]
        return {
            "subscribers": len(healthy),
            "events_per_s": RATE,
            "seconds": seconds,
            "registrations_ok": outcome.ok,
            "registration_errors": outcome.errors,
            "registration_latency": summarize_ms(outcome.latencies_s),
            "deliveries": len(latencies),
            "duplicates": self.receivers.duplicates,
            "commit_to_webhook": summarize_ms(latencies),
            "commit_to_jetstream": summarize_ms(probe.delay_s.values()),
            # Per subscriber: a slow one among fast ones shows here, not in the pooled figures.
            "p99_ms_per_subscriber": {
                p[1:]: round(summarize_ms(self.receivers.latencies[p])["p99_ms"], 1) for p in paths
            },
            "load_avg_before": load_avg,
            **cpu_summary(cpu, elapsed, len(latencies)),
        }

    async def burst(self, nats_url: str, events: int, healthy: list[str]) -> dict[str, Any]:
        """Events straight onto JetStream as fast as it takes them: what notificaties delivers per second."""
        self.receivers.reset()
        nc = await nats.connect(nats_url)
        js = nc.jetstream()
        self.meter.start()
        started = time.monotonic()
        try:
            for start in range(0, events, 500):
                acks = []
                for n in range(start, min(events, start + 500)):
                    event_id, body = direct_event(n)
                    acks.append(js.publish(EVENT_TYPE, body, headers={"Nats-Msg-Id": event_id}))
                await asyncio.gather(*acks)
            published = time.monotonic() - started
            await wait_for(self.receivers, events * len(healthy), within=300)
        finally:
            await nc.close()
        elapsed = time.monotonic() - started
        cpu = self.meter.stop()
        deliveries = self.receivers.count
        return {
            "subscribers": len(healthy),
            "events": events,
            "published_in_s": round(published, 3),
            "deliveries": deliveries,
            "elapsed_s": round(elapsed, 3),
            "deliveries_per_s": round(deliveries / elapsed, 1),
            **cpu_summary(cpu, elapsed, deliveries),
        }

    async def run(self) -> dict[str, Any]:
        scale = 0.2 if self.quick else 1.0
        phase_s = 20.0 * scale
        results: dict[str, Any] = {}
        await self.receivers.start()
        await self.blackhole.start()
        healthy = [f"ontvanger-{i}" for i in range(SUBSCRIBERS)]
        base = f"http://{HOST}:{self.receivers.port}"
        self.api = httpx.AsyncClient(
            base_url=self.notificaties.base, headers={"Authorization": f"Bearer {self.tokens['notificaties']}"}
        )
        try:
            await self.subscribe(healthy[0], f"{base}/{healthy[0]}")
            print("[1/6] warm-up, 1 subscriber ...", flush=True)
            await self.fixed_rate(5.0 * scale, healthy[:1])
            print("[2/6] 300 events/s, 1 subscriber ...", flush=True)
            results["one_subscriber"] = await self.fixed_rate(phase_s, healthy[:1])
            for name in healthy[1:]:
                await self.subscribe(name, f"{base}/{name}")
            print("[3/6] 300 events/s, 10 subscribers ...", flush=True)
            results["ten_subscribers"] = await self.fixed_rate(phase_s, healthy)
            # Dead subscribers: one whose endpoint never answers (every attempt waits for the timeout), one
            # whose port refuses connections.
            await self.subscribe("dood-timeout", f"http://{HOST}:{self.blackhole.port}/dood")
            await self.subscribe("dood-geweigerd", f"http://{HOST}:{free_port()}/dood")
            print("[4/6] 300 events/s, 10 subscribers + 2 dead ...", flush=True)
            results["ten_plus_dead"] = await self.fixed_rate(phase_s, healthy)
            for name in ("dood-timeout", "dood-geweigerd"):
                await self.set_paused(name, True)
            print("[5/6] 300 events/s, 10 subscribers again (dead ones paused) ...", flush=True)
            results["ten_subscribers_again"] = await self.fixed_rate(phase_s, healthy)
            print("[6/6] burst, 10 subscribers ...", flush=True)
            results["burst"] = await self.burst(self.nats_url, int(2000 * scale), healthy)
        finally:
            await self.api.aclose()
            await self.receivers.close()
            await self.blackhole.close()
        without = [results[k]["commit_to_webhook"] for k in ("ten_subscribers", "ten_subscribers_again")]
        dead = results["ten_plus_dead"]["commit_to_webhook"]
        results["dead_subscriber_ratio"] = {
            # Healthy subscribers' latency with the dead ones beside them, over the mean of the runs without.
            "p50": round(dead["p50_ms"] / (sum(w["p50_ms"] for w in without) / 2), 2),
            "p99": round(dead["p99_ms"] / (sum(w["p99_ms"] for w in without) / 2), 2),
        }
        return results


def measure(workdir: Path, stack: list[Any], quick: bool) -> dict[str, Any]:
    results: dict[str, Any] = {}
    postgres, broker, inburgeraar_db = start_infrastructure(
        workdir, stack, results, "inburgeraar_api", INBURGERAAR_MIGRATIONS
    )
    asyncio.run(ensure_database(postgres.url, "notificaties"))
    notificaties_db = database_url_for(postgres.url, "notificaties")
    upgrade(NOTIFICATIES_MIGRATIONS, notificaties_db)
    private_key, public_key = generate_dev_keypair(workdir / "keys")

    def token(client_id: str, scopes: list[str], roles: list[str]) -> str:
        return mint_token(
            private_key.read_bytes(),
            issuer=ISSUER,
            audience=AUDIENCE,
            client_id=client_id,
            scopes=scopes,
            gemeente_code=GEMEENTE,
            user="benchmark",
            roles=roles,
            ttl_seconds=3600,
        )

    tokens = {
        "inburgeraar": token(
            "benchmark",
            [inburgeraar_scopes.INBURGERAAR_LEZEN, inburgeraar_scopes.INBURGERAAR_SCHRIJVEN],
            ["klantregisseur"],
        ),
        "notificaties": token("benchmark-abonnee", ["abonnementen:lezen", "abonnementen:schrijven"], []),
    }
    port = free_port()
    inburgeraar_env = service_env(inburgeraar_db, broker.url, port, public_key)
    inburgeraar = start_uvicorn(
        "inburgeraar-api", "inburgeraar_api.main:create_app", port, inburgeraar_env, workdir, workers=1
    )
    stack.append(inburgeraar)
    relay = start_relay(inburgeraar_env, workdir)
    stack.append(relay)
    port = free_port()
    notificaties_env = service_env(notificaties_db, broker.url, port, public_key, prefix="NOTIFICATIES_")
    # The receivers listen on loopback over plain HTTP; warnings only, so logging is not what we measure.
    notificaties_env |= {
        "NOTIFICATIES_ALLOW_HTTP": "true",
        "NOTIFICATIES_ALLOW_PRIVATE_ADDRESSES": "true",
        "NOTIFICATIES_LOG_LEVEL": "WARNING",
    }
    notificaties = start_uvicorn(
        "notificaties", "notificaties.main:create_app", port, notificaties_env, workdir, workers=1
    )
    stack.append(notificaties)
    wait_ready(inburgeraar, "/health/ready")
    wait_ready(notificaties, "/health/ready")
    results["notificaties_idle_rss_mb"] = round(rss_mb(notificaties.proc.pid), 1)
    meter = CpuMeter(
        {
            "bench": os.getpid(),
            "notificaties": notificaties.proc.pid,
            "inburgeraar-api": inburgeraar.proc.pid,
            "relay": relay.proc.pid,
            "postgres": postmaster_pid(postgres.data_dir),
            "nats": int((broker.data_dir / "nats.pid").read_text().strip()),
        },
        without_children=frozenset({"bench"}),
    )
    bench = Bench(quick, notificaties, inburgeraar, meter, tokens, broker.url)
    results |= asyncio.run(bench.run())
    results["notificaties_loaded_rss_mb"] = round(rss_mb(notificaties.proc.pid), 1)
    for server in (notificaties, inburgeraar, relay):
        if server.proc.poll() is not None:
            raise RuntimeError(f"{server.name} died during the run:\n{server.log_tail()}")
    return results


def report(r: dict[str, Any]) -> str:
    rows = [("phase", "p50 ms", "p99 ms", "max ms", "to NATS p50/p99", "deliveries", "CPU ms/delivery", "others CPU%")]
    for key in ("one_subscriber", "ten_subscribers", "ten_plus_dead", "ten_subscribers_again"):
        p = r[key]
        c = p["commit_to_webhook"]
        rows.append(
            (
                key,
                f"{c['p50_ms']:.1f}",
                f"{c['p99_ms']:.1f}",
                f"{c['max_ms']:.1f}",
                f"{p['commit_to_jetstream']['p50_ms']:.1f}/{p['commit_to_jetstream']['p99_ms']:.1f}",
                str(p["deliveries"]),
                f"{p['cpu_ms_per_delivery']['notificaties']:.3f}",
                f"{p['cpu_pct']['others']:.0f}",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    b = r["burst"]
    ratio = r["dead_subscriber_ratio"]
    worst_p99 = max(r[k]["commit_to_webhook"]["p99_ms"] for k in ("one_subscriber", "ten_subscribers"))
    lines += [
        "",
        f"burst: {b['deliveries']} deliveries to {b['subscribers']} subscribers at {b['deliveries_per_s']:,.0f}/s "
        f"(notificaties {b['cpu_ms_per_delivery']['notificaties']:.3f} ms CPU per delivery, "
        f"all ours {b['cpu_ms_per_delivery_all_ours']:.3f} ms)",
        f"dead subscribers beside 10 healthy: healthy p50 x{ratio['p50']}, p99 x{ratio['p99']}",
        f"load average before: {r['load_avg_before']}",
        "",
        f"commit->webhook p99 < {TARGET_P99_MS:.0f} ms at 300 events/s: "
        f"{'PASS' if worst_p99 < TARGET_P99_MS else 'MISS'} ({worst_p99:.1f} ms)",
        f">= {TARGET_DELIVERIES_PER_S:,.0f} deliveries/s: "
        f"{'PASS' if b['deliveries_per_s'] >= TARGET_DELIVERIES_PER_S else 'MISS'}",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--keep-tmp", action="store_true")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _raise_interrupt)
    started = datetime.now()
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    results = in_workdir("bench-notificaties-", args.keep_tmp, lambda w, s: measure(w, s, args.quick))
    results |= {
        "quick": args.quick,
        "load_avg_before": [round(v, 2) for v in load_before],
        "load_avg_after": [round(v, 2) for v in os.getloadavg()],
        "targets": {"p99_ms": TARGET_P99_MS, "deliveries_per_s": TARGET_DELIVERIES_PER_S},
    }
    describe_run(results, started, t0)
    print()
    print(report(results))
    target = write_results("notificaties", results, started)
    print(f"\nwrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\ninterrupted; servers stopped", file=sys.stderr)
        sys.exit(130)
