"""Queries on the deliveries to CBS: the job (claimed with a lease, as the report queue), its chunks, the download and
the retention of the content."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import delete, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ketenuitwisseling.models import CbsLevering, CbsLeveringDeel

# One replica assembles a delivery (SKIP LOCKED), holding a lease that it renews per chunk; a replica that died
# leaves a lease that runs out, and another starts the delivery again from the beginning.
_CLAIM = text(
    """
    UPDATE cbs_levering l SET status = 'bezig', geclaimd_tot = now() + make_interval(secs => :lease),
        pogingen = l.pogingen + 1, gestart_at = now(), percentage = 0
    FROM (
        SELECT id FROM cbs_levering
        WHERE (status = 'gepland' AND (geclaimd_tot IS NULL OR geclaimd_tot < now()))
           OR (status = 'bezig' AND geclaimd_tot < now())
        ORDER BY created_at
        LIMIT 1
        FOR UPDATE SKIP LOCKED
    ) due
    WHERE l.id = due.id
    RETURNING l.id
    """
)


class CbsLeveringRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def plan(self, *, gemeente: str, periode: str, van: date, tot: date, door: str) -> tuple[CbsLevering, bool]:
        """The delivery of this gemeente and period, planned now or found; a failed one is planned again."""
        nieuw_id = await self.session.scalar(
            insert(CbsLevering)
            .values(
                id=uuid.uuid4(),
                gemeente_code=gemeente,
                periode=periode,
                van_datum=van,
                tot_datum=tot,
                aangevraagd_door=door,
            )
            .on_conflict_do_nothing(constraint="uq_cbs_levering_gemeente_code_periode")
            .returning(CbsLevering.id)
        )
        await self.session.execute(
            update(CbsLevering)
            .where(CbsLevering.gemeente_code == gemeente, CbsLevering.periode == periode)
            .where(CbsLevering.status == "mislukt")
            .values(status="gepland", reden=None, percentage=0, geclaimd_tot=None)
        )
        levering = await self.vind(gemeente, periode)
        assert levering is not None
        return levering, nieuw_id is not None

    async def vind(self, gemeente: str, periode: str) -> CbsLevering | None:
        return await self.session.scalar(
            select(CbsLevering)
            .where(CbsLevering.gemeente_code == gemeente, CbsLevering.periode == periode)
            .execution_options(populate_existing=True)
        )

    async def get(self, levering_id: uuid.UUID, gemeente: str | None = None) -> CbsLevering | None:
        query = select(CbsLevering).where(CbsLevering.id == levering_id)
        if gemeente is not None:
            query = query.where(CbsLevering.gemeente_code == gemeente)
        return await self.session.scalar(query.execution_options(populate_existing=True))

    async def claim(self, lease_seconden: int) -> uuid.UUID | None:
        levering_id: uuid.UUID | None = await self.session.scalar(_CLAIM, {"lease": lease_seconden})
        return levering_id

    async def wis_delen(self, levering_id: uuid.UUID) -> None:
        await self.session.execute(delete(CbsLeveringDeel).where(CbsLeveringDeel.levering_id == levering_id))

    async def voeg_deel_toe(
        self, levering_id: uuid.UUID, volgnummer: int, inhoud: bytes, *, percentage: int, lease_seconden: int
    ) -> None:
        self.session.add(CbsLeveringDeel(levering_id=levering_id, volgnummer=volgnummer, inhoud=inhoud))
        await self.session.execute(
            update(CbsLevering)
            .where(CbsLevering.id == levering_id)
            .values(percentage=percentage, geclaimd_tot=text(f"now() + interval '{int(lease_seconden)} seconds'"))
        )

    async def gereed(
        self, levering_id: uuid.UUID, *, personen: int, bytes_: int, delen: int, sha256: str, bewaar_dagen: int
    ) -> None:
        await self.session.execute(
            update(CbsLevering)
            .where(CbsLevering.id == levering_id)
            .values(
                status="gereed",
                percentage=100,
                aantal_personen=personen,
                aantal_bytes=bytes_,
                aantal_delen=delen,
                sha256=sha256,
                reden=None,
                geclaimd_tot=None,
                gereed_at=text("now()"),
                verloopt_at=text(f"now() + interval '{int(bewaar_dagen)} days'"),
            )
        )

    async def mislukt(self, levering_id: uuid.UUID, reden: str) -> None:
        await self.wis_delen(levering_id)
        await self.session.execute(
            update(CbsLevering)
            .where(CbsLevering.id == levering_id)
            .values(status="mislukt", reden=reden[:2000], geclaimd_tot=None, percentage=0)
        )

    async def later_opnieuw(self, levering_id: uuid.UUID, reden: str, wacht_seconden: float) -> None:
        await self.wis_delen(levering_id)
        await self.session.execute(
            update(CbsLevering)
            .where(CbsLevering.id == levering_id)
            .values(
                status="gepland",
                reden=reden[:2000],
                percentage=0,
                geclaimd_tot=text(f"now() + interval '{int(wacht_seconden)} seconds'"),
            )
        )

    async def deel(self, levering_id: uuid.UUID, volgnummer: int) -> bytes | None:
        return await self.session.scalar(
            select(CbsLeveringDeel.inhoud).where(
                CbsLeveringDeel.levering_id == levering_id, CbsLeveringDeel.volgnummer == volgnummer
            )
        )

    async def gedownload(self, levering_id: uuid.UUID, na_download_dagen: int) -> None:
        """The first download shortens the retention: CBS has it, the copy here is kept a few days for a re-fetch."""
        await self.session.execute(
            update(CbsLevering)
            .where(CbsLevering.id == levering_id, CbsLevering.gedownload_at.is_(None))
            .values(
                gedownload_at=text("now()"),
                verloopt_at=text(f"LEAST(verloopt_at, now() + interval '{int(na_download_dagen)} days')"),
            )
        )

    async def ruim_op(self, nu: datetime | None = None) -> int:
        """Delete the content of deliveries whose retention ended; the job and its sha256 stay as the record."""
        verlopen = text("verloopt_at < COALESCE(CAST(:nu AS timestamptz), now())").bindparams(nu=nu)
        ids = list(
            await self.session.scalars(
                update(CbsLevering)
                .where(verlopen, CbsLevering.inhoud_verwijderd_at.is_(None))
                .values(inhoud_verwijderd_at=text("now()"))
                .returning(CbsLevering.id)
            )
        )
        if ids:
            await self.session.execute(delete(CbsLeveringDeel).where(CbsLeveringDeel.levering_id.in_(ids)))
        return len(ids)
