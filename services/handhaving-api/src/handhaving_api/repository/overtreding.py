"""Overtredingen and the steps of their procedure."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, literal_column, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnClause

from handhaving_api.models import OvergenomenHandhaving, Overtreding, Procedurestap
from inburgering_kit.pagination import PageParams, paginate

_WAARSCHUWING_VAN_CATEGORIE: ColumnClause[Any] = literal_column(
    "CAST('$.**.waarschuwingen[*] ? (@.categorie == $categorie)' AS jsonpath)"
)


@dataclass(frozen=True, slots=True)
class Overtredingfilter:
    inburgeraar_id: uuid.UUID | None = None
    status: str | None = None
    soort: str | None = None
    klantregisseur: str | None = None
    # The work list of voornemens: those whose zienswijzetermijn ends on or before this day.
    zienswijze_uiterlijk: date | None = None


class OvertredingRepository:
    def __init__(self, session: AsyncSession, gemeente: str) -> None:
        self.session = session
        self.gemeente = gemeente

    async def get(self, overtreding_id: uuid.UUID, *, for_update: bool = False) -> Overtreding | None:
        query = select(Overtreding).where(Overtreding.id == overtreding_id, Overtreding.gemeente_code == self.gemeente)
        if for_update:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def add(self, overtreding: Overtreding) -> None:
        self.session.add(overtreding)
        await self.session.flush()

    async def add_once(self, values: dict[str, object]) -> uuid.UUID | None:
        """A candidate from an event: inserted once per `bron_id`; None when it was already there."""
        statement = insert(Overtreding).values(**values).on_conflict_do_nothing(index_elements=["bron_id"])
        return (await self.session.execute(statement.returning(Overtreding.id))).scalar_one_or_none()

    async def list(self, paging: PageParams, filter_: Overtredingfilter) -> tuple[Sequence[Overtreding], int]:
        query = select(Overtreding).where(Overtreding.gemeente_code == self.gemeente)
        if filter_.inburgeraar_id is not None:
            query = query.where(Overtreding.inburgeraar_id == filter_.inburgeraar_id)
        if filter_.status is not None:
            query = query.where(Overtreding.status == filter_.status)
        if filter_.soort is not None:
            query = query.where(Overtreding.soort == filter_.soort)
        if filter_.klantregisseur is not None:
            query = query.where(Overtreding.klantregisseur == filter_.klantregisseur)
        if filter_.zienswijze_uiterlijk is not None:
            query = query.where(Overtreding.zienswijze_uiterste_datum <= filter_.zienswijze_uiterlijk)
        return await paginate(self.session, query, paging, Overtreding.created_at, Overtreding.id)

    async def eerder_gewaarschuwd(self, inburgeraar_id: uuid.UUID, categorie: str, behalve: uuid.UUID) -> bool:
        """Whether the person was warned about another overtreding of the same categorie: here, or at a previous
        gemeente whose history was taken over on a move (the warning was given; the person knows the next step)."""
        overgenomen = (
            select(OvergenomenHandhaving.id)
            .where(
                OvergenomenHandhaving.gemeente_code == self.gemeente,
                OvergenomenHandhaving.inburgeraar_id == inburgeraar_id,
                # At any depth: history taken over there from a gemeente before it travels along.
                func.jsonb_path_exists(
                    OvergenomenHandhaving.dossier,
                    _WAARSCHUWING_VAN_CATEGORIE,
                    func.jsonb_build_object("categorie", categorie),
                ),
            )
            .limit(1)
        )
        if (await self.session.execute(overgenomen)).first() is not None:
            return True
        query = (
            select(Procedurestap.id)
            .join(Overtreding, Overtreding.id == Procedurestap.overtreding_id)
            .where(
                Overtreding.inburgeraar_id == inburgeraar_id,
                Overtreding.gemeente_code == self.gemeente,
                Overtreding.categorie == categorie,
                Overtreding.id != behalve,
                Procedurestap.handeling == "waarschuwen",
            )
            .limit(1)
        )
        return (await self.session.execute(query)).first() is not None

    async def add_stap(self, stap: Procedurestap) -> None:
        self.session.add(stap)
        await self.session.flush()

    async def stappen(self, overtreding_id: uuid.UUID) -> Sequence[Procedurestap]:
        query = (
            select(Procedurestap)
            .where(Procedurestap.overtreding_id == overtreding_id)
            .order_by(Procedurestap.created_at, Procedurestap.id)
        )
        return (await self.session.execute(query)).scalars().all()
