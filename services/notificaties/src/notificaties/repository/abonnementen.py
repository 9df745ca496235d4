"""The subscriptions as the API sees them, scoped to the caller's gemeente: another gemeente's subscription is
not found, exactly like one that does not exist."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from inburgering_kit.pagination import PageParams, paginate
from notificaties.domain.aflevering import WACHTEND
from notificaties.models import Abonnement, Aflevering
from notificaties.repository.queue import notify


class AbonnementRepository:
    def __init__(self, session: AsyncSession, gemeente: str) -> None:
        self.session = session
        self.gemeente = gemeente

    async def add(self, abonnement: Abonnement) -> None:
        self.session.add(abonnement)
        await self.session.flush()

    async def get(self, abonnement_id: uuid.UUID, *, for_update: bool = False) -> Abonnement | None:
        query = select(Abonnement).where(Abonnement.id == abonnement_id, Abonnement.gemeente_code == self.gemeente)
        if for_update:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def page(self, paging: PageParams, *, status: str | None) -> tuple[Sequence[Abonnement], int]:
        query = select(Abonnement).where(Abonnement.gemeente_code == self.gemeente)
        if status is not None:
            query = query.where(Abonnement.status == status)
        return await paginate(self.session, query, paging, Abonnement.created_at, Abonnement.id)

    async def delete(self, abonnement: Abonnement) -> None:
        await self.session.delete(abonnement)
        await self.session.flush()

    async def afleverstand(self, abonnement_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
        """Per subscription: number of deliveries per status and the last successful delivery."""
        if not abonnement_ids:
            return {}
        rows = await self.session.execute(
            select(
                Aflevering.abonnement_id,
                Aflevering.status,
                func.count(),
                func.max(Aflevering.afgeleverd_at),
            )
            .where(Aflevering.abonnement_id.in_(abonnement_ids))
            .group_by(Aflevering.abonnement_id, Aflevering.status)
        )
        result: dict[uuid.UUID, dict[str, Any]] = {}
        for abonnement_id, status, count, last in rows.all():
            stand = result.setdefault(abonnement_id, {"laatst": None})
            stand[status] = count
            if last is not None:
                stand["laatst"] = last
        return result

    async def afleveringen(
        self, abonnement_id: uuid.UUID, paging: PageParams, *, status: str | None
    ) -> tuple[Sequence[Aflevering], int]:
        query = select(Aflevering).where(Aflevering.abonnement_id == abonnement_id)
        if status is not None:
            query = query.where(Aflevering.status == status)
        return await paginate(self.session, query, paging, Aflevering.volgnummer.desc())

    async def aflevering(self, abonnement_id: uuid.UUID, aflevering_id: uuid.UUID) -> Aflevering | None:
        query = select(Aflevering).where(Aflevering.abonnement_id == abonnement_id, Aflevering.id == aflevering_id)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def opnieuw(
        self,
        abonnement_id: uuid.UUID,
        *,
        aflevering_id: uuid.UUID | None = None,
        vanaf: datetime | None = None,
        tot: datetime | None = None,
    ) -> int:
        """Re-queue delivered or dead-lettered deliveries at the end of the subscription's queue, with a fresh
        attempt budget; one still waiting is in the queue already. The caller holds the subscription's row lock,
        which orders this with the consumer's inserts (`volgnummer` grows in commit order)."""
        statement = (
            update(Aflevering)
            .where(Aflevering.abonnement_id == abonnement_id)
            .where(Aflevering.status != WACHTEND)
            .values(
                status=WACHTEND,
                pogingen=0,
                next_attempt_at=func.now(),
                eerste_mislukt_at=None,
                afgeleverd_at=None,
                volgnummer=text("nextval(pg_get_serial_sequence('aflevering', 'volgnummer'))"),
            )
            .execution_options(synchronize_session=False)
        )
        if aflevering_id is not None:
            statement = statement.where(Aflevering.id == aflevering_id)
        if vanaf is not None:
            statement = statement.where(Aflevering.event_time >= vanaf)
        if tot is not None:
            statement = statement.where(Aflevering.event_time < tot)
        result = await self.session.execute(statement)
        count = int(result.rowcount)  # type: ignore[attr-defined]
        if count:
            # The queue is no longer only what a lease holder has in hand; due now, even when a retry waits.
            await self.session.execute(
                update(Abonnement)
                .where(Abonnement.id == abonnement_id)
                .values(next_attempt_at=func.least(Abonnement.next_attempt_at, func.now()), lease_holds_queue=False)
            )
            await notify(self.session, [str(abonnement_id)])
        return count
