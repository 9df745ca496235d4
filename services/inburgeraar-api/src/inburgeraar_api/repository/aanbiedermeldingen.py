"""The providers' reports as received (`leerbaarheidstoets_melding`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inburgeraar_api.models import LeerbaarheidstoetsMelding


class AanbiedermeldingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def leerbaarheidstoets(self, melding_id: uuid.UUID) -> LeerbaarheidstoetsMelding | None:
        return await self.session.get(LeerbaarheidstoetsMelding, melding_id)

    async def leerbaarheidstoetsen(self, inburgeraar_id: uuid.UUID) -> Sequence[LeerbaarheidstoetsMelding]:
        query = (
            select(LeerbaarheidstoetsMelding)
            .where(LeerbaarheidstoetsMelding.inburgeraar_id == inburgeraar_id)
            .order_by(LeerbaarheidstoetsMelding.ontvangen_at)
        )
        return (await self.session.execute(query)).scalars().all()

    async def add(self, record: LeerbaarheidstoetsMelding) -> None:
        self.session.add(record)
        await self.session.flush()
