"""Participatiewet maatregelen."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handhaving_api.models import ParticipatiewetMaatregel
from inburgering_kit.pagination import PageParams, paginate


class MaatregelRepository:
    def __init__(self, session: AsyncSession, gemeente: str) -> None:
        self.session = session
        self.gemeente = gemeente

    async def add(self, maatregel: ParticipatiewetMaatregel) -> None:
        self.session.add(maatregel)
        await self.session.flush()

    async def get(self, maatregel_id: uuid.UUID) -> ParticipatiewetMaatregel | None:
        query = select(ParticipatiewetMaatregel).where(
            ParticipatiewetMaatregel.id == maatregel_id, ParticipatiewetMaatregel.gemeente_code == self.gemeente
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def of_person(self, inburgeraar_id: uuid.UUID) -> Sequence[ParticipatiewetMaatregel]:
        query = select(ParticipatiewetMaatregel).where(
            ParticipatiewetMaatregel.gemeente_code == self.gemeente,
            ParticipatiewetMaatregel.inburgeraar_id == inburgeraar_id,
        )
        return (await self.session.execute(query)).scalars().all()

    async def list(
        self, paging: PageParams, inburgeraar_id: uuid.UUID | None
    ) -> tuple[Sequence[ParticipatiewetMaatregel], int]:
        query = select(ParticipatiewetMaatregel).where(ParticipatiewetMaatregel.gemeente_code == self.gemeente)
        if inburgeraar_id is not None:
            query = query.where(ParticipatiewetMaatregel.inburgeraar_id == inburgeraar_id)
        return await paginate(
            self.session, query, paging, ParticipatiewetMaatregel.created_at, ParticipatiewetMaatregel.id
        )
