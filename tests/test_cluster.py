"""The distributed claims, shown on this machine (`make test-cluster`; deploy/README.md has the figures).

A 3-node NATS JetStream cluster (three nats-server processes with routes, deploy/local/cluster.py), the stream with
three replicas on file storage; inburgeraar-api as two API replicas and two relays, each its own process, as
Kubernetes runs them. Under a steady stream of registrations through both replicas: kill -9 of the NATS server
leading the stream, then of one API replica and one relay, each brought back after a while. Counted end to end:
every accepted registration is one row in the database and one message in the stream, and reaches a consumer (which
de-duplicates on the event id, as every consumer's inbox does); no registration fails for good (a client retries
with the same Idempotency-Key, as the contract tells it to); and the failover windows are measured.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import itertools
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import asyncpg
import httpx
import nats
import pytest
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from inburgeraar_api import scopes
from inburgering_kit.db import plain_url
from inburgering_kit.embedded import free_port
from inburgering_kit.nats_access import ADMIN_USER, NatsAccess
from inburgering_kit.registry import relay_command, uvicorn_command
from inburgering_kit.testing.infra import Infra
from inburgering_kit.testing.plugin import TEST_AUDIENCE, TEST_ISSUER, TokenFactory

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "inburgeraar_api"
PREFIX = "INBURGERAAR_API_"
GEREGISTREERD = "nl.inburgering.inburgeraar.inburgeraar-geregistreerd"
RATE_PER_S = 20.0
# Seconds after the load starts: the NATS stream leader dies and comes back, then an API replica and a relay do.
KILL_NATS, BACK_NATS = 4.0, 10.0
KILL_REPLICA, BACK_REPLICA = 14.0, 20.0
LOAD_S = 26.0

pytestmark = pytest.mark.cluster


def _cluster_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("local_cluster", ROOT / "deploy" / "local" / "cluster.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


CLUSTER = _cluster_module()


class BsnGenerator:
    """Unique valid BSNs: for each 8-digit prefix the 11-proef fixes the last digit (as bench/run.py)."""

    def __init__(self, first_prefix: int) -> None:
        self._prefixes = itertools.count(first_prefix)

    def __next__(self) -> str:
        for prefix in self._prefixes:
            digits = f"{prefix:08d}"
            check = sum(w * int(d) for w, d in zip((9, 8, 7, 6, 5, 4, 3, 2), digits, strict=True)) % 11
            if check <= 9:
                return digits + str(check)
        raise StopIteration


@dataclass
class Process:
    """One process of the service; `kill()` is a kill -9, `start()` brings it back with the same command."""

    name: str
    command: list[str]
    env: dict[str, str]
    log: Path
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                self.command, env=self.env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,
            )  # fmt: skip

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-25:]) if self.log.exists() else ""


@dataclass
class Ledger:
    """What the client saw: accepted registrations (id -> when), every failed attempt (when, replica, what)."""

    accepted: dict[str, float] = field(default_factory=dict)
    failures: list[tuple[float, int, str]] = field(default_factory=list)
    given_up: int = 0
    latencies: list[float] = field(default_factory=list)
    replayed: int = 0


@dataclass
class Received:
    """What the consumer saw: per inburgeraar id, how often and when first."""

    first: dict[str, float] = field(default_factory=dict)
    deliveries: int = 0


def _service_env(database_url: str, nats_url: str, password: str, public_key: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(PREFIX)}
    env.update(
        {
            f"{PREFIX}ENVIRONMENT": "test",
            f"{PREFIX}DATABASE_URL": database_url,
            f"{PREFIX}NATS_URL": nats_url,
            f"{PREFIX}NATS_USER": "inburgeraar-api",
            f"{PREFIX}NATS_PASSWORD": password,
            f"{PREFIX}PUBLIC_BASE_URL": "http://inburgeraar-api.test",
            f"{PREFIX}AUTH__ISSUERS": json.dumps([TEST_ISSUER]),
            f"{PREFIX}AUTH__AUDIENCE": TEST_AUDIENCE,
            f"{PREFIX}AUTH__PUBLIC_KEY_FILE": str(public_key),
            f"{PREFIX}RUN_RELAY": "false",
            f"{PREFIX}STREAM_NAME": CLUSTER.STREAM,
        }
    )
    return env


async def _wait_ready(port: int, process: Process, within: float = 60.0) -> None:
    deadline = time.monotonic() + within
    async with httpx.AsyncClient(timeout=2) as client:
        while time.monotonic() < deadline:
            assert process.proc is not None and process.proc.poll() is None, f"{process.name} exited\n{process.tail()}"
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(f"http://127.0.0.1:{port}/health/ready")).status_code == 200:
                    return
            await asyncio.sleep(0.2)
    raise AssertionError(f"{process.name} not ready\n{process.tail()}")


async def _register(
    clients: list[httpx.AsyncClient], replica: int, body: dict[str, Any], headers: dict[str, str], ledger: Ledger,
    t0: float,
) -> None:  # fmt: skip
    """One registration as a client of two replicas behind a Service: on a refused connection, a timeout or a 5xx,
    the same request (same Idempotency-Key) again on the next replica."""
    key = {"Idempotency-Key": str(uuid.uuid4()), **headers}
    started = time.monotonic()
    deadline = started + 30.0
    while time.monotonic() < deadline:
        try:
            response = await clients[replica].post("/api/v1/inburgeraars", json=body, headers=key)
        except httpx.TransportError as error:
            ledger.failures.append((time.monotonic() - t0, replica, type(error).__name__))
        else:
            if response.status_code in (200, 201):
                ledger.accepted[response.json()["id"]] = time.monotonic() - t0
                ledger.latencies.append(time.monotonic() - started)
                ledger.replayed += response.headers.get("Idempotent-Replayed") == "true"
                return
            assert response.status_code >= 500, response.text  # a 4xx would be the test's own mistake
            ledger.failures.append((time.monotonic() - t0, replica, str(response.status_code)))
        replica = (replica + 1) % len(clients)
        await asyncio.sleep(0.1)
    ledger.given_up += 1


async def _consume(servers: list[str], received: Received, t0: float, stop: asyncio.Event) -> None:
    """A durable pull consumer through the whole run, a client of the same cluster; it rides out the node loss."""
    client = await nats.connect(servers, max_reconnect_attempts=-1, reconnect_time_wait=0.2, connect_timeout=2)
    try:
        js = client.jetstream(timeout=5)
        config = ConsumerConfig(
            durable_name="bewijs", filter_subject=GEREGISTREERD, ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL, ack_wait=5,
        )  # fmt: skip
        subscription = None
        while not stop.is_set():
            try:
                if subscription is None:
                    subscription = await js.pull_subscribe(GEREGISTREERD, durable="bewijs", config=config)
                for message in await subscription.fetch(100, timeout=1):
                    event = json.loads(message.data)
                    received.deliveries += 1
                    received.first.setdefault(event["subject"], time.monotonic() - t0)
                    await message.ack()
            except (TimeoutError, nats.errors.Error):
                # Nothing waiting, or the server it talked to went: the client reconnects to another.
                await asyncio.sleep(0.1)
    finally:
        await client.close()


def _windows(times: list[float], gap: float = 1.0) -> list[tuple[float, float, int]]:
    """Failure times grouped into windows (start, end, count): a gap over `gap` seconds starts a new one."""
    windows: list[tuple[float, float, int]] = []
    for moment in sorted(times):
        if windows and moment - windows[-1][1] <= gap:
            start, _, count = windows[-1]
            windows[-1] = (start, moment, count + 1)
        else:
            windows.append((moment, moment, 1))
    return windows


@pytest.fixture
def database_url(infra: Infra) -> str:
    # Migrated here, outside the test's event loop.
    return infra.migrated_database("test_cluster_inburgeraar", ROOT / "services" / "inburgeraar-api" / "migrations")


async def test_no_accepted_write_is_lost_or_doubled_when_a_nats_node_and_a_replica_die(
    database_url: str, tokens: TokenFactory, tmp_path: Path
) -> None:
    access = NatsAccess.generate()
    cluster = CLUSTER.NatsCluster.on_free_ports(tmp_path / "nats", access)
    processes: list[Process] = []
    try:
        cluster.start()
        await cluster.ensure_stream()
        env = _service_env(database_url, cluster.server_url, access.passwords["inburgeraar-api"], tokens.public_key)
        ports = [free_port(), free_port()]
        commands = [
            [*uvicorn_command(f"{PACKAGE}.main:create_app", host="127.0.0.1", port=port), "--no-proxy-headers"]
            for port in ports
        ]
        apis = [Process(f"api-{i}", command, env, tmp_path / f"api-{i}.log") for i, command in enumerate(commands)]
        relays = [Process(f"relay-{i}", relay_command(PACKAGE), env, tmp_path / f"relay-{i}.log") for i in range(2)]
        processes = [*apis, *relays]
        for process in processes:
            process.start()
        for port, api in zip(ports, apis, strict=True):
            await _wait_ready(port, api)

        headers = tokens.headers(*scopes.ROLLEN["klantregisseur"], gemeente="0363")
        bsns = BsnGenerator(30_000_000)
        ledger, received = Ledger(), Received()
        stop_consumer = asyncio.Event()
        t0 = time.monotonic()
        consumer = asyncio.create_task(_consume(cluster.servers_for(ADMIN_USER), received, t0, stop_consumer))
        leader = await cluster.stream_leader()
        moments: dict[str, float] = {}

        async def chaos() -> None:
            await asyncio.sleep(KILL_NATS)
            cluster.kill(leader)
            moments["nats killed"] = time.monotonic() - t0
            await asyncio.sleep(BACK_NATS - KILL_NATS)
            cluster.start(leader)
            await asyncio.to_thread(cluster.wait_healthy, [leader])
            moments["nats back"] = time.monotonic() - t0
            await asyncio.sleep(max(0.0, KILL_REPLICA - (time.monotonic() - t0)))
            apis[0].kill()
            relays[0].kill()
            moments["replica killed"] = time.monotonic() - t0
            await asyncio.sleep(BACK_REPLICA - KILL_REPLICA)
            apis[0].start()
            relays[0].start()
            await _wait_ready(ports[0], apis[0])
            moments["replica back"] = time.monotonic() - t0

        chaos_task = asyncio.create_task(chaos())
        async with contextlib.AsyncExitStack() as stack:
            clients = [
                await stack.enter_async_context(httpx.AsyncClient(base_url=f"http://127.0.0.1:{p}", timeout=5))
                for p in ports
            ]
            writes = []
            for n in itertools.count():
                due = t0 + n / RATE_PER_S
                if due - t0 >= LOAD_S:
                    break
                await asyncio.sleep(max(0.0, due - time.monotonic()))
                body = {
                    "bsn": next(bsns), "doelgroep": "asielmigrant", "datumKoppeling": "2026-03-01",
                    "contact": {"voornamen": "Amal", "achternaam": "Haddad"}, "klantregisseur": "regisseur-a",
                }  # fmt: skip
                writes.append(asyncio.create_task(_register(clients, n % 2, body, headers, ledger, t0)))
            await asyncio.gather(*writes)
        await chaos_task

        drain_deadline = time.monotonic() + 90
        while set(ledger.accepted) - set(received.first) and time.monotonic() < drain_deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.2)
        stop_consumer.set()
        await consumer

        client = await nats.connect(cluster.servers_for(ADMIN_USER))
        try:
            state = (await client.jetstream(timeout=5).stream_info(CLUSTER.STREAM)).state
        finally:
            await client.close()
        connection = await asyncpg.connect(plain_url(database_url))
        try:
            rows = await connection.fetchval("SELECT count(*) FROM inburgeraar")
            unpublished = await connection.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL")
        finally:
            await connection.close()

        delays = sorted(received.first[i] - ledger.accepted[i] for i in ledger.accepted if i in received.first)

        def phase_delays(start: float, end: float) -> list[float]:
            """p50 and max event delay of the writes accepted in [start, end)."""
            some = sorted(
                received.first[i] - at for i, at in ledger.accepted.items() if start <= at < end and i in received.first
            )
            return [round(some[len(some) // 2], 3), round(some[-1], 3)] if some else []

        windows = _windows([moment for moment, _, _ in ledger.failures])
        figures = {
            "writes_sent": len(writes),
            "accepted": len(ledger.accepted),
            "given_up": ledger.given_up,
            "replayed_after_retry": ledger.replayed,
            "rows": rows,
            "stream_messages": state.messages,
            "consumer_distinct": len(set(received.first) & set(ledger.accepted)),
            "consumer_deliveries": received.deliveries,
            "missing_at_consumer": len(set(ledger.accepted) - set(received.first)),
            "unpublished_outbox_rows": unpublished,
            "moments_s": {k: round(v, 2) for k, v in moments.items()},
            "event_delay_p50_max_s_by_phase": {
                "steady": phase_delays(0, moments["nats killed"]),
                "nats node down": phase_delays(moments["nats killed"], moments["nats back"]),
                "between": phase_delays(moments["nats back"], moments["replica killed"]),
                "replica down": phase_delays(moments["replica killed"], moments["replica back"]),
                "after": phase_delays(moments["replica back"], LOAD_S + 60),
            },
            "failed_attempts_by_kind": {
                kind: sum(1 for _, _, k in ledger.failures if k == kind) for kind in {k for _, _, k in ledger.failures}
            },
            "failed_attempts": len(ledger.failures),
            "failure_windows_s": [(round(a, 2), round(b, 2), c) for a, b, c in windows],
            "write_latency_p50_max_s": [round(statistics.median(ledger.latencies), 3), round(max(ledger.latencies), 3)],
            "event_delay_p50_p99_max_s": [
                round(delays[len(delays) // 2], 3), round(delays[int(len(delays) * 0.99)], 3), round(delays[-1], 3)
            ],
        }  # fmt: skip
        print("\ncluster proof:", json.dumps(figures, indent=2))
        (tmp_path / "figures.json").write_text(json.dumps(figures, indent=2))

        assert ledger.given_up == 0, figures
        assert len(ledger.accepted) == len(writes), figures  # every write accepted in the end
        assert rows == len(ledger.accepted), figures  # once each in the database, retries and kills included
        assert state.messages == len(ledger.accepted), figures  # once each in the stream: no loss, no double
        assert figures["missing_at_consumer"] == 0, figures  # each at the consumer
        assert unpublished == 0, figures
    finally:
        for process in processes:
            process.stop()
        cluster.stop()
