"""Distributing: the event consumer queues an `aflevering` per matching subscription; the worker leases
subscriptions and runs their lanes, handing each attempt to `sending`.

The database rows are the durable record; the path of a fresh event does not wait for a poll. The consumer's
transaction that queues a batch also decides which deliveries this process delivers at once: those of a
subscription nobody works on with an empty queue (it takes the lease) or of one whose lease this worker holds
with the whole queue in hand. Right after that commit they go to the subscription's *lane*: one task per
subscription, attempting its deliveries one after the other (order per subscription), so a slow or dead
receiver holds up only its own lane. Results are written by one settling task, many per transaction, which
also renews the leases. Everything else — retries after their backoff, deliveries queued while a lane was
busy or failing, queues of a worker that died — comes from the queue in the database: a lane reads the next
run itself, and a claim finds due subscriptions nobody holds (woken by NOTIFY, polling as the fallback).

Every loop here outlives a database or NATS restart: a failed read, claim or settle is logged as one line and
tried again after a pause, never ends the loop (the kit's consumer reconnects to NATS by itself).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections import Counter, deque
from typing import Any

import aiohttp
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from inburgering_kit.batch_consumer import BatchEventConsumer
from inburgering_kit.db import Database
from inburgering_kit.events import CloudEvent
from inburgering_kit.health import LoopHealth, registered
from inburgering_kit.outbox import listen
from notificaties.crypto import SecretBox
from notificaties.delivery.retention import Retention
from notificaties.delivery.sending import SendCache, Sender
from notificaties.domain.aflevering import WACHTEND
from notificaties.repository import queue
from notificaties.repository.queue import Destination, Job, Offer, Outcome, Queued
from notificaties.settings import Settings

logger = logging.getLogger(__name__)

SETTLE_WINDOW_SECONDS = 0.02
CONSUMER_GATHER_SECONDS = 0.01


class Outage:
    """A database or NATS that stopped answering: one log line when it starts and one when it ends, not one per
    try, and pauses that grow to `maximum` between tries. The loop that owns it never ends because of it."""

    def __init__(self, what: str, *, first: float, maximum: float = 5.0) -> None:
        self.what = what
        self.first = first
        self.maximum = maximum
        self.pause = first
        self.since: float | None = None

    def failed(self, exc: BaseException) -> float:
        """The pause before the next try."""
        if self.since is None:
            self.since = time.monotonic()
            # The first line only: a driver error goes on with the statement and its parameters.
            reason = (str(exc).splitlines() or [""])[0][:200]
            logger.warning("%s failed (%s: %s); retrying until it works", self.what, type(exc).__name__, reason)
            self.pause = self.first
        else:
            self.pause = min(self.pause * 2, self.maximum)
        return self.pause

    def ok(self) -> None:
        if self.since is not None:
            logger.info("%s works again after %.1fs", self.what, time.monotonic() - self.since)
            self.since = None


class Stats:
    """Process-local counters for /metrics (a Prometheus counter may reset when the process restarts)."""

    def __init__(self) -> None:
        self.counters: Counter[str] = Counter()


class Lane:
    """The deliveries of one subscription this worker holds the lease of, in `volgnummer` order."""

    def __init__(self, destination: Destination, *, holds_queue: bool) -> None:
        self.destination = destination
        self.items: deque[Job] = deque()
        self.last = 0  # the highest volgnummer taken into the lane
        # Whether every waiting delivery of the subscription is in `items` (or was): else read the queue.
        self.holds_queue = holds_queue
        self.open = True
        self.wake = asyncio.Event()
        self.task: asyncio.Task[None] | None = None
        self.cache = SendCache()
        self.in_flight: dict[asyncio.Task[Outcome], Job] = {}
        self.busy: set[str | None] = set()  # subjects with an attempt in flight
        self.blocked: set[str] = set()  # subjects with a delivery waiting for its retry: later ones wait too
        self.retry_at: float | None = None  # (monotonic) when the earliest known retry falls due

    @property
    def id(self) -> uuid.UUID:
        return self.destination.abonnement_id

    def wait_for_retry(self, subject: str | None, delay: float) -> None:
        if subject is not None:
            self.blocked.add(subject)
        due = time.monotonic() + delay
        self.retry_at = due if self.retry_at is None else min(self.retry_at, due)

    def add(self, jobs: list[Job]) -> None:
        for job in jobs:
            if job.volgnummer > self.last:
                self.items.append(job)
                self.last = job.volgnummer
        self.wake.set()


class DeliveryWorker:
    def __init__(self, database: Database, settings: Settings, stats: Stats | None = None) -> None:
        self.database = database
        self.settings = settings
        self.sender = Sender(settings, SecretBox(settings.encryption_key.get_secret_value()))
        self.stats = stats or Stats()
        # Identifies this worker's leases; a restarted process is a new worker.
        self.owner = uuid.uuid4()
        self.lanes: dict[uuid.UUID, Lane] = {}
        # Deliveries a lane may hold in memory before new ones wait in the queue: enough for bursts of events
        # at hundreds per second, bounded for a receiver that stopped answering.
        self.lane_capacity = 20 * settings.batch_size
        self._results: list[Outcome] = []
        self._releases: list[uuid.UUID] = []
        self._settle_wake = asyncio.Event()
        self._claim_wake = asyncio.Event()
        self._stopping = False
        self._reading = Outage("delivery worker: reading a queue", first=settings.poll_interval_seconds)
        self._settling = Outage("delivery worker: storing results", first=0.5)

    # ---- what the consumer asks and hands over ----

    def offer(self) -> tuple[Offer, dict[uuid.UUID, Lane]]:
        """The current offer, and the lanes it was made for (a lane replaced meanwhile takes nothing)."""
        if self._stopping:
            return Offer(self.owner, frozenset(), 0), {}
        room = {i: lane for i, lane in self.lanes.items() if lane.open and len(lane.items) < self.lane_capacity}
        return Offer(self.owner, frozenset(room), max(0, self.settings.max_concurrency - len(self.lanes))), room

    def accept(self, queued: Queued, offered: dict[uuid.UUID, Lane]) -> None:
        """After the consumer's commit: the deliveries leased to this worker go out now."""
        for assignment in queued.assignments:
            abonnement_id = assignment.destination.abonnement_id
            if assignment.new:
                if self._stopping:
                    self._release(abonnement_id)
                elif abonnement_id in self.lanes:
                    # Not expected (a lane holds the lease, so the consumer saw it taken); its queue read covers it.
                    self._read_queue(abonnement_id)
                else:
                    self._open(assignment.destination, holds_queue=True).add(assignment.jobs)
                continue
            lane = offered.get(abonnement_id)
            if lane is not None and lane.open and self.lanes.get(abonnement_id) is lane:
                lane.add(assignment.jobs)
            # Otherwise the lane closed since the offer; its release (committed after this batch, behind the
            # subscription's lock) leaves these deliveries due in the queue.
        for abonnement_id in queued.own_backlog:
            self._read_queue(abonnement_id)

    def _read_queue(self, abonnement_id: uuid.UUID) -> None:
        lane = self.lanes.get(abonnement_id)
        if lane is not None:
            lane.holds_queue = False
            lane.wake.set()
        else:
            self._claim_wake.set()

    def _on_notify(self, payload: str) -> None:
        if not payload:
            # After a reconnect or for many subscriptions at once: look everywhere.
            for lane in self.lanes.values():
                lane.holds_queue = False
                lane.wake.set()
            self._claim_wake.set()
            return
        for part in payload.split(","):
            with contextlib.suppress(ValueError):
                self._read_queue(uuid.UUID(part))

    # ---- lanes ----

    def _open(self, destination: Destination, *, holds_queue: bool) -> Lane:
        lane = Lane(destination, holds_queue=holds_queue)
        self.lanes[lane.id] = lane
        lane.task = asyncio.create_task(self._run_lane(lane), name=f"abonnement-{lane.id}")
        return lane

    def _close(self, lane: Lane, *, release: bool) -> None:
        lane.open = False
        if self.lanes.get(lane.id) is lane:
            del self.lanes[lane.id]
        if release:
            self._release(lane.id)
        self._claim_wake.set()

    def _release(self, abonnement_id: uuid.UUID) -> None:
        # After the lane's results: the settler writes them in order, in the same or an earlier transaction.
        self._releases.append(abonnement_id)
        self._settle_wake.set()

    async def _run_lane(self, lane: Lane) -> None:
        """Up to `max_in_flight_per_subscription` attempts at once, taken in queue order, never two about one
        subject: events about one object arrive in order, a receiver far away is not held to one round trip per
        event. A failed delivery waits for its retry in the database, and so do the later deliveries about its
        subject (they are left out of the lane); the rest of the queue goes on. Once a retry is due, or nothing
        else is left to deliver, the lane lets go and the retry is claimed when due, like any other work."""
        try:
            while lane.open:
                # Cleared before looking, so an attempt ending or items arriving from here on wake the wait below.
                lane.wake.clear()
                self._harvest(lane)
                retry_due = lane.retry_at is not None and time.monotonic() >= lane.retry_at
                if retry_due:
                    if not lane.in_flight:
                        self._close(lane, release=True)
                        return
                else:
                    self._start_attempts(lane)
                if lane.in_flight:
                    await lane.wake.wait()
                elif not lane.items and not await self._more_work(lane):
                    return
        finally:
            # Cancelled (shutdown, lease lost): attempts cut off are made again by the next holder.
            for task in lane.in_flight:
                task.cancel()

    def _harvest(self, lane: Lane) -> None:
        for task in [t for t in lane.in_flight if t.done()]:
            job = lane.in_flight.pop(task)
            lane.busy.discard(job.subject)
            outcome = task.result()
            self._results.append(outcome)
            self._settle_wake.set()
            self.stats.counters[{"wachtend": "mislukt"}.get(outcome.status, outcome.status)] += 1
            if outcome.status == WACHTEND:
                lane.wait_for_retry(job.subject, outcome.delay)

    def _start_attempts(self, lane: Lane) -> None:
        while lane.items and len(lane.in_flight) < self.settings.max_in_flight_per_subscription:
            head = lane.items[0]
            if head.subject is not None and head.subject in lane.blocked:
                # Behind its subject's retry: it stays waiting in the queue, and is read again with that retry.
                lane.items.popleft()
                continue
            if head.subject in lane.busy:
                break
            job = lane.items.popleft()
            # Events without a subject have no order to keep among themselves.
            if job.subject is not None:
                lane.busy.add(job.subject)
            task = asyncio.create_task(self.sender.attempt(lane.cache, lane.destination, job))
            task.add_done_callback(lambda _: lane.wake.set())
            lane.in_flight[task] = job

    async def _more_work(self, lane: Lane) -> bool:
        """Nothing in hand: read the queue, or wait for new deliveries; False when the lane ended."""
        if lane.retry_at is not None:
            # Only retries are left (or deliveries behind them): let go, the claim brings them back when due.
            self._close(lane, release=True)
            return False
        if not lane.holds_queue:
            try:
                found = await self._next_run(lane)
            except Exception as exc:
                await asyncio.sleep(self._reading.failed(exc))
                return True
            self._reading.ok()
            if not found:
                # Paused, deleted or taken over; the release only lets go of a lease still ours.
                self._close(lane, release=True)
                return False
            return True
        try:
            await asyncio.wait_for(lane.wake.wait(), timeout=self.settings.idle_seconds)
        except TimeoutError:
            if not lane.items and lane.holds_queue:
                self._close(lane, release=True)
                return False
        return True

    async def _next_run(self, lane: Lane) -> bool:
        async with self.database.unit_of_work() as uow:
            run = await queue.next_run(
                uow.session,
                owner=self.owner,
                abonnement_id=lane.id,
                after=lane.last,
                batch=self.settings.batch_size,
            )
            await uow.commit()
        if run is None:
            return False
        lane.add(run.jobs)
        lane.holds_queue = run.holds
        if run.next_retry is not None:
            lane.wait_for_retry(None, run.next_retry)
        return True

    # ---- the claim and the settler ----

    async def _claim_loop(self, stop: asyncio.Event) -> None:
        """Counts for the process's liveness (`/health/live`, the worker's health endpoint): a claim that hangs,
        or one that fails for longer than the kit allows, gets the process restarted."""
        health = LoopHealth("delivery worker: claim", first_delay=self.settings.poll_interval_seconds)
        with registered(health):
            while not stop.is_set():
                self._claim_wake.clear()
                free = self.settings.max_concurrency - len(self.lanes)
                sleep = self.settings.poll_interval_seconds
                if free > 0:
                    try:
                        async with self.database.unit_of_work() as uow:
                            claimed, next_due = await queue.claim(
                                uow.session, owner=self.owner, limit=free, lease=self.settings.lease_seconds
                            )
                            await uow.commit()
                        health.succeeded()
                        for destination in claimed:
                            if destination.abonnement_id not in self.lanes:
                                self._open(destination, holds_queue=False)
                        if next_due is not None:
                            # A retry is made when its backoff ends, not up to a poll interval later.
                            sleep = min(sleep, max(next_due, 0.001))
                    except Exception as exc:
                        sleep = health.failed(exc)
                else:
                    # Every lane taken: nothing to claim, but the loop still turns.
                    health.beat()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(_first(stop, self._claim_wake), timeout=sleep)

    async def _listen_loop(self, stop: asyncio.Event) -> None:
        """NOTIFY wakes the worker; the polling claim covers what is missed. Whatever ends the listener (it
        reconnects by itself after the errors it knows), it is started again, so wake-ups don't stop for good."""
        listening = Outage("delivery worker: listening for queued deliveries", first=1.0)
        while not stop.is_set():
            try:
                await listen(self.database.url, queue.NOTIFY_CHANNEL, self._on_notify, stop)
            except Exception as exc:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=listening.failed(exc))

    async def _settle_loop(self, stop: asyncio.Event) -> None:
        renew_every = self.settings.lease_seconds / 3
        renewed_at = time.monotonic()
        while True:
            if stop.is_set() and not self._results and not self._releases:
                return
            timeout = max(0.0, renewed_at + renew_every - time.monotonic())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._settle_wake.wait(), timeout=timeout)
            if not stop.is_set():
                # The receivers have their deliveries already; waiting a little writes many results per
                # transaction (at 3,000 deliveries/s, a transaction per few results cost more than the POSTs).
                await asyncio.sleep(SETTLE_WINDOW_SECONDS)
            self._settle_wake.clear()
            results, self._results = self._results, []
            releases, self._releases = self._releases, []
            renew_due = time.monotonic() >= renewed_at + renew_every
            lanes = dict(self.lanes) if renew_due else {}
            try:
                async with self.database.unit_of_work() as uow:
                    renewed, lost = await queue.settle(
                        uow.session,
                        owner=self.owner,
                        outcomes=results,
                        release=releases,
                        renew=list(lanes),
                        lease=self.settings.lease_seconds,
                    )
                    await uow.commit()
            except Exception as exc:
                self._results[:0], self._releases[:0] = results, releases
                if stop.is_set():
                    return
                await asyncio.sleep(self._settling.failed(exc))
                self._settle_wake.set()
                continue
            self._settling.ok()
            if releases:
                self._claim_wake.set()
            for abonnement_id in lost:
                # Deleted (or taken over): no further attempts for it from this worker.
                if (lane := self.lanes.get(abonnement_id)) is not None:
                    self._drop(lane)
            if renew_due:
                renewed_at = time.monotonic()
                self._apply_renewal(lanes, renewed)

    def _drop(self, lane: Lane) -> None:
        lane.open = False
        if lane.task is not None:
            lane.task.cancel()
        if self.lanes.get(lane.id) is lane:
            del self.lanes[lane.id]

    def _apply_renewal(self, lanes: dict[uuid.UUID, Lane], renewed: list[queue.Renewal]) -> None:
        still = {v.destination.abonnement_id: v for v in renewed}
        for abonnement_id, lane in lanes.items():
            renewal = still.get(abonnement_id)
            if renewal is None:
                # Deleted, or taken over after our lease ran out: its deliveries are not ours to make.
                self._drop(lane)
            elif not renewal.actief:
                self._close(lane, release=True)
                lane.wake.set()
            else:
                lane.destination = renewal.destination
                if not renewal.holds_queue and lane.holds_queue:
                    lane.holds_queue = False
                    lane.wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        # aiohttp rather than httpx on this path: a delivery is one small POST, and httpx's per-request overhead
        # (about 1 ms of CPU here) capped a process at ~650 deliveries/s. No environment proxies or .netrc
        # (trust_env off); TCP_NODELAY is aiohttp's default; redirects are refused per request.
        connector = aiohttp.TCPConnector(limit=self.settings.max_concurrency, limit_per_host=0, ttl_dns_cache=10)
        timeout = aiohttp.ClientTimeout(total=self.settings.delivery_timeout_seconds)
        settled = asyncio.Event()
        async with aiohttp.ClientSession(connector=connector, timeout=timeout, trust_env=False) as http:
            self.sender.http = http
            settler = asyncio.create_task(self._settle_loop(settled))
            helpers = [
                asyncio.create_task(self._claim_loop(stop)),
                asyncio.create_task(self._listen_loop(stop)),
            ]
            if self.settings.retention_hours > 0:
                helpers.append(asyncio.create_task(Retention(self.database, self.settings).run(stop)))
            try:
                await stop.wait()
            finally:
                self._stopping = True
                for task in helpers:
                    task.cancel()
                lanes = list(self.lanes.values())
                for lane in lanes:
                    lane.open = False
                    if lane.task is not None:
                        lane.task.cancel()
                await asyncio.gather(*helpers, *(la.task for la in lanes if la.task), return_exceptions=True)
                # Handed back at once instead of waiting for the leases: another replica (or our successor)
                # takes over. An attempt cut off here is made again (at least once).
                for lane in lanes:
                    self._close(lane, release=True)
                settled.set()
                self._settle_wake.set()
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(settler, timeout=5)


class Distributor(BatchEventConsumer):
    """The durable consumer over all events: queues deliveries in the batch's transaction and, once it
    committed, hands the ones leased to this process's worker over."""

    def __init__(self, database: Database, settings: Settings, worker: DeliveryWorker | None, **kwargs: Any) -> None:
        super().__init__(
            database,
            settings.nats_url,
            durable=settings.consumer_durable,
            filter_subject="nl.inburgering.>",
            handler=self._queue_one,
            stream=settings.stream_name,
            # At 300 events/s a transaction per one or two events cost more CPU than the deliveries themselves.
            gather_s=CONSUMER_GATHER_SECONDS,
            **kwargs,
        )
        self.worker = worker
        self.lease = settings.lease_seconds
        self._handover: tuple[Queued, dict[uuid.UUID, Lane]] | None = None

    async def handle_batch(self, session: AsyncSession, events: list[CloudEvent]) -> None:
        self._handover = None
        if self.worker is None:
            await queue.queue_events(session, events, None, lease=self.lease)
            return
        offer, offered = self.worker.offer()
        queued = await queue.queue_events(session, events, offer, lease=self.lease)
        self._handover = (queued, offered)

    def committed(self) -> None:
        if self._handover is not None and self.worker is not None:
            self.worker.accept(*self._handover)
        self._handover = None

    async def _queue_one(self, session: AsyncSession, event: CloudEvent) -> None:
        # The per-message fallback after a failed batch: queued only, the claim delivers it.
        if event.gemeentecode is None:
            logger.info("event %s (%s) has no gemeentecode; delivered to no one", event.id, event.type)
        await queue.queue_events(session, [event], None, lease=self.lease)


async def _first(*events: asyncio.Event) -> None:
    waiters = [asyncio.create_task(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waiters:
            w.cancel()


async def deliver(database: Database, settings: Settings, stats: Stats, stop: asyncio.Event) -> None:
    """The consumer and the worker, both safe to run in several replicas (one durable consumer shared by all;
    subscriptions leased with FOR UPDATE SKIP LOCKED)."""
    worker = DeliveryWorker(database, settings, stats)
    consumer = Distributor(database, settings, worker)
    await asyncio.gather(consumer.run(stop), worker.run(stop))


async def run_delivery(app: FastAPI, stop: asyncio.Event) -> None:
    """Background task of the API process (unless `run_delivery` is off and `python -m notificaties bezorging`
    runs it as its own process)."""
    settings: Settings = app.state.settings
    if settings.run_delivery:
        await deliver(app.state.database, settings, app.state.delivery_stats, stop)
