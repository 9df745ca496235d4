"""The distributed claims, shown on this machine (`make test-cluster`, also in `make test`; deploy/README.md has the
figures).

A 3-node NATS JetStream cluster (three nats-server processes with routes, deploy/local/cluster.py), the stream with
three replicas on file storage. inburgeraar-api as two API replicas and two relays; pip-api as two replicas (each
with its projection and progress consumers), two relays and two termijn signal jobs; notificaties as two replicas,
each with its delivery worker, and a gemeente's webhook subscriber; handhaving-api as two replicas (each with its three
projection consumers), two relays and two zienswijze signal jobs; aanbieder-api as two replicas (each with its file
worker) and two relays; ketenuitwisseling as two API replicas (each with its four report consumers) and two
keten-workers, with the DUO and COA stand-ins (once each: organisations outside the cluster); the werkplek as two
replicas; every one its own process, as Kubernetes runs them. In one load window: registrations through both
inburgeraar-api replicas; opdrachten (a klantregisseur's), meldingen and files of attendance (the aanbieder's own
machine's) through both aanbieder-api replicas; DUO's plicht for registered persons, notified to the exchange; a
klantregisseur's page of a person through both werkplek replicas; vastgestelde PIPs and voornemens arriving for the
signal jobs. Kill -9 of the NATS server leading the stream, then of one replica of each process kind, each brought
back after a while.

Counted end to end: every accepted registration is one row in inburgeraar-api, one message in the stream, one
applied event in pip-api and in handhaving-api (their inboxes and projections), one distinct delivery at the webhook
and one report (item a) queued by the exchange and received once by DUO; every accepted opdracht is one row in
aanbieder-api, one message in the stream and one applied event in handhaving-api's aanbieder consumer; every melding
and every file row is one melding in aanbieder-api, and each of aanbieder-api's events is once in the stream and
applied once by pip-api's progress consumer; each of DUO's facts is fetched once by the exchange and applied once in
inburgeraar-api's plicht; a plain consumer sees each registration too (counting redeliveries); every due signal of
either service is raised once (one more pass finds none) with one event, once in the stream; no write fails for good
(a client retries with the same Idempotency-Key, as the contract tells it to); no page of the werkplek is a 5xx (a
part whose API replica is down says "niet beschikbaar"); and the failover windows are measured.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import itertools
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import httpx
import nats
import pytest
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from aanbieder_api import scopes as aanbieder_scopes
from handhaving_api import scopes as handhaving_scopes
from inburgeraar_api import scopes
from inburgering_kit.db import plain_url
from inburgering_kit.nats_access import ADMIN_USER, NatsAccess
from inburgering_kit.registry import process_command, relay_command, uvicorn_command
from inburgering_kit.testing.infra import Infra
from inburgering_kit.testing.live import live_server
from inburgering_kit.testing.plugin import TEST_AUDIENCE, TEST_ISSUER, TokenFactory
from notificaties import scopes as notificaties_scopes
from pip_api import scopes as pip_scopes

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "inburgeraar_api"
PREFIX = "INBURGERAAR_API_"
GEREGISTREERD = "nl.inburgering.inburgeraar.inburgeraar-geregistreerd"
VERSTREKT = "nl.inburgering.aanbieder.opdracht-verstrekt"
# 12 a second (20 before the push path, the chain and the werkplek joined): the same CPU for the whole run, and still
# about 70-100 registrations through each kill's window.
RATE_PER_S = 12.0
# aanbieder-api's opdrachten beside the registrations: a second write path, its events consumed by handhaving-api.
OPDRACHT_RATE_PER_S = 5.0
# aanbieder-api's push path beside them: an aanbieder's machine reports a start per opdracht and sends files of
# attendance (FILE_ROWS rows each); both become events pip-api's progress projection applies.
MELDING_RATE_PER_S = 3.0
FILE_EVERY_S, FILE_ROWS = 2.0, 4
FILE_HEADER = "opdrachtId,soort,datum,periodeVan,periodeTot,urenAanwezig,urenAfwezigOngeoorloofd,redenLateStart"
# A klantregisseur's page in the werkplek; DUO's plicht for registered persons, through the chain exchange.
PAGE_RATE_PER_S = 1.0
FACT_RATE_PER_S = 2.0
ADRES = {"straat": "Dorpsstraat", "huisnummer": 12, "postcode": "1234 AB", "woonplaats": "Amsterdam"}
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
    # What the test wants to know later of an accepted write (a registration's BSN).
    tags: dict[str, Any] = field(default_factory=dict)


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


async def _write(
    clients: list[httpx.AsyncClient], path: str, replica: int, request: dict[str, Any], headers: dict[str, str],
    ledger: Ledger, t0: float, tag: Any = None,
) -> None:  # fmt: skip
    """One write (a registration, an opdracht, a melding, a file) as a client of two replicas behind a Service: on a
    refused connection, a timeout or a 5xx, the same request (same Idempotency-Key) again on the next replica."""
    key = {"Idempotency-Key": str(uuid.uuid4()), **headers, **request.pop("headers", {})}
    started = time.monotonic()
    # A minute: the surviving replica answers slowly while five replicas restart beside it on two cores (26 s seen).
    deadline = started + 60.0
    while time.monotonic() < deadline:
        try:
            response = await clients[replica].post(path, headers=key, **request)
        except httpx.TransportError as error:
            ledger.failures.append((time.monotonic() - t0, replica, type(error).__name__))
        else:
            if response.status_code in (200, 201, 202):
                ledger.accepted[response.json()["id"]] = time.monotonic() - t0
                ledger.tags[response.json()["id"]] = tag
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


async def _seed_pips(database_url: str, t0: float, per_batch: int = 20, every_s: float = 0.5) -> int:
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


Write = Callable[[int], Awaitable[tuple[str, dict[str, Any], Any]]]


async def _load(
    clients: list[httpx.AsyncClient], rate: float, write: Write, headers: dict[str, str], ledger: Ledger, t0: float,
    start: float = 0.0,
) -> int:  # fmt: skip
    """`rate` writes a second from `start` until LOAD_S, alternating between the replicas; `write(n)` gives the n-th
    write's path, request and tag (it may wait for what it needs, e.g. an accepted opdracht)."""
    writes = []

    async def one(n: int) -> None:
        path, request, tag = await write(n)
        await _write(clients, path, n % 2, request, headers, ledger, t0, tag)

    for n in itertools.count():
        due = t0 + start + n / rate
        if due - t0 >= LOAD_S:
            break
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        writes.append(asyncio.create_task(one(n)))
    await asyncio.gather(*writes)
    return len(writes)


OVERTREDING_COLUMNS = [
    "id", "gemeente_code", "inburgeraar_id", "soort", "categorie", "status", "gedraging_van", "gedraging_tot", "bron",
    "bewijs", "berekening", "klantregisseur", "voornemen_datum", "zienswijze_uiterste_datum",
]  # fmt: skip


async def _seed_voornemens(database_url: str, t0: float, per_batch: int = 10, every_s: float = 0.5) -> int:
    """Voornemens arriving through the run (as handhaving-api's own `_voornemen` writes would), most with their
    zienswijzetermijn passed, some not yet: handhaving-api's two signal jobs have work in every phase."""
    connection = await asyncpg.connect(plain_url(database_url))
    today = datetime.now(UTC).date()
    seeded = 0
    try:
        while time.monotonic() - t0 < LOAD_S:
            rows = []
            for _ in range(per_batch):
                # Ten days either side of today's: about a third still running when the run ends.
                uiterste = today + timedelta(days=(seeded * 7) % 30 - 20)
                gedraging = uiterste - timedelta(days=60)
                rows.append((
                    uuid.uuid4(), "0363", uuid.uuid4(), "pip-pvt", "pip", "voorgenomen", gedraging, gedraging,
                    "handmatig", "{}", "[]", "regisseur-a", uiterste - timedelta(days=14), uiterste,
                ))  # fmt: skip
                seeded += 1
            await connection.copy_records_to_table("overtreding", records=rows, columns=OVERTREDING_COLUMNS)
            await asyncio.sleep(every_s)
    finally:
        await connection.close()
    return seeded


async def _settled_signals(database_url: str, table: str) -> int:
    """The jobs have caught up once the count stands still for three seconds (a pass a second each). A connection of
    its own: it runs beside the drain's queries."""
    connection = await asyncpg.connect(plain_url(database_url))
    try:
        signals, steady_since = -1, time.monotonic()
        deadline = time.monotonic() + 60
        while time.monotonic() - steady_since < 3.0 and time.monotonic() < deadline:
            counted = await connection.fetchval(f"SELECT count(*) FROM {table}")
            if counted != signals:
                signals, steady_since = counted, time.monotonic()
            await asyncio.sleep(0.5)
        return int(signals)
    finally:
        await connection.close()


async def _one_pass(package: str, env: dict[str, str]) -> None:
    """One more signal pass, in a process of its own."""
    done = await asyncio.to_thread(
        subprocess.run, process_command(package, "signalen"), env=env, check=False, capture_output=True, timeout=120
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]


async def _published(connection: asyncpg.Connection, within: float = 60.0) -> None:
    deadline = time.monotonic() + within
    while await connection.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL"):
        if time.monotonic() > deadline:
            return
        await asyncio.sleep(0.3)


@dataclass
class AanbiederSetup:
    regisseur: dict[str, str]  # a klantregisseur's headers: opdrachten
    systeem: dict[str, str]  # the aanbieder's machine's (its registered client's): meldingen and files
    opdracht: Callable[[int], dict[str, Any]]  # the n-th opdracht's body


async def _aanbieder_setup(port: int, tokens: TokenFactory, database_url: str, pips: int = 400) -> AanbiederSetup:
    """An aanbieder with a contract and a registered client (through the API, as a contractmanager), and vastgestelde
    PIPs in aanbieder-api's projection (as pip-api's events would put them there): what a klantregisseur's opdracht
    and the aanbieder's own machine's reports need."""
    beheer = tokens.headers(*aanbieder_scopes.ROLLEN["contractmanager"], gemeente="0363", client_id="gemeente-portaal")
    diensten = ["b1-route", "pvt", "map"]
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}/api/v1", timeout=10) as client:
        response = await client.post(
            "/aanbieders",
            json={
                "naam": "Taalschool Noord", "kvkNummer": "12345678", "diensten": diensten,
                "keurmerk": {"nummer": "BOW-1234", "geldigTot": "2030-12-31"},
                "contactpersonen": [{"naam": "Petra de Vries", "email": "petra@taalschool.example"}],
            },
            headers={**beheer, "Idempotency-Key": str(uuid.uuid4())},
        )  # fmt: skip
        assert response.status_code == 201, response.text
        aanbieder_id = response.json()["id"]
        response = await client.post(
            f"/aanbieders/{aanbieder_id}/contracten",
            json={
                "kenmerk": "INK-2026-01", "begindatum": "2026-01-01", "einddatum": "2027-12-31",
                "diensten": [{"dienst": d, "uren": 1_000_000} for d in diensten],
            },
            headers={**beheer, "Idempotency-Key": str(uuid.uuid4())},
        )  # fmt: skip
        assert response.status_code == 201, response.text
        client_id = f"systeem-{aanbieder_id}"
        response = await client.post(
            f"/aanbieders/{aanbieder_id}/api-clients",
            json={"clientId": client_id, "omschrijving": "Leerlingvolgsysteem"},
            headers={**beheer, "Idempotency-Key": str(uuid.uuid4())},
        )
        assert response.status_code == 201, response.text
    systeem = tokens.headers(
        *aanbieder_scopes.ROLLEN["aanbieder"], gemeente="0363", client_id=client_id, aanbieder_id=aanbieder_id
    )
    pip_ids = [uuid.uuid4() for _ in range(pips)]
    connection = await asyncpg.connect(plain_url(database_url))
    try:
        await connection.copy_records_to_table(
            "pip_feit",
            records=[(p, "0363", uuid.uuid4(), "vastgesteld", 1, "b1", "B1") for p in pip_ids],
            columns=["pip_id", "gemeente_code", "inburgeraar_id", "status", "versie", "leerroute", "taalniveau"],
        )
    finally:
        await connection.close()

    def body(n: int) -> dict[str, Any]:
        return {
            "pipId": str(pip_ids[n % pips]), "aanbiederId": aanbieder_id, "onderdeel": "b1-route",
            "inhoud": {
                "deelnemer": {"roepnaam": "Amal", "achternaam": "Haddad", "telefoon": "+31 6 12345678"},
                "afspraken": ["Twee dagdelen per week"], "leerroute": "b1", "taalniveauPip": "B1",
                "geplandeStartdatum": "2026-04-01", "geplandeEinddatum": "2027-03-31", "cursusnaam": "NT2 B1",
                "cursusonderdelen": ["lezen", "luisteren"], "uren": 600, "wettelijkeTermijn": "2029-03-01",
            },
        }  # fmt: skip

    regisseur = tokens.headers(
        *aanbieder_scopes.ROLLEN["klantregisseur"], gemeente="0363", client_id="gemeente-portaal"
    )
    return AanbiederSetup(regisseur, systeem, body)


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


@dataclass
class Pages:
    """What the werkplek's reader saw: per page, when and how it was answered in the end; every failed attempt."""

    answered: list[tuple[float, int, bool]] = field(default_factory=list)  # (when, status, a part "niet beschikbaar")
    failures: list[tuple[float, int, str]] = field(default_factory=list)
    server_errors: int = 0
    given_up: int = 0


async def _sign_in(client: httpx.AsyncClient) -> str:
    """The development sign-in as a klantregisseur, by hand: the werkplek's cookies are `__Host-` and Secure outside
    development, which a client keeps off plain http, so they go back as a Cookie header of the test's own."""

    def cookies(response: httpx.Response) -> dict[str, str]:
        pairs = (header.split(";", 1)[0].split("=", 1) for header in response.headers.get_list("set-cookie"))
        return {name: value for name, value in pairs}

    form = await client.get("/werkplek/aanmelden")
    assert form.status_code == 200, form.text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert csrf is not None, form.text
    jar = cookies(form)
    response = await client.post(
        "/werkplek/aanmelden",
        data={"naam": "regisseur-a", "rol": "klantregisseur", "gemeente": "0363", "csrf": csrf.group(1)},
        headers={"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())},
    )
    assert response.status_code in (302, 303), response.text
    jar.update(cookies(response))
    return "; ".join(f"{k}={v}" for k, v in jar.items())


async def _read_pages(
    clients: list[httpx.AsyncClient], cookie: str, ledger: Ledger, pages: Pages, t0: float, rate: float
) -> int:
    """A klantregisseur's page of one person (ten calls to four APIs behind it), `rate` a second through two werkplek
    replicas: a refused connection goes to the other replica; a 5xx is counted, never retried away."""

    async def one(n: int, person: str) -> None:
        # A minute, as a write's: the surviving replica is slow while the killed ones restart beside it.
        replica, deadline = n % 2, time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                response = await clients[replica].get(f"/werkplek/inburgeraars/{person}", headers={"Cookie": cookie})
            except httpx.TransportError as error:
                pages.failures.append((time.monotonic() - t0, replica, type(error).__name__))
                replica = (replica + 1) % len(clients)
                await asyncio.sleep(0.1)
                continue
            pages.server_errors += response.status_code >= 500
            pages.answered.append((time.monotonic() - t0, response.status_code, "niet beschikbaar" in response.text))
            return
        pages.given_up += 1

    while not ledger.accepted:  # noqa: ASYNC110 - the load fills it; polling is the simplest wait here
        await asyncio.sleep(0.1)
    person = next(iter(ledger.accepted))
    reads = []
    for n in itertools.count():
        due = t0 + 1.0 + n / rate
        if due - t0 >= LOAD_S:
            break
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        reads.append(asyncio.create_task(one(n, person)))
    await asyncio.gather(*reads)
    return len(reads)


async def _duo_facts(base_url: str, beheer: dict[str, str], ledger: Ledger, t0: float, rate: float) -> int:
    """DUO determines the plicht of registered persons, `rate` a second (its beheer API, as the scenario's operator):
    each a notification to the exchange's API, which its workers fetch and hand to inburgeraar-api."""
    plicht = {
        "doelgroep": "asielmigrant", "startdatum": "2026-12-01", "termijnInburgering": "2029-12-01",
        "termijnPvt": "2028-12-01", "termijnMap": "2028-12-01",
    }  # fmt: skip
    sent = 0
    for n in itertools.count():
        due = t0 + 2.0 + n / rate
        if due - t0 >= LOAD_S:
            break
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        if len(ledger.accepted) <= n:
            continue
        bsn = ledger.tags[list(ledger.accepted)[n]]
        body = {"soort": "plicht-vastgesteld", "gemeentecode": "0363", "persoon": {"bsn": bsn}, "gegevens": plicht}
        # A connection of its own each: DUO's operator is not under test, and a kept-alive one its server closed
        # while idle would fail the request (a fact is not idempotent, so it is never sent twice).
        async with httpx.AsyncClient(base_url=base_url, timeout=10) as client:
            response = await client.post("/api/v1/beheer/feiten", json=body, headers=beheer)
        assert response.status_code == 201, response.text
        sent += 1
    return sent


def _standin_env(prefix: str, database_url: str, port: int, tokens: TokenFactory) -> dict[str, str]:
    """A chain partner's stand-in: outside the deployment, no event bus; plain http here (mTLS is test_flow_keten's
    and the stand-ins' own tests'); it notifies with tokens of the test's key, and retries a refused notification
    quickly."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefix)}
    env.update(
        {
            f"{prefix}ENVIRONMENT": "test",
            f"{prefix}DATABASE_URL": database_url,
            f"{prefix}NATS_URL": "",
            f"{prefix}PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
            f"{prefix}AUTH__ISSUERS": json.dumps([TEST_ISSUER]),
            f"{prefix}AUTH__AUDIENCE": TEST_AUDIENCE,
            f"{prefix}AUTH__PUBLIC_KEY_FILE": str(tokens.public_key),
            f"{prefix}MELDING_SLEUTEL_BESTAND": str(tokens.private_key),
            f"{prefix}MELDING_ISSUER": TEST_ISSUER,
            f"{prefix}MELDING_AUDIENCE": TEST_AUDIENCE,
            f"{prefix}MELDING_INTERVAL_SECONDEN": "0.2",
            f"{prefix}MELDING_BACKOFF_BASIS_SECONDEN": "0.2",
            f"{prefix}MELDING_BACKOFF_MAX_SECONDEN": "1",
        }
    )
    return env


def _werkplek_env(port: int, apis: dict[str, int], tokens: TokenFactory) -> dict[str, str]:
    """The werkplek: no database, no bus; its sources are the first replica of each API (the one killed), its
    development sign-in mints tokens with the test's key and every service's roles."""
    rollen: dict[str, set[str]] = {}
    for module in (scopes, pip_scopes, aanbieder_scopes, handhaving_scopes):
        for rol, granted in module.ROLLEN.items():
            rollen.setdefault(rol, set()).update(granted)
    env = {k: v for k, v in os.environ.items() if not k.startswith("WERKPLEK_")}
    env.update(
        {
            "WERKPLEK_ENVIRONMENT": "test",
            "WERKPLEK_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
            "WERKPLEK_AUTH__ISSUERS": json.dumps([TEST_ISSUER]),
            "WERKPLEK_AUTH__AUDIENCE": TEST_AUDIENCE,
            "WERKPLEK_AUTH__PUBLIC_KEY_FILE": str(tokens.public_key),
            "WERKPLEK_BRON_TIMEOUT_SECONDEN": "2",
            **{f"WERKPLEK_BRONNEN__{naam.upper()}": f"http://127.0.0.1:{p}/api/v1" for naam, p in apis.items()},
            "WERKPLEK_ONTWIKKELAANMELDING__PRIVATE_KEY_FILE": str(tokens.private_key),
            "WERKPLEK_ONTWIKKELAANMELDING__ISSUER": TEST_ISSUER,
            "WERKPLEK_ONTWIKKELAANMELDING__AUDIENCE": TEST_AUDIENCE,
            "WERKPLEK_ONTWIKKELAANMELDING__ROLLEN": json.dumps({rol: sorted(g) for rol, g in rollen.items()}),
        }
    )
    return env


async def _push_and_chain(db: dict[str, asyncpg.Connection], registered: dict[str, Any], facts: int) -> dict[str, Any]:
    """aanbieder-api's push path and the chain exchange, counted in each database: the meldingen and files at
    aanbieder-api, its events applied by pip-api's progress consumer, the reports (item a, one per registration) at
    the exchange and at DUO, DUO's facts at the exchange and in inburgeraar-api's plicht."""
    aanbieder, pip, keten, duo, inburgeraar = (
        db[name] for name in ("aanbieder-api", "pip-api", "ketenuitwisseling", "duo-standin", "inburgeraar-api")
    )
    ids, bsns = list(registered), list(registered.values())
    files = await aanbieder.fetchrow(
        "SELECT count(*) AS n, count(*) FILTER (WHERE status = 'verwerkt') AS verwerkt, "
        "coalesce(sum(geaccepteerd), 0) AS geaccepteerd, coalesce(sum(afgewezen), 0) AS afgewezen FROM aanlevering"
    )
    kanalen = dict(await aanbieder.fetch("SELECT kanaal, count(*) FROM melding GROUP BY kanaal"))
    reports = dict(
        await keten.fetch(
            "SELECT status, count(*) FROM rapportage WHERE item = 'a' AND inburgeraar_id = ANY($1::uuid[]) GROUP BY 1",
            ids,
        )
    )
    facts_at_keten = dict(await keten.fetch("SELECT status, count(*) FROM melding WHERE bron = 'duo' GROUP BY 1"))
    return {
        "files": files["n"],
        "files_processed": files["verwerkt"],
        "file_rows_accepted": int(files["geaccepteerd"]),
        "file_rows_rejected": int(files["afgewezen"]),
        "meldingen_api_rows": kanalen.get("api", 0),
        "meldingen_file_rows": kanalen.get("bestand", 0),
        "aanbieder_outbox_rows": await aanbieder.fetchval("SELECT count(*) FROM outbox"),
        "aanbieder_unpublished": await aanbieder.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL"),
        "pip_api_aanbieder_inbox": await pip.fetchval(
            "SELECT count(*) FROM inbox WHERE consumer = 'pip-api-aanbieder'"
        ),
        "pip_api_attendance_periods": await pip.fetchval("SELECT count(*) FROM aanwezigheidsperiode"),
        "pip_api_opdrachten": await pip.fetchval("SELECT count(*) FROM opdracht_voortgang"),
        "keten_reports_a": sum(reports.values()),
        "keten_reports_a_by_status": reports,
        "duo_reports_a": await duo.fetchval(
            "SELECT count(*) FROM rapportage WHERE item = 'a' AND bsn = ANY($1::text[])", bsns
        ),
        "duo_facts_sent": facts,
        "keten_facts_by_status": facts_at_keten,
        "plicht_vastgesteld": await inburgeraar.fetchval(
            "SELECT count(*) FROM plicht_mutatie WHERE soort = 'plicht-vastgesteld'"
        ),
        "persons_with_plicht": await inburgeraar.fetchval(
            "SELECT count(DISTINCT inburgeraar_id) FROM plicht_mutatie WHERE soort = 'plicht-vastgesteld'"
        ),
    }


def _push_and_chain_done(counts: dict[str, Any], bestanden: int, registered: int) -> bool:
    return bool(
        counts["files_processed"] == counts["files"] == bestanden
        and counts["aanbieder_unpublished"] == 0
        and counts["pip_api_aanbieder_inbox"] >= counts["aanbieder_outbox_rows"]
        and counts["duo_reports_a"] >= registered
        and counts["keten_facts_by_status"].get("verwerkt", 0) >= counts["duo_facts_sent"]
        and counts["plicht_vastgesteld"] >= counts["duo_facts_sent"]
    )


@pytest.fixture
def databases(infra: Infra) -> dict[str, str]:
    # Migrated here, outside the test's event loop.
    return {
        service: infra.migrated_database(
            f"test_cluster_{service.replace('-', '_')}", ROOT / "services" / service / "migrations"
        )
        for service in (
            "inburgeraar-api",
            "pip-api",
            "notificaties",
            "handhaving-api",
            "aanbieder-api",
            "ketenuitwisseling",
            "duo-standin",
            "coa-standin",
        )
    }


@pytest.fixture
def webhook() -> Iterator[tuple[Webhook, str, list[float]]]:
    t0 = [time.monotonic()]
    hook = Webhook(t0)
    with live_server(Starlette(routes=[Route("/hook", hook.endpoint, methods=["POST"])])) as url:  # type: ignore[arg-type]
        yield hook, f"{url}/hook", t0


def _listen_port() -> int:
    """A free port below the kernel's ephemeral range: an API's port stays its own while it starts and while it is
    down after its kill. A port from the ephemeral range (`free_port`) can meanwhile be taken by one of the many
    outgoing connections of the other processes (an API replica once failed to bind so)."""
    low, _ = (int(n) for n in Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    while True:
        port = random.randrange(max(1024, low - 12_000), low)
        with socket.socket() as probe, contextlib.suppress(OSError):
            probe.bind(("127.0.0.1", port))
            return port


def _replicas(
    name: str, package: str, env: dict[str, str], folder: Path, relay: bool
) -> tuple[list[int], list[Process], list[Process]]:
    """Two API processes of a service (and two relays when it publishes), as two pods of each."""
    ports = [_listen_port(), _listen_port()]
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
    # The killed node comes back on its ports: below the ephemeral range, as the APIs' (`_listen_port`).
    node_ports = [(_listen_port(), _listen_port(), _listen_port()) for _ in range(CLUSTER.REPLICAS)]
    cluster = CLUSTER.NatsCluster._with_ports(tmp_path / "nats", access, node_ports)
    processes: list[Process] = []
    began = time.monotonic()
    phases: dict[str, float] = {}
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
        # handhaving-api: its three projection consumers inside the API, two relays, two zienswijze signal jobs.
        handhaving_env = env("HANDHAVING_API_", "handhaving-api", SIGNALEN_INTERVAL_SECONDEN="1")
        handhaving_ports, handhavings, handhaving_relays = _replicas(
            "handhaving-api", "handhaving_api", handhaving_env, tmp_path, True
        )
        handhaving_jobs = [
            Process(
                f"handhaving-api-signalen-{i}",
                process_command("handhaving_api", "signalen-job"),
                handhaving_env,
                tmp_path / f"handhaving-api-signalen-{i}.log",
            )
            for i in range(2)
        ]
        aanbieder_env = env("AANBIEDER_API_", "aanbieder-api", UPLOAD_DIR=str(tmp_path / "aanleveringen"))
        aanbieder_ports, aanbieders, aanbieder_relays = _replicas(
            "aanbieder-api", "aanbieder_api", aanbieder_env, tmp_path, True
        )
        # The chain partners' stand-ins, once each (outside the deployment); the exchange as two API replicas (each
        # with its four report consumers) and two keten-workers. The partners notify the first API replica (the one
        # killed: they retry, and the workers read the partners' feeds as well); the workers call the owners through
        # the second replicas (what a Service does once a killed pod's readiness fails).
        duo_port, coa_port = _listen_port(), _listen_port()
        standins = [
            Process(
                name,
                [*uvicorn_command(f"{package}.main:create_app", host="127.0.0.1", port=port), "--no-proxy-headers"],
                _standin_env(prefix, databases[name], port, tokens),
                tmp_path / f"{name}.log",
            )
            for name, package, prefix, port in (
                ("duo-standin", "duo_standin", "DUO_STANDIN_", duo_port),
                ("coa-standin", "coa_standin", "COA_STANDIN_", coa_port),
            )
        ]
        keten_ports = [_listen_port(), _listen_port()]
        # Claims of 15 s over batches of 20: a killed worker's claimed reports go to the other within the run (the
        # default 120 s would outlast it), and a batch still ends well within its claim on two loaded cores (with
        # 200 it did not, and the other worker sent hundreds again: DUO's 200, once in effect, but wasted work).
        keten_env = env(
            "KETENUITWISSELING_", "ketenuitwisseling", PUBLIC_BASE_URL=f"http://127.0.0.1:{keten_ports[0]}",
            DUO_URL=f"http://127.0.0.1:{duo_port}/api/v1", COA_URL=f"http://127.0.0.1:{coa_port}/api/v1",
            INBURGERAAR_API_URL=f"http://127.0.0.1:{ports[1]}/api/v1",
            HANDHAVING_API_URL=f"http://127.0.0.1:{handhaving_ports[1]}/api/v1",
            TOKEN_PRIVATE_KEY_FILE=str(tokens.private_key), TOKEN_ISSUER=TEST_ISSUER,
            TOKEN_AUDIENCE_PARTNERS=TEST_AUDIENCE, TOKEN_AUDIENCE_INTERN=TEST_AUDIENCE, WORKER_INTERVAL_SECONDEN="0.2",
            INHALEN_INTERVAL_SECONDEN="2", MAX_WACHTTIJD_SECONDEN="1", CLAIM_SECONDEN="15", WORKER_BATCH="20",
        )  # fmt: skip
        ketens = [
            Process(
                f"ketenuitwisseling-{i}",
                [
                    *uvicorn_command("ketenuitwisseling.main:create_app", host="127.0.0.1", port=port),
                    "--no-proxy-headers",
                ],
                keten_env,
                tmp_path / f"ketenuitwisseling-{i}.log",
            )
            for i, port in enumerate(keten_ports)
        ]
        keten_workers = [
            Process(
                f"keten-worker-{i}",
                process_command("ketenuitwisseling", "keten-worker"),
                keten_env,
                tmp_path / f"keten-worker-{i}.log",
            )
            for i in range(2)
        ]
        werkplek_ports = [_listen_port(), _listen_port()]
        sources = {"inburgeraar": ports[0], "pip": pip_ports[0], "aanbieder": aanbieder_ports[0]}
        werkpleks = [
            Process(
                f"werkplek-{i}",
                [*uvicorn_command("werkplek.main:create_app", host="127.0.0.1", port=port), "--no-proxy-headers"],
                _werkplek_env(port, {**sources, "handhaving": handhaving_ports[0]}, tokens),
                tmp_path / f"werkplek-{i}.log",
            )
            for i, port in enumerate(werkplek_ports)
        ]
        processes = [
            *apis, *relays, *pips, *pip_relays, *pip_jobs, *notificaties, *handhavings, *handhaving_relays,
            *handhaving_jobs, *aanbieders, *aanbieder_relays, *standins, *ketens, *keten_workers, *werkpleks,
        ]  # fmt: skip
        for process in processes:
            process.start()
        all_ports = [
            *ports, *pip_ports, *notificaties_ports, *handhaving_ports, *aanbieder_ports, *keten_ports, *werkplek_ports,
        ]  # fmt: skip
        servers = [*apis, *pips, *notificaties, *handhavings, *aanbieders, *ketens, *werkpleks]
        # All at once: each poll waits only for what is not ready yet.
        await asyncio.gather(
            *(_wait_ready(port, api) for port, api in zip(all_ports, servers, strict=True)),
            *(_wait_ready(port, standin) for port, standin in zip((duo_port, coa_port), standins, strict=True)),
        )
        phases["processes ready"] = time.monotonic() - began
        aanbieder = await _aanbieder_setup(aanbieder_ports[0], tokens, databases["aanbieder-api"])
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{notificaties_ports[0]}", timeout=10) as client:
            abonnee = tokens.headers(*notificaties_scopes.ROLLEN["abonnee"], gemeente="0363", client_id="systeem-0363")
            response = await client.post(
                "/api/v1/abonnementen",
                json={"callbackUrl": hook_url, "typePrefix": "nl.inburgering.inburgeraar."},
                headers={**abonnee, "Idempotency-Key": str(uuid.uuid4())},
            )
            assert response.status_code == 201, response.text
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{werkplek_ports[0]}", timeout=10) as client:
            werkplek_cookie = await _sign_in(client)
        beheer = tokens.headers("beheer", gemeente=None, client_id="scenario")

        headers = tokens.headers(*scopes.ROLLEN["klantregisseur"], gemeente="0363")
        bsns = BsnGenerator(30_000_000)
        ledger, received = Ledger(), Received()
        stop_consumer = asyncio.Event()
        t0 = time.monotonic()
        phases["load starts"] = t0 - began
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
            # One replica of each: the API a client writes to, its relay, a projection consumer, a delivery worker,
            # a signal job.
            for process in killed:
                process.kill()
            moments["replica killed"] = time.monotonic() - t0
            await asyncio.sleep(BACK_REPLICA - KILL_REPLICA)
            for process in killed:
                process.start()
            firsts = [apis[0], pips[0], notificaties[0], handhavings[0], aanbieders[0], ketens[0], werkpleks[0]]
            await asyncio.gather(*(_wait_ready(port, api) for port, api in zip(all_ports[::2], firsts, strict=True)))
            moments["replica back"] = time.monotonic() - t0

        killed = (
            apis[0], relays[0], pips[0], pip_relays[0], pip_jobs[0], notificaties[0], handhavings[0],
            handhaving_relays[0], handhaving_jobs[0], aanbieders[0], aanbieder_relays[0], ketens[0], keten_workers[0],
            werkpleks[0],
        )  # fmt: skip

        chaos_task = asyncio.create_task(chaos())
        seeding = asyncio.create_task(_seed_pips(databases["pip-api"], t0))
        seeding_voornemens = asyncio.create_task(_seed_voornemens(databases["handhaving-api"], t0))
        opdrachten, meldingen, bestanden, pages = Ledger(), Ledger(), Ledger(), Pages()

        async def registratie(_: int) -> tuple[str, dict[str, Any], Any]:
            bsn = next(bsns)
            body = {
                "bsn": bsn, "doelgroep": "asielmigrant", "datumKoppeling": "2026-03-01",
                "klantregisseur": "regisseur-a",
                "contact": {"voornamen": "Amal", "achternaam": "Haddad", "adres": ADRES},
            }  # fmt: skip
            return "/api/v1/inburgeraars", {"json": body}, bsn

        async def opdracht(n: int) -> tuple[str, dict[str, Any], Any]:
            return "/api/v1/opdrachten", {"json": aanbieder.opdracht(n)}, None

        async def accepted_opdrachten(count: int) -> list[str]:
            """The first `count` opdrachten accepted (in order): what the aanbieder's machine reports on."""
            while len(opdrachten.accepted) < count:  # noqa: ASYNC110 - the opdrachten's load fills it
                await asyncio.sleep(0.1)
            return list(opdrachten.accepted)[:count]

        async def melding(n: int) -> tuple[str, dict[str, Any], Any]:
            # A start per opdracht (one melding, one event, each applied once in pip-api's progress projection).
            opdracht_id = (await accepted_opdrachten(n + 1))[n]
            body = {"soort": "start", "datum": "2026-04-01"}
            return f"/api/v1/toegewezen-opdrachten/{opdracht_id}/meldingen", {"json": body}, opdracht_id

        async def bestand(n: int) -> tuple[str, dict[str, Any], Any]:
            # A file of attendance for FILE_ROWS opdrachten of their own (each row a new melding), as a leerlingvolg-
            # systeem sends it; it is applied in the background by whichever replica's worker claims it.
            some = (await accepted_opdrachten((n + 1) * FILE_ROWS))[n * FILE_ROWS :]
            rows = [f"{o},aanwezigheid,,2026-04-01,2026-04-30,40,2," for o in some]
            content = "\n".join([FILE_HEADER, *rows, ""]).encode()
            return "/api/v1/aanleveringen", {"content": content, "headers": {"Content-Type": "text/csv"}}, len(rows)

        async with contextlib.AsyncExitStack() as stack:

            async def clients_of(some: list[int], seconds: float = 5) -> list[httpx.AsyncClient]:
                return [
                    await stack.enter_async_context(
                        httpx.AsyncClient(base_url=f"http://127.0.0.1:{p}", timeout=seconds)
                    )
                    for p in some
                ]

            aanbieder_clients = await clients_of(aanbieder_ports)
            sent, opdrachten_sent, meldingen_sent, bestanden_sent, pages_sent, facts_sent = await asyncio.gather(
                _load(await clients_of(ports), RATE_PER_S, registratie, headers, ledger, t0),
                _load(aanbieder_clients, OPDRACHT_RATE_PER_S, opdracht, aanbieder.regisseur, opdrachten, t0),
                _load(aanbieder_clients, MELDING_RATE_PER_S, melding, aanbieder.systeem, meldingen, t0, start=1.0),
                _load(aanbieder_clients, 1 / FILE_EVERY_S, bestand, aanbieder.systeem, bestanden, t0, start=2.0),
                _read_pages(
                    await clients_of(werkplek_ports, seconds=10), werkplek_cookie, ledger, pages, t0, PAGE_RATE_PER_S
                ),
                _duo_facts(f"http://127.0.0.1:{duo_port}", beheer, ledger, t0, FACT_RATE_PER_S),
            )  # fmt: skip
        await chaos_task
        seeded = await seeding
        voornemens_seeded = await seeding_voornemens

        pip_db = await asyncpg.connect(plain_url(databases["pip-api"]))
        handhaving_db = await asyncpg.connect(plain_url(databases["handhaving-api"]))
        others = {
            name: await asyncpg.connect(plain_url(databases[name]))
            for name in ("aanbieder-api", "ketenuitwisseling", "duo-standin", "inburgeraar-api")
        }
        try:
            dbs = {"pip-api": pip_db, **others}
            registered = dict(ledger.tags)

            async def push_and_chain_done() -> bool:
                counts = await _push_and_chain(dbs, registered, facts_sent)
                return _push_and_chain_done(counts, len(bestanden.accepted), len(registered))

            async def projected() -> int:
                query = "SELECT count(*) FROM inburgeraar_feit WHERE inburgeraar_id = ANY($1::uuid[])"
                return int(await pip_db.fetchval(query, list(ledger.accepted)))

            async def handhaving_applied() -> dict[str, int]:
                query = "SELECT consumer || ' ' || event_type, count(*) FROM inbox GROUP BY 1"
                return {key: int(n) for key, n in await handhaving_db.fetch(query)}

            def handhaving_done(applied: dict[str, int]) -> bool:
                return applied.get(f"handhaving-api-inburgeraar {GEREGISTREERD}", 0) >= len(
                    ledger.accepted
                ) and applied.get(f"handhaving-api-aanbieder {VERSTREKT}", 0) >= len(opdrachten.accepted)

            drain_deadline = time.monotonic() + 90
            # When each path had everything (seconds since the load began): which one the run waits for.
            drained: dict[str, float] = {}

            async def drain() -> None:
                while time.monotonic() < drain_deadline:
                    with hook.lock:
                        at_webhook = set(hook.first)
                    done = {
                        "consumer and webhook": set(ledger.accepted) <= set(received.first) & at_webhook,
                        "pip-api projection": await projected() == len(ledger.accepted),
                        "handhaving-api": handhaving_done(await handhaving_applied()),
                        "push path and chain": await push_and_chain_done(),
                    }
                    for name in (name for name, ok in done.items() if ok):
                        drained.setdefault(name, round(time.monotonic() - t0, 1))
                    if all(done.values()):
                        return
                    await asyncio.sleep(0.3)

            async def settled_then_one_pass(service: str, table: str, package: str, env: dict[str, str]) -> int:
                """Every signal due is raised if, once the jobs have caught up, one more pass finds nothing new."""
                counted = await _settled_signals(databases[service], table)
                await _one_pass(package, env)
                return counted

            # The signal jobs' work ended with the seeding: they catch up, and the extra pass runs, while the events
            # drain.
            _, signals, zienswijze_signals = await asyncio.gather(
                drain(),
                settled_then_one_pass("pip-api", "signaal", "pip_api", pip_env),
                settled_then_one_pass("handhaving-api", "zienswijze_signaal", "handhaving_api", handhaving_env),
            )
            drained_at = time.monotonic() - t0
            phases["drained"] = time.monotonic() - began
            stop_consumer.set()
            await consumer
            pip_rows = await projected()
            pip_inbox = await pip_db.fetchval(
                "SELECT count(*) FROM inbox WHERE consumer = 'pip-api' AND event_type = $1", GEREGISTREERD
            )
            pip_dead = await pip_db.fetchval("SELECT count(*) FROM dead_letter")
            handhaving_inbox = await handhaving_applied()
            handhaving_dead = await handhaving_db.fetchval("SELECT count(*) FROM dead_letter")
            handhaving_feiten = await handhaving_db.fetchval(
                "SELECT count(*) FROM inburgeraar_feit WHERE inburgeraar_id = ANY($1::uuid[])", list(ledger.accepted)
            )
            signals_after_pass = await pip_db.fetchval("SELECT count(*) FROM signaal")
            signal_events = await pip_db.fetchval(
                "SELECT count(*) FROM outbox WHERE subject LIKE 'nl.inburgering.pip.termijn-%'"
            )
            zienswijze_after_pass = await handhaving_db.fetchval("SELECT count(*) FROM zienswijze_signaal")
            zienswijze_due = await handhaving_db.fetchval(
                "SELECT count(*) FROM overtreding WHERE status = 'voorgenomen' AND zienswijze_uiterste_datum < $1",
                datetime.now(ZoneInfo("Europe/Amsterdam")).date(),
            )
            zienswijze_events = await handhaving_db.fetchval(
                "SELECT count(*) FROM outbox WHERE subject LIKE '%.zienswijzetermijn-verstreken'"
            )
            await asyncio.gather(_published(pip_db), _published(handhaving_db))
            pip_outbox = await pip_db.fetchval("SELECT count(*) FROM outbox")
            pip_unpublished = await pip_db.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL")
            handhaving_outbox = await handhaving_db.fetchval("SELECT count(*) FROM outbox")
            handhaving_unpublished = await handhaving_db.fetchval(
                "SELECT count(*) FROM outbox WHERE published_at IS NULL"
            )
            phases["signals checked"] = time.monotonic() - began
            await _published(others["aanbieder-api"])
            push_chain = await _push_and_chain(dbs, registered, facts_sent)
        finally:
            await pip_db.close()
            await handhaving_db.close()
            for connection in others.values():
                await connection.close()
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
        connection = await asyncpg.connect(plain_url(databases["aanbieder-api"]))
        try:
            opdracht_rows = await connection.fetchval("SELECT count(*) FROM opdracht")
            aanbieder_unpublished = await connection.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL")
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
        handhaving_messages = sum(
            count for subject, count in subjects.items() if subject.startswith("nl.inburgering.handhaving.")
        )
        verstrekt_messages = subjects.get(VERSTREKT, 0)
        aanbieder_messages = sum(
            count for subject, count in subjects.items() if subject.startswith("nl.inburgering.aanbieder.")
        )
        windows = _windows([moment for moment, _, _ in ledger.failures])
        # Each loop logs once when a failure spell ends (inburgering_kit.health): how long each process's loops
        # could not do their work (relays publishing, consumers fetching) around the node loss.
        outages = {
            process.name: [float(s) for s in re.findall(r"recovered after ([0-9.]+)s", process.log.read_text())]
            for process in processes
            if process.log.exists()
        }
        figures = {
            "writes_sent": sent,
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
            "opdrachten_sent": opdrachten_sent,
            "opdrachten_accepted": len(opdrachten.accepted),
            "opdrachten_given_up": opdrachten.given_up,
            "opdrachten_failed_attempts": len(opdrachten.failures),
            "opdracht_rows": opdracht_rows,
            "opdracht_stream_messages": verstrekt_messages,
            "aanbieder_api_unpublished": aanbieder_unpublished,
            "handhaving_api_inbox": handhaving_inbox,
            "handhaving_api_inburgeraar_feiten": handhaving_feiten,
            "handhaving_api_dead_letters": handhaving_dead,
            "voornemens_seeded": voornemens_seeded,
            "zienswijze_signals_due": zienswijze_due,
            "zienswijze_signals_raised": zienswijze_signals,
            "zienswijze_signals_after_one_more_pass": zienswijze_after_pass,
            "zienswijze_signal_events_in_outbox": zienswijze_events,
            "handhaving_api_outbox_rows": handhaving_outbox,
            "handhaving_api_unpublished": handhaving_unpublished,
            "handhaving_api_stream_messages": handhaving_messages,
            "meldingen_sent": meldingen_sent,
            "meldingen_accepted": len(meldingen.accepted),
            "meldingen_given_up": meldingen.given_up,
            "melding_failure_windows_s": [
                (round(a, 2), round(b, 2), c) for a, b, c in _windows([m for m, _, _ in meldingen.failures])
            ],
            "files_sent": bestanden_sent,
            "files_accepted": len(bestanden.accepted),
            "files_given_up": bestanden.given_up,
            "aanbieder_stream_messages": aanbieder_messages,
            **push_chain,
            "pages_sent": pages_sent,
            "pages_answered": len(pages.answered),
            "pages_by_status": {
                str(code): sum(1 for _, c, _ in pages.answered if c == code)
                for code in {c for _, c, _ in pages.answered}
            },
            "pages_with_a_part_niet_beschikbaar": sum(1 for _, _, part in pages.answered if part),
            "pages_niet_beschikbaar_windows_s": [
                (round(a, 2), round(b, 2), c) for a, b, c in _windows([m for m, _, part in pages.answered if part])
            ],
            "page_server_errors": pages.server_errors,
            "page_given_up": pages.given_up,
            "page_failure_windows_s": [
                (round(a, 2), round(b, 2), c) for a, b, c in _windows([m for m, _, _ in pages.failures])
            ],
            "drained_at_s": round(drained_at, 2),
            "drained_by_path_s": drained,
            "moments_s": {k: round(v, 2) for k, v in moments.items()},
            "phases_s_since_start": {k: round(v, 1) for k, v in phases.items()},
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
            "opdracht_failure_windows_s": [
                (round(a, 2), round(b, 2), c) for a, b, c in _windows([m for m, _, _ in opdrachten.failures])
            ],
            "opdracht_latency_p50_max_s": [
                round(statistics.median(opdrachten.latencies), 3), round(max(opdrachten.latencies), 3)
            ] if opdrachten.latencies else [],
        }  # fmt: skip
        print("\ncluster proof:", json.dumps(figures, indent=2))
        (tmp_path / "figures.json").write_text(json.dumps(figures, indent=2))

        assert ledger.given_up == 0, figures
        assert len(ledger.accepted) == sent, figures  # every write accepted in the end
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
        # aanbieder-api: every opdracht accepted in the end, once in its database and once in the stream; each
        # applied once by handhaving-api's aanbieder consumer (its inbox), as each registration by its inburgeraar one.
        assert opdrachten.given_up == 0 and len(opdrachten.accepted) == opdrachten_sent > 0, figures
        assert opdracht_rows == verstrekt_messages == len(opdrachten.accepted) and aanbieder_unpublished == 0, figures
        assert handhaving_inbox.get(f"handhaving-api-aanbieder {VERSTREKT}") == len(opdrachten.accepted), figures
        assert handhaving_inbox.get(f"handhaving-api-inburgeraar {GEREGISTREERD}") == len(ledger.accepted), figures
        assert handhaving_feiten == len(ledger.accepted) and handhaving_dead == 0, figures
        # handhaving-api's two signal jobs, one killed mid-run: each due zienswijze signal raised once, with one
        # event, once in the stream.
        assert 0 < zienswijze_signals == zienswijze_after_pass == zienswijze_due == zienswijze_events, figures
        assert handhaving_unpublished == 0 and handhaving_messages == handhaving_outbox, figures
        # aanbieder-api's push path: every melding and file accepted in the end, each melding once in its database
        # (a file's rows too, whichever replica's worker applied it), each event once in the stream and applied once
        # by pip-api's progress consumer (its inbox; attendance once per row in its projection).
        c = push_chain
        assert meldingen.given_up == 0 and len(meldingen.accepted) == meldingen_sent > 0, figures
        assert c["meldingen_api_rows"] == len(meldingen.accepted), figures
        assert bestanden.given_up == 0 and len(bestanden.accepted) == bestanden_sent > 0, figures
        assert c["files"] == c["files_processed"] == len(bestanden.accepted) and c["file_rows_rejected"] == 0, figures
        assert c["file_rows_accepted"] == c["meldingen_file_rows"] == FILE_ROWS * len(bestanden.accepted), figures
        assert c["pip_api_attendance_periods"] == c["file_rows_accepted"], figures
        assert c["aanbieder_unpublished"] == 0 and aanbieder_messages == c["aanbieder_outbox_rows"], figures
        assert c["pip_api_aanbieder_inbox"] == c["aanbieder_outbox_rows"], figures
        assert c["pip_api_opdrachten"] == len(opdrachten.accepted), figures
        # The chain: one report (item a) per registration, queued once by the exchange's two replicas, delivered
        # once at DUO while a worker was killed; each of DUO's facts fetched once and applied once in the plicht.
        assert c["keten_reports_a"] == c["keten_reports_a_by_status"].get("ontvangen") == len(registered), figures
        assert c["duo_reports_a"] == len(registered), figures
        assert c["keten_facts_by_status"] == {"verwerkt": facts_sent} and facts_sent > 0, figures
        assert c["plicht_vastgesteld"] == c["persons_with_plicht"] == facts_sent, figures
        # The werkplek: every page answered (by the other replica while one was down), never a 5xx; a part whose
        # API replica was down said "niet beschikbaar".
        assert pages.given_up == 0 and pages.server_errors == 0 and len(pages.answered) == pages_sent > 0, figures
    finally:
        for process in processes:
            process.stop()
        cluster.stop()
