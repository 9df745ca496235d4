"""The dossier transfer on a move: the person's whole enforcement history at the old gemeente, the history taken in
at the new one, and the open procedures a move ends."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from handhaving_api.models import (
    Boete,
    DuoBoete,
    InburgeraarFeit,
    OvergenomenHandhaving,
    Overtreding,
    ParticipatiewetMaatregel,
    Procedurestap,
    Rechtsmiddelzaak,
)


class OverdrachtRepository:
    def __init__(self, session: AsyncSession, gemeente: str) -> None:
        self.session = session
        self.gemeente = gemeente

    async def gemeente_van(self, inburgeraar_id: uuid.UUID) -> str | None:
        """The gemeente the projection knows the person in, if any (the consumers write it, across gemeenten)."""
        query = select(InburgeraarFeit.gemeente_code).where(InburgeraarFeit.inburgeraar_id == inburgeraar_id)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def overtredingen(self, inburgeraar_id: uuid.UUID) -> Sequence[Overtreding]:
        query = (
            select(Overtreding)
            .where(Overtreding.gemeente_code == self.gemeente, Overtreding.inburgeraar_id == inburgeraar_id)
            .order_by(Overtreding.gedraging_van, Overtreding.created_at, Overtreding.id)
        )
        return (await self.session.execute(query)).scalars().all()

    async def stappen(self, overtreding_ids: Collection[uuid.UUID]) -> Sequence[Procedurestap]:
        query = (
            select(Procedurestap)
            .where(Procedurestap.overtreding_id.in_(overtreding_ids))
            .order_by(Procedurestap.created_at, Procedurestap.id)
        )
        return (await self.session.execute(query)).scalars().all()

    async def boetes(self, inburgeraar_id: uuid.UUID) -> Sequence[Boete]:
        query = (
            select(Boete)
            .where(Boete.gemeente_code == self.gemeente, Boete.inburgeraar_id == inburgeraar_id)
            .order_by(Boete.besluit_datum, Boete.created_at, Boete.id)
        )
        return (await self.session.execute(query)).scalars().all()

    async def rechtsmiddelen(self, boete_ids: Collection[uuid.UUID]) -> Sequence[Rechtsmiddelzaak]:
        query = (
            select(Rechtsmiddelzaak)
            .where(Rechtsmiddelzaak.boete_id.in_(boete_ids))
            .order_by(Rechtsmiddelzaak.ingediend_datum, Rechtsmiddelzaak.created_at, Rechtsmiddelzaak.id)
        )
        return (await self.session.execute(query)).scalars().all()

    async def duo_boetes(self, inburgeraar_id: uuid.UUID) -> Sequence[DuoBoete]:
        query = (
            select(DuoBoete)
            .where(DuoBoete.gemeente_code == self.gemeente, DuoBoete.inburgeraar_id == inburgeraar_id)
            .order_by(DuoBoete.besluit_datum, DuoBoete.kenmerk)
        )
        return (await self.session.execute(query)).scalars().all()

    async def maatregelen(self, inburgeraar_id: uuid.UUID) -> Sequence[ParticipatiewetMaatregel]:
        query = (
            select(ParticipatiewetMaatregel)
            .where(
                ParticipatiewetMaatregel.gemeente_code == self.gemeente,
                ParticipatiewetMaatregel.inburgeraar_id == inburgeraar_id,
            )
            .order_by(ParticipatiewetMaatregel.periode_van, ParticipatiewetMaatregel.id)
        )
        return (await self.session.execute(query)).scalars().all()

    async def open_overtredingen(self, inburgeraar_id: uuid.UUID, statussen: Collection[str]) -> Sequence[Overtreding]:
        """The person's overtredingen still open, locked: a klantregisseur's step on one waits for the move's end."""
        query = (
            select(Overtreding)
            .where(
                Overtreding.gemeente_code == self.gemeente,
                Overtreding.inburgeraar_id == inburgeraar_id,
                Overtreding.status.in_(statussen),
            )
            .order_by(Overtreding.created_at, Overtreding.id)
            .with_for_update()
        )
        return (await self.session.execute(query)).scalars().all()

    async def neem_op(self, values: dict[str, object]) -> bool:
        """Store a taken-over part under its transfer id; False when that id was already there (a retry, or a
        concurrent one that won: the caller compares)."""
        statement = insert(OvergenomenHandhaving).values(**values).on_conflict_do_nothing(index_elements=["id"])
        return (await self.session.execute(statement.returning(OvergenomenHandhaving.id))).first() is not None

    async def overgenomen(self, overdracht_id: uuid.UUID) -> OvergenomenHandhaving | None:
        query = select(OvergenomenHandhaving).where(OvergenomenHandhaving.id == overdracht_id)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def overgenomen_van(self, inburgeraar_id: uuid.UUID) -> Sequence[OvergenomenHandhaving]:
        query = (
            select(OvergenomenHandhaving)
            .where(
                OvergenomenHandhaving.gemeente_code == self.gemeente,
                OvergenomenHandhaving.inburgeraar_id == inburgeraar_id,
            )
            .order_by(OvergenomenHandhaving.created_at, OvergenomenHandhaving.id)
        )
        return (await self.session.execute(query)).scalars().all()
