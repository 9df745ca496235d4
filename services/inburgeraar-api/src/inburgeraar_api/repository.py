"""Every query of the person context. Each method is scoped to the caller's gemeente: another
gemeente's inburgeraar is not found, exactly like one that does not exist."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from inburgeraar_api.models import (
    Base,
    BegeleidingOnderdeel,
    BredeIntake,
    Inburgeraar,
    Intakegesprek,
    KlantprofielVersie,
    Ontzorgen,
    Oproep,
    PlichtMutatie,
    WarmeOverdracht,
)
from inburgering_kit.pagination import PageParams, paginate

M = TypeVar("M", bound=Base)


class DuplicateBsn(Exception):  # noqa: N818 - a signal for the service layer, not an error shown as is
    def __init__(self, existing_id: uuid.UUID) -> None:
        self.existing_id = existing_id


_INBURGERAAR_COLUMNS = tuple(c.key for c in Inburgeraar.__table__.columns)
# Prepared once: registration is the hot path of this service.
_INSERT_INBURGERAAR = text(
    f"INSERT INTO inburgeraar ({', '.join(_INBURGERAAR_COLUMNS)}) VALUES ("  # noqa: S608 - our own column names
    + ", ".join("CAST(:contact AS jsonb)" if c == "contact" else f":{c}" for c in _INBURGERAAR_COLUMNS)
    + ") ON CONFLICT ON CONSTRAINT uq_inburgeraar_gemeente_bsn DO NOTHING RETURNING id"
)


class InburgeraarRepository:
    def __init__(self, session: AsyncSession, gemeente: str) -> None:
        self.session = session
        self.gemeente = gemeente

    async def add(self, inburgeraar: Inburgeraar) -> None:
        """Insert, or raise `DuplicateBsn` when the gemeente already has this BSN. The unique index decides, also
        under a race; `ON CONFLICT DO NOTHING` keeps the transaction usable without a savepoint."""
        # Not added to the session (no ORM flush): the object is the caller's record of what was inserted.
        inburgeraar.created_at = inburgeraar.updated_at = datetime.now(UTC)
        params = {c: getattr(inburgeraar, c) for c in _INBURGERAAR_COLUMNS}
        params["contact"] = json.dumps(inburgeraar.contact)
        inserted = (await self.session.execute(_INSERT_INBURGERAAR, params)).first()
        if inserted is None:
            existing = await self.find_by_pseudoniem(inburgeraar.bsn_pseudoniem or "")
            if existing is None:
                raise RuntimeError("conflict without a conflicting row")
            raise DuplicateBsn(existing.id)

    async def save(self, inburgeraar: Inburgeraar) -> None:
        """Flush changes of a loaded inburgeraar, or raise `DuplicateBsn` when its new BSN is taken (inside a
        savepoint, so the transaction stays usable for the lookup)."""
        try:
            async with self.session.begin_nested():
                self.session.add(inburgeraar)
                await self.session.flush()
        except IntegrityError:
            existing = await self.find_by_pseudoniem(inburgeraar.bsn_pseudoniem or "")
            if existing is None:
                raise
            raise DuplicateBsn(existing.id) from None

    async def get(self, inburgeraar_id: uuid.UUID, *, for_update: bool = False) -> Inburgeraar | None:
        query = select(Inburgeraar).where(Inburgeraar.id == inburgeraar_id, Inburgeraar.gemeente_code == self.gemeente)
        if for_update:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def find_by_pseudoniem(self, pseudoniem: str) -> Inburgeraar | None:
        query = select(Inburgeraar).where(
            Inburgeraar.gemeente_code == self.gemeente, Inburgeraar.bsn_pseudoniem == pseudoniem
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def list(
        self,
        paging: PageParams,
        *,
        doelgroep: str | None = None,
        status: str | None = None,
        klantregisseur: str | None = None,
        ingeschreven_vanaf: date | None = None,
        ingeschreven_tot: date | None = None,
    ) -> tuple[Sequence[Inburgeraar], int]:
        query = select(Inburgeraar).where(Inburgeraar.gemeente_code == self.gemeente)
        if doelgroep is not None:
            query = query.where(Inburgeraar.doelgroep == doelgroep)
        if status is not None:
            query = query.where(Inburgeraar.status == status)
        if klantregisseur is not None:
            query = query.where(Inburgeraar.klantregisseur == klantregisseur)
        if ingeschreven_vanaf is not None:
            query = query.where(Inburgeraar.datum_inschrijving_brp >= ingeschreven_vanaf)
        if ingeschreven_tot is not None:
            query = query.where(Inburgeraar.datum_inschrijving_brp < ingeschreven_tot)
        return await paginate(self.session, query, paging, Inburgeraar.created_at.desc(), Inburgeraar.id)


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
