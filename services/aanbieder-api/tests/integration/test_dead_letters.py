"""Events the consumer cannot apply are kept, counted and replayable, never lost: a forged event is refused and
dead-lettered at once, a poison event after a bounded number of attempts; ending a PIP the projection never saw
vastgesteld is a no-op by rule."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import nats
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from aanbieder_api.services.projectie import DURABLE
from aanbieder_api.settings import Settings
from inburgering_kit.consumer import EventConsumer
from inburgering_kit.db import Database
from inburgering_kit.events import CloudEvent, source_urn

if TYPE_CHECKING:
    from .conftest import PipApi

GIF_DURABLE = "test-gif"


async def _scalar(database: Database, sql: str, **params: Any) -> Any:
    async with database.engine.connect() as conn:
        return (await conn.execute(text(sql), params)).scalar_one_or_none()


async def _eventually(check: Any, within: float = 30.0, what: str = "") -> None:
    deadline = asyncio.get_running_loop().time() + within
    while asyncio.get_running_loop().time() < deadline:
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"not within {within}s: {what}")


async def _publish_raw(settings: Settings, event: CloudEvent) -> None:
    nc = await nats.connect(settings.nats_url)
    try:
        await nc.jetstream().publish(event.type, event.model_dump_json().encode(), headers={"Nats-Msg-Id": event.id})
    finally:
        await nc.close()


class TestProjectieRegel:
    async def test_ending_a_pip_never_vastgesteld_is_a_no_op(self, pip_api: PipApi, database: Database) -> None:
        pip_id = uuid.uuid4()
        event_id = await pip_api.publish(
            "pip-beeindigd",
            pip_id,
            {"pipId": str(pip_id), "inburgeraarId": str(uuid.uuid4()), "datum": "2026-12-01", "reden": "vertrek"},
        )

        async def verwerkt() -> bool:
            found = await _scalar(
                database, "SELECT count(*) FROM inbox WHERE consumer = :c AND event_id = :i", c=DURABLE, i=event_id
            )
            return bool(found)

        await _eventually(verwerkt, what="pip-beeindigd verwerkt")
        assert await _scalar(database, "SELECT count(*) FROM pip_feit WHERE pip_id = :p", p=pip_id) == 0
        assert await _scalar(database, "SELECT count(*) FROM dead_letter WHERE event_id = :i", i=event_id) == 0


class TestForgedEvent:
    async def test_an_event_from_another_source_is_refused_and_dead_lettered(
        self, settings: Settings, database: Database
    ) -> None:
        pip_id = uuid.uuid4()
        forged = CloudEvent(
            id=str(uuid.uuid4()),
            # A pip-vastgesteld that claims to come from aanbieder-api, not from pip-api.
            source=source_urn(settings.oin, "aanbieder-api"),
            type="nl.inburgering.pip.pip-vastgesteld",
            time=datetime.now(UTC),
            subject=str(pip_id),
            gemeentecode="0363",
            data={
                "pipId": str(pip_id), "inburgeraarId": str(uuid.uuid4()), "versie": 1, "leerroute": "b1",
                "taalniveau": "B1", "dagtekening": "2026-03-01", "ingangsdatum": "2026-03-01",
            },
        )  # fmt: skip
        await _publish_raw(settings, forged)

        async def geparkeerd() -> bool:
            found = await _scalar(
                database,
                "SELECT count(*) FROM dead_letter WHERE consumer = :c AND event_id = :i",
                c=DURABLE,
                i=forged.id,
            )
            return bool(found)

        await _eventually(geparkeerd, what="vervalst event in de dead letters")
        reason = await _scalar(database, "SELECT reason FROM dead_letter WHERE event_id = :i", i=forged.id)
        assert "source" in reason
        message = await _scalar(database, "SELECT message FROM dead_letter WHERE event_id = :i", i=forged.id)
        assert CloudEvent.model_validate_json(message) == forged
        assert await _scalar(database, "SELECT count(*) FROM pip_feit WHERE pip_id = :p", p=pip_id) == 0

    async def test_a_message_that_is_no_cloudevent_is_dead_lettered_whole(
        self, settings: Settings, database: Database
    ) -> None:
        body = b'{"niet": "een event"}\x00' + uuid.uuid4().hex.encode()
        nc = await nats.connect(settings.nats_url)
        try:
            await nc.jetstream().publish("nl.inburgering.pip.pip-vastgesteld", body)
        finally:
            await nc.close()

        async def geparkeerd() -> bool:
            sql = "SELECT count(*) FROM dead_letter WHERE consumer = :c AND reason LIKE 'not a CloudEvent%'"
            return bool(await _scalar(database, sql, c=DURABLE))

        await _eventually(geparkeerd, what="ongeldig bericht in de dead letters")
        message = await _scalar(database, "SELECT message FROM dead_letter WHERE reason LIKE 'not a CloudEvent%'")
        assert message.endswith(body[-32:].decode())


class Gif:
    """A handler that fails on one event until it is fixed, and records what it applied."""

    def __init__(self) -> None:
        self.kapot_voor: str | None = None
        self.toegepast: list[str] = []

    async def handler(self, session: AsyncSession, event: CloudEvent) -> None:
        if event.id == self.kapot_voor:
            raise RuntimeError("kan dit event niet toepassen")
        self.toegepast.append(event.id)


@pytest.fixture
async def gif(database: Database, settings: Settings) -> AsyncIterator[tuple[Gif, EventConsumer]]:
    nc = await nats.connect(settings.nats_url)
    with contextlib.suppress(nats.js.errors.NotFoundError):
        await nc.jetstream().delete_consumer(settings.stream_name, GIF_DURABLE)
    await nc.close()
    gif = Gif()
    consumer = EventConsumer(
        database,
        settings.nats_url,
        durable=GIF_DURABLE,
        # Only what this test sends (and valid events of earlier tests): the stream outlives each test's database.
        filter_subject="nl.inburgering.pip.pip-beeindigd",
        handler=gif.handler,
        stream=settings.stream_name,
        dead_letter_after=3,
        oin=settings.oin,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run(stop))
    try:
        yield gif, consumer
    finally:
        stop.set()
        await asyncio.gather(task, return_exceptions=True)


class TestPoisonEvent:
    async def test_dead_lettered_after_n_attempts_counted_and_replayed_after_the_fix(
        self,
        gif: tuple[Gif, EventConsumer],
        pip_api: PipApi,
        database: Database,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        handler, consumer = gif
        caplog.set_level(logging.WARNING, logger="inburgering_kit.consumer")
        # The consumer reads the stream from its start: wait until it has caught up, then send the poison.
        await asyncio.sleep(1.0)
        gif_id, later_id = uuid.uuid4(), uuid.uuid4()
        data = {"inburgeraarId": str(uuid.uuid4()), "datum": "2026-12-01", "reden": "vertrek"}
        handler.kapot_voor = await pip_api.publish("pip-beeindigd", gif_id, {"pipId": str(gif_id), **data})
        later = await pip_api.publish("pip-beeindigd", later_id, {"pipId": str(later_id), **data})

        async def later_toegepast() -> bool:
            return later in handler.toegepast

        # The poison does not hold up the event behind it.
        await _eventually(later_toegepast, within=5, what="het event na het gif")

        async def geparkeerd() -> bool:
            return await consumer.dead_letter_count() == 1

        await _eventually(geparkeerd, within=30, what="gif in de dead letters")
        attempts = await _scalar(database, "SELECT attempts FROM dead_letter WHERE event_id = :i", i=handler.kapot_voor)
        assert attempts == 3
        assert handler.kapot_voor not in handler.toegepast
        # One line per failed attempt, no traceback; the traceback is kept with the dead letter, once.
        pogingen = [r for r in caplog.records if "attempt" in r.getMessage() and r.levelno == logging.WARNING]
        assert len(pogingen) == 2 and all(r.exc_info is None for r in pogingen)
        reason = await _scalar(database, "SELECT reason FROM dead_letter WHERE event_id = :i", i=handler.kapot_voor)
        assert "Traceback" in reason and "kan dit event niet toepassen" in reason

        await asyncio.sleep(3.0)
        assert await consumer.dead_letter_count() == 1  # not redelivered any more

        gif_event = handler.kapot_voor
        handler.kapot_voor = None
        assert await consumer.replay_dead_letters() == (1, 0)
        assert handler.toegepast.count(gif_event) == 1
        assert await consumer.dead_letter_count() == 0
        assert await consumer.replay_dead_letters() == (0, 0)
