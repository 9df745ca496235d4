"""A relay publishing a service's outbox and a recording consumer of its events (what a test of "which events
leave this service" needs), and stand-ins for the services whose events it consumes."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any, ClassVar

import nats
import pytest
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from sqlalchemy.ext.asyncio import AsyncSession

from inburgering_kit.consumer import EventConsumer
from inburgering_kit.db import Database
from inburgering_kit.events import CloudEvent
from inburgering_kit.outbox import OutboxRelay, ensure_stream
from inburgering_kit.settings import ServiceSettings


class Recorder:
    """The events a consumer received, in order."""

    def __init__(self) -> None:
        self.events: list[CloudEvent] = []
        self._nieuw = asyncio.Condition()

    async def handler(self, session: AsyncSession, event: CloudEvent) -> None:
        async with self._nieuw:
            self.events.append(event)
            self._nieuw.notify_all()

    async def wacht_op(self, aantal: int, within: float = 20.0) -> list[CloudEvent]:
        async with asyncio.timeout(within), self._nieuw:
            await self._nieuw.wait_for(lambda: len(self.events) >= aantal)
        return self.events


@contextlib.asynccontextmanager
async def relay_and_recorder(
    database: Database, settings: ServiceSettings, *, durable: str, filter_subject: str
) -> AsyncIterator[Recorder]:
    """The service's outbox relay and a durable consumer of `filter_subject`, both stopped on exit. The consumer is
    fresh (an old one of the same name is deleted first) and sees only what is published from now on: the session's
    stream keeps every earlier test's events, and other suites' stand-ins publish under the same subjects."""
    recorder = Recorder()
    stop = asyncio.Event()
    relay = OutboxRelay(database, settings.nats_url, stream=settings.stream_name)
    consumer = EventConsumer(
        database,
        settings.nats_url,
        durable=durable,
        filter_subject=filter_subject,
        handler=recorder.handler,
        stream=settings.stream_name,
    )
    nc = await nats.connect(settings.nats_url)
    try:
        js = nc.jetstream()
        await ensure_stream(js, settings.stream_name)
        with contextlib.suppress(nats.js.errors.NotFoundError):
            await js.delete_consumer(settings.stream_name, durable)
        # The consumer binds to this durable as it finds it (the only difference with its own: from now on).
        await js.add_consumer(
            settings.stream_name,
            ConsumerConfig(
                durable_name=durable,
                ack_policy=AckPolicy.EXPLICIT,
                deliver_policy=DeliverPolicy.NEW,
                max_deliver=consumer.max_deliver,
                ack_wait=consumer.ack_wait,
                filter_subject=filter_subject,
            ),
        )
    finally:
        await nc.close()
    tasks = [asyncio.create_task(relay.run(stop)), asyncio.create_task(consumer.run(stop))]
    try:
        yield recorder
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), timeout=10)


def recorder_fixture(*, durable: str, filter_subject: str, name: str = "ontvanger") -> Any:
    """A fixture (named `name`) running `relay_and_recorder` around a test."""

    @pytest.fixture(name=name)
    async def fixture(database: Database, settings: ServiceSettings) -> AsyncIterator[Recorder]:
        async with relay_and_recorder(database, settings, durable=durable, filter_subject=filter_subject) as rec:
            yield rec

    return fixture


class StandIn:
    """Stands in for another service: publishes its CloudEvents (`nl.inburgering.<context>.<type>`) to JetStream,
    with `Nats-Msg-Id` like its relay. A subclass names the service's `source` and `context`."""

    source: ClassVar[str]
    context: ClassVar[str]

    def __init__(self, settings: ServiceSettings, database: Database) -> None:
        self.settings = settings
        self.database = database

    async def publish(self, type_: str, subject: uuid.UUID, data: dict[str, Any], gemeente: str = "0363") -> str:
        event = CloudEvent(
            id=str(uuid.uuid4()),
            source=self.source,
            type=f"nl.inburgering.{self.context}.{type_}",
            time=datetime.now(UTC),
            subject=str(subject),
            gemeentecode=gemeente,
            data=data,
        )
        nc = await nats.connect(self.settings.nats_url)
        try:
            js = nc.jetstream()
            await ensure_stream(js, self.settings.stream_name)
            await js.publish(event.type, event.model_dump_json().encode(), headers={"Nats-Msg-Id": event.id})
        finally:
            await nc.close()
        return event.id
