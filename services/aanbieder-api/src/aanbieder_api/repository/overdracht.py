"""The dossier transfer on a move: a person's opdrachten with their provider and reports (the export), and the
progress taken over from a previous gemeente (the import)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from aanbieder_api.models import Aanbieder, Melding, Opdracht, OvergenomenVoortgang
from inburgering_kit.pagination import PageParams, paginate


class OverdrachtRepository:
    def __init__(self, session: AsyncSession, gemeente: str) -> None:
        self.session = session
        self.gemeente = gemeente

    async def opdrachten_met_aanbieder(self, inburgeraar_id: uuid.UUID) -> list[tuple[Opdracht, str, str]]:
        """Every opdracht of the person in this gemeente, oldest first, with its provider's name and KvK number."""
        query = (
            select(Opdracht, Aanbieder.naam, Aanbieder.kvk_nummer)
            .join(Aanbieder, Aanbieder.id == Opdracht.aanbieder_id)
            .where(Opdracht.gemeente_code == self.gemeente, Opdracht.inburgeraar_id == inburgeraar_id)
            .order_by(Opdracht.created_at, Opdracht.id)
        )
        return [(opdracht, naam, kvk) for opdracht, naam, kvk in await self.session.execute(query)]

    async def meldingen(self, opdracht_ids: Sequence[uuid.UUID]) -> Sequence[Melding]:
        if not opdracht_ids:
            return []
        query = (
            select(Melding)
            .where(Melding.gemeente_code == self.gemeente, Melding.opdracht_id.in_(opdracht_ids))
            .order_by(Melding.gemeld_at, Melding.id)
        )
        return (await self.session.execute(query)).scalars().all()

    async def overgenomen_van(self, inburgeraar_id: uuid.UUID) -> Sequence[OvergenomenVoortgang]:
        query = (
            select(OvergenomenVoortgang)
            .where(
                OvergenomenVoortgang.gemeente_code == self.gemeente,
                OvergenomenVoortgang.inburgeraar_id == inburgeraar_id,
            )
            .order_by(OvergenomenVoortgang.created_at, OvergenomenVoortgang.overdracht_id)
        )
        return (await self.session.execute(query)).scalars().all()

    async def overgenomen_pagina(
        self, inburgeraar_id: uuid.UUID, paging: PageParams
    ) -> tuple[Sequence[OvergenomenVoortgang], int]:
        query = select(OvergenomenVoortgang).where(
            OvergenomenVoortgang.gemeente_code == self.gemeente, OvergenomenVoortgang.inburgeraar_id == inburgeraar_id
        )
        return await paginate(
            self.session, query, paging, OvergenomenVoortgang.created_at, OvergenomenVoortgang.overdracht_id
        )

    async def neem_op(
        self,
        overdracht_id: uuid.UUID,
        *,
        inburgeraar_id: uuid.UUID,
        van_gemeente: str,
        verhuisdatum: date | None,
        dossier: dict[str, Any],
        inhoud_hash: str,
    ) -> tuple[OvergenomenVoortgang, bool]:
        """The stored transfer and whether this call stored it. A concurrent first call with the same id waits on the
        primary key and then finds the other's row: never two, never an error."""
        statement = (
            insert(OvergenomenVoortgang)
            .values(
                overdracht_id=overdracht_id,
                gemeente_code=self.gemeente,
                inburgeraar_id=inburgeraar_id,
                van_gemeente=van_gemeente,
                verhuisdatum=verhuisdatum,
                dossier=dossier,
                inhoud_hash=inhoud_hash,
            )
            .on_conflict_do_nothing(index_elements=[OvergenomenVoortgang.overdracht_id])
            .returning(OvergenomenVoortgang.overdracht_id)
        )
        nieuw = (await self.session.execute(statement)).scalar_one_or_none() is not None
        rij = (
            await self.session.execute(
                select(OvergenomenVoortgang)
                .where(OvergenomenVoortgang.overdracht_id == overdracht_id)
                .execution_options(populate_existing=True)
            )
        ).scalar_one()
        return rij, nieuw
