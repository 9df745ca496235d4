"""Durable JetStream consumer whose handlers are idempotent by construction.

Each message is handled in its own unit of work: the event id goes into the `inbox` table in the same
transaction as the handler's effect, and the message is acknowledged only after that commit. A
redelivered message finds its id already there and is acknowledged without running the handler again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

import nats
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from pydantic import ValidationError
from sqlalchemy import DateTime, String, func, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from inburgering_kit.db import Database, KitBase, database_unavailable
from inburgering_kit.events import CloudEvent
from inburgering_kit.health import LoopHealth, registered
from inburgering_kit.outbox import connect_nats, ensure_stream

logger = logging.getLogger(__name__)

Handler = Callable[[AsyncSession, CloudEvent], Awaitable[None]]


class DatabaseUnavailableError(ConnectionError):
    """Handling stopped because the database is away: the message is not the problem and must not use up one of
    its deliveries per attempt."""


class InboxMessage(KitBase):
    __tablename__ = "inbox"

    consumer: Mapped[str] = mapped_column(String(100), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(255))
    processed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class EventConsumer:
    def __init__(
        self,
        database: Database,
        nats_url: str,
        *,
        durable: str,
        filter_subject: str,
        handler: Handler,
        stream: str,
        batch_size: int = 100,
        max_deliver: int = 20,
        ack_wait: float = 30.0,
        gather_s: float = 0.0,
        give_up_after: float = 300.0,
    ) -> None:
        self.database = database
        self.nats_url = nats_url
        self.durable = durable
        self.filter_subject = filter_subject
        self.handler = handler
        self.stream = stream
        self.batch_size = batch_size
        self.max_deliver = max_deliver
        self.ack_wait = ack_wait
        # After a batch smaller than `batch_size`, wait this long before fetching again, so the next batch holds
        # what arrived meanwhile: fewer, larger transactions for a little latency (none for a lone event).
        self.gather_s = gather_s
        # Failing this long (database or NATS away) ends the consumer with `health.UnrecoverableError`.
        self.give_up_after = give_up_after
        self._nc: NatsClient | None = None

    async def handle(self, msg: Msg) -> None:
        try:
            event = CloudEvent.model_validate_json(msg.data)
        except ValidationError:
            # A message that is not a CloudEvent will never become one: park it instead of retrying.
            logger.error("consumer %s: message on %s is not a CloudEvent; terminated", self.durable, msg.subject)
            await msg.term()
            return
        try:
            async with self.database.unit_of_work() as uow:
                first_time = (
                    await uow.session.execute(
                        text(
                            "INSERT INTO inbox (consumer, event_id, event_type) VALUES (:c, :i, :t) "
                            "ON CONFLICT DO NOTHING RETURNING event_id"
                        ),
                        {"c": self.durable, "i": event.id, "t": event.type},
                    )
                ).first()
                if first_time is not None:
                    await self.handler(uow.session, event)
                    await uow.commit()
        except Exception as exc:
            if database_unavailable(exc):
                raise DatabaseUnavailableError from exc
            logger.exception("consumer %s: handling event %s failed; will be redelivered", self.durable, event.id)
            with contextlib.suppress(Exception):
                await msg.nak(delay=min(2 ** (msg.metadata.num_delivered or 1), 60))
            return
        await msg.ack()

    async def handle_fetched(self, messages: list[Msg]) -> None:
        """One fetched batch; subclasses may handle it as a whole (see `batch_consumer`)."""
        for msg in messages:
            await self.handle(msg)

    async def run(self, stop: asyncio.Event) -> None:
        health = LoopHealth(f"consumer {self.durable}", give_up_after=self.give_up_after, first_delay=0.2)
        try:
            with registered(health):
                while not stop.is_set():
                    try:
                        if health.failing_since is not None:
                            # No fetch while the database is away: every fetch would use up a delivery of each
                            # message, and enough of them would drop it.
                            await self.database.ping()
                        await self._consume(stop, health)
                    except asyncio.CancelledError:
                        raise
                    except Exception as exc:
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(stop.wait(), timeout=health.failed(exc))
        finally:
            await self.close()

    async def _consume(self, stop: asyncio.Event, health: LoopHealth) -> None:
        if self._nc is None or self._nc.is_closed:
            self._nc = await connect_nats(self.nats_url, name=f"consumer-{self.durable}")
        js = self._nc.jetstream()
        await ensure_stream(js, self.stream)
        sub = await js.pull_subscribe(
            self.filter_subject,
            durable=self.durable,
            stream=self.stream,
            config=ConsumerConfig(
                durable_name=self.durable,
                ack_policy=AckPolicy.EXPLICIT,
                deliver_policy=DeliverPolicy.ALL,
                max_deliver=self.max_deliver,
                ack_wait=self.ack_wait,
                filter_subject=self.filter_subject,
            ),
        )
        while not stop.is_set():
            try:
                messages = await sub.fetch(self.batch_size, timeout=0.5)
            except (TimeoutError, nats.errors.TimeoutError):
                health.succeeded()
                continue
            try:
                await self.handle_fetched(messages)
            except DatabaseUnavailableError:
                # Back at once for the next fetch after the database returned, not after `ack_wait`.
                for msg in messages:
                    with contextlib.suppress(Exception):
                        await msg.nak()
                raise
            health.succeeded()
            if self.gather_s and len(messages) < self.batch_size:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.gather_s)

    async def close(self) -> None:
        if self._nc is not None and not self._nc.is_closed:
            with contextlib.suppress(Exception):
                await self._nc.close()
        self._nc = None
