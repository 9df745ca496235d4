"""Every query of the plan context. Each method is scoped to the caller's gemeente: another gemeente's PIP is
not found, exactly like one that does not exist."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from inburgering_kit.pagination import PageParams, paginate
from pip_api.models import InburgeraarFeit, Pip, PipVersie


class PipRepository:
    def __init__(self, session: AsyncSession, gemeente: str) -> None:
        self.session = session
        self.gemeente = gemeente

    async def inburgeraar(self, inburgeraar_id: uuid.UUID) -> InburgeraarFeit | None:
        return (
            await self.session.execute(
                select(InburgeraarFeit).where(
                    InburgeraarFeit.inburgeraar_id == inburgeraar_id, InburgeraarFeit.gemeente_code == self.gemeente
                )
            )
        ).scalar_one_or_none()

    async def get(self, pip_id: uuid.UUID, *, for_update: bool = False) -> Pip | None:
        query = select(Pip).where(Pip.id == pip_id, Pip.gemeente_code == self.gemeente)
        if for_update:
            # Two concurrent changes of one PIP must not both become version n+1.
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def list(
        self, paging: PageParams, *, inburgeraar_id: uuid.UUID | None, status: str | None
    ) -> tuple[Sequence[Pip], int]:
        query = select(Pip).where(Pip.gemeente_code == self.gemeente)
        if inburgeraar_id is not None:
            query = query.where(Pip.inburgeraar_id == inburgeraar_id)
        if status is not None:
            query = query.where(Pip.status == status)
        return await paginate(self.session, query, paging, Pip.created_at, Pip.id)

    async def versies(self, pip_id: uuid.UUID) -> Sequence[PipVersie]:
        return (
            (await self.session.execute(select(PipVersie).where(PipVersie.pip_id == pip_id).order_by(PipVersie.versie)))
            .scalars()
            .all()
        )

    async def versie(self, pip_id: uuid.UUID, versie: int) -> PipVersie | None:
        return (
            await self.session.execute(select(PipVersie).where(PipVersie.pip_id == pip_id, PipVersie.versie == versie))
        ).scalar_one_or_none()

    async def actieve_pip(self, inburgeraar_id: uuid.UUID) -> Pip | None:
        return (
            await self.session.execute(
                select(Pip).where(
                    Pip.gemeente_code == self.gemeente,
                    Pip.inburgeraar_id == inburgeraar_id,
                    Pip.status != "beeindigd",
                )
            )
        ).scalar_one_or_none()

    async def add_pip(self, pip: Pip) -> bool:
        """False when the inburgeraar already has a living PIP (the partial unique index decides under races)."""
        try:
            async with self.session.begin_nested():
                self.session.add(pip)
                await self.session.flush()
        except IntegrityError:
            return False
        return True

    async def add(self, obj: Pip | PipVersie) -> None:
        self.session.add(obj)
        await self.session.flush()


class ProjectieRepository:
    """The projection is written by the consumer, which acts for whatever gemeente the event names."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, inburgeraar_id: uuid.UUID) -> InburgeraarFeit | None:
        return await self.session.get(InburgeraarFeit, inburgeraar_id, with_for_update=True)

    async def add(self, feit: InburgeraarFeit) -> None:
        self.session.add(feit)
        await self.session.flush()
