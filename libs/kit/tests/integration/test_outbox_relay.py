"""The outbox relay's own work beside publishing, against the kit's tables alone: its connections, the
deletion of published events past their retention, and of stored Idempotency-Key answers past theirs."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import text

from inburgering_kit.db import Database
from inburgering_kit.events import EventData
from inburgering_kit.idempotency import DELETE_EXPIRED_KEYS, IdempotencyKeyVerlopen, stored_answer
from inburgering_kit.outbox import EventPublisher, OutboxRelay, add_events, relay_database
from inburgering_kit.testing.waiting import eventually

if TYPE_CHECKING:
    from .conftest import KitSettings as Settings


class Proef(EventData):
    event_type = "test.proef"

    nummer: int


PUBLISHER = EventPublisher(source="urn:nld:oin:00000001002564440000:systeem:kit-test", public_base_url="http://test")


async def add_test_events(database: Database, count: int) -> None:
    """`count` new events in the outbox, as a service's change would write them."""
    events = [
        PUBLISHER.build(Proef(nummer=n), subject=uuid.uuid4(), resource_path=None, gemeentecode="0363")
        for n in range(count)
    ]
    async with database.unit_of_work() as uow:
        await add_events(uow.session, events)
        await uow.commit()


async def scalar(database: Database, sql: str) -> int:
    async with database.engine.connect() as conn:
        return int((await conn.execute(text(sql))).scalar_one())


@contextlib.asynccontextmanager
async def running(relay: OutboxRelay) -> AsyncIterator[None]:
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=10)


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
        database: Database,
        relay_db: Database,
        settings: Settings,
    ) -> None:
        await outbox_rows(database, count=40, age_hours=9 * 24, published=True)
        await outbox_rows(database, count=7, age_hours=24, published=True)
        relay = OutboxRelay(relay_db, settings.nats_url, stream=settings.stream_name, cleanup_interval=0.05)
        async with running(relay):
            await add_test_events(database, 20)

            async def cleaned_up() -> bool:
                return await outbox_counts(database) == {"recent": 27}

            # The 20 new events published, the 7 rows within the retention kept, the 40 past it deleted.
            await eventually(cleaned_up, what="old published rows deleted, new events published")

    async def test_retention_zero_keeps_published_rows_for_ever(
        self,
        database: Database,
        relay_db: Database,
        settings: Settings,
    ) -> None:
        await outbox_rows(database, count=15, age_hours=400 * 24, published=True)
        relay = OutboxRelay(
            relay_db, settings.nats_url, stream=settings.stream_name, retention_hours=0, cleanup_interval=0.01
        )
        async with running(relay):
            await add_test_events(database, 3)

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

    async def test_the_running_relay_deletes_old_keys_beside_publishing_while_keeping_the_outbox(
        self,
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
            await add_test_events(database, 20)

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
