from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import nats
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from inburgering_kit.db import Database
from inburgering_kit.events import owner_of, source_urn
from inburgering_kit.testing.live import live_server
from inburgering_kit.testing.plugin import TokenFactory
from inburgering_kit.testing.service import isolation
from notificaties import scopes
from notificaties.delivery.distributing import DeliveryWorker, Distributor
from notificaties.settings import Settings

_isolated = isolation()


@dataclass
class Ontvangen:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.time() on arrival


@dataclass
class Ontvanger:
    """Webhook receivers on one loopback server. `/{naam}` answers per its behaviour: `ok`, `fout` (500),
    `traag` (sleeps 1.5 s, past the 1 s timeout), `bedachtzaam` (20 ms per request), or `eerst-fout-N` (500 for
    the first N requests, then 204)."""

    url: str
    received: list[Ontvangen] = field(default_factory=list)
    behaviour: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Per receiver the most requests in progress at once, and any event subject seen twice in progress at once.
    max_gelijktijdig: dict[str, int] = field(default_factory=dict)
    samen_over_een_object: list[str] = field(default_factory=list)
    _bezig: dict[str, list[str]] = field(default_factory=dict)

    def hook(self, naam: str, behaviour: str = "ok") -> str:
        self.behaviour[naam] = behaviour
        return f"{self.url}/{naam}"

    def van(self, naam: str) -> list[Ontvangen]:
        with self.lock:
            return [r for r in self.received if r.path == f"/{naam}"]


@pytest.fixture
def ontvanger() -> Iterator[Ontvanger]:
    state = Ontvanger(url="")

    async def endpoint(request: Request) -> Response:
        naam = request.path_params["naam"]
        body = await request.body()
        subject = str(json.loads(body).get("subject")) if body.startswith(b"{") else ""
        with state.lock:
            state.received.append(Ontvangen(request.url.path, dict(request.headers), body, time.time()))
            count = sum(1 for r in state.received if r.path == f"/{naam}")
            bezig = state._bezig.setdefault(naam, [])
            if subject in bezig:
                state.samen_over_een_object.append(subject)
            bezig.append(subject)
            state.max_gelijktijdig[naam] = max(state.max_gelijktijdig.get(naam, 0), len(bezig))
        try:
            return await respond(naam, count)
        finally:
            with state.lock:
                state._bezig[naam].remove(subject)

    async def respond(naam: str, count: int) -> Response:
        behaviour = state.behaviour.get(naam, "ok")
        if behaviour == "fout":
            return Response(status_code=500)
        if behaviour == "traag":
            await asyncio.sleep(1.5)
        if behaviour == "bedachtzaam":
            await asyncio.sleep(0.02)
        if behaviour.startswith("eerst-fout-") and count <= int(behaviour.rsplit("-", 1)[1]):
            return Response(status_code=503)
        return Response(status_code=204)

    with live_server(Starlette(routes=[Route("/{naam}", endpoint, methods=["POST"])])) as url:  # type: ignore[arg-type]
        state.url = url
        yield state


@pytest.fixture
async def stream(settings: Settings) -> AsyncIterator[nats.js.JetStreamContext]:
    """A clean stream (other suites publish to the same one) and no leftover durable consumer."""
    nc = await nats.connect(settings.nats_url)
    js = nc.jetstream()
    with contextlib.suppress(nats.js.errors.NotFoundError):
        await js.delete_consumer(settings.stream_name, settings.consumer_durable)
    try:
        await js.purge_stream(settings.stream_name)
    except nats.js.errors.NotFoundError:
        await js.add_stream(name=settings.stream_name, subjects=["nl.inburgering.>"], duplicate_window=120.0)
    yield js
    await nc.close()


class Publisher:
    def __init__(self, js: nats.js.JetStreamContext) -> None:
        self.js = js

    async def __call__(
        self,
        *,
        gemeente: str | None = "0363",
        type_: str = "nl.inburgering.inburgeraar.inburgeraar-geregistreerd",
        subject: str | None = None,
        time_: datetime | None = None,
        event_id: str | None = None,
        msg_id: str | None = None,
    ) -> dict[str, Any]:
        subject = subject or str(uuid.uuid4())
        event: dict[str, Any] = {
            "specversion": "1.0",
            "id": event_id or str(uuid.uuid4()),
            # The consumer believes an event only from the owner of its type.
            "source": source_urn("00000001002564440000", owner_of(type_) or "onbekend"),
            "type": type_,
            "time": (time_ or datetime.now(UTC)).isoformat().replace("+00:00", "Z"),
            "subject": subject,
            "dataref": f"http://test/api/v1/inburgeraars/{subject}",
            "datacontenttype": "application/json",
            "data": {"inburgeraarId": subject},
        }
        if gemeente is not None:
            event["gemeentecode"] = gemeente
        await self.js.publish(type_, json.dumps(event).encode(), headers={"Nats-Msg-Id": msg_id or event["id"]})
        return event


@pytest.fixture
def publish(stream: nats.js.JetStreamContext) -> Publisher:
    return Publisher(stream)


class Bezorging:
    """The consumer and the worker, started and stopped by the test."""

    def __init__(self, database: Database, settings: Settings) -> None:
        self.database = database
        self.settings = settings
        self._stop: asyncio.Event | None = None
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self, settings: Settings | None = None) -> DeliveryWorker:
        settings = settings or self.settings
        self._stop = asyncio.Event()
        worker = DeliveryWorker(self.database, settings)
        consumer = Distributor(self.database, settings, worker, ack_wait=2.0)
        self._tasks = [asyncio.create_task(consumer.run(self._stop)), asyncio.create_task(worker.run(self._stop))]
        return worker

    async def stop(self) -> None:
        if self._stop is not None:
            self._stop.set()
            await asyncio.wait_for(asyncio.gather(*self._tasks), timeout=10)
            self._stop = None


@pytest.fixture
async def bezorging(
    database: Database, settings: Settings, stream: nats.js.JetStreamContext
) -> AsyncIterator[Bezorging]:
    running = Bezorging(database, settings)
    yield running
    await running.stop()


class Abonnee:
    """A subscriber system of one gemeente, through the API."""

    def __init__(self, client: httpx.AsyncClient, tokens: TokenFactory, gemeente: str) -> None:
        self.client = client
        self.headers = tokens.headers(*scopes.ROLLEN["abonnee"], gemeente=gemeente, client_id=f"systeem-{gemeente}")

    async def abonneer(self, callback_url: str, **fields: Any) -> dict[str, Any]:
        response = await self.client.post(
            "/api/v1/abonnementen", json={"callbackUrl": callback_url, **fields}, headers=self.headers
        )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    async def get(self, path: str, **params: Any) -> httpx.Response:
        return await self.client.get(f"/api/v1/abonnementen{path}", headers=self.headers, params=params)

    async def post(self, path: str, body: Any = None) -> httpx.Response:
        return await self.client.post(f"/api/v1/abonnementen{path}", headers=self.headers, json=body)


@pytest.fixture
def abonnee(client: httpx.AsyncClient, tokens: TokenFactory) -> Abonnee:
    return Abonnee(client, tokens, "0363")


@pytest.fixture
def andere_gemeente(client: httpx.AsyncClient, tokens: TokenFactory) -> Abonnee:
    return Abonnee(client, tokens, "0599")
