"""Boetes, their bezwaren and beroepen, and the per-person lock every boetebesluit takes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from handhaving_api.models import Boete, Handhavingsdossier, Overtreding, Rechtsmiddelzaak
from inburgering_kit.pagination import PageParams, paginate

_OPGELEGD = "opgelegd"


class BoeteRepository:
    def __init__(self, session: AsyncSession, gemeente: str) -> None:
        self.session = session
        self.gemeente = gemeente

    async def lock_person(self, inburgeraar_id: uuid.UUID) -> None:
        """Take the person's row lock until the transaction ends: the cap is read and written under it, so two
        concurrent besluiten for one person are serialised (the second sees the first's boete)."""
        await self.session.execute(
            insert(Handhavingsdossier)
            .values(inburgeraar_id=inburgeraar_id, gemeente_code=self.gemeente)
            .on_conflict_do_nothing(index_elements=["inburgeraar_id"])
        )
        await self.session.execute(
            select(Handhavingsdossier.inburgeraar_id)
            .where(Handhavingsdossier.inburgeraar_id == inburgeraar_id)
            .with_for_update()
        )

    async def standing_total(self, inburgeraar_id: uuid.UUID, categorie: str) -> tuple[int, int]:
        """(number, sum) of the person's standing boetes of `categorie`: replaced or annulled ones do not count."""
        query = select(func.count(), func.coalesce(func.sum(Boete.bedrag), 0)).where(
            Boete.inburgeraar_id == inburgeraar_id, Boete.categorie == categorie, Boete.status == _OPGELEGD
        )
        aantal, som = (await self.session.execute(query)).one()
        return int(aantal), int(som)

    async def get(self, boete_id: uuid.UUID, *, for_update: bool = False) -> Boete | None:
        query = select(Boete).where(Boete.id == boete_id, Boete.gemeente_code == self.gemeente)
        if for_update:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def add(self, boete: Boete) -> None:
        self.session.add(boete)
        await self.session.flush()

    async def list(
        self,
        paging: PageParams,
        *,
        inburgeraar_id: uuid.UUID | None,
        status: str | None,
        rechtsmiddelstatus: str | None = None,
        klantregisseur: str | None = None,
    ) -> tuple[Sequence[Boete], int]:
        query = select(Boete).where(Boete.gemeente_code == self.gemeente)
        if inburgeraar_id is not None:
            query = query.where(Boete.inburgeraar_id == inburgeraar_id)
        if status is not None:
            query = query.where(Boete.status == status)
        if rechtsmiddelstatus is not None:
            query = query.where(Boete.rechtsmiddelstatus == rechtsmiddelstatus)
        if klantregisseur is not None:
            # The klantregisseur of a boete is the one of its overtreding.
            query = query.where(
                Boete.overtreding_id.in_(
                    select(Overtreding.id).where(
                        Overtreding.gemeente_code == self.gemeente, Overtreding.klantregisseur == klantregisseur
                    )
                )
            )
        return await paginate(self.session, query, paging, Boete.created_at, Boete.id)

    async def of_person(self, inburgeraar_id: uuid.UUID) -> Sequence[Boete]:
        query = (
            select(Boete)
            .where(Boete.gemeente_code == self.gemeente, Boete.inburgeraar_id == inburgeraar_id)
            .order_by(Boete.besluit_datum, Boete.created_at)
        )
        return (await self.session.execute(query)).scalars().all()

    async def add_zaak(self, zaak: Rechtsmiddelzaak) -> None:
        self.session.add(zaak)
        await self.session.flush()

    async def zaken(self, boete_id: uuid.UUID, soort: str | None = None) -> Sequence[Rechtsmiddelzaak]:
        query = select(Rechtsmiddelzaak).where(Rechtsmiddelzaak.boete_id == boete_id)
        if soort is not None:
            query = query.where(Rechtsmiddelzaak.soort == soort)
        return (await self.session.execute(query.order_by(Rechtsmiddelzaak.created_at))).scalars().all()

    async def zaak(self, boete_id: uuid.UUID, zaak_id: uuid.UUID, soort: str) -> Rechtsmiddelzaak | None:
        query = select(Rechtsmiddelzaak).where(
            Rechtsmiddelzaak.id == zaak_id, Rechtsmiddelzaak.boete_id == boete_id, Rechtsmiddelzaak.soort == soort
        )
        return (await self.session.execute(query.with_for_update())).scalar_one_or_none()
