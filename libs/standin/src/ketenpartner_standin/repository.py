"""All queries on the shared tables: persons and their facts with the notification written with each fact, the
notifications claimed by one delivery worker at a time (several may run), subscriptions and the fault switches."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from ketenpartner_standin.models import FeitBasis, PersoonBasis, StoringBasis, Tabellen

_STORING_ID = 1


@dataclass(frozen=True)
class TeBezorgen:
    melding_id: int
    pogingen: int
    feit_id: uuid.UUID
    soort: str
    gemeente_code: str
    volgnummer: int
    tijdstip: datetime
    callback_url: str


MeldingStand = tuple[uuid.UUID, int, int, bool, str | None]


class Opslag:
    """The queries, on one stand-in's tables."""

    def __init__(self, tabellen: Tabellen) -> None:
        self.t = tabellen

    # Persons and facts.

    async def persoon_met_bsn(self, session: AsyncSession, bsn: str) -> PersoonBasis | None:
        persoon = self.t.persoon
        return await session.scalar(select(persoon).where(persoon.bsn == bsn).with_for_update())

    async def persoon_met_extern_id(self, session: AsyncSession, extern_id: str) -> PersoonBasis | None:
        persoon = self.t.persoon
        return await session.scalar(select(persoon).where(persoon.extern_id == extern_id).with_for_update())

    async def voeg_persoon_toe(
        self, session: AsyncSession, *, bsn: str | None, extern_id: str, gemeente_code: str
    ) -> PersoonBasis:
        persoon = self.t.persoon(id=uuid.uuid4(), bsn=bsn, extern_id=extern_id, gemeente_code=gemeente_code)  # type: ignore[call-arg]
        session.add(persoon)
        await session.flush()
        return persoon

    async def verhuis(self, session: AsyncSession, persoon_id: uuid.UUID, gemeente_code: str) -> None:
        persoon = self.t.persoon
        await session.execute(update(persoon).where(persoon.id == persoon_id).values(gemeente_code=gemeente_code))

    async def zet_bsn(self, session: AsyncSession, persoon_id: uuid.UUID, bsn: str) -> None:
        persoon = self.t.persoon
        await session.execute(update(persoon).where(persoon.id == persoon_id).values(bsn=bsn))

    async def voeg_feit_toe(
        self,
        session: AsyncSession,
        *,
        soort: str,
        gemeente_code: str,
        persoon_id: uuid.UUID,
        registratie_datum: date,
        gegevens: dict[str, Any],
    ) -> FeitBasis:
        """The fact and its notification, in the caller's transaction."""
        feit_id = uuid.uuid4()
        feit: FeitBasis | None = await session.scalar(
            insert(self.t.feit)
            .values(
                id=feit_id,
                soort=soort,
                gemeente_code=gemeente_code,
                persoon_id=persoon_id,
                registratie_datum=registratie_datum,
                gegevens=gegevens,
            )
            .returning(self.t.feit)
        )
        assert feit is not None
        await session.execute(insert(self.t.melding).values(feit_id=feit_id))
        return feit

    async def feit(self, session: AsyncSession, feit_id: uuid.UUID) -> tuple[FeitBasis, PersoonBasis] | None:
        feit, persoon = self.t.feit, self.t.persoon
        row = (
            await session.execute(
                select(feit, persoon).join(persoon, persoon.id == feit.persoon_id).where(feit.id == feit_id)
            )
        ).first()
        return (row[0], row[1]) if row else None

    async def feed(self, session: AsyncSession, gemeente_code: str, vanaf: int, limit: int) -> list[FeitBasis]:
        feit = self.t.feit
        rows = await session.scalars(
            select(feit)
            .where(feit.gemeente_code == gemeente_code, feit.volgnummer >= vanaf)
            .order_by(feit.volgnummer)
            .limit(limit)
        )
        return list(rows)

    async def aantal(self, session: AsyncSession, persoon_id: uuid.UUID, soort: str) -> int:
        feit = self.t.feit
        return int(
            await session.scalar(
                select(func.count()).select_from(feit).where(feit.persoon_id == persoon_id, feit.soort == soort)
            )
            or 0
        )

    async def er_zijn_feiten(self, session: AsyncSession) -> bool:
        return (await session.scalar(select(self.t.feit.id).limit(1))) is not None

    # Notifications.

    async def claim(self, session: AsyncSession, limit: int) -> list[TeBezorgen]:
        """Due notifications of gemeenten that subscribed, oldest fact first, locked until the caller's transaction
        ends; rows another worker holds are skipped."""
        melding, feit, abonnement = self.t.melding, self.t.feit, self.t.abonnement
        rows = await session.execute(
            select(
                melding.id,
                melding.pogingen,
                feit.id,
                feit.soort,
                feit.gemeente_code,
                feit.volgnummer,
                feit.created_at,
                abonnement.callback_url,
            )
            .join(feit, feit.id == melding.feit_id)
            .join(abonnement, abonnement.gemeente_code == feit.gemeente_code)
            .where(melding.afgeleverd_at.is_(None), melding.volgende_poging_at <= func.now())
            .order_by(feit.volgnummer)
            .limit(limit)
            .with_for_update(of=melding, skip_locked=True)
        )
        return [TeBezorgen(*row) for row in rows]

    async def afgeleverd(self, session: AsyncSession, melding_ids: list[int]) -> None:
        melding = self.t.melding
        if melding_ids:
            await session.execute(
                update(melding)
                .where(melding.id.in_(melding_ids))
                .values(afgeleverd_at=func.now(), pogingen=melding.pogingen + 1, laatste_fout=None)
            )

    async def mislukt(self, session: AsyncSession, melding_id: int, *, wacht_seconden: float, fout: str) -> None:
        melding = self.t.melding
        await session.execute(
            update(melding)
            .where(melding.id == melding_id)
            .values(
                pogingen=melding.pogingen + 1,
                volgende_poging_at=func.now() + text("make_interval(secs => :wacht)").bindparams(wacht=wacht_seconden),
                laatste_fout=fout[:1000],
            )
        )

    async def stand(self, session: AsyncSession, gemeente_code: str | None) -> list[MeldingStand]:
        """Per notification: fact, volgnummer, attempts, delivered, last error."""
        melding, feit = self.t.melding, self.t.feit
        query = (
            select(feit.id, feit.volgnummer, melding.pogingen, melding.afgeleverd_at.is_not(None), melding.laatste_fout)
            .join(feit, feit.id == melding.feit_id)
            .order_by(feit.volgnummer)
        )
        if gemeente_code is not None:
            query = query.where(feit.gemeente_code == gemeente_code)
        return [tuple(row) for row in await session.execute(query)]  # type: ignore[misc]

    # Subscriptions and the fault switches.

    async def zet_abonnement(self, session: AsyncSession, gemeente_code: str, callback_url: str) -> None:
        abonnement = self.t.abonnement
        statement = pg_insert(abonnement).values(gemeente_code=gemeente_code, callback_url=callback_url)
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=[abonnement.gemeente_code], set_={"callback_url": statement.excluded.callback_url}
            )
        )

    async def storing(self, session: AsyncSession) -> StoringBasis:
        found = await session.get(self.t.storing, _STORING_ID)
        return found or self.t.storing(  # type: ignore[call-arg]
            id=_STORING_ID, modus="normaal", dubbele_meldingen=False, omgekeerde_volgorde=False
        )

    async def zet_storing(
        self, session: AsyncSession, modus: str, dubbele_meldingen: bool, omgekeerde_volgorde: bool
    ) -> StoringBasis:
        storing = self.t.storing
        values = {"modus": modus, "dubbele_meldingen": dubbele_meldingen, "omgekeerde_volgorde": omgekeerde_volgorde}
        statement = pg_insert(storing).values(id=_STORING_ID, **values)
        await session.execute(statement.on_conflict_do_update(index_elements=[storing.id], set_=values))
        return storing(id=_STORING_ID, **values)  # type: ignore[call-arg]
