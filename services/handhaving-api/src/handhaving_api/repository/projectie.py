"""The projection of other contexts' facts about a person, written by the consumers for whatever gemeente the event
names, read by the use cases within the caller's gemeente."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from handhaving_api.models import InburgeraarFeit


class ProjectieRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, inburgeraar_id: uuid.UUID, gemeente: str) -> InburgeraarFeit | None:
        query = select(InburgeraarFeit).where(
            InburgeraarFeit.inburgeraar_id == inburgeraar_id, InburgeraarFeit.gemeente_code == gemeente
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def upsert(self, inburgeraar_id: uuid.UUID, gemeente: str, **values: object) -> None:
        """Set `values` on the person's row, creating it: facts from three contexts arrive in any order."""
        statement = insert(InburgeraarFeit).values(inburgeraar_id=inburgeraar_id, gemeente_code=gemeente, **values)
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["inburgeraar_id"], set_={"gemeente_code": gemeente, **values}
            )
        )
