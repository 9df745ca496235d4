"""Delivery: the event consumer queues an `aflevering` per matching subscription; the worker POSTs them.

At least once: a delivery is marked delivered only after a 2xx, so a crash between the receiver's answer
and our update delivers it again; receivers de-duplicate on `webhook-id` (the event id).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import random
import time
import uuid
from collections import Counter
from typing import Any

import aiohttp
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from inburgering_kit.batch_consumer import BatchEventConsumer
from inburgering_kit.db import Database
from inburgering_kit.events import CloudEvent
from notificaties import repository, signing, ssrf, vng
from notificaties.crypto import Kluis
from notificaties.repository import Uitkomst
from notificaties.settings import Settings

logger = logging.getLogger(__name__)

FORMAAT_CLOUDEVENTS = "cloudevents"
FORMAAT_VNG = "vng-notificaties"


async def queue(session: AsyncSession, event: CloudEvent) -> None:
    """Consumer handler; runs in the consumer's unit of work, with the inbox row (exactly once per event)."""
    if event.gemeentecode is None:
        # No tenant, no subscriber may see it: subscriptions are per gemeente.
        logger.info("event %s (%s) has no gemeentecode; delivered to no one", event.id, event.type)
        return
    await repository.queue_event(session, event, event.model_dump_json(exclude_none=True))


def backoff(attempt: int, settings: Settings) -> float:
    """Exponential with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"): retries of many
    deliveries that failed together spread out instead of hitting a recovering receiver at once."""
    ceiling = min(settings.backoff_max_seconds, settings.backoff_base_seconds * 2 ** (attempt - 1))
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not cryptography


def body_of(event: dict[str, Any], formaat: str) -> tuple[bytes, str]:
    if formaat == FORMAAT_VNG:
        return json.dumps(vng.notificatie(event), separators=(",", ":")).encode(), "application/json"
    # CloudEvents HTTP protocol binding, structured content mode.
    return json.dumps(event, separators=(",", ":")).encode(), "application/cloudevents+json"


class Stats:
    """Process-local counters for /metrics (a Prometheus counter may reset when the process restarts)."""

    def __init__(self) -> None:
        self.counters: Counter[str] = Counter()


class DeliveryWorker:
    """Claims runs of deliveries (one run per subscription at a time) and POSTs each run in order.

    A run is settled in one transaction when it ends: on the first failure (the rest of the run waits behind
    it, keeping order) or after `delivery_timeout_seconds` of work, so one slow receiver holds its own run
    only. The lease covers the longest run; after a crash the run is retried once it ends.
    """

    def __init__(self, database: Database, settings: Settings, stats: Stats | None = None) -> None:
        self.database = database
        self.settings = settings
        self.kluis = Kluis(settings.encryption_key.get_secret_value())
        self.stats = stats or Stats()
        # A run starts attempts for at most one timeout and each attempt is cut off at one timeout: the lease
        # outlives both with room to write the results.
        self.lease = 2 * settings.delivery_timeout_seconds + 5.0
        self._wakeup = asyncio.Event()
        self._in_flight: dict[uuid.UUID, asyncio.Task[None]] = {}
        self._claimed: dict[uuid.UUID, list[uuid.UUID]] = {}

    async def run(self, stop: asyncio.Event) -> None:
        # aiohttp rather than httpx on this path: a delivery is one small POST, and httpx's per-request overhead
        # (about 1 ms of CPU here) capped a process at ~650 deliveries/s. No environment proxies or .netrc
        # (trust_env off); TCP_NODELAY is aiohttp's default; redirects are refused per request.
        connector = aiohttp.TCPConnector(limit=self.settings.max_concurrency, limit_per_host=0, ttl_dns_cache=10)
        timeout = aiohttp.ClientTimeout(total=self.settings.delivery_timeout_seconds)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout, trust_env=False) as http:
            try:
                while not stop.is_set():
                    try:
                        await self._claim_and_start(http)
                    except Exception as exc:
                        logger.warning("delivery worker: %s; retrying", type(exc).__name__)
                    self._wakeup.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(_first(stop, self._wakeup), timeout=self.settings.poll_interval_seconds)
            finally:
                await self._stop_in_flight()

    async def _claim_and_start(self, http: aiohttp.ClientSession) -> None:
        free = self.settings.max_concurrency - len(self._in_flight)
        if free <= 0:
            return
        async with self.database.unit_of_work() as uow:
            rows = await repository.claim(uow.session, limit=free, batch=self.settings.batch_size, lease=self.lease)
            await uow.commit()
        runs: dict[uuid.UUID, list[Any]] = {}
        for row in rows:
            runs.setdefault(row.abonnement_id, []).append(row)
        for abonnement_id, run in runs.items():
            self._claimed[abonnement_id] = [r.id for r in run]
            task = asyncio.create_task(self._deliver_run(http, run), name=f"abonnement-{abonnement_id}")
            self._in_flight[abonnement_id] = task
            task.add_done_callback(functools.partial(self._done, abonnement_id))

    def _done(self, abonnement_id: uuid.UUID, _task: asyncio.Task[None]) -> None:
        self._in_flight.pop(abonnement_id, None)
        self._claimed.pop(abonnement_id, None)
        # The subscription's next run may go now, and a slot is free.
        self._wakeup.set()

    async def _stop_in_flight(self) -> None:
        tasks = list(self._in_flight.values())
        unsettled = [i for ids in self._claimed.values() for i in ids]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if unsettled:
            # Handed back at once instead of waiting for the lease: another replica (or our successor) takes them.
            with contextlib.suppress(Exception):
                async with self.database.unit_of_work() as uow:
                    await repository.release(uow.session, unsettled)
                    await uow.commit()

    async def _deliver_run(self, http: aiohttp.ClientSession, run: list[Any]) -> None:
        uitkomsten: list[Uitkomst] = []
        stuck: set[uuid.UUID] = set()
        started = time.monotonic()
        # Once per run (all rows share the subscription): the address check resolves DNS, and a run lasts at
        # most one timeout, so the answer is as fresh as a per-attempt check would be.
        geweigerd: str | None = None
        try:
            # Bounded like an attempt: the resolver has no timeout of its own, and the lease assumes one.
            async with asyncio.timeout(self.settings.delivery_timeout_seconds):
                await ssrf.check_url(
                    run[0].callback_url,
                    allow_http=self.settings.allow_http,
                    allow_private=self.settings.allow_private_addresses,
                )
        except ssrf.GeweigerdAdres as exc:
            geweigerd = str(exc)
        except TimeoutError:
            geweigerd = "de host van de callbackUrl is niet op tijd gevonden"
        geheimen: dict[str, str] = {}
        for row in run:
            if uitkomsten and time.monotonic() - started >= self.settings.delivery_timeout_seconds:
                break
            try:
                uitkomst = await self._attempt(http, row, geweigerd, geheimen)
            except Exception:
                # Left claimed (not released): its lease runs out and it is tried again, so a delivery that
                # cannot even be attempted still ends in dead-letter instead of spinning.
                logger.exception("delivery %s could not be attempted", row.id)
                stuck.add(row.id)
                break
            uitkomsten.append(uitkomst)
            if uitkomst.fout is not None:
                break
        attempted = {u.aflevering_id for u in uitkomsten} | stuck
        unattempted = [r.id for r in run if r.id not in attempted]
        try:
            async with self.database.unit_of_work() as uow:
                await repository.settle(uow.session, uitkomsten)
                if unattempted:
                    await repository.release(uow.session, unattempted)
                await uow.commit()
        except Exception:
            # Nothing recorded: the leases run out and the run is delivered again (at least once).
            logger.exception("results of a delivery run of subscription %s not stored", run[0].abonnement_id)
            return
        finally:
            self._claimed.pop(run[0].abonnement_id, None)
        for u in uitkomsten:
            self.stats.counters[{"wachtend": "mislukt"}.get(u.status, u.status)] += 1

    def _ontsleutel(self, token: str, cache: dict[str, str]) -> str:
        if token not in cache:
            cache[token] = self.kluis.ontsleutel(token)
        return cache[token]

    async def _attempt(
        self, http: aiohttp.ClientSession, row: Any, geweigerd: str | None, geheimen: dict[str, str]
    ) -> Uitkomst:
        body, content_type = body_of(row.event, row.formaat)
        event_id = str(row.event["id"])
        secret = self._ontsleutel(row.geheim_versleuteld, geheimen)
        headers = {
            "content-type": content_type,
            "user-agent": "inburgering-notificaties/1.0",
            **signing.headers(secret, event_id, int(time.time()), body),
        }
        if row.autorisatie_versleuteld:
            headers["authorization"] = self._ontsleutel(row.autorisatie_versleuteld, geheimen)
        statuscode: int | None = None
        fout: str | None = None
        started = time.monotonic()
        try:
            if geweigerd is not None:
                raise ssrf.GeweigerdAdres(geweigerd)
            # Bounds the whole attempt, including reading the answer, which the lease relies on.
            async with asyncio.timeout(self.settings.delivery_timeout_seconds):
                # No redirects: a 3xx could point past the address check.
                async with http.post(row.callback_url, data=body, headers=headers, allow_redirects=False) as response:
                    statuscode = response.status
                    await response.read()
            if not 200 <= statuscode < 300:
                fout = f"HTTP {statuscode}"
        except ssrf.GeweigerdAdres as exc:
            fout = str(exc)
        except TimeoutError:
            fout = "time-out"
        except aiohttp.ClientError as exc:
            fout = f"verbindingsfout: {type(exc).__name__}"
        duur_ms = int((time.monotonic() - started) * 1000)
        if fout is None:
            status, delay = repository.AFGELEVERD, 0.0
        elif row.pogingen >= self.settings.max_attempts:
            status, delay = repository.DEAD_LETTER, 0.0
        else:
            status, delay = repository.WACHTEND, backoff(row.pogingen, self.settings)
        return Uitkomst(row.id, row.pogingen, status, delay, statuscode, duur_ms, fout)


async def _first(*events: asyncio.Event) -> None:
    waiters = [asyncio.create_task(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waiters:
            w.cancel()


async def run_delivery(app: FastAPI, stop: asyncio.Event) -> None:
    """Background task of the API process: the consumer and the worker, both safe to run in several replicas
    (one durable consumer shared by all; claims with FOR UPDATE SKIP LOCKED)."""
    settings: Settings = app.state.settings
    if not settings.run_delivery:
        return
    database: Database = app.state.database
    worker = DeliveryWorker(database, settings, app.state.delivery_stats)

    consumer = BatchEventConsumer(
        database,
        settings.nats_url,
        durable=settings.consumer_durable,
        filter_subject="nl.inburgering.>",
        handler=queue,
        stream=settings.stream_name,
    )
    await asyncio.gather(consumer.run(stop), worker.run(stop))
