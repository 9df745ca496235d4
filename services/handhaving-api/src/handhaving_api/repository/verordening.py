"""The gemeente's verordening versions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from handhaving_api.models import Verordening


class VerordeningRepository:
    def __init__(self, session: AsyncSession, gemeente: str) -> None:
        self.session = session
        self.gemeente = gemeente

    async def add_once(self, verordening: Verordening) -> bool:
        """False when the gemeente already has a version with this ingangsdatum (versions are never replaced)."""
        values = {c.key: getattr(verordening, c.key) for c in Verordening.__table__.columns if c.key != "created_at"}
        statement = insert(Verordening).values(**values).on_conflict_do_nothing()
        return (await self.session.execute(statement.returning(Verordening.id))).scalar_one_or_none() is not None

    async def all(self) -> Sequence[Verordening]:
        query = select(Verordening).where(Verordening.gemeente_code == self.gemeente).order_by(Verordening.ingangsdatum)
        return (await self.session.execute(query)).scalars().all()

    async def get(self, ingangsdatum: date) -> Verordening | None:
        query = select(Verordening).where(
            Verordening.gemeente_code == self.gemeente, Verordening.ingangsdatum == ingangsdatum
        )
        return (await self.session.execute(query)).scalar_one_or_none()
