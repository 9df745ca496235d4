"""Every change's event reaches a consumer exactly once — from the consumer's point of view — while the
relay is killed mid-publish and while NATS is down for a while."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator

import httpx
import nats
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from inburgeraar_api import scopes
from inburgeraar_api.settings import Settings
from inburgering_kit.consumer import EventConsumer
from inburgering_kit.db import Database
from inburgering_kit.events import CloudEvent
from inburgering_kit.outbox import OutboxRelay, relay_database
from inburgering_kit.testing.infra import Infra
from inburgering_kit.testing.plugin import TokenFactory
from inburgering_kit.testing.waiting import eventually


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


async def register(client: httpx.AsyncClient, tokens: TokenFactory, count: int) -> None:
    headers = tokens.headers(scopes.INBURGERAAR_SCHRIJVEN)
    body = {"doelgroep": "gezinsmigrant", "datumInschrijvingBrp": "2026-01-15"}
    for start in range(0, count, 50):
        responses = await asyncio.gather(
            *(client.post("/api/v1/inburgeraars", json=body, headers=headers) for _ in range(min(50, count - start)))
        )
        assert all(r.status_code == 201 for r in responses)


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


def relay_process(settings: Settings, tokens: TokenFactory) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "INBURGERAAR_API_DATABASE_URL": settings.database_url,
        "INBURGERAAR_API_NATS_URL": settings.nats_url,
        "INBURGERAAR_API_STREAM_NAME": settings.stream_name,
        "INBURGERAAR_API_AUTH__ISSUERS": f'["{settings.auth.issuers[0]}"]',
        "INBURGERAAR_API_AUTH__AUDIENCE": settings.auth.audience,
        "INBURGERAAR_API_AUTH__PUBLIC_KEY_FILE": str(tokens.public_key),
        "INBURGERAAR_API_LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen([sys.executable, "-m", "inburgeraar_api", "relay"], env=env, stdin=subprocess.DEVNULL)


class TestRelayKilledMidPublish:
    async def test_nothing_lost_nothing_doubled(
        self,
        client: httpx.AsyncClient,
        tokens: TokenFactory,
        database: Database,
        settings: Settings,
        ontvanger: EventConsumer,
    ) -> None:
        total = 3000
        await register(client, tokens, total)
        assert await scalar(database, "SELECT count(*) FROM outbox") == total

        relay = relay_process(settings, tokens)
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

        second = relay_process(settings, tokens)
        try:
            await assert_exactly_once(database, settings, total)
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=10)
        assert second.returncode == 0


class TestNatsDown:
    async def test_events_wait_in_outbox_and_arrive_once_nats_is_back(
        self,
        client: httpx.AsyncClient,
        tokens: TokenFactory,
        database: Database,
        settings: Settings,
        infra: Infra,
        ontvanger: EventConsumer,
    ) -> None:
        if infra.nats is None:
            pytest.skip("NATS is external (TEST_NATS_URL): this test stops and starts the embedded one")
        relay = OutboxRelay(database, settings.nats_url, stream=settings.stream_name, max_backoff=0.5)
        async with running(relay):
            await register(client, tokens, 20)
            await assert_exactly_once(database, settings, 20)

            infra.nats.stop()
            await register(client, tokens, 100)  # the API keeps accepting writes: events wait in the outbox
            await asyncio.sleep(1.5)
            assert await scalar(database, "SELECT count(*) FROM outbox WHERE published_at IS NULL") == 100

            infra.nats.start()
            await assert_exactly_once(database, settings, 120)


class TestSeveralRelays:
    async def test_two_relays_publish_each_event_once(
        self,
        client: httpx.AsyncClient,
        tokens: TokenFactory,
        database: Database,
        settings: Settings,
        ontvanger: EventConsumer,
    ) -> None:
        await register(client, tokens, 500)
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


@pytest.fixture
async def relay_db(settings: Settings) -> AsyncIterator[Database]:
    database = relay_database(settings.database_url)
    yield database
    await database.dispose()


class TestIdempotencyRetention:
    """The kit's own tests of the retention are in libs/kit/tests; this one is a retry through this API."""

    async def test_a_retry_within_the_retention_replays_and_one_after_it_is_a_new_request(
        self,
        client: httpx.AsyncClient,
        tokens: TokenFactory,
        database: Database,
        relay_db: Database,
        settings: Settings,
    ) -> None:
        body = {"doelgroep": "gezinsmigrant", "datumInschrijvingBrp": "2026-01-15"}
        binnen = {**tokens.headers(scopes.INBURGERAAR_SCHRIJVEN), "Idempotency-Key": "bewaard-binnen-termijn"}
        buiten = {**tokens.headers(scopes.INBURGERAAR_SCHRIJVEN), "Idempotency-Key": "bewaard-buiten-termijn"}
        first = await client.post("/api/v1/inburgeraars", json=body, headers=binnen)
        expired = await client.post("/api/v1/inburgeraars", json=body, headers=buiten)
        assert first.status_code == expired.status_code == 201
        async with database.engine.begin() as conn:
            await conn.execute(
                text(
                    "UPDATE idempotency_key SET created_at = now() - CASE key "
                    "WHEN 'bewaard-binnen-termijn' THEN interval '167 hours' ELSE interval '169 hours' END"
                )
            )

        relay = OutboxRelay(relay_db, settings.nats_url, stream=settings.stream_name)
        assert await relay.delete_expired_keys() == 1

        replay = await client.post("/api/v1/inburgeraars", json=body, headers=binnen)
        assert replay.status_code == 201
        assert replay.headers["Idempotent-Replayed"] == "true"
        assert replay.json() == first.json()
        again = await client.post("/api/v1/inburgeraars", json=body, headers=buiten)
        assert again.status_code == 201
        assert "Idempotent-Replayed" not in again.headers
        assert again.json()["id"] != expired.json()["id"]
        assert await scalar(database, "SELECT count(*) FROM inburgeraar") == 3
