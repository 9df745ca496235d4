"""Queries on the incoming notifications and the partner-id links."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from inburgering_kit.pagination import PageParams, paginate
from ketenuitwisseling.models import Feedpositie, Melding, Persoonskoppeling

# Claimed with a lease, committed at once: the partner and owner calls then run outside any transaction, and a
# replica that died mid-call leaves rows another picks up when the lease ran out. Lowest volgnummer first, so the
# facts of one person reach their owner in the partner's order as far as they have arrived.
_CLAIM = text(
    """
    UPDATE melding m SET geclaimd_tot = now() + make_interval(secs => :lease), pogingen = m.pogingen + 1
    FROM (
        SELECT bron, feit_id FROM melding
        WHERE status IN ('nieuw', 'opnieuw') AND volgende_poging_at <= now()
          AND (geclaimd_tot IS NULL OR geclaimd_tot < now())
        ORDER BY volgnummer, ontvangen_at
        LIMIT :n
        FOR UPDATE SKIP LOCKED
    ) due
    WHERE m.bron = due.bron AND m.feit_id = due.feit_id
    RETURNING m.bron, m.feit_id, m.soort, m.gemeente_code, m.volgnummer, m.pogingen
    """
)


class MeldingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def voeg_toe(
        self, *, bron: str, feit_id: uuid.UUID, soort: str, gemeente: str, volgnummer: int, gemeld_at: datetime
    ) -> bool:
        """True when new; a repeated notification of the same fact changes nothing."""
        statement = (
            insert(Melding)
            .values(
                bron=bron,
                feit_id=feit_id,
                soort=soort,
                gemeente_code=gemeente,
                volgnummer=volgnummer,
                gemeld_at=gemeld_at,
            )
            .on_conflict_do_nothing()
            .returning(Melding.feit_id)
        )
        return (await self.session.execute(statement)).first() is not None

    async def claim(self, n: int, lease_seconds: int) -> Sequence[Any]:
        return (await self.session.execute(_CLAIM, {"n": n, "lease": lease_seconds})).all()

    async def get(self, bron: str, feit_id: uuid.UUID, gemeente: str) -> Melding | None:
        return (
            await self.session.execute(
                select(Melding).where(
                    Melding.bron == bron, Melding.feit_id == feit_id, Melding.gemeente_code == gemeente
                )
            )
        ).scalar_one_or_none()

    async def leg_vast(self, bron: str, feit_id: uuid.UUID, **values: Any) -> None:
        await self.session.execute(
            update(Melding).where(Melding.bron == bron, Melding.feit_id == feit_id).values(geclaimd_tot=None, **values)
        )

    async def nieuwer_toegepast(
        self, *, bron: str, gemeente: str, partner_persoon_id: str, soort: str, volgnummer: int
    ) -> bool:
        query = select(func.count()).where(
            Melding.bron == bron,
            Melding.gemeente_code == gemeente,
            Melding.partner_persoon_id == partner_persoon_id,
            Melding.soort == soort,
            Melding.status == "verwerkt",
            Melding.volgnummer > volgnummer,
        )
        return int((await self.session.execute(query)).scalar_one()) > 0

    async def koppeling(self, bron: str, gemeente: str, partner_persoon_id: str) -> uuid.UUID | None:
        return (
            await self.session.execute(
                select(Persoonskoppeling.inburgeraar_id).where(
                    Persoonskoppeling.bron == bron,
                    Persoonskoppeling.gemeente_code == gemeente,
                    Persoonskoppeling.partner_persoon_id == partner_persoon_id,
                )
            )
        ).scalar_one_or_none()

    async def koppel(self, bron: str, gemeente: str, partner_persoon_id: str, inburgeraar_id: uuid.UUID) -> None:
        await self.session.execute(
            insert(Persoonskoppeling)
            .values(
                bron=bron, gemeente_code=gemeente, partner_persoon_id=partner_persoon_id, inburgeraar_id=inburgeraar_id
            )
            .on_conflict_do_nothing()
        )

    async def lijst(
        self,
        gemeente: str,
        paging: PageParams,
        *,
        status: str | None = None,
        bron: str | None = None,
        inburgeraar_id: uuid.UUID | None = None,
    ) -> tuple[Sequence[Melding], int]:
        query = select(Melding).where(Melding.gemeente_code == gemeente)
        if status is not None:
            query = query.where(Melding.status == status)
        if bron is not None:
            query = query.where(Melding.bron == bron)
        if inburgeraar_id is not None:
            query = query.where(Melding.inburgeraar_id == inburgeraar_id)
        return await paginate(self.session, query, paging, Melding.ontvangen_at.desc(), Melding.feit_id)

    async def tellingen(self, gemeente: str) -> dict[str, int]:
        rows = (
            await self.session.execute(
                select(Melding.status, func.count()).where(Melding.gemeente_code == gemeente).group_by(Melding.status)
            )
        ).all()
        return {status: int(n) for status, n in rows}


class FeedRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def positie(self, bron: str, gemeente: str) -> int:
        found = (
            await self.session.execute(
                select(Feedpositie.vanaf_volgnummer).where(
                    Feedpositie.bron == bron, Feedpositie.gemeente_code == gemeente
                )
            )
        ).scalar_one_or_none()
        return int(found) if found is not None else 0

    async def zet(self, bron: str, gemeente: str, vanaf: int) -> None:
        # Never backwards: two replicas reading the same page may record it in either order.
        statement = insert(Feedpositie).values(bron=bron, gemeente_code=gemeente, vanaf_volgnummer=vanaf)
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["bron", "gemeente_code"],
                set_={"vanaf_volgnummer": func.greatest(Feedpositie.vanaf_volgnummer, vanaf)},
            )
        )
