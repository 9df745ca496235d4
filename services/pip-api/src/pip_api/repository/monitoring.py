"""Aggregate counts of the plan context for local monitoring: one grouped query per table, never a row per person.

Every statement is bounded by the gemeente and a date column that an index of the `monitoring` migration leads with
(gemeente first), so a year of a gemeente with 100,000 trajectories is an index range scan, not a table scan.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

Tellingen = dict[tuple[str, str], int]

# The route of each PIP vastgesteld in the period, as it stands now (a later switch counts under the new route).
_ROUTEMIX = text(
    "SELECT inhoud->>'leerroute' AS rij, 'aantal' AS kolom, count(*) AS n FROM pip "
    "WHERE gemeente_code = :g AND vastgesteld_datum BETWEEN :van AND :tot GROUP BY 1"
)
# A route switch is a version whose changed fields name the leerroute, from the route of the version before it; the
# partial index on such versions' ingangsdatum keeps every other version unread.
_WISSELS = text(
    "SELECT vorige.route || ' → ' || (pv.inhoud->>'leerroute') AS rij, 'aantal' AS kolom, count(*) AS n "
    "FROM pip_versie pv JOIN pip p ON p.id = pv.pip_id "
    "CROSS JOIN LATERAL (SELECT w.inhoud->>'leerroute' AS route FROM pip_versie w WHERE w.pip_id = pv.pip_id "
    "AND w.versie < pv.versie ORDER BY w.versie DESC LIMIT 1) AS vorige "
    "WHERE pv.gewijzigde_velden @> CAST('[\"leerroute\"]' AS jsonb) AND pv.ingangs_datum BETWEEN :van AND :tot "
    "AND p.gemeente_code = :g AND vorige.route <> (pv.inhoud->>'leerroute') GROUP BY 1"
)
_UITSTROOM = text(
    "SELECT COALESCE(inhoud->>'leerroute', 'onbekend') AS rij, beeindigd_reden AS kolom, count(*) AS n FROM pip "
    "WHERE gemeente_code = :g AND beeindigd_datum BETWEEN :van AND :tot AND vastgesteld_datum IS NOT NULL "
    "GROUP BY 1, 2"
)
# Months from the start of the trajectory (the COA linking or BRP registration as pip-api learnt them, else the PIP's
# vaststelling) to the end of the PIP, in buckets of a year: a mean would hide the long tail the gemeente steers on.
_MAANDEN_TOT_UITSTROOM = text(
    "SELECT COALESCE(route, 'onbekend') AS rij, CASE WHEN m <= 12 THEN '0-12' WHEN m <= 24 THEN '13-24' "
    "WHEN m <= 36 THEN '25-36' ELSE 'meer dan 36' END AS kolom, count(*) AS n FROM ("
    "SELECT p.inhoud->>'leerroute' AS route, "
    "(extract(year FROM age(p.beeindigd_datum, b.begin)) * 12 + extract(month FROM age(p.beeindigd_datum, b.begin))) "
    "AS m FROM pip p LEFT JOIN inburgeraar_feit f ON f.inburgeraar_id = p.inburgeraar_id "
    "CROSS JOIN LATERAL (SELECT COALESCE(f.koppeling_datum, f.brp_inschrijving_datum, p.vastgesteld_datum) AS begin) b "
    "WHERE p.gemeente_code = :g AND p.beeindigd_datum BETWEEN :van AND :tot AND p.vastgesteld_datum IS NOT NULL "
    "AND p.beeindigd_reden = ANY(CAST(:uitstroom AS text[]))) AS x GROUP BY 1, 2"
)
# A signal is handled on time when it was resolved on or before its deadline (in Dutch time: a deadline is a day).
_SIGNALEN = text(
    "SELECT termijnsoort AS rij, CASE "
    "WHEN status = 'afgehandeld' AND CAST(afgehandeld_op AT TIME ZONE 'Europe/Amsterdam' AS date) <= einddatum "
    "THEN 'op tijd' WHEN status = 'afgehandeld' THEN 'te laat' WHEN status = 'vervallen' THEN 'vervallen' "
    "WHEN einddatum < :vandaag THEN 'open, verlopen' ELSE 'open' END AS kolom, count(*) AS n FROM signaal "
    "WHERE gemeente_code = :g AND einddatum BETWEEN :van AND :tot GROUP BY 1, 2"
)


class MonitoringRepository:
    def __init__(self, session: AsyncSession, gemeente: str) -> None:
        self.session = session
        self.gemeente = gemeente

    async def _tel(self, statement: Any, van: date, tot: date, **extra: object) -> Tellingen:
        params: dict[str, object] = {"g": self.gemeente, "van": van, "tot": tot, **extra}
        rows = await self.session.execute(statement, params)
        return {(str(r.rij), str(r.kolom)): int(r.n) for r in rows}

    async def routemix(self, van: date, tot: date) -> Tellingen:
        return await self._tel(_ROUTEMIX, van, tot)

    async def wissels(self, van: date, tot: date) -> Tellingen:
        return await self._tel(_WISSELS, van, tot)

    async def uitstroom(self, van: date, tot: date) -> Tellingen:
        return await self._tel(_UITSTROOM, van, tot)

    async def maanden_tot_uitstroom(self, van: date, tot: date, redenen: list[str]) -> Tellingen:
        return await self._tel(_MAANDEN_TOT_UITSTROOM, van, tot, uitstroom=redenen)

    async def signalen(self, van: date, tot: date, vandaag: date) -> Tellingen:
        return await self._tel(_SIGNALEN, van, tot, vandaag=vandaag)
