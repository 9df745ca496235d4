"""The projection of inburgeraar facts, written by the consumer of inburgeraar-api's events."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from pip_api.models import InburgeraarFeit


class ProjectieRepository:
    """The projection is written by the consumer, which acts for whatever gemeente the event names."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, inburgeraar_id: uuid.UUID) -> InburgeraarFeit | None:
        return await self.session.get(InburgeraarFeit, inburgeraar_id, with_for_update=True)

    async def add(self, feit: InburgeraarFeit) -> None:
        self.session.add(feit)
        await self.session.flush()
