"""Voortgangsgesprekken, reached through their PIP."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pip_api.models import Voortgangsgesprek


class VoortgangsgesprekRepository:
    """Conversations are reached through their PIP, whose repository checks the gemeente."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list(self, pip_id: uuid.UUID) -> Sequence[Voortgangsgesprek]:
        query = (
            select(Voortgangsgesprek)
            .where(Voortgangsgesprek.pip_id == pip_id)
            .order_by(Voortgangsgesprek.gepland_datum, Voortgangsgesprek.id)
        )
        return (await self.session.execute(query)).scalars().all()

    async def get(self, pip_id: uuid.UUID, gesprek_id: uuid.UUID) -> Voortgangsgesprek | None:
        query = select(Voortgangsgesprek).where(Voortgangsgesprek.id == gesprek_id, Voortgangsgesprek.pip_id == pip_id)
        return (await self.session.execute(query.with_for_update())).scalar_one_or_none()

    async def add(self, gesprek: Voortgangsgesprek) -> None:
        self.session.add(gesprek)
        await self.session.flush()
