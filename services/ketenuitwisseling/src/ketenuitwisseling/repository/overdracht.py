"""Queries on the dossier transfers: the queue the worker claims from, each step's record, the reading."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ketenuitwisseling.models import Overdracht

# As the other queues: claimed with a lease and committed at once, so the calls run outside any transaction and a
# replica that died mid-transfer leaves the row for another once the lease ran out.
_CLAIM = text(
    """
    UPDATE overdracht o SET geclaimd_tot = now() + make_interval(secs => :lease), pogingen = o.pogingen + 1
    FROM (
        SELECT id, richting FROM overdracht
        WHERE status = 'bezig' AND volgende_poging_at <= now() AND (geclaimd_tot IS NULL OR geclaimd_tot < now())
        ORDER BY volgende_poging_at
        LIMIT :n
        FOR UPDATE SKIP LOCKED
    ) due
    WHERE o.id = due.id AND o.richting = due.richting
    RETURNING o.id, o.richting
    """
)


class OverdrachtRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def voeg_toe(self, **values: Any) -> bool:
        """True when new; the same transfer again (a redelivered event, a repeated request) changes nothing."""
        statement = insert(Overdracht).values(**values).on_conflict_do_nothing().returning(Overdracht.id)
        return (await self.session.execute(statement)).first() is not None

    async def claim(self, n: int, lease_seconds: int) -> Sequence[tuple[uuid.UUID, str]]:
        rows = (await self.session.execute(_CLAIM, {"n": n, "lease": lease_seconds})).all()
        return [(r.id, r.richting) for r in rows]

    async def get(self, overdracht_id: uuid.UUID, richting: str, *, for_update: bool = False) -> Overdracht | None:
        query = select(Overdracht).where(Overdracht.id == overdracht_id, Overdracht.richting == richting)
        if for_update:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def van_gemeente(self, overdracht_id: uuid.UUID, gemeente: str) -> Overdracht | None:
        query = select(Overdracht).where(Overdracht.id == overdracht_id, Overdracht.gemeente_code == gemeente)
        # Both directions may be of one gemeente's deployment: the outgoing one answers first, as O's record.
        return (await self.session.execute(query.order_by(Overdracht.richting.desc()).limit(1))).scalar_one_or_none()

    async def stap_gedaan(self, overdracht_id: uuid.UUID, richting: str, stap: str, **values: Any) -> None:
        await self.session.execute(
            update(Overdracht)
            .where(Overdracht.id == overdracht_id, Overdracht.richting == richting)
            .values(
                stappen=Overdracht.stappen.op("||")(func.jsonb_build_object(stap, func.now())),
                updated_at=func.now(),
                laatste_fout=None,
                **values,
            )
        )

    async def leg_vast(self, overdracht_id: uuid.UUID, richting: str, **values: Any) -> None:
        await self.session.execute(
            update(Overdracht)
            .where(Overdracht.id == overdracht_id, Overdracht.richting == richting)
            .values(updated_at=func.now(), **values)
        )

    async def later(self, overdracht_id: uuid.UUID, richting: str, fout: str, wacht: float) -> None:
        await self.leg_vast(
            overdracht_id, richting, laatste_fout=fout[:2000], geclaimd_tot=None,
            volgende_poging_at=datetime.now(UTC) + timedelta(seconds=wacht),
        )  # fmt: skip

    async def lijst(
        self, gemeente: str, *, inburgeraar_id: uuid.UUID | None = None, richting: str | None = None, limiet: int = 100
    ) -> Sequence[Overdracht]:
        query = select(Overdracht).where(Overdracht.gemeente_code == gemeente)
        if inburgeraar_id is not None:
            query = query.where(Overdracht.inburgeraar_id == inburgeraar_id)
        if richting is not None:
            query = query.where(Overdracht.richting == richting)
        query = query.order_by(Overdracht.created_at.desc(), Overdracht.id).limit(limiet)
        return (await self.session.execute(query)).scalars().all()
