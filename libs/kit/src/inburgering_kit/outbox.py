"""Transactional outbox: an event row is written in the same transaction as the change it reports,
and a relay publishes it to JetStream afterwards.

The relay claims rows with `FOR UPDATE SKIP LOCKED`, so several relays can run side by side; it
publishes with `Nats-Msg-Id` = event id, so a row published twice (a relay killed between publish and
marking) is dropped by JetStream's de-duplication window, and consumers de-duplicate on the id anyway.
A `NOTIFY` from an insert trigger wakes the relay at once; polling is only the fallback.

A published row is kept for the retention period (`outbox_retention_hours`), then the relay deletes it: the
event is in JetStream by then, and the row only served to look back. The same clean-up round deletes the stored
Idempotency-Key answers past their own retention (`idempotency_retention_hours`, see `idempotency`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import asyncpg
import nats
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from nats.js.api import StreamConfig
from sqlalchemy import BigInteger, DateTime, Identity, Index, String, func, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from inburgering_kit.db import Database, KitBase, plain_url
from inburgering_kit.events import CloudEvent, EventData, make_event, nats_subject
from inburgering_kit.health import LoopHealth, registered
from inburgering_kit.idempotency import delete_expired_keys

if TYPE_CHECKING:
    from inburgering_kit.settings import ServiceSettings

logger = logging.getLogger(__name__)

NOTIFY_CHANNEL = "outbox"


class OutboxMessage(KitBase):
    __tablename__ = "outbox"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, Identity(always=True), unique=True)
    subject: Mapped[str] = mapped_column(String(255))
    event: Mapped[dict[str, object]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_outbox_pending", "seq", postgresql_where=text("published_at IS NULL")),)


# Executed by each service's first migration, after the table exists.
NOTIFY_TRIGGER_SQL = [
    f"""
    CREATE OR REPLACE FUNCTION outbox_notify() RETURNS trigger AS $$
    BEGIN
        PERFORM pg_notify('{NOTIFY_CHANNEL}', '');
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()
    """,
]
DROP_NOTIFY_TRIGGER_SQL = [
    "DROP TRIGGER IF EXISTS outbox_notify ON outbox",
    "DROP FUNCTION IF EXISTS outbox_notify()",
]


# One prepared statement on the hot path of every write: building an ORM insert per call costs more CPU
# than the round trip itself.
_INSERT_OUTBOX = text(
    "INSERT INTO outbox (id, subject, event) VALUES (CAST(:id AS uuid), :subject, CAST(:event AS jsonb))"
)


class EventPublisher:
    """What a service layer uses to raise an event: it lands in the outbox of the current transaction."""

    def __init__(self, *, source: str, public_base_url: str) -> None:
        self.source = source
        self.public_base_url = public_base_url.rstrip("/")

    def build(
        self, data: EventData, *, subject: uuid.UUID, resource_path: str | None, gemeentecode: str | None
    ) -> CloudEvent:
        return make_event(
            data,
            source=self.source,
            subject=subject,
            dataref=f"{self.public_base_url}{resource_path}" if resource_path else None,
            gemeentecode=gemeentecode,
        )

    async def publish(
        self,
        session: AsyncSession,
        data: EventData,
        *,
        subject: uuid.UUID,
        resource_path: str | None,
        gemeentecode: str | None,
    ) -> CloudEvent:
        """Write the event to the outbox of `session`'s transaction now (jobs and consumers; requests buffer
        theirs in the `RequestContext`)."""
        event = self.build(data, subject=subject, resource_path=resource_path, gemeentecode=gemeentecode)
        await session.execute(_INSERT_OUTBOX, outbox_row(event))
        return event


def outbox_row(event: CloudEvent) -> dict[str, str]:
    return {"id": event.id, "subject": nats_subject(event.type), "event": event.model_dump_json()}


_INSERT_OUTBOX_BULK = text(
    "INSERT INTO outbox (id, subject, event) SELECT id, subject, CAST(event AS jsonb) "
    "FROM unnest(CAST(:ids AS uuid[]), CAST(:subjects AS text[]), CAST(:events AS text[])) AS o(id, subject, event)"
)


async def add_events(session: AsyncSession, events: Sequence[CloudEvent]) -> None:
    """Write `events` to the outbox of `session`'s transaction in one statement, however many (a job's batch); the
    outbox trigger then wakes the relay once."""
    if not events:
        return
    rows = [outbox_row(event) for event in events]
    await session.execute(
        _INSERT_OUTBOX_BULK,
        {
            "ids": [r["id"] for r in rows],
            "subjects": [r["subject"] for r in rows],
            "events": [r["event"] for r in rows],
        },
    )


class _NatsConnection:
    """One client's connection, for its log lines: an outage is logged when it starts and when it ends, not once
    per reconnect attempt (every half second while NATS is down)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.client = NatsClient()
        self.connected = False
        self.down_since: float | None = None

    def lost(self, reason: str) -> None:
        self.connected = False
        if self.down_since is None:
            self.down_since = time.monotonic()
            logger.warning("NATS (%s): %s; reconnecting until it works", self.name, reason)

    def back(self) -> None:
        self.connected = True
        if self.down_since is not None:
            logger.warning("NATS (%s): connected again after %.1fs", self.name, time.monotonic() - self.down_since)
            self.down_since = None

    async def on_disconnected(self) -> None:
        # Also called by a deliberate close (shutdown), which is no outage.
        if not self.client.is_closed:
            self.lost("connection lost")

    async def on_reconnected(self) -> None:
        self.back()

    async def on_error(self, exc: Exception) -> None:
        if self.down_since is not None:
            # One more failed attempt of an outage already logged.
            logger.debug("NATS (%s): %s", self.name, type(exc).__name__)
        elif not self.connected or isinstance(exc, OSError | TimeoutError | nats.errors.UnexpectedEOF):
            self.lost(f"unreachable ({type(exc).__name__})")
        else:
            # Not about the connection (a permission violation, a slow consumer): each one is news.
            logger.warning("NATS (%s): %s", self.name, type(exc).__name__)


async def connect_nats(url: str, *, name: str) -> NatsClient:
    """A client that keeps reconnecting for ever: the relay and consumers outlive NATS restarts."""
    connection = _NatsConnection(name)
    await connection.client.connect(
        servers=[u.strip() for u in url.split(",")],
        name=name,
        max_reconnect_attempts=-1,
        # Annotated int in nats-py, used as seconds in sleeps; half a second brings the relay back sooner.
        reconnect_time_wait=0.5,  # type: ignore[arg-type]
        connect_timeout=2,
        allow_reconnect=True,
        error_cb=connection.on_error,
        disconnected_cb=connection.on_disconnected,
        reconnected_cb=connection.on_reconnected,
    )
    connection.back()
    return connection.client


async def ensure_stream(js: JetStreamContext, stream: str) -> None:
    config = StreamConfig(name=stream, subjects=["nl.inburgering.>"], duplicate_window=120.0)
    try:
        await js.stream_info(stream)
    except nats.js.errors.NotFoundError:
        with contextlib.suppress(nats.js.errors.BadRequestError):
            await js.add_stream(config)


# The clean-up walks the outbox in `seq` order, a window of rows at a time, so every statement reads a bounded
# part of the table through the `seq` index however large it is (an index on `published_at` would cost every
# event one more entry). The first statement finds the window's last `seq`, and whether every row in it is older
# than the retention: only then can the next window hold more to delete, since rows are numbered as written.
_OUTBOX_WINDOW = (
    "SELECT count(*) AS rows, max(seq) AS last_seq, "
    "coalesce(bool_and(created_at < now() - make_interval(hours => $3)), false) AS all_old "
    "FROM (SELECT seq, created_at FROM outbox WHERE seq > $1 ORDER BY seq LIMIT $2) w"
)
# Only published rows past the retention, which no relay's claim can hold (claims take unpublished rows);
# SKIP LOCKED lets another relay's clean-up of the same window go ahead without waiting.
_DELETE_PUBLISHED = (
    "DELETE FROM outbox WHERE id = ANY(ARRAY("
    "SELECT id FROM outbox WHERE seq > $1 AND seq <= $2 AND published_at < now() - make_interval(hours => $3) "
    "FOR UPDATE SKIP LOCKED))"
)


def relay_database(url: str) -> Database:
    """The relay's own connections. The outbox starts empty and grows, and a prepared statement keeps the generic
    plan it settled on while the table was small: a sequential scan that stayed after the table held 100,000 rows
    (measured: a third of PostgreSQL's CPU in the aanbieder-api bench, one scan per batch). The relay runs two
    statements per batch, not per event, so it can afford to plan each one for the table as it is now."""
    return Database(url, pool_size=2, server_settings={"plan_cache_mode": "force_custom_plan"})


def service_relay(database: Database, settings: ServiceSettings) -> OutboxRelay:
    """The relay as a service runs it, in its API process or as `python -m <service> relay`."""
    return OutboxRelay(
        database,
        settings.nats_url,
        stream=settings.stream_name,
        retention_hours=settings.outbox_retention_hours,
        idempotency_retention_hours=settings.idempotency_retention_hours,
    )


class OutboxRelay:
    def __init__(
        self,
        database: Database,
        nats_url: str,
        *,
        stream: str,
        batch_size: int = 500,
        poll_interval: float = 1.0,
        max_backoff: float = 5.0,
        publish_timeout: float = 2.0,
        batch_window: float = 0.005,
        retention_hours: int = 168,
        cleanup_interval: float = 300.0,
        cleanup_window: int = 5000,
        idempotency_retention_hours: int = 168,
        idempotency_batch: int = 5000,
        give_up_after: float = 300.0,
    ) -> None:
        self.database = database
        self.nats_url = nats_url
        self.stream = stream
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.max_backoff = max_backoff
        self.publish_timeout = publish_timeout
        self.batch_window = batch_window
        self.retention_hours = retention_hours  # 0: published rows are kept for ever
        self.cleanup_interval = cleanup_interval
        self.cleanup_window = cleanup_window
        self.idempotency_retention_hours = idempotency_retention_hours  # 0: stored answers are kept for ever
        self.idempotency_batch = idempotency_batch
        # Publishing that fails for this long (database or NATS away) ends the relay with `health.UnrecoverableError`.
        self.give_up_after = give_up_after
        self._wakeup = asyncio.Event()
        self._nc: NatsClient | None = None
        self._js: JetStreamContext | None = None

    async def _jetstream(self) -> JetStreamContext:
        if self._js is None:
            self._nc = await connect_nats(self.nats_url, name="outbox-relay")
            self._js = self._nc.jetstream(timeout=self.publish_timeout)
            await ensure_stream(self._js, self.stream)
        return self._js

    async def publish_pending(self) -> int:
        """Publish one batch of pending events; returns how many were published."""
        js = await self._jetstream()
        # asyncpg itself: the relay's two statements per batch need none of the ORM.
        async with self.database.driver_connection() as conn, conn.transaction():
            rows = await conn.fetch(
                "SELECT id, subject, event::text AS payload FROM outbox WHERE published_at IS NULL "
                "ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED",
                self.batch_size,
            )
            if not rows:
                return 0
            # Publish concurrently but mark only what JetStream acknowledged: an unacknowledged event
            # stays pending and is retried, with the same Nats-Msg-Id.
            acks = await asyncio.gather(
                *(
                    js.publish(
                        row["subject"],
                        row["payload"].encode(),
                        headers={"Nats-Msg-Id": str(row["id"])},
                        stream=self.stream,
                    )
                    for row in rows
                ),
                return_exceptions=True,
            )
            published = [row["id"] for row, ack in zip(rows, acks, strict=True) if not isinstance(ack, BaseException)]
            if published:
                await conn.execute("UPDATE outbox SET published_at = now() WHERE id = ANY($1::uuid[])", published)
        # After the commit: what was acknowledged stays marked as published.
        failures = [ack for ack in acks if isinstance(ack, BaseException)]
        if failures:
            raise ConnectionError(f"{len(failures)} event(s) not acknowledged: {type(failures[0]).__name__}")
        return len(published)

    async def delete_published(self) -> int:
        """Delete the rows published longer ago than the retention, window by window from the oldest; returns how
        many. Unpublished rows stay, however old."""
        deleted = 0
        after = 0
        while True:
            # Each statement its own transaction: no lock outlives its window. With
            # plan_cache_mode=force_custom_plan (`relay_database`) each is planned for its window's bounds.
            async with self.database.driver_connection() as conn:
                window = await conn.fetchrow(_OUTBOX_WINDOW, after, self.cleanup_window, self.retention_hours)
                assert window is not None
                if not window["rows"]:
                    return deleted
                status = await conn.execute(_DELETE_PUBLISHED, after, window["last_seq"], self.retention_hours)
            deleted += int(status.rsplit(" ", 1)[-1])
            if window["rows"] < self.cleanup_window or not window["all_old"]:
                return deleted
            after = window["last_seq"]

    async def delete_expired_keys(self) -> int:
        """Delete the stored Idempotency-Key answers older than their retention; returns how many."""
        return await delete_expired_keys(self.database, self.idempotency_retention_hours, self.idempotency_batch)

    def _clean_ups(self) -> list[tuple[str, Callable[[], Awaitable[int]]]]:
        """What the clean-up round deletes: each kind with a retention (0 keeps that kind for ever)."""
        kinds: list[tuple[str, Callable[[], Awaitable[int]]]] = []
        if self.retention_hours > 0:
            kinds.append(("published event(s)", self.delete_published))
        if self.idempotency_retention_hours > 0:
            kinds.append(("stored Idempotency-Key answer(s)", self.delete_expired_keys))
        return kinds

    async def _clean_up(self, stop: asyncio.Event) -> None:
        # The first round after a random part of the interval: relays started together do not clean up together,
        # and one that is restarted often still gets its turn.
        delay = self.cleanup_interval * random.random()  # noqa: S311 - spreading, not cryptography
        while True:
            await _sleep_or_stop(stop, delay)
            if stop.is_set():
                return
            # Each kind on its own: one that fails leaves the other to run.
            for what, clean_up in self._clean_ups():
                try:
                    deleted = await clean_up()
                    if deleted:
                        logger.info("outbox relay: %d %s past the retention deleted", deleted, what)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    logger.warning(
                        "outbox relay: clean-up of %s failed (%s); next round in %.0fs",
                        what,
                        exc,
                        self.cleanup_interval,
                    )
            delay = self.cleanup_interval

    async def run(self, stop: asyncio.Event) -> None:
        listener = asyncio.create_task(listen(self.database.url, NOTIFY_CHANNEL, lambda _: self._wakeup.set(), stop))
        # Beside the publishing loop, on the pool's other connection: a long clean-up never delays an event.
        helpers = [listener]
        if self._clean_ups():
            helpers.append(asyncio.create_task(self._clean_up(stop)))
        health = LoopHealth("outbox relay", give_up_after=self.give_up_after, max_delay=self.max_backoff)
        try:
            with registered(health):
                while not stop.is_set():
                    # Cleared before reading, so an insert committed while we publish wakes the next round.
                    self._wakeup.clear()
                    try:
                        count = await self.publish_pending()
                    except asyncio.CancelledError:
                        raise
                    except Exception as exc:
                        # Logged once per spell, not every retry; a broken connection is discarded by the pool.
                        delay = health.failed(exc)
                        await _sleep_or_stop(stop, delay * (1 + random.random() / 2))  # noqa: S311 - jitter
                        continue
                    health.succeeded()
                    if count == self.batch_size:
                        continue
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(_first(self._wakeup, stop), timeout=self.poll_interval)
                    # A few milliseconds of latency collect the commits of concurrent requests into one batch: one
                    # claim-publish-mark transaction per burst instead of one per event.
                    await _sleep_or_stop(stop, self.batch_window)
        finally:
            for task in helpers:
                task.cancel()
            await asyncio.gather(*helpers, return_exceptions=True)
            await self.close()

    async def close(self) -> None:
        if self._nc is not None and not self._nc.is_closed:
            with contextlib.suppress(Exception):
                await self._nc.close()
        self._nc = None
        self._js = None


async def listen(database_url: str, channel: str, on_notify: Callable[[str], None], stop: asyncio.Event) -> None:
    """Call `on_notify(payload)` for every NOTIFY on `channel` until `stop`; reconnect when PostgreSQL goes away.
    After each (re)connect `on_notify("")` is called once: notifications sent while not listening are lost,
    so the listener should look for work it may have missed."""
    lost = False
    while not stop.is_set():
        conn: asyncpg.Connection | None = None
        try:
            conn = await asyncpg.connect(plain_url(database_url), timeout=10)
            await conn.add_listener(channel, lambda *args: on_notify(str(args[-1])))
            if lost:
                logger.warning("LISTEN %s: listening again", channel)
            lost = False
            on_notify("")
            while not stop.is_set() and not conn.is_closed():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=1.0)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            # Any error (asyncpg's InterfaceError is no PostgresError): a listener that died would leave its owner
            # to the slow poll. Logged once per outage; meanwhile the owner's polling covers.
            if not lost:
                logger.warning("LISTEN %s: connection lost: %s", channel, type(exc).__name__)
            lost = True
            await _sleep_or_stop(stop, 1.0)
        finally:
            if conn is not None and not conn.is_closed():
                await conn.close()


async def _first(*events: asyncio.Event) -> None:
    waiters = [asyncio.create_task(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waiters:
            w.cancel()


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
