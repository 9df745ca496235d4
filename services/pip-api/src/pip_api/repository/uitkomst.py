"""Judgements on MAP/PVT parts not achieved, reached through their PIP."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pip_api.models import OnderdeelUitkomst


class OnderdeelUitkomstRepository:
    """Reached through the PIP, whose repository checks the gemeente."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list(self, pip_id: uuid.UUID) -> Sequence[OnderdeelUitkomst]:
        query = (
            select(OnderdeelUitkomst)
            .where(OnderdeelUitkomst.pip_id == pip_id)
            .order_by(OnderdeelUitkomst.created_at, OnderdeelUitkomst.id)
        )
        return (await self.session.execute(query)).scalars().all()

    async def add(self, uitkomst: OnderdeelUitkomst) -> None:
        self.session.add(uitkomst)
        await self.session.flush()
