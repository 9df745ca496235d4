"""Moves registered at the gemeente left, and the dossiers taken over from a previous gemeente."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from inburgeraar_api.models import OvergenomenDossier, Verhuizing


class VerhuizingRepository:
    """The caller has already found the inburgeraar in its gemeente, except for a transfer's own row (by its id)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, record: Verhuizing | OvergenomenDossier) -> None:
        self.session.add(record)
        await self.session.flush()

    async def van(self, inburgeraar_id: uuid.UUID) -> Sequence[Verhuizing]:
        query = select(Verhuizing).where(Verhuizing.inburgeraar_id == inburgeraar_id).order_by(Verhuizing.aangemeld_at)
        return (await self.session.execute(query)).scalars().all()

    async def get(
        self, inburgeraar_id: uuid.UUID, verhuizing_id: uuid.UUID, *, for_update: bool = False
    ) -> Verhuizing | None:
        query = select(Verhuizing).where(Verhuizing.inburgeraar_id == inburgeraar_id, Verhuizing.id == verhuizing_id)
        if for_update:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def vergrendel_overdracht(self, overdracht_id: uuid.UUID) -> None:
        """Serialise two deliveries of one transfer until the transaction ends: the first inserts, the second then
        finds its row (there is no row to lock before the first has inserted it)."""
        await self.session.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:id, 0))"), {"id": str(overdracht_id)}
        )

    async def overgenomen(self, overdracht_id: uuid.UUID) -> OvergenomenDossier | None:
        return await self.session.get(OvergenomenDossier, overdracht_id)

    async def overgenomen_van(self, inburgeraar_id: uuid.UUID) -> Sequence[OvergenomenDossier]:
        query = (
            select(OvergenomenDossier)
            .where(OvergenomenDossier.inburgeraar_id == inburgeraar_id)
            .order_by(OvergenomenDossier.created_at)
        )
        return (await self.session.execute(query)).scalars().all()
