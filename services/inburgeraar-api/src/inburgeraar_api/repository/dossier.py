"""The records that hang under one inburgeraar (plicht, klantprofiel, overdracht, intake, begeleiding, ontzorgen)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inburgeraar_api.models import (
    Base,
    BegeleidingOnderdeel,
    BredeIntake,
    Intakegesprek,
    KlantprofielVersie,
    Ontzorgen,
    Oproep,
    PlichtMutatie,
    Verlengingsverzoek,
    WarmeOverdracht,
)

M = TypeVar("M", bound=Base)


class DossierRepository:
    """The records that hang under one inburgeraar; the caller has already found the inburgeraar in its gemeente."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, record: Base) -> None:
        self.session.add(record)
        await self.session.flush()

    async def all_of(self, model: type[M], inburgeraar_id: uuid.UUID, order_by: Any) -> Sequence[M]:
        query = select(model).where(model.inburgeraar_id == inburgeraar_id).order_by(order_by)  # type: ignore[attr-defined]
        return (await self.session.execute(query)).scalars().all()

    async def one_of(self, model: type[M], inburgeraar_id: uuid.UUID, *, for_update: bool = False) -> M | None:
        query = select(model).where(model.inburgeraar_id == inburgeraar_id)  # type: ignore[attr-defined]
        if for_update:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def plicht_mutaties(self, inburgeraar_id: uuid.UUID) -> Sequence[PlichtMutatie]:
        return await self.all_of(PlichtMutatie, inburgeraar_id, PlichtMutatie.volgnummer)

    async def klantprofielen(self, inburgeraar_id: uuid.UUID) -> Sequence[KlantprofielVersie]:
        return await self.all_of(KlantprofielVersie, inburgeraar_id, KlantprofielVersie.versie)

    async def klantprofiel(self, inburgeraar_id: uuid.UUID, versie: int) -> KlantprofielVersie | None:
        query = select(KlantprofielVersie).where(
            KlantprofielVersie.inburgeraar_id == inburgeraar_id, KlantprofielVersie.versie == versie
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def warme_overdrachten(self, inburgeraar_id: uuid.UUID) -> Sequence[WarmeOverdracht]:
        return await self.all_of(WarmeOverdracht, inburgeraar_id, WarmeOverdracht.datum)

    async def brede_intake(self, inburgeraar_id: uuid.UUID, *, for_update: bool = False) -> BredeIntake | None:
        return await self.one_of(BredeIntake, inburgeraar_id, for_update=for_update)

    async def oproepen(self, inburgeraar_id: uuid.UUID) -> Sequence[Oproep]:
        return await self.all_of(Oproep, inburgeraar_id, Oproep.volgnummer)

    async def oproep(self, inburgeraar_id: uuid.UUID, oproep_id: uuid.UUID) -> Oproep | None:
        query = select(Oproep).where(Oproep.inburgeraar_id == inburgeraar_id, Oproep.id == oproep_id).with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def intakegesprekken(self, inburgeraar_id: uuid.UUID) -> Sequence[Intakegesprek]:
        return await self.all_of(Intakegesprek, inburgeraar_id, Intakegesprek.datum)

    async def begeleiding(self, inburgeraar_id: uuid.UUID) -> Sequence[BegeleidingOnderdeel]:
        return await self.all_of(BegeleidingOnderdeel, inburgeraar_id, BegeleidingOnderdeel.startdatum)

    async def ontzorgen(self, inburgeraar_id: uuid.UUID, *, for_update: bool = False) -> Ontzorgen | None:
        return await self.one_of(Ontzorgen, inburgeraar_id, for_update=for_update)

    async def verlengingsverzoeken(self, inburgeraar_id: uuid.UUID) -> Sequence[Verlengingsverzoek]:
        return await self.all_of(Verlengingsverzoek, inburgeraar_id, Verlengingsverzoek.created_at)
