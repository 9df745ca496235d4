"""DUO's boetes, as delivered."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from handhaving_api.models import DuoBoete


class DuoBoeteRepository:
    def __init__(self, session: AsyncSession, gemeente: str) -> None:
        self.session = session
        self.gemeente = gemeente

    async def add_once(self, boete: DuoBoete) -> DuoBoete:
        """The boete under DUO's kenmerk: a delivery of the same kenmerk again returns the one kept."""
        values = {c.key: getattr(boete, c.key) for c in DuoBoete.__table__.columns if c.key != "created_at"}
        await self.session.execute(insert(DuoBoete).values(**values).on_conflict_do_nothing())
        query = select(DuoBoete).where(DuoBoete.gemeente_code == self.gemeente, DuoBoete.kenmerk == boete.kenmerk)
        return (await self.session.execute(query)).scalar_one()

    async def of_person(self, inburgeraar_id: uuid.UUID) -> Sequence[DuoBoete]:
        query = (
            select(DuoBoete)
            .where(DuoBoete.gemeente_code == self.gemeente, DuoBoete.inburgeraar_id == inburgeraar_id)
            .order_by(DuoBoete.besluit_datum)
        )
        return (await self.session.execute(query)).scalars().all()
