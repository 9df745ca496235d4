"""Opdrachten of the gemeente, their versions, the PIP facts they were made from and the reports made about them
(as the gemeente reads them)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from aanbieder_api.domain.enums import OpdrachtStatus
from aanbieder_api.models import InburgeraarFeit, Melding, Opdracht, OpdrachtVersie, PipFeit
from inburgering_kit.pagination import PageParams, paginate


class OpdrachtRepository:
    def __init__(self, session: AsyncSession, gemeente: str) -> None:
        self.session = session
        self.gemeente = gemeente

    # ---- the gemeente's side ----

    async def pip(self, pip_id: uuid.UUID) -> PipFeit | None:
        query = select(PipFeit).where(PipFeit.pip_id == pip_id, PipFeit.gemeente_code == self.gemeente)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def inburgeraar(self, inburgeraar_id: uuid.UUID) -> InburgeraarFeit | None:
        query = select(InburgeraarFeit).where(
            InburgeraarFeit.inburgeraar_id == inburgeraar_id, InburgeraarFeit.gemeente_code == self.gemeente
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def pip_versies(self, pip_ids: set[uuid.UUID]) -> dict[uuid.UUID, int]:
        if not pip_ids:
            return {}
        query = select(PipFeit.pip_id, PipFeit.versie).where(
            PipFeit.pip_id.in_(pip_ids), PipFeit.gemeente_code == self.gemeente
        )
        return {row.pip_id: row.versie for row in await self.session.execute(query)}

    async def add(self, record: Opdracht | OpdrachtVersie) -> None:
        self.session.add(record)
        await self.session.flush()

    async def get(self, opdracht_id: uuid.UUID, *, for_update: bool = False) -> Opdracht | None:
        query = select(Opdracht).where(Opdracht.id == opdracht_id, Opdracht.gemeente_code == self.gemeente)
        if for_update:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def list(
        self,
        paging: PageParams,
        *,
        aanbieder_id: uuid.UUID | None = None,
        pip_id: uuid.UUID | None = None,
        inburgeraar_ids: Sequence[uuid.UUID] | None = None,
        status: str | None = None,
        gewijzigd_sinds: datetime | None = None,
        pip_te_herzien: bool | None = None,
    ) -> tuple[Sequence[Opdracht], int]:
        query = select(Opdracht).where(Opdracht.gemeente_code == self.gemeente)
        if aanbieder_id is not None:
            query = query.where(Opdracht.aanbieder_id == aanbieder_id)
        if pip_id is not None:
            query = query.where(Opdracht.pip_id == pip_id)
        if inburgeraar_ids:
            query = query.where(Opdracht.inburgeraar_id.in_(inburgeraar_ids))
        if status is not None:
            query = query.where(Opdracht.status == status)
        if gewijzigd_sinds is not None:
            query = query.where(Opdracht.gewijzigd_at > gewijzigd_sinds)
        if pip_te_herzien is not None:
            herzien = select(PipFeit.versie).where(PipFeit.pip_id == Opdracht.pip_id).scalar_subquery()
            # Without a PIP (or one not projected) there is nothing to review: false, never NULL.
            query = query.where(func.coalesce(Opdracht.pip_versie < herzien, False) == pip_te_herzien)
        order = (Opdracht.gewijzigd_at, Opdracht.id) if gewijzigd_sinds is not None else (Opdracht.created_at.desc(),)
        return await paginate(self.session, query, paging, *order, Opdracht.id)

    async def van_pip(self, pip_id: uuid.UUID) -> Sequence[Opdracht]:
        query = select(Opdracht).where(Opdracht.pip_id == pip_id).order_by(Opdracht.created_at).with_for_update()
        return (await self.session.execute(query)).scalars().all()

    async def lopend_van(self, inburgeraar_id: uuid.UUID) -> Sequence[Opdracht]:
        """The person's opdrachten that have not ended (neither afgerond nor ingetrokken), locked, oldest first."""
        query = (
            select(Opdracht)
            .where(
                Opdracht.gemeente_code == self.gemeente,
                Opdracht.inburgeraar_id == inburgeraar_id,
                Opdracht.status.in_([OpdrachtStatus.VERSTREKT.value, OpdrachtStatus.GESTART.value]),
            )
            .order_by(Opdracht.created_at, Opdracht.id)
            .with_for_update()
        )
        return (await self.session.execute(query)).scalars().all()

    async def versies(self, opdracht_id: uuid.UUID) -> Sequence[OpdrachtVersie]:
        query = select(OpdrachtVersie).where(OpdrachtVersie.opdracht_id == opdracht_id).order_by(OpdrachtVersie.versie)
        return (await self.session.execute(query)).scalars().all()

    async def versiepagina(self, opdracht_id: uuid.UUID, paging: PageParams) -> tuple[Sequence[OpdrachtVersie], int]:
        query = select(OpdrachtVersie).where(OpdrachtVersie.opdracht_id == opdracht_id)
        return await paginate(self.session, query, paging, OpdrachtVersie.versie)

    async def versie(self, opdracht_id: uuid.UUID, versie: int) -> OpdrachtVersie | None:
        query = select(OpdrachtVersie).where(OpdrachtVersie.opdracht_id == opdracht_id, OpdrachtVersie.versie == versie)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def meldingen(
        self, paging: PageParams, *, opdracht_id: uuid.UUID | None = None, aanbieder_id: uuid.UUID | None = None,
        soort: str | None = None, vanaf: datetime | None = None, opdracht_ids: Sequence[uuid.UUID] | None = None,
    ) -> tuple[Sequence[Melding], int]:  # fmt: skip
        query = select(Melding).where(Melding.gemeente_code == self.gemeente)
        if opdracht_id is not None:
            query = query.where(Melding.opdracht_id == opdracht_id)
        if opdracht_ids:
            query = query.where(Melding.opdracht_id.in_(opdracht_ids))
        if aanbieder_id is not None:
            query = query.where(Melding.aanbieder_id == aanbieder_id)
        if soort is not None:
            query = query.where(Melding.soort == soort)
        if vanaf is not None:
            query = query.where(Melding.gemeld_at >= vanaf)
        return await paginate(self.session, query, paging, Melding.gemeld_at.desc(), Melding.id)

    async def melding(self, melding_id: uuid.UUID) -> Melding | None:
        query = select(Melding).where(Melding.id == melding_id, Melding.gemeente_code == self.gemeente)
        return (await self.session.execute(query)).scalar_one_or_none()
