"""The projection of provider progress per PIP part (opdracht), written by the consumer of aanbieder-api's events and
read by the PIP's route rules and the signal job. It acts for whatever gemeente the event names; a reader through
the API scopes on the caller's gemeente."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from pip_api.models import Aanbiederresultaat, Aanwezigheidsperiode, OpdrachtVoortgang, Routeadvies


class AanbiedervoortgangRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def opdracht(self, opdracht_id: uuid.UUID) -> OpdrachtVoortgang | None:
        return await self.session.get(OpdrachtVoortgang, opdracht_id, with_for_update=True)

    async def add(self, row: OpdrachtVoortgang | Aanbiederresultaat | Routeadvies) -> None:
        self.session.add(row)
        await self.session.flush()

    async def periode(self, melding_id: uuid.UUID, opdracht_id: uuid.UUID) -> Aanwezigheidsperiode:
        """The period row of a report, made on first sight: `voortgang-gemeld` and `verzuim-gemeld` of one report
        may be applied in either order."""
        await self.session.execute(
            insert(Aanwezigheidsperiode)
            .values(melding_id=melding_id, opdracht_id=opdracht_id)
            .on_conflict_do_nothing(index_elements=["melding_id"])
        )
        periode = await self.session.get(Aanwezigheidsperiode, melding_id, with_for_update=True, populate_existing=True)
        assert periode is not None
        return periode

    async def bestaande_periode(self, melding_id: uuid.UUID) -> Aanwezigheidsperiode | None:
        return await self.session.get(Aanwezigheidsperiode, melding_id, with_for_update=True)

    async def vervang_eerdere(self, periode: Aanwezigheidsperiode) -> float:
        """Remove the earlier reports of the same period (a correction replaces them) and return the hours present
        they counted, so the new report's hours are the difference in the running total plus those."""
        rows = await self.session.execute(
            delete(Aanwezigheidsperiode)
            .where(
                Aanwezigheidsperiode.opdracht_id == periode.opdracht_id,
                Aanwezigheidsperiode.periode_van == periode.periode_van,
                Aanwezigheidsperiode.periode_tot == periode.periode_tot,
                Aanwezigheidsperiode.melding_id != periode.melding_id,
            )
            .returning(Aanwezigheidsperiode.uren_aanwezig)
        )
        return float(sum(u or 0 for u in rows.scalars()))

    async def van_pip(self, pip_id: uuid.UUID, gemeente: str) -> Sequence[OpdrachtVoortgang]:
        rows = await self.session.execute(
            select(OpdrachtVoortgang)
            .where(OpdrachtVoortgang.pip_id == pip_id, OpdrachtVoortgang.gemeente_code == gemeente)
            .order_by(OpdrachtVoortgang.geplande_startdatum, OpdrachtVoortgang.opdracht_id)
        )
        return rows.scalars().all()

    async def perioden(self, opdrachten: Sequence[uuid.UUID]) -> Sequence[Aanwezigheidsperiode]:
        """The attendance periods of these opdrachten, in report order per opdracht."""
        if not opdrachten:
            return []
        rows = await self.session.execute(
            select(Aanwezigheidsperiode)
            .where(Aanwezigheidsperiode.opdracht_id.in_(opdrachten))
            .order_by(Aanwezigheidsperiode.opdracht_id, Aanwezigheidsperiode.volgnummer)
        )
        return rows.scalars().all()

    async def resultaten(self, opdrachten: Sequence[uuid.UUID]) -> Sequence[Aanbiederresultaat]:
        if not opdrachten:
            return []
        rows = await self.session.execute(
            select(Aanbiederresultaat)
            .where(Aanbiederresultaat.opdracht_id.in_(opdrachten))
            .order_by(Aanbiederresultaat.datum, Aanbiederresultaat.melding_id)
        )
        return rows.scalars().all()

    async def routeadviezen(self, pip_id: uuid.UUID) -> Sequence[Routeadvies]:
        rows = await self.session.execute(
            select(Routeadvies).where(Routeadvies.pip_id == pip_id).order_by(Routeadvies.ontvangen_at)
        )
        return rows.scalars().all()
