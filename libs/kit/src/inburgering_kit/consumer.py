"""Durable JetStream consumer whose handlers are idempotent by construction.

Each message is handled in its own unit of work: the event id goes into the `inbox` table in the same
transaction as the handler's effect, and the message is acknowledged only after that commit. A
redelivered message finds its id already there and is acknowledged without running the handler again.

A message that cannot be applied is never dropped: one that is not a CloudEvent, or whose type or source does
not belong to its subject's owner (see `events.untrusted_because`), goes at once to the `dead_letter` table; one
whose handler fails is retried with backoff and goes there after `dead_letter_after` attempts. There it is kept
whole and counted in the log, and `replay_dead_letters` applies it again once the cause is fixed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import traceback
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime

import nats
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from pydantic import ValidationError
from sqlalchemy import BigInteger, DateTime, Integer, String, Text, UniqueConstraint, func, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from inburgering_kit.db import Database, KitBase, database_unavailable
from inburgering_kit.events import CloudEvent, untrusted_because
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


class DeadLetter(KitBase):
    """A message a consumer could not apply, kept whole until it is replayed."""

    __tablename__ = "dead_letter"
    __table_args__ = (UniqueConstraint("consumer", "stream_seq"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    consumer: Mapped[str] = mapped_column(String(100))
    stream_seq: Mapped[int] = mapped_column(BigInteger)
    subject: Mapped[str] = mapped_column(String(255))
    event_id: Mapped[str | None] = mapped_column(String(100))
    message: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer)
    dead_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    replayed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


_INSERT_INBOX = text(
    "INSERT INTO inbox (consumer, event_id, event_type) VALUES (:c, :i, :t) ON CONFLICT DO NOTHING RETURNING event_id"
)
# A redelivery of a message whose dead letter was written but not yet acknowledged lands once.
_INSERT_DEAD_LETTER = text(
    "INSERT INTO dead_letter (id, consumer, stream_seq, subject, event_id, message, reason, attempts) "
    "VALUES (CAST(:id AS uuid), :c, :seq, :subject, :event_id, :message, :reason, :attempts) "
    "ON CONFLICT (consumer, stream_seq) DO NOTHING"
)
_COUNT_DEAD_LETTERS = text("SELECT count(*) FROM dead_letter WHERE consumer = :c AND replayed_at IS NULL")


async def waiting_dead_letters(session: AsyncSession, consumer: str) -> int:
    """How many dead letters of `consumer` wait for a replay (for a service's metrics)."""
    return int((await session.execute(_COUNT_DEAD_LETTERS, {"c": consumer})).scalar_one())


def _as_text(data: bytes) -> str:
    # Whatever arrived must fit a text column: PostgreSQL refuses NUL and invalid UTF-8.
    return data.decode("utf-8", errors="replace").replace("\x00", "\ufffd")


class Untrusted(Exception):  # noqa: N818 - a verdict on a message, not a failure of ours
    def __init__(self, reason: str, event_id: str | None = None) -> None:
        super().__init__(reason)
        self.event_id = event_id


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
        dead_letter_after: int = 8,
        max_deliver: int = -1,
        ack_wait: float = 30.0,
        gather_s: float = 0.0,
        oin: str | None = None,
        give_up_after: float = 300.0,
    ) -> None:
        self.database = database
        self.nats_url = nats_url
        self.durable = durable
        self.filter_subject = filter_subject
        self.handler = handler
        self.stream = stream
        self.batch_size = batch_size
        self.dead_letter_after = dead_letter_after
        # Unbounded by default: JetStream must never discard a message; `dead_letter_after` bounds the attempts.
        self.max_deliver = max_deliver
        # The OIN every trusted source carries; None accepts any OIN, still checking the service.
        self.oin = oin
        self.ack_wait = ack_wait
        # After a batch smaller than `batch_size`, wait this long before fetching again, so the next batch holds
        # what arrived meanwhile: fewer, larger transactions for a little latency (none for a lone event).
        self.gather_s = gather_s
        # Failing this long (database or NATS away) ends the consumer with `health.UnrecoverableError`.
        self.give_up_after = give_up_after
        self._nc: NatsClient | None = None

    def parse(self, msg: Msg) -> CloudEvent:
        """The event in `msg`, if it is a CloudEvent its subject's owner may have sent; `Untrusted` otherwise."""
        try:
            event = CloudEvent.model_validate_json(msg.data)
        except ValidationError as exc:
            raise Untrusted(f"not a CloudEvent: {exc.error_count()} validation error(s)") from None
        reason = untrusted_because(event, msg.subject, self.oin)
        if reason is not None:
            raise Untrusted(reason, event.id)
        return event

    async def apply(self, session: AsyncSession, event: CloudEvent) -> None:
        """The event's effect, unless the inbox shows it was applied before; the caller commits."""
        first_time = (await session.execute(_INSERT_INBOX, {"c": self.durable, "i": event.id, "t": event.type})).first()
        if first_time is not None:
            await self.handler(session, event)

    async def handle(self, msg: Msg) -> None:
        try:
            event = self.parse(msg)
        except Untrusted as exc:
            # Neither a malformed nor a forged message mends on redelivery.
            await self.dead_letter(msg, str(exc), event_id=exc.event_id)
            return
        try:
            async with self.database.unit_of_work() as uow:
                await self.apply(uow.session, event)
                await uow.commit()
        except Exception as exc:
            if database_unavailable(exc):
                raise DatabaseUnavailableError from exc
            attempts = msg.metadata.num_delivered or 1
            if attempts >= self.dead_letter_after:
                await self.dead_letter(msg, traceback.format_exc(), event_id=event.id)
                return
            # One line per attempt; the traceback goes with the dead letter, once.
            logger.warning(
                "consumer %s: event %s (%s) failed, attempt %d of %d: %s: %s",
                self.durable, event.id, event.type, attempts, self.dead_letter_after, type(exc).__name__, exc,
            )  # fmt: skip
            await self._retry_later(msg)
            return
        await msg.ack()

    async def dead_letter(self, msg: Msg, reason: str, *, event_id: str | None) -> None:
        """Keep `msg` in the dead-letter table and acknowledge it, so it no longer holds up anything."""
        attempts = msg.metadata.num_delivered or 1
        try:
            async with self.database.unit_of_work() as uow:
                await uow.session.execute(
                    _INSERT_DEAD_LETTER,
                    {
                        "id": str(uuid.uuid4()), "c": self.durable, "seq": msg.metadata.sequence.stream,
                        "subject": msg.subject, "event_id": event_id,
                        "message": _as_text(msg.data), "reason": reason, "attempts": attempts,
                    },
                )  # fmt: skip
                waiting = (await uow.session.execute(_COUNT_DEAD_LETTERS, {"c": self.durable})).scalar_one()
                await uow.commit()
        except Exception as exc:
            # Nowhere to keep it (database down?): JetStream keeps it meanwhile, and it comes back here.
            logger.warning("consumer %s: could not dead-letter a message on %s: %r", self.durable, msg.subject, exc)
            await self._retry_later(msg)
            return
        logger.error(
            "consumer %s: message %s on %s dead-lettered after %d attempt(s): %s; %d dead letter(s) await replay",
            self.durable, event_id or "(no id)", msg.subject, attempts, reason.strip().splitlines()[-1], waiting,
        )  # fmt: skip
        with contextlib.suppress(Exception):
            await msg.ack()

    async def _retry_later(self, msg: Msg) -> None:
        with contextlib.suppress(Exception):
            await msg.nak(delay=min(2 ** (msg.metadata.num_delivered or 1), 60))

    async def dead_letter_count(self) -> int:
        async with self.database.unit_of_work() as uow:
            return await waiting_dead_letters(uow.session, self.durable)

    async def replay_dead_letters(self) -> tuple[int, int]:
        """Apply every waiting dead letter of this consumer again, oldest first, each in its own transaction.

        Straight to the handler, not back through NATS: republishing would need the owner's publish right and would
        reach every other consumer too. Returns (replayed, still waiting); one that fails again keeps waiting.
        """
        async with self.database.unit_of_work() as uow:
            rows = (
                await uow.session.execute(
                    text(
                        "SELECT id, subject, message FROM dead_letter "
                        "WHERE consumer = :c AND replayed_at IS NULL ORDER BY stream_seq"
                    ),
                    {"c": self.durable},
                )
            ).all()
        replayed = 0
        for row in rows:
            try:
                event = CloudEvent.model_validate_json(row.message)
                reason = untrusted_because(event, row.subject, self.oin)
                if reason is not None:
                    raise Untrusted(reason)
                async with self.database.unit_of_work() as uow:
                    await self.apply(uow.session, event)
                    await uow.session.execute(
                        text("UPDATE dead_letter SET replayed_at = now() WHERE id = :id"), {"id": row.id}
                    )
                    await uow.commit()
            except Exception as exc:
                logger.warning(
                    "consumer %s: dead letter %s still fails: %s: %s", self.durable, row.id, type(exc).__name__, exc
                )
                continue
            replayed += 1
        logger.info(
            "consumer %s: %d dead letter(s) replayed, %d still waiting", self.durable, replayed, len(rows) - replayed
        )
        return replayed, len(rows) - replayed

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
