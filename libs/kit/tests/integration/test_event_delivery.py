"""Every event written to the outbox reaches a consumer exactly once — from the consumer's point of view — while
the relay is killed mid-publish, while NATS is down for a while, and with two relays at once. The outbox rows are
written as a service's change writes them (`add_events`), of a type and source a consumer trusts."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import nats
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from inburgering_kit.consumer import EventConsumer
from inburgering_kit.db import Database
from inburgering_kit.events import CloudEvent, EventData, source_urn
from inburgering_kit.outbox import EventPublisher, OutboxRelay, add_events
from inburgering_kit.testing.infra import Infra
from inburgering_kit.testing.waiting import eventually

if TYPE_CHECKING:
    from .conftest import KitSettings as Settings

RELAY_PROCESS = Path(__file__).resolve().with_name("relay_process.py")


class Geschreven(EventData):
    # A type its owner publishes: the consumer dead-letters any other (`events.untrusted_because`).
    event_type = "inburgeraar.test-geschreven"

    nummer: int


PUBLISHER = EventPublisher(source=source_urn("00000001002564440000", "inburgeraar-api"), public_base_url="http://test")


async def write(database: Database, count: int) -> None:
    """`count` events in the outbox, each in its own transaction as a change's event would be, 50 at a time."""

    async def one(n: int) -> None:
        event = PUBLISHER.build(Geschreven(nummer=n), subject=uuid.uuid4(), resource_path=None, gemeentecode="0363")
        async with database.unit_of_work() as uow:
            await add_events(uow.session, [event])
            await uow.commit()

    for start in range(0, count, 50):
        await asyncio.gather(*(one(n) for n in range(start, min(start + 50, count))))


async def scalar(database: Database, sql: str) -> int:
    async with database.engine.connect() as conn:
        return int((await conn.execute(text(sql))).scalar_one())


@pytest.fixture
async def ontvanger(database: Database, settings: Settings) -> AsyncIterator[EventConsumer]:
    """A consumer whose effect is a row per handled event; the inbox makes redeliveries no-ops."""
    async with database.engine.begin() as conn:
        await conn.execute(text("CREATE TABLE IF NOT EXISTS test_ontvangen (event_id text NOT NULL, type text)"))
    nc = await nats.connect(settings.nats_url)
    js = nc.jetstream()
    with contextlib.suppress(nats.js.errors.NotFoundError):
        await js.purge_stream(settings.stream_name)
    with contextlib.suppress(nats.js.errors.NotFoundError):
        await js.delete_consumer(settings.stream_name, "test-ontvanger")
    await nc.close()

    async def handler(session: AsyncSession, event: CloudEvent) -> None:
        await session.execute(
            text("INSERT INTO test_ontvangen (event_id, type) VALUES (:i, :t)"),
            {"i": event.id, "t": event.type},
        )

    consumer = EventConsumer(
        database,
        settings.nats_url,
        durable="test-ontvanger",
        filter_subject="nl.inburgering.inburgeraar.>",
        handler=handler,
        stream=settings.stream_name,
        ack_wait=2.0,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run(stop))
    yield consumer
    stop.set()
    await asyncio.wait_for(task, timeout=10)


@contextlib.asynccontextmanager
async def running(relay: OutboxRelay) -> AsyncIterator[None]:
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=10)


async def assert_exactly_once(database: Database, settings: Settings, expected: int) -> None:
    async def all_handled() -> bool:
        return await scalar(database, "SELECT count(DISTINCT event_id) FROM test_ontvangen") >= expected

    await eventually(all_handled, what="every event handled")
    assert await scalar(database, "SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0
    # Every outbox event handled, none twice, nothing else.
    assert await scalar(database, "SELECT count(*) FROM test_ontvangen") == expected
    assert (
        await scalar(
            database,
            "SELECT count(*) FROM outbox o LEFT JOIN test_ontvangen t ON t.event_id = o.id::text "
            "WHERE t.event_id IS NULL",
        )
        == 0
    )
    nc = await nats.connect(settings.nats_url)
    info = await nc.jetstream().stream_info(settings.stream_name)
    await nc.close()
    # JetStream's de-duplication on Nats-Msg-Id kept republished events out of the stream as well.
    assert info.state.messages == expected


def relay_process(settings: Settings) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIT_TEST_")}
    env |= {
        "KIT_TEST_DATABASE_URL": settings.database_url,
        "KIT_TEST_NATS_URL": settings.nats_url,
        "KIT_TEST_STREAM_NAME": settings.stream_name,
        "KIT_TEST_AUTH__ISSUERS": '["urn:kit-test"]',
        "KIT_TEST_AUTH__AUDIENCE": "kit-test",
        "KIT_TEST_AUTH__PUBLIC_KEY_FILE": os.devnull,
        "KIT_TEST_LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen([sys.executable, str(RELAY_PROCESS), "relay"], env=env, stdin=subprocess.DEVNULL)


class TestRelayKilledMidPublish:
    async def test_nothing_lost_nothing_doubled(
        self, database: Database, settings: Settings, ontvanger: EventConsumer
    ) -> None:
        total = 3000
        await write(database, total)
        assert await scalar(database, "SELECT count(*) FROM outbox") == total

        relay = relay_process(settings)
        try:

            async def some_published() -> bool:
                return await scalar(database, "SELECT count(*) FROM outbox WHERE published_at IS NOT NULL") > 0

            await eventually(some_published, what="relay started publishing")
            relay.send_signal(signal.SIGKILL)
            relay.wait(timeout=10)
        finally:
            if relay.poll() is None:
                relay.kill()
        published = await scalar(database, "SELECT count(*) FROM outbox WHERE published_at IS NOT NULL")
        assert published < total, "the relay finished before it was killed: make the backlog larger"

        second = relay_process(settings)
        try:
            await assert_exactly_once(database, settings, total)
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=10)
        assert second.returncode == 0


class TestNatsDown:
    async def test_events_wait_in_outbox_and_arrive_once_nats_is_back(
        self, database: Database, settings: Settings, infra: Infra, ontvanger: EventConsumer
    ) -> None:
        if infra.nats is None:
            pytest.skip("NATS is external (TEST_NATS_URL): this test stops and starts the embedded one")
        relay = OutboxRelay(database, settings.nats_url, stream=settings.stream_name, max_backoff=0.5)
        async with running(relay):
            await write(database, 20)
            await assert_exactly_once(database, settings, 20)

            infra.nats.stop()
            await write(database, 100)  # the services keep accepting writes: events wait in the outbox
            await asyncio.sleep(1.5)
            assert await scalar(database, "SELECT count(*) FROM outbox WHERE published_at IS NULL") == 100

            infra.nats.start()
            await assert_exactly_once(database, settings, 120)


class TestSeveralRelays:
    async def test_two_relays_publish_each_event_once(
        self, database: Database, settings: Settings, ontvanger: EventConsumer
    ) -> None:
        await write(database, 500)
        stop = asyncio.Event()
        relays = [
            OutboxRelay(database, settings.nats_url, stream=settings.stream_name, batch_size=50) for _ in range(2)
        ]
        tasks = [asyncio.create_task(r.run(stop)) for r in relays]
        try:
            await assert_exactly_once(database, settings, 500)
        finally:
            stop.set()
            await asyncio.gather(*tasks)
