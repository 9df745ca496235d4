"""Fault tests: PostgreSQL and NATS restarted under a steady stream of writes, with no process touched.

Every event written must be published and consumed afterwards, and an API request during a database outage gets a
503 with Retry-After while the first one after it succeeds. The servers are private to this module: restarting the
session-wide ones would break every other test running against them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI, Request
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from inburgering_kit.app import NlApiMiddleware
from inburgering_kit.consumer import EventConsumer
from inburgering_kit.db import Database, Session, database_url_for, ensure_database, get_database, kit_metadata
from inburgering_kit.events import CloudEvent
from inburgering_kit.health import unhealthy_loops
from inburgering_kit.outbox import NOTIFY_TRIGGER_SQL, OutboxRelay, connect_nats, relay_database
from inburgering_kit.problems import install_problem_handlers
from inburgering_kit.testing.infra import Infra
from inburgering_kit.testing.waiting import eventually

pytestmark = pytest.mark.integration

STREAM = "INBURGERING"
# A type with an owner, from that owner: the consumer dead-letters any other (`events.untrusted_because`).
SUBJECT = "nl.inburgering.inburgeraar.herstel-geschreven"


@pytest.fixture(scope="module")
def private() -> Iterator[Infra]:
    started = Infra.start(environ={})
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="module")
async def database_url(private: Infra) -> str:
    await ensure_database(private.postgres_url, "herstel")
    url = database_url_for(private.postgres_url, "herstel")
    database = Database(url, pool_size=1)
    try:
        async with database.engine.begin() as conn:
            await conn.run_sync(kit_metadata.create_all)
            for statement in NOTIFY_TRIGGER_SQL:
                await conn.execute(text(statement))
    finally:
        await database.dispose()
    return url


def _event() -> tuple[str, str]:
    event_id = str(uuid.uuid4())
    event = CloudEvent(
        id=event_id,
        source="urn:nld:oin:00000001002564440000:systeem:inburgeraar-api",
        type=SUBJECT,
        time=datetime.now(UTC),
        subject=str(uuid.uuid4()),
        data={},
    )
    return event_id, event.model_dump_json()


class Writer:
    """A steady stream of writes, half through the ORM's session and half through a raw pooled connection (the
    path of `RequestContext.own_connection`); a failed write is retried, as a client would."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.committed: set[str] = set()
        self.failures = 0

    async def write(self, n: int) -> None:
        event_id, payload = _event()
        if n % 2:
            async with self.database.unit_of_work() as uow:
                await uow.session.execute(
                    text("INSERT INTO outbox (id, subject, event) VALUES (CAST(:i AS uuid), :s, CAST(:e AS jsonb))"),
                    {"i": event_id, "s": SUBJECT, "e": payload},
                )
                await uow.commit()
        else:
            async with self.database.driver_connection() as conn:
                await conn.execute(
                    "INSERT INTO outbox (id, subject, event) VALUES ($1::uuid, $2, $3::jsonb)",
                    event_id,
                    SUBJECT,
                    payload,
                )
        self.committed.add(event_id)

    async def run(self, stop: asyncio.Event, per_second: float = 40) -> None:
        n = 0
        while not stop.is_set():
            try:
                await self.write(n)
            except Exception:
                self.failures += 1
            n += 1
            await asyncio.sleep(1 / per_second)


class Recorder:
    def __init__(self) -> None:
        self.seen: set[str] = set()

    async def __call__(self, session: AsyncSession, event: CloudEvent) -> None:
        await session.execute(text("SELECT 1"))
        self.seen.add(event.id)


async def _unpublished(database_url: str) -> int:
    database = Database(database_url, pool_size=1)
    try:
        async with database.driver_connection() as conn:
            count: int = await conn.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL")
            return count
    finally:
        await database.dispose()


async def _eventually(check: Callable[[], Awaitable[bool]], within: float) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.5)
    raise AssertionError(f"not within {within}s")


@contextlib.asynccontextmanager
async def running(
    database_url: str, nats_url: str, durable: str
) -> AsyncIterator[tuple[Writer, Recorder, asyncio.Event]]:
    """A relay, a consumer and a writer, each on its own pool, until the block ends."""
    app_db = Database(database_url, pool_size=4)
    relay_db = relay_database(database_url)
    consumer_db = Database(database_url, pool_size=2)
    writer, recorder = Writer(app_db), Recorder()
    stop, writing = asyncio.Event(), asyncio.Event()
    relay = OutboxRelay(relay_db, nats_url, stream=STREAM, max_backoff=1.0)
    consumer = EventConsumer(
        consumer_db, nats_url, durable=durable, filter_subject=SUBJECT, handler=recorder, stream=STREAM
    )
    tasks = [
        asyncio.create_task(relay.run(stop)),
        asyncio.create_task(consumer.run(stop)),
        asyncio.create_task(writer.run(writing)),
    ]
    try:
        yield writer, recorder, writing
    finally:
        writing.set()
        stop.set()
        await asyncio.gather(*tasks)
        for database in (app_db, relay_db, consumer_db):
            await database.dispose()


async def test_after_a_postgres_restart_under_load_every_event_is_published_and_consumed(
    private: Infra, database_url: str
) -> None:
    assert private.postgres is not None
    async with running(database_url, private.nats_url, "herstel-pg") as (writer, recorder, writing):
        await asyncio.sleep(2)
        before = len(writer.committed)
        assert before > 20
        await asyncio.to_thread(private.postgres.stop)
        await asyncio.sleep(3)
        await asyncio.to_thread(private.postgres.start)
        await asyncio.sleep(3)
        # Writes go on after the restart, on the same pools.
        assert len(writer.committed) > before + 20
        writing.set()
        await asyncio.sleep(0.2)

        async def all_published() -> bool:
            return await _unpublished(database_url) == 0

        await _eventually(all_published, within=30)

        async def all_consumed() -> bool:
            return writer.committed <= recorder.seen

        await _eventually(all_consumed, within=30)
        assert writer.failures > 0  # the outage really happened
        assert unhealthy_loops() == []


async def test_after_a_nats_restart_the_relay_and_a_consumer_carry_on(private: Infra, database_url: str) -> None:
    assert private.nats is not None
    async with running(database_url, private.nats_url, "herstel-nats") as (writer, recorder, writing):
        await asyncio.sleep(1)
        await asyncio.to_thread(private.nats.stop)
        await asyncio.sleep(3)
        await asyncio.to_thread(private.nats.start)
        await asyncio.sleep(2)
        writing.set()
        await asyncio.sleep(0.2)

        async def all_published() -> bool:
            return await _unpublished(database_url) == 0

        await _eventually(all_published, within=30)

        async def all_consumed() -> bool:
            return writer.committed <= recorder.seen

        await _eventually(all_consumed, within=30)


async def test_a_nats_outage_is_logged_when_it_starts_and_when_it_ends_not_per_reconnect_attempt(
    private: Infra, caplog: pytest.LogCaptureFixture
) -> None:
    assert private.nats is not None
    caplog.set_level(logging.DEBUG, logger="inburgering_kit.outbox")
    nc = await connect_nats(private.nats_url, name="outage-log")
    try:
        caplog.clear()
        await asyncio.to_thread(private.nats.stop)
        await asyncio.sleep(3)  # six reconnect attempts or so
        await asyncio.to_thread(private.nats.start)

        def lines() -> list[str]:
            return [r.getMessage() for r in caplog.records if r.name == "inburgering_kit.outbox"]

        # The client counts as connected before its reconnected callback has run: wait for the line itself.
        await eventually(lambda: any("connected again" in m for m in lines()), within=30, what="reconnected")
        assert nc.is_connected
        logged = lines()
        assert len([m for m in logged if "reconnecting until it works" in m]) == 1, logged
        assert len([m for m in logged if "connected again" in m]) == 1, logged
        assert len([r for r in caplog.records if r.levelno >= logging.WARNING and "outage-log" in r.getMessage()]) == 2
        caplog.clear()
        await nc.close()
        assert not [r for r in caplog.records if "outage-log" in r.getMessage()]  # a close is no outage
    finally:
        await nc.close()


def _app(database: Database) -> FastAPI:
    app = FastAPI()
    app.state.database = database
    install_problem_handlers(app)

    @app.get("/orm")
    async def orm(session: Session) -> dict[str, int]:
        return {"n": (await session.execute(text("SELECT 1"))).scalar_one()}

    @app.get("/raw")
    async def raw(request: Request) -> dict[str, int]:
        async with get_database(request).driver_connection() as conn:
            return {"n": await conn.fetchval("SELECT 1")}

    app.add_middleware(NlApiMiddleware, api_version="1.0.0")
    return app


async def test_during_a_database_outage_requests_get_503_and_the_first_after_it_succeeds(
    private: Infra, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    assert private.postgres is not None
    database = Database(database_url, pool_size=3)
    app = _app(database)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            # Fill the pool, so that after the restart every pooled connection is a stale one.
            await asyncio.gather(*(client.get(p) for p in ["/orm", "/raw"] * 3))
            await asyncio.to_thread(private.postgres.stop)
            caplog.clear()
            try:
                for path in ["/orm", "/raw"] * 3:
                    response = await client.get(path)
                    assert response.status_code == 503, response.text
                    assert response.headers["content-type"] == "application/problem+json"
                    assert response.headers["retry-after"] == "5"
                    assert response.json()["code"] == "tijdelijk-niet-beschikbaar"
            finally:
                await asyncio.to_thread(private.postgres.start)
            outage_lines = [r for r in caplog.records if "unreachable" in r.getMessage()]
            assert len(outage_lines) == 1
            assert not [r for r in caplog.records if r.exc_info]
            for path in ["/orm", "/raw"] * 3:
                assert (await client.get(path)).status_code == 200
    finally:
        await database.dispose()


async def test_a_stale_pooled_connection_is_replaced_not_answered_with_an_error(
    private: Infra, database_url: str
) -> None:
    assert private.postgres is not None
    database = Database(database_url, pool_size=3)
    app = _app(database)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            await asyncio.gather(*(client.get(p) for p in ["/orm", "/raw"] * 3))
            # A restart no request saw: every connection in the pool is dead when the next request comes.
            await asyncio.to_thread(private.postgres.stop)
            await asyncio.to_thread(private.postgres.start)
            await asyncio.sleep(0.2)
            for path in ["/raw", "/orm"] * 3:
                assert (await client.get(path)).status_code == 200
    finally:
        await database.dispose()
