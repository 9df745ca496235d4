"""The dossier transfer on a move: everything of one person for the export, the imported parts, and ending what the
old gemeente still ran for a person who moved away. Scoped to the caller's gemeente."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from pip_api.domain.pip import PipStatus
from pip_api.models import (
    Aanbiederresultaat,
    Aanwezigheidsperiode,
    InburgeraarFeit,
    OnderdeelUitkomst,
    OpdrachtVoortgang,
    Overdracht,
    Pip,
    PipVersie,
    Routeadvies,
    Signaal,
    Voortgangsgesprek,
)


@dataclass(frozen=True)
class Persoonsdossier:
    """Every row of this context under one person's PIPs."""

    pips: Sequence[Pip]
    versies: Sequence[PipVersie]
    uitkomsten: Sequence[OnderdeelUitkomst]
    gesprekken: Sequence[Voortgangsgesprek]
    opdrachten: Sequence[OpdrachtVoortgang]
    perioden: Sequence[Aanwezigheidsperiode]
    resultaten: Sequence[Aanbiederresultaat]
    adviezen: Sequence[Routeadvies]


class OverdrachtRepository:
    def __init__(self, session: AsyncSession, gemeente: str) -> None:
        self.session = session
        self.gemeente = gemeente

    async def _alle(self, query: Any) -> list[Any]:
        return list((await self.session.execute(query)).scalars())

    async def dossier(self, inburgeraar_id: uuid.UUID) -> Persoonsdossier:
        pips = await self._alle(
            select(Pip)
            .where(Pip.gemeente_code == self.gemeente, Pip.inburgeraar_id == inburgeraar_id)
            .order_by(Pip.created_at, Pip.id),
        )
        ids = [p.id for p in pips]
        opdrachten = await self._alle(
            select(OpdrachtVoortgang)
            .where(OpdrachtVoortgang.pip_id.in_(ids), OpdrachtVoortgang.gemeente_code == self.gemeente)
            .order_by(OpdrachtVoortgang.geplande_startdatum, OpdrachtVoortgang.opdracht_id),
        )
        opdracht_ids = [o.opdracht_id for o in opdrachten]
        return Persoonsdossier(
            pips=pips,
            versies=await self._alle(
                select(PipVersie).where(PipVersie.pip_id.in_(ids)).order_by(PipVersie.pip_id, PipVersie.versie),
            ),
            uitkomsten=await self._alle(
                select(OnderdeelUitkomst)
                .where(OnderdeelUitkomst.pip_id.in_(ids))
                .order_by(OnderdeelUitkomst.datum, OnderdeelUitkomst.created_at),
            ),
            gesprekken=await self._alle(
                select(Voortgangsgesprek)
                .where(Voortgangsgesprek.pip_id.in_(ids))
                .order_by(Voortgangsgesprek.gepland_datum, Voortgangsgesprek.created_at),
            ),
            opdrachten=opdrachten,
            perioden=await self._alle(
                select(Aanwezigheidsperiode)
                .where(Aanwezigheidsperiode.opdracht_id.in_(opdracht_ids))
                .order_by(Aanwezigheidsperiode.opdracht_id, Aanwezigheidsperiode.volgnummer),
            ),
            resultaten=await self._alle(
                select(Aanbiederresultaat)
                .where(Aanbiederresultaat.opdracht_id.in_(opdracht_ids))
                .order_by(Aanbiederresultaat.datum, Aanbiederresultaat.melding_id),
            ),
            adviezen=await self._alle(
                select(Routeadvies)
                .where(Routeadvies.pip_id.in_(ids))
                .order_by(Routeadvies.ontvangen_datum, Routeadvies.melding_id),
            ),
        )

    async def voeg_toe(self, overdracht: Overdracht) -> bool:
        """False when a transfer with this id was stored before (by this request's twin, too: the primary key decides
        under a race, and the loser reads the winner's row once it committed)."""
        waarden = {c.key: getattr(overdracht, c.key) for c in Overdracht.__table__.columns}
        statement = insert(Overdracht).values(**waarden).on_conflict_do_nothing(index_elements=["id"])
        return (await self.session.execute(statement.returning(Overdracht.id))).first() is not None

    async def get(self, overdracht_id: uuid.UUID) -> Overdracht | None:
        """Any gemeente's: an id taken by another gemeente's transfer is a conflict, not a new transfer."""
        query = select(Overdracht).where(Overdracht.id == overdracht_id)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def van_inburgeraar(self, inburgeraar_id: uuid.UUID) -> list[Overdracht]:
        return await self._alle(
            select(Overdracht)
            .where(Overdracht.gemeente_code == self.gemeente, Overdracht.inburgeraar_id == inburgeraar_id)
            .order_by(Overdracht.ontvangen_at, Overdracht.id),
        )

    async def gemeente_van(self, inburgeraar_id: uuid.UUID) -> str | None:
        """The gemeente the projection has the person in (any gemeente's), or None when not projected (yet)."""
        return (
            await self.session.execute(
                select(InburgeraarFeit.gemeente_code).where(InburgeraarFeit.inburgeraar_id == inburgeraar_id)
            )
        ).scalar_one_or_none()

    async def lopende_pip(self, inburgeraar_id: uuid.UUID) -> Pip | None:
        return (
            await self.session.execute(
                select(Pip)
                .where(
                    Pip.gemeente_code == self.gemeente,
                    Pip.inburgeraar_id == inburgeraar_id,
                    Pip.status != PipStatus.BEEINDIGD.value,
                )
                .with_for_update()
            )
        ).scalar_one_or_none()

    async def sluit_signalen(self, inburgeraar_id: uuid.UUID) -> list[Signaal]:
        """Every open signal of the person in this gemeente, closed as `vervallen`: the ones this transaction closed."""
        rows = await self.session.execute(
            update(Signaal)
            .where(
                Signaal.gemeente_code == self.gemeente,
                Signaal.inburgeraar_id == inburgeraar_id,
                Signaal.status == "open",
            )
            .values(status="vervallen")
            .returning(Signaal)
        )
        return list(rows.scalars())

    async def markeer_verhuisd(self, inburgeraar_id: uuid.UUID, datum: date) -> None:
        await self.session.execute(
            update(InburgeraarFeit)
            .where(
                InburgeraarFeit.gemeente_code == self.gemeente,
                InburgeraarFeit.inburgeraar_id == inburgeraar_id,
                InburgeraarFeit.verhuisd_datum.is_(None),
            )
            .values(verhuisd_datum=datum)
        )
