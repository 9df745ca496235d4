"""Aggregate counts of the enforcement context for local monitoring: one grouped query per table, never a row per
person. Steps are counted by their date, fines by their decision date, both bounded by the gemeente."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

Tellingen = dict[tuple[str, str], int]

_STAPPEN = text(
    "SELECT o.soort AS rij, s.handeling AS kolom, count(*) AS n FROM procedurestap s "
    "JOIN overtreding o ON o.id = s.overtreding_id "
    "WHERE s.datum BETWEEN :van AND :tot AND o.gemeente_code = :g GROUP BY 1, 2"
)
_BOETES = text(
    "SELECT categorie AS rij, status AS kolom, count(*) AS n FROM boete "
    "WHERE gemeente_code = :g AND besluit_datum BETWEEN :van AND :tot GROUP BY 1, 2"
)
# The amounts of the fines that stand (opgelegd): what the gemeente actually imposed.
_BEDRAGEN = text(
    "SELECT categorie, count(*) AS n, COALESCE(sum(bedrag), 0) AS totaal FROM boete "
    "WHERE gemeente_code = :g AND besluit_datum BETWEEN :van AND :tot AND status = 'opgelegd' GROUP BY 1 ORDER BY 1"
)


@dataclass(frozen=True)
class Bedragen:
    categorie: str
    aantal: int
    totaal: int


class MonitoringRepository:
    def __init__(self, session: AsyncSession, gemeente: str) -> None:
        self.session = session
        self.gemeente = gemeente

    def _params(self, van: date, tot: date) -> dict[str, Any]:
        return {"g": self.gemeente, "van": van, "tot": tot}

    async def _tel(self, statement: Any, van: date, tot: date) -> Tellingen:
        rows = await self.session.execute(statement, self._params(van, tot))
        return {(str(r.rij), str(r.kolom)): int(r.n) for r in rows}

    async def stappen(self, van: date, tot: date) -> Tellingen:
        return await self._tel(_STAPPEN, van, tot)

    async def boetes(self, van: date, tot: date) -> Tellingen:
        return await self._tel(_BOETES, van, tot)

    async def bedragen(self, van: date, tot: date) -> list[Bedragen]:
        rows = await self.session.execute(_BEDRAGEN, self._params(van, tot))
        return [Bedragen(r.categorie, int(r.n), int(r.totaal)) for r in rows]
