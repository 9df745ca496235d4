"""Queries on the reports to DUO: the delivery queue and the work list."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from inburgering_kit.pagination import PageParams, paginate
from ketenuitwisseling.models import Bronfeit, Rapportage

# As the outbox relay: claimed by one replica at a time (SKIP LOCKED), with a lease instead of a held transaction,
# since the send is an HTTP call that may take long; oldest first.
_CLAIM = text(
    """
    UPDATE rapportage r SET geclaimd_tot = now() + make_interval(secs => :lease), pogingen = r.pogingen + 1
    FROM (
        SELECT id FROM rapportage
        WHERE status = 'wachtrij' AND volgende_poging_at <= now()
          AND (geclaimd_tot IS NULL OR geclaimd_tot < now())
        ORDER BY volgende_poging_at, created_at
        LIMIT :n
        FOR UPDATE SKIP LOCKED
    ) due
    WHERE r.id = due.id
    RETURNING r.id, r.gemeente_code, r.inburgeraar_id, r.item, r.gegevens, r.pogingen, r.aanvullen
    """
)


class RapportageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def voeg_toe(self, rows: list[dict[str, Any]]) -> int:
        if not rows:
            return 0
        result = await self.session.execute(
            insert(Rapportage).values(rows).on_conflict_do_nothing().returning(Rapportage.id)
        )
        return len(result.all())

    async def claim(self, n: int, lease_seconds: int) -> Sequence[Any]:
        return (await self.session.execute(_CLAIM, {"n": n, "lease": lease_seconds})).all()

    async def leg_vast(self, rapport_id: uuid.UUID, **values: Any) -> None:
        await self.session.execute(
            update(Rapportage).where(Rapportage.id == rapport_id).values(geclaimd_tot=None, **values)
        )

    async def leg_vast_alle(self, uitkomsten: list[tuple[uuid.UUID, dict[str, Any]]]) -> None:
        """Several reports' outcomes; one executemany per shape of outcome (the columns it sets)."""
        per_vorm: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for rapport_id, values in uitkomsten:
            per_vorm.setdefault(tuple(sorted(values)), []).append({"id": rapport_id, "geclaimd_tot": None, **values})
        for rijen in per_vorm.values():
            await self.session.execute(update(Rapportage), rijen)

    async def get(self, rapport_id: uuid.UUID, gemeente: str, *, for_update: bool = False) -> Rapportage | None:
        query = select(Rapportage).where(Rapportage.id == rapport_id, Rapportage.gemeente_code == gemeente)
        if for_update:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def lijst(
        self,
        gemeente: str,
        paging: PageParams,
        *,
        status: str | None = None,
        item: str | None = None,
        inburgeraar_id: uuid.UUID | None = None,
    ) -> tuple[Sequence[Rapportage], int]:
        query = select(Rapportage).where(Rapportage.gemeente_code == gemeente)
        if status is not None:
            query = query.where(Rapportage.status == status)
        if item is not None:
            query = query.where(Rapportage.item == item)
        if inburgeraar_id is not None:
            query = query.where(Rapportage.inburgeraar_id == inburgeraar_id)
        return await paginate(self.session, query, paging, Rapportage.created_at.desc(), Rapportage.id)

    async def tellingen(self, gemeente: str) -> tuple[dict[str, int], datetime | None]:
        rows = (
            await self.session.execute(
                select(Rapportage.status, func.count())
                .where(Rapportage.gemeente_code == gemeente)
                .group_by(Rapportage.status)
            )
        ).all()
        oudste = (
            await self.session.execute(
                select(func.min(Rapportage.created_at)).where(
                    Rapportage.gemeente_code == gemeente, Rapportage.status == "wachtrij"
                )
            )
        ).scalar_one()
        return {status: int(n) for status, n in rows}, oudste


class BronfeitRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def onthoud(self, soort: str, id_: str, gemeente: str, gegevens: dict[str, Any]) -> None:
        statement = insert(Bronfeit).values(soort=soort, id=id_, gemeente_code=gemeente, gegevens=gegevens)
        await self.session.execute(
            statement.on_conflict_do_update(index_elements=["soort", "id"], set_={"gegevens": gegevens})
        )

    async def get(self, soort: str, id_: str, gemeente: str) -> dict[str, Any] | None:
        return (
            await self.session.execute(
                select(Bronfeit.gegevens).where(
                    Bronfeit.soort == soort, Bronfeit.id == id_, Bronfeit.gemeente_code == gemeente
                )
            )
        ).scalar_one_or_none()
