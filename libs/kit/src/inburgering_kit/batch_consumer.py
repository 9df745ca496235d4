"""A durable JetStream consumer that handles each fetched batch in one transaction.

`EventConsumer` commits once per message: its throughput is bounded by the commit latency of the database
(an fsync each; tens of milliseconds on slow disks). This subclass writes the inbox rows and the handler's
effects of a whole batch in one unit of work and acknowledges the messages after that one commit. The
guarantees are the same: nothing is acknowledged before its effect is committed, and an event id already in
the inbox — or twice in one batch — is handled once. If any handler in the batch fails, the batch is rolled
back and each message goes through `EventConsumer.handle` on its own, so one bad event does not hold back
the others and gets the usual redelivery with backoff, then the dead-letter table.
"""

from __future__ import annotations

import asyncio
import logging

from nats.aio.msg import Msg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from inburgering_kit.consumer import EventConsumer, Untrusted
from inburgering_kit.events import CloudEvent

logger = logging.getLogger(__name__)

_INSERT_INBOX = text(
    "INSERT INTO inbox (consumer, event_id, event_type) "
    "SELECT :c, i, t FROM unnest(CAST(:ids AS text[]), CAST(:types AS text[])) AS u(i, t) "
    "ON CONFLICT DO NOTHING RETURNING event_id"
)


class BatchEventConsumer(EventConsumer):
    async def handle_fetched(self, messages: list[Msg]) -> None:
        events: list[tuple[Msg, CloudEvent]] = []
        for msg in messages:
            try:
                events.append((msg, self.parse(msg)))
            except Untrusted as exc:
                await self.dead_letter(msg, str(exc), event_id=exc.event_id)
        if not events:
            return
        unique: dict[str, CloudEvent] = {}
        for _, event in events:
            unique.setdefault(event.id, event)
        try:
            async with self.database.unit_of_work() as uow:
                rows = await uow.session.execute(
                    _INSERT_INBOX,
                    {"c": self.durable, "ids": list(unique), "types": [e.type for e in unique.values()]},
                )
                first_time = set(rows.scalars().all())
                await self.handle_batch(uow.session, [e for i, e in unique.items() if i in first_time])
                await uow.commit()
        except Exception:
            logger.warning("consumer %s: batch of %d failed; handling one by one", self.durable, len(events))
            for msg in (m for m, _ in events):
                await self.handle(msg)
            return
        self.committed()
        await asyncio.gather(*(msg.ack() for msg, _ in events), return_exceptions=True)

    async def handle_batch(self, session: AsyncSession, events: list[CloudEvent]) -> None:
        """The effects of a batch's first-seen events, in its transaction. Subclasses may handle them as one set
        (fewer statements); the per-message fallback still calls `handler` for each."""
        for event in events:
            await self.handler(session, event)

    def committed(self) -> None:
        """After the batch's transaction committed (not after the per-message fallback): a hook for handing what
        the batch created to other work in this process, now that it is durable."""
