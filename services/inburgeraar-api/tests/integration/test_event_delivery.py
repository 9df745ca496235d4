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
from inburgering_kit.idempotency import DELETE_EXPIRED_KEYS, IdempotencyKeyVerlopen, stored_answer
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


class TestRelayConnections:
    async def test_every_statement_is_planned_for_the_outbox_as_it_is_now(self, settings: Settings) -> None:
        """A plan settled on while the outbox was empty (a sequential scan) must not be kept once it is large."""
        database = relay_database(settings.database_url)
        try:
            async with database.engine.connect() as conn:
                assert (await conn.execute(text("SHOW plan_cache_mode"))).scalar() == "force_custom_plan"
        finally:
            await database.dispose()


async def outbox_rows(database: Database, *, count: int, age_hours: float, published: bool) -> None:
    """`count` rows written `age_hours` ago (published then too, when `published`), after every row so far."""
    async with database.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO outbox (id, subject, event, created_at, published_at) "
                "SELECT gen_random_uuid(), 'nl.inburgering.test.bewaard', '{}'::jsonb, t, CASE WHEN :p THEN t END "
                "FROM (SELECT now() - make_interval(secs => :h * 3600) AS t FROM generate_series(1, :n)) s"
            ),
            {"n": count, "h": age_hours, "p": published},
        )


async def outbox_counts(database: Database) -> dict[str, int]:
    async with database.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT CASE WHEN published_at IS NULL THEN 'wachtend' "
                "WHEN published_at < now() - interval '168 hours' THEN 'oud' ELSE 'recent' END, count(*) "
                "FROM outbox GROUP BY 1"
            )
        )
        return {state: int(count) for state, count in rows.all()}


@pytest.fixture
async def relay_db(settings: Settings) -> AsyncIterator[Database]:
    database = relay_database(settings.database_url)
    yield database
    await database.dispose()


class TestOutboxRetention:
    async def test_published_rows_past_the_retention_go_recent_and_unpublished_stay(
        self, database: Database, relay_db: Database, settings: Settings
    ) -> None:
        # In `seq` order: old published rows with old unpublished ones among them (NATS was down for long), then
        # rows published within the retention, then new unpublished ones.
        await outbox_rows(database, count=23, age_hours=30 * 24, published=True)
        await outbox_rows(database, count=4, age_hours=20 * 24, published=False)
        await outbox_rows(database, count=18, age_hours=8 * 24, published=True)
        await outbox_rows(database, count=12, age_hours=160, published=True)
        await outbox_rows(database, count=3, age_hours=0, published=True)
        await outbox_rows(database, count=5, age_hours=0, published=False)
        assert await outbox_counts(database) == {"oud": 41, "recent": 15, "wachtend": 9}

        # Windows far smaller than the table: the deletion walks it in many statements.
        relay = OutboxRelay(relay_db, settings.nats_url, stream=settings.stream_name, cleanup_window=5)
        assert await relay.delete_published() == 41
        assert await outbox_counts(database) == {"recent": 15, "wachtend": 9}
        assert await relay.delete_published() == 0

    async def test_a_shorter_retention_keeps_less(
        self, database: Database, relay_db: Database, settings: Settings
    ) -> None:
        await outbox_rows(database, count=10, age_hours=3, published=True)
        await outbox_rows(database, count=6, age_hours=1, published=True)
        relay = OutboxRelay(relay_db, settings.nats_url, stream=settings.stream_name, retention_hours=2)
        assert await relay.delete_published() == 10
        assert await scalar(database, "SELECT count(*) FROM outbox") == 6

    async def test_two_relays_cleaning_up_at_once_delete_each_row_once(
        self, database: Database, relay_db: Database, settings: Settings
    ) -> None:
        await outbox_rows(database, count=2000, age_hours=10 * 24, published=True)
        await outbox_rows(database, count=50, age_hours=10 * 24, published=False)
        await outbox_rows(database, count=30, age_hours=1, published=True)
        relays = [
            OutboxRelay(relay_db, settings.nats_url, stream=settings.stream_name, cleanup_window=100) for _ in range(2)
        ]
        deleted = await asyncio.gather(*(r.delete_published() for r in relays))
        assert sum(deleted) == 2000
        assert await outbox_counts(database) == {"recent": 30, "wachtend": 50}

    async def test_the_running_relay_cleans_up_beside_publishing(
        self,
        client: httpx.AsyncClient,
        tokens: TokenFactory,
        database: Database,
        relay_db: Database,
        settings: Settings,
    ) -> None:
        await outbox_rows(database, count=40, age_hours=9 * 24, published=True)
        await outbox_rows(database, count=7, age_hours=24, published=True)
        relay = OutboxRelay(relay_db, settings.nats_url, stream=settings.stream_name, cleanup_interval=0.05)
        async with running(relay):
            await register(client, tokens, 20)

            async def cleaned_up() -> bool:
                return await outbox_counts(database) == {"recent": 27}

            # The 20 new events published, the 7 rows within the retention kept, the 40 past it deleted.
            await eventually(cleaned_up, what="old published rows deleted, new events published")

    async def test_retention_zero_keeps_published_rows_for_ever(
        self,
        client: httpx.AsyncClient,
        tokens: TokenFactory,
        database: Database,
        relay_db: Database,
        settings: Settings,
    ) -> None:
        await outbox_rows(database, count=15, age_hours=400 * 24, published=True)
        relay = OutboxRelay(
            relay_db, settings.nats_url, stream=settings.stream_name, retention_hours=0, cleanup_interval=0.01
        )
        async with running(relay):
            await register(client, tokens, 3)

            async def published() -> bool:
                return await scalar(database, "SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0

            await eventually(published, what="the relay runs")
            await asyncio.sleep(0.3)  # many clean-up intervals
            assert await outbox_counts(database) == {"oud": 15, "recent": 3}


async def idempotency_keys(database: Database, *, count: int, age_hours: float) -> None:
    """`count` stored answers written `age_hours` ago, after every one so far."""
    async with database.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO idempotency_key (client_id, key, request_hash, status_code, response_body, created_at) "
                "SELECT 'test', gen_random_uuid()::text, 'h', 201, '{}'::jsonb, "
                "now() - make_interval(secs => :h * 3600) FROM generate_series(1, :n)"
            ),
            {"n": count, "h": age_hours},
        )


async def idempotency_counts(database: Database) -> dict[str, int]:
    async with database.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT CASE WHEN created_at < now() - interval '168 hours' THEN 'oud' ELSE 'recent' END, count(*) "
                "FROM idempotency_key GROUP BY 1"
            )
        )
        return {state: int(count) for state, count in rows.all()}


class TestIdempotencyRetention:
    async def test_stored_answers_past_the_retention_go_in_batches_recent_stay(
        self, database: Database, relay_db: Database, settings: Settings
    ) -> None:
        await idempotency_keys(database, count=23, age_hours=30 * 24)
        await idempotency_keys(database, count=11, age_hours=8 * 24)
        await idempotency_keys(database, count=6, age_hours=160)
        await idempotency_keys(database, count=4, age_hours=0)
        assert await idempotency_counts(database) == {"oud": 34, "recent": 10}

        # Batches far smaller than what is old: the deletion takes several statements.
        relay = OutboxRelay(relay_db, settings.nats_url, stream=settings.stream_name, idempotency_batch=5)
        assert await relay.delete_expired_keys() == 34
        assert await idempotency_counts(database) == {"recent": 10}
        assert await relay.delete_expired_keys() == 0

    async def test_a_key_deleted_between_its_lost_claim_and_the_read_of_its_answer_asks_for_a_retry(
        self, database: Database
    ) -> None:
        # The claim lost to a stored answer that the clean-up deleted right after: no answer to replay, nothing done.
        async with database.sessionmaker() as session:
            with pytest.raises(IdempotencyKeyVerlopen) as refused:
                await stored_answer(session, "0363:coa", "net-verwijderd-1", "hash")
        assert refused.value.status == 409
        assert refused.value.headers == {"Retry-After": "1"}

    async def test_retention_zero_keeps_stored_answers_for_ever(
        self, database: Database, relay_db: Database, settings: Settings
    ) -> None:
        await idempotency_keys(database, count=8, age_hours=400 * 24)
        relay = OutboxRelay(relay_db, settings.nats_url, stream=settings.stream_name, idempotency_retention_hours=0)
        assert await relay.delete_expired_keys() == 0
        assert await idempotency_counts(database) == {"oud": 8}

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

    async def test_the_running_relay_deletes_old_keys_beside_publishing_while_keeping_the_outbox(
        self,
        client: httpx.AsyncClient,
        tokens: TokenFactory,
        database: Database,
        relay_db: Database,
        settings: Settings,
    ) -> None:
        await idempotency_keys(database, count=40, age_hours=9 * 24)
        await idempotency_keys(database, count=7, age_hours=24)
        await outbox_rows(database, count=5, age_hours=400 * 24, published=True)
        # The outbox's retention off: the keys' clean-up runs all the same.
        relay = OutboxRelay(
            relay_db, settings.nats_url, stream=settings.stream_name, retention_hours=0, cleanup_interval=0.05
        )
        async with running(relay):
            await register(client, tokens, 20)

            async def cleaned_up() -> bool:
                return await idempotency_counts(database) == {"recent": 7} and await outbox_counts(database) == {
                    "oud": 5,
                    "recent": 20,
                }

            await eventually(cleaned_up, what="old keys deleted, new events published, the outbox kept")

    async def test_a_failing_outbox_clean_up_leaves_the_keys_clean_up_to_run(
        self, database: Database, relay_db: Database, settings: Settings
    ) -> None:
        await idempotency_keys(database, count=12, age_hours=9 * 24)
        relay = OutboxRelay(relay_db, settings.nats_url, stream=settings.stream_name, cleanup_interval=0.05)

        async def failing() -> int:
            raise ConnectionError("outbox clean-up down")

        # The outbox's clean-up runs first in each round: it failing must not end the round.
        relay.delete_published = failing  # type: ignore[method-assign]
        async with running(relay):

            async def cleaned_up() -> bool:
                return await idempotency_counts(database) == {}

            await eventually(cleaned_up, what="old keys deleted while the outbox clean-up fails")

    async def test_the_clean_up_finds_old_keys_through_the_index(self, database: Database, relay_db: Database) -> None:
        """Each round reads the old keys through the index, not the whole table (as a scan would, every round,
        when little is old): a table of a retention's worth of keys, with the oldest slice past it."""
        await idempotency_keys(database, count=2_000, age_hours=30 * 24)
        await idempotency_keys(database, count=98_000, age_hours=1)
        async with database.engine.begin() as conn:
            await conn.execute(text("ANALYZE idempotency_key"))
        async with relay_db.driver_connection() as conn:
            plan = "\n".join(
                r[0] for r in await conn.fetch("EXPLAIN (ANALYZE, COSTS OFF) " + DELETE_EXPIRED_KEYS, 168, 5000)
            )
        assert "ix_idempotency_key_created_at" in plan, plan
        assert "Seq Scan" not in plan, plan
        assert await scalar(database, "SELECT count(*) FROM idempotency_key") == 98_000
