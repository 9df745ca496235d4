"""The retention of the delivery log: deliveries that ended (delivered, or given up) longer ago than
`retention_hours` are deleted, and with them the berichten no delivery refers to any more. A delivery that is
waiting — queued, or between retries — is never deleted, nor the bericht it refers to.

Every delivery worker runs it every `retention_interval_seconds`, in batches of a bounded size, each its own
transaction; replicas take turns (an advisory lock per transaction: one that finds it taken skips its round).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random

from inburgering_kit.db import Database
from notificaties.repository import retention
from notificaties.repository.retention import Cleaned
from notificaties.settings import Settings

logger = logging.getLogger(__name__)


class Retention:
    def __init__(
        self, database: Database, settings: Settings, *, batch_size: int = 5000, sweep_slabs: int = 20
    ) -> None:
        self.database = database
        self.hours = settings.retention_hours
        self.interval = settings.retention_interval_seconds
        self.batch_size = batch_size
        # Berichten left without deliveries some other way are found by a sweep over all berichten, this many
        # batches per round and on from where the last round stopped: a pass over the table takes many rounds.
        self.sweep_slabs = sweep_slabs
        self._sweep_after = ""

    async def clean_up(self) -> Cleaned:
        """One round; returns what it deleted."""
        afleveringen = berichten = 0
        while True:
            async with self.database.unit_of_work() as uow:
                result = await retention.delete_ended(uow.session, hours=self.hours, limit=self.batch_size)
                await uow.commit()
            if result is None:
                return Cleaned(afleveringen, berichten)
            afleveringen += result.afleveringen
            berichten += result.berichten
            if result.afleveringen < self.batch_size:
                break
        for _ in range(self.sweep_slabs):
            async with self.database.unit_of_work() as uow:
                swept = await retention.delete_orphaned_after(
                    uow.session, after=self._sweep_after, hours=self.hours, limit=self.batch_size
                )
                await uow.commit()
            if swept is None:
                break
            deleted, self._sweep_after = swept
            berichten += deleted
            if not self._sweep_after:
                break
        return Cleaned(afleveringen, berichten)

    async def run(self, stop: asyncio.Event) -> None:
        # The first round after a random part of the interval: replicas started together do not all try at once,
        # and a worker that is restarted often still gets its turn.
        delay = self.interval * random.random()  # noqa: S311 - spreading, not cryptography
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=delay)
            if stop.is_set():
                return
            try:
                cleaned = await self.clean_up()
                if cleaned.afleveringen or cleaned.berichten:
                    logger.info(
                        "retention: %d deliveries and %d berichten deleted", cleaned.afleveringen, cleaned.berichten
                    )
            except Exception as exc:
                logger.warning(
                    "retention: clean-up failed (%s); next round in %.0fs", type(exc).__name__, self.interval
                )
            delay = self.interval
