"""The projection of inburgeraar facts, written by the consumer of inburgeraar-api's events. It acts for whatever
gemeente the event names."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import delete, func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from pip_api.models import BredeIntakeOproep, InburgeraarFeit, WachtendTermijnfeit


class ProjectieRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, inburgeraar_id: uuid.UUID) -> InburgeraarFeit | None:
        return await self.session.get(InburgeraarFeit, inburgeraar_id, with_for_update=True)

    async def add(self, feit: InburgeraarFeit) -> None:
        self.session.add(feit)
        await self.session.flush()

    async def park(self, inburgeraar_id: uuid.UUID, kolom: str, einddatum: date) -> None:
        """Keep a termijn for later; a later fact about the same termijn replaces it (events come in order)."""
        statement = insert(WachtendTermijnfeit).values(inburgeraar_id=inburgeraar_id, kolom=kolom, einddatum=einddatum)
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["inburgeraar_id", "kolom"], set_={"einddatum": statement.excluded.einddatum}
            )
        )

    async def take_parked(self, inburgeraar_id: uuid.UUID) -> dict[str, date]:
        """The termijnen kept for this inburgeraar, by column; removed in the same transaction."""
        rows = await self.session.execute(
            delete(WachtendTermijnfeit)
            .where(WachtendTermijnfeit.inburgeraar_id == inburgeraar_id)
            .returning(WachtendTermijnfeit.kolom, WachtendTermijnfeit.einddatum)
        )
        return {kolom: einddatum for kolom, einddatum in rows}

    async def oproep(
        self,
        oproep_id: uuid.UUID,
        inburgeraar_id: uuid.UUID,
        gemeente: str,
        afspraak: date | None,
        uitkomst: str | None,
    ) -> None:
        """Record an oproep or its outcome; either may come first, and neither undoes what the other set."""
        statement = insert(BredeIntakeOproep).values(
            oproep_id=oproep_id, inburgeraar_id=inburgeraar_id, gemeente_code=gemeente, afspraak_datum=afspraak,
            uitkomst=uitkomst,
        )  # fmt: skip
        excluded = statement.excluded
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["oproep_id"],
                set_={
                    "afspraak_datum": func.coalesce(excluded.afspraak_datum, BredeIntakeOproep.afspraak_datum),
                    "uitkomst": func.coalesce(excluded.uitkomst, BredeIntakeOproep.uitkomst),
                    "updated_at": func.now(),
                },
            )
        )
