"""Aggregate counts of the person context for local monitoring: one grouped query per table, never a row per person."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

Tellingen = dict[tuple[str, str], int]

# Inflow: the day the gemeente became responsible (the COA linking, else the BRP registration, else the day it was
# registered here), per month and doelgroep. Counted per day first and named by month after: the month's text is
# made for some thousand days instead of for every person. The day's expression is the one of the statistics
# `st_inburgeraar_instroomdatum` (migration 5c1a9e7d3f28): change both or the counting sorts every person again.
_INSTROOM = text(
    "SELECT to_char(d, 'YYYY-MM') AS rij, kolom, sum(n) AS n FROM (SELECT d, doelgroep AS kolom, count(*) AS n FROM ("
    "SELECT COALESCE(datum_koppeling, datum_inschrijving_brp, "
    "CAST(created_at AT TIME ZONE 'Europe/Amsterdam' AS date)) AS d, doelgroep "
    "FROM inburgeraar WHERE gemeente_code = :g) AS x WHERE d BETWEEN :van AND :tot GROUP BY 1, 2) AS y GROUP BY 1, 2"
)
# Outflow: the plicht ended (vervallen, or a whole vrijstelling or ontheffing), as the retention schedule keeps it.
_UITSTROOM = text(
    "SELECT to_char(b.einde_plicht_datum, 'YYYY-MM') AS rij, i.doelgroep AS kolom, count(*) AS n "
    "FROM bewaartermijn b JOIN inburgeraar i ON i.id = b.inburgeraar_id "
    "WHERE b.einde_plicht_datum BETWEEN :van AND :tot AND i.gemeente_code = :g GROUP BY 1, 2"
)
# Exam attempts as DUO reported them, per part: the four language skills and KNM make up the exam, the onderwijsroute
# has its own exam, PVT and MAP are parts of the plicht of their own.
_EXAMENS = text(
    "SELECT m.gegevens->>'onderdeel' AS rij, "
    "CASE WHEN CAST(m.gegevens->>'behaald' AS boolean) THEN 'behaald' ELSE 'niet behaald' END AS kolom, "
    "count(*) AS n FROM plicht_mutatie m JOIN inburgeraar i ON i.id = m.inburgeraar_id "
    "WHERE m.soort = 'examenresultaat' AND m.ingangsdatum BETWEEN :van AND :tot AND i.gemeente_code = :g "
    "GROUP BY 1, 2"
)


class MonitoringRepository:
    def __init__(self, session: AsyncSession, gemeente: str) -> None:
        self.session = session
        self.gemeente = gemeente

    async def _tel(self, statement: Any, van: date, tot: date) -> Tellingen:
        rows = await self.session.execute(statement, {"g": self.gemeente, "van": van, "tot": tot})
        return {(str(r.rij), str(r.kolom)): int(r.n) for r in rows}

    async def instroom(self, van: date, tot: date) -> Tellingen:
        return await self._tel(_INSTROOM, van, tot)

    async def uitstroom(self, van: date, tot: date) -> Tellingen:
        return await self._tel(_UITSTROOM, van, tot)

    async def examens(self, van: date, tot: date) -> Tellingen:
        return await self._tel(_EXAMENS, van, tot)
