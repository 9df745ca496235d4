"""The distributed claims, shown on this machine (`make test-cluster`, also in `make test`; deploy/README.md has the
figures).

A 3-node NATS JetStream cluster (three nats-server processes with routes, deploy/local/cluster.py), the stream with
three replicas on file storage. inburgeraar-api as two API replicas and two relays; pip-api as two replicas (each
with its projection consumer), two relays and two termijn signal jobs; notificaties as two replicas, each with its
delivery worker, and a gemeente's webhook subscriber; every one its own process, as Kubernetes runs them. Under a
steady stream of registrations through both inburgeraar-api replicas, and vastgestelde PIPs arriving for the signal
jobs: kill -9 of the NATS server leading the stream, then of one replica of each process kind, each brought back
after a while. Counted end to end: every accepted registration is one row in inburgeraar-api, one message in the
stream, one applied event in pip-api (its inbox) and one distinct delivery at the webhook; a plain consumer sees each
too (counting redeliveries); every due signal is raised once (one more pass finds none) with one event, once in the
stream; no registration fails for good (a client retries with the same Idempotency-Key, as the contract tells it
to); and the failover windows are measured.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import itertools
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import asyncpg
import httpx
import nats
import pytest
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from inburgeraar_api import scopes
from inburgering_kit.db import plain_url
from inburgering_kit.embedded import free_port
from inburgering_kit.nats_access import ADMIN_USER, NatsAccess
from inburgering_kit.registry import process_command, relay_command, uvicorn_command
from inburgering_kit.testing.infra import Infra
from inburgering_kit.testing.live import live_server
from inburgering_kit.testing.plugin import TEST_AUDIENCE, TEST_ISSUER, TokenFactory
from notificaties import scopes as notificaties_scopes

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


def _service_env(
    prefix: str, user: str, database_url: str, nats_url: str, password: str, public_key: Path, **extra: str
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefix)}
    env.update(
        {
            f"{prefix}ENVIRONMENT": "test",
            f"{prefix}DATABASE_URL": database_url,
            f"{prefix}NATS_URL": nats_url,
            f"{prefix}NATS_USER": user,
            f"{prefix}NATS_PASSWORD": password,
            f"{prefix}PUBLIC_BASE_URL": f"http://{user}.test",
            f"{prefix}AUTH__ISSUERS": json.dumps([TEST_ISSUER]),
            f"{prefix}AUTH__AUDIENCE": TEST_AUDIENCE,
            f"{prefix}AUTH__PUBLIC_KEY_FILE": str(public_key),
            f"{prefix}RUN_RELAY": "false",
            f"{prefix}STREAM_NAME": CLUSTER.STREAM,
            **{f"{prefix}{key}": value for key, value in extra.items()},
        }
    )
    return env


class Webhook:
    """A gemeente's webhook subscriber: per inburgeraar, the first delivery's moment; every delivery counted."""

    def __init__(self, t0: list[float]) -> None:
        self.first: dict[str, float] = {}
        self.deliveries = 0
        self.lock = threading.Lock()
        self.t0 = t0

    async def endpoint(self, request: Request) -> Response:
        event = json.loads(await request.body())
        with self.lock:
            self.deliveries += 1
            self.first.setdefault(event["subject"], time.monotonic() - self.t0[0])
        return Response(status_code=204)


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


DOELGROEPEN = ["asielmigrant", "asielmigrant", "gezinsmigrant", "overige-migrant"]
FEIT_COLUMNS = ["inburgeraar_id", "gemeente_code", "doelgroep", "koppeling_datum", "brp_inschrijving_datum"]
PIP_COLUMNS = ["id", "gemeente_code", "inburgeraar_id", "status", "versie", "inhoud", "vastgesteld_datum"]


async def _seed_pips(database_url: str, t0: float, per_batch: int = 40, every_s: float = 0.5) -> int:
    """Vastgestelde PIPs arriving through the run (as pip-api's own writes would), their vaststelling spread over
    three years so that termijnen fall due: the signal jobs have work in every phase, the kills included."""
    connection = await asyncpg.connect(plain_url(database_url))
    today = datetime.now(UTC).date()
    seeded = 0
    try:
        while time.monotonic() - t0 < LOAD_S:
            feiten, pips = [], []
            for _ in range(per_batch):
                inburgeraar_id, pip_id = uuid.uuid4(), uuid.uuid4()
                pip_datum = today - timedelta(days=(seeded * 7) % 1100)
                brp = pip_datum - timedelta(days=60)
                feiten.append((inburgeraar_id, "0363", DOELGROEPEN[seeded % 4], brp, brp))
                inhoud = json.dumps({"leerroute": "b1", "taalniveau": "B1", "klantregisseur": "regisseur-a"})
                pips.append((pip_id, "0363", inburgeraar_id, "vastgesteld", 1, inhoud, pip_datum))
                seeded += 1
            async with connection.transaction():
                await connection.copy_records_to_table("inburgeraar_feit", records=feiten, columns=FEIT_COLUMNS)
                await connection.copy_records_to_table("pip", records=pips, columns=PIP_COLUMNS)
            await asyncio.sleep(every_s)
    finally:
        await connection.close()
    return seeded


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
def databases(infra: Infra) -> dict[str, str]:
    # Migrated here, outside the test's event loop.
    return {
        service: infra.migrated_database(
            f"test_cluster_{service.replace('-', '_')}", ROOT / "services" / service / "migrations"
        )
        for service in ("inburgeraar-api", "pip-api", "notificaties")
    }


@pytest.fixture
def webhook() -> Iterator[tuple[Webhook, str, list[float]]]:
    t0 = [time.monotonic()]
    hook = Webhook(t0)
    with live_server(Starlette(routes=[Route("/hook", hook.endpoint, methods=["POST"])])) as url:  # type: ignore[arg-type]
        yield hook, f"{url}/hook", t0


def _replicas(
    name: str, package: str, env: dict[str, str], folder: Path, relay: bool
) -> tuple[list[int], list[Process], list[Process]]:
    """Two API processes of a service (and two relays when it publishes), as two pods of each."""
    ports = [free_port(), free_port()]
    apis = [
        Process(
            f"{name}-{i}",
            [*uvicorn_command(f"{package}.main:create_app", host="127.0.0.1", port=port), "--no-proxy-headers"],
            env,
            folder / f"{name}-{i}.log",
        )
        for i, port in enumerate(ports)
    ]
    relays = [
        Process(f"{name}-relay-{i}", relay_command(package), env, folder / f"{name}-relay-{i}.log") for i in range(2)
    ]
    return ports, apis, relays if relay else []


async def test_no_accepted_write_is_lost_or_doubled_when_a_nats_node_and_a_replica_die(
    databases: dict[str, str], tokens: TokenFactory, tmp_path: Path, webhook: tuple[Webhook, str, list[float]]
) -> None:
    hook, hook_url, hook_t0 = webhook
    access = NatsAccess.generate()
    cluster = CLUSTER.NatsCluster.on_free_ports(tmp_path / "nats", access)
    processes: list[Process] = []
    try:
        cluster.start()
        await cluster.ensure_stream()

        def env(prefix: str, service: str, **extra: str) -> dict[str, str]:
            return _service_env(
                prefix, service, databases[service], cluster.server_url, access.passwords[service], tokens.public_key,
                **extra,
            )  # fmt: skip

        ports, apis, relays = _replicas("inburgeraar-api", PACKAGE, env(PREFIX, "inburgeraar-api"), tmp_path, True)
        # pip-api's projection consumer and notificaties' delivery run inside their APIs (their local default).
        pip_env = env("PIP_API_", "pip-api", SIGNALEN_INTERVAL_SECONDEN="1")
        pip_ports, pips, pip_relays = _replicas("pip-api", "pip_api", pip_env, tmp_path, True)
        # Two termijn signal jobs, a pass a second each, over the PIPs `_seed_pips` adds while the load runs.
        pip_jobs = [
            Process(
                f"pip-api-signalen-{i}",
                process_command("pip_api", "signalen-job"),
                pip_env,
                tmp_path / f"pip-api-signalen-{i}.log",
            )
            for i in range(2)
        ]
        notificaties_env = env("NOTIFICATIES_", "notificaties", ALLOW_HTTP="true", ALLOW_PRIVATE_ADDRESSES="true")
        notificaties_ports, notificaties, _ = _replicas(
            "notificaties", "notificaties", notificaties_env, tmp_path, False
        )
        processes = [*apis, *relays, *pips, *pip_relays, *pip_jobs, *notificaties]
        for process in processes:
            process.start()
        for port, api in zip([*ports, *pip_ports, *notificaties_ports], [*apis, *pips, *notificaties], strict=True):
            await _wait_ready(port, api)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{notificaties_ports[0]}", timeout=10) as client:
            abonnee = tokens.headers(*notificaties_scopes.ROLLEN["abonnee"], gemeente="0363", client_id="systeem-0363")
            response = await client.post(
                "/api/v1/abonnementen",
                json={"callbackUrl": hook_url, "typePrefix": "nl.inburgering.inburgeraar."},
                headers={**abonnee, "Idempotency-Key": str(uuid.uuid4())},
            )
            assert response.status_code == 201, response.text

        headers = tokens.headers(*scopes.ROLLEN["klantregisseur"], gemeente="0363")
        bsns = BsnGenerator(30_000_000)
        ledger, received = Ledger(), Received()
        stop_consumer = asyncio.Event()
        t0 = time.monotonic()
        hook_t0[0] = t0
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
            # One replica of each: the API a client writes to, its relay, a projection consumer, a delivery worker.
            for process in (apis[0], relays[0], pips[0], pip_relays[0], pip_jobs[0], notificaties[0]):
                process.kill()
            moments["replica killed"] = time.monotonic() - t0
            await asyncio.sleep(BACK_REPLICA - KILL_REPLICA)
            for process in (apis[0], relays[0], pips[0], pip_relays[0], pip_jobs[0], notificaties[0]):
                process.start()
            for port, api in ((ports[0], apis[0]), (pip_ports[0], pips[0]), (notificaties_ports[0], notificaties[0])):
                await _wait_ready(port, api)
            moments["replica back"] = time.monotonic() - t0

        chaos_task = asyncio.create_task(chaos())
        seeding = asyncio.create_task(_seed_pips(databases["pip-api"], t0))
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
        seeded = await seeding

        pip_db = await asyncpg.connect(plain_url(databases["pip-api"]))
        try:

            async def projected() -> int:
                query = "SELECT count(*) FROM inburgeraar_feit WHERE inburgeraar_id = ANY($1::uuid[])"
                return int(await pip_db.fetchval(query, list(ledger.accepted)))

            drain_deadline = time.monotonic() + 90
            while time.monotonic() < drain_deadline:
                with hook.lock:
                    at_webhook = set(hook.first)
                if set(ledger.accepted) <= set(received.first) & at_webhook and await projected() == len(
                    ledger.accepted
                ):
                    break
                await asyncio.sleep(0.3)
            stop_consumer.set()
            await consumer
            pip_rows = await projected()
            pip_inbox = await pip_db.fetchval(
                "SELECT count(*) FROM inbox WHERE consumer = 'pip-api' AND event_type = $1", GEREGISTREERD
            )
            pip_dead = await pip_db.fetchval("SELECT count(*) FROM dead_letter")
            # The jobs have caught up once their count stands still for three passes; then every signal due is raised
            # if one more pass, in a process of its own, finds nothing new.
            signals, steady_since = -1, time.monotonic()
            settle_deadline = time.monotonic() + 60
            while time.monotonic() - steady_since < 3.0 and time.monotonic() < settle_deadline:
                counted = await pip_db.fetchval("SELECT count(*) FROM signaal")
                if counted != signals:
                    signals, steady_since = counted, time.monotonic()
                await asyncio.sleep(0.5)
            one_pass = await asyncio.to_thread(
                subprocess.run,
                process_command("pip_api", "signalen"),
                env=pip_env,
                check=False,
                capture_output=True,
                timeout=120,
            )
            assert one_pass.returncode == 0, one_pass.stderr.decode()[-2000:]
            signals_after_pass = await pip_db.fetchval("SELECT count(*) FROM signaal")
            signal_events = await pip_db.fetchval(
                "SELECT count(*) FROM outbox WHERE subject LIKE 'nl.inburgering.pip.termijn-%'"
            )
            drain_deadline = time.monotonic() + 60
            unpublished_query = "SELECT count(*) FROM outbox WHERE published_at IS NULL"
            while await pip_db.fetchval(unpublished_query) and time.monotonic() < drain_deadline:  # noqa: ASYNC110
                await asyncio.sleep(0.3)
            pip_outbox = await pip_db.fetchval("SELECT count(*) FROM outbox")
            pip_unpublished = await pip_db.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL")
        finally:
            await pip_db.close()
        with hook.lock:
            webhook_first, webhook_deliveries = dict(hook.first), hook.deliveries

        admin = await nats.connect(cluster.servers_for(ADMIN_USER))
        try:
            state = (await admin.jetstream(timeout=5).stream_info(CLUSTER.STREAM, subjects_filter=">")).state
        finally:
            await admin.close()
        connection = await asyncpg.connect(plain_url(databases["inburgeraar-api"]))
        try:
            rows = await connection.fetchval("SELECT count(*) FROM inburgeraar")
            unpublished = await connection.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL")
        finally:
            await connection.close()

        webhook_delays = sorted(webhook_first[i] - ledger.accepted[i] for i in ledger.accepted if i in webhook_first)

        def phase_delays(start: float, end: float) -> list[float]:
            """p50 and max delay, from the 201 to the webhook subscriber, of the writes accepted in [start, end): the
            whole path (outbox, relay, JetStream, notificaties' consumer and delivery)."""
            some = sorted(
                webhook_first[i] - at for i, at in ledger.accepted.items() if start <= at < end and i in webhook_first
            )
            return [round(some[len(some) // 2], 3), round(some[-1], 3)] if some else []

        subjects = state.subjects or {}
        registered_messages = subjects.get(GEREGISTREERD, 0)
        pip_messages = sum(count for subject, count in subjects.items() if subject.startswith("nl.inburgering.pip."))
        windows = _windows([moment for moment, _, _ in ledger.failures])
        # Each loop logs once when a failure spell ends (inburgering_kit.health): how long each process's loops
        # could not do their work (relays publishing, consumers fetching) around the node loss.
        outages = {
            process.name: [float(s) for s in re.findall(r"recovered after ([0-9.]+)s", process.log.read_text())]
            for process in processes
            if process.log.exists()
        }
        figures = {
            "writes_sent": len(writes),
            "accepted": len(ledger.accepted),
            "given_up": ledger.given_up,
            "replayed_after_retry": ledger.replayed,
            "rows": rows,
            "stream_messages": registered_messages,
            "consumer_distinct": len(set(received.first) & set(ledger.accepted)),
            "consumer_deliveries": received.deliveries,
            "missing_at_consumer": len(set(ledger.accepted) - set(received.first)),
            "pip_api_projected": pip_rows,
            "pip_api_inbox_applied": pip_inbox,
            "pip_api_dead_letters": pip_dead,
            "pips_seeded": seeded,
            "signals_raised": signals,
            "signals_after_one_more_pass": signals_after_pass,
            "signal_events_in_outbox": signal_events,
            "pip_api_outbox_rows": pip_outbox,
            "pip_api_unpublished": pip_unpublished,
            "pip_api_stream_messages": pip_messages,
            "webhook_distinct": len(set(webhook_first) & set(ledger.accepted)),
            "webhook_deliveries": webhook_deliveries,
            "webhook_delay_p50_max_s": [
                round(webhook_delays[len(webhook_delays) // 2], 3), round(webhook_delays[-1], 3)
            ] if webhook_delays else [],
            "unpublished_outbox_rows": unpublished,
            "moments_s": {k: round(v, 2) for k, v in moments.items()},
            "webhook_delay_p50_max_s_by_phase": {
                "steady": phase_delays(0, moments["nats killed"]),
                "nats node down": phase_delays(moments["nats killed"], moments["nats back"]),
                "between": phase_delays(moments["nats back"], moments["replica killed"]),
                "replica down": phase_delays(moments["replica killed"], moments["replica back"]),
                "after": phase_delays(moments["replica back"], LOAD_S + 60),
            },
            "loop_outages_s": {name: spells for name, spells in outages.items() if spells},
            "failed_attempts_by_kind": {
                kind: sum(1 for _, _, k in ledger.failures if k == kind) for kind in {k for _, _, k in ledger.failures}
            },
            "failed_attempts": len(ledger.failures),
            "failure_windows_s": [(round(a, 2), round(b, 2), c) for a, b, c in windows],
            "write_latency_p50_max_s": [round(statistics.median(ledger.latencies), 3), round(max(ledger.latencies), 3)],
        }  # fmt: skip
        print("\ncluster proof:", json.dumps(figures, indent=2))
        (tmp_path / "figures.json").write_text(json.dumps(figures, indent=2))

        assert ledger.given_up == 0, figures
        assert len(ledger.accepted) == len(writes), figures  # every write accepted in the end
        assert rows == len(ledger.accepted), figures  # once each in the database, retries and kills included
        assert registered_messages == len(ledger.accepted), figures  # once each in the stream: no loss, no double
        assert figures["missing_at_consumer"] == 0, figures  # each at the consumer
        # pip-api's two consumers applied each event once (its inbox), whichever replica got it and however often.
        assert pip_rows == pip_inbox == len(ledger.accepted) and pip_dead == 0, figures
        # Two signal jobs, one killed mid-run: every due signal raised (one more pass finds none), each once (its
        # natural key), each with one event, and each event once in the stream (the relays' de-duplication).
        assert signals > 0 and signals_after_pass == signals == signal_events, figures
        assert pip_unpublished == 0 and pip_messages == pip_outbox, figures
        # The subscriber got each one (at least once; its de-duplication on the event id makes it once in effect).
        assert figures["webhook_distinct"] == len(ledger.accepted), figures
        assert unpublished == 0, figures
    finally:
        for process in processes:
            process.stop()
        cluster.stop()
