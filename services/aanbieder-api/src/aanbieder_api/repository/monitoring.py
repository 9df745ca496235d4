"""Aggregate figures of the provider context for local monitoring (contract management): one grouped statement per
table, never a row per person. The arrears are the ones `meldgedrag` computes, with the same norms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from aanbieder_api.domain.meldnorm import Meldnormen
from aanbieder_api.repository.meldgedrag import _ACHTERSTANDEN_CTES, _normparameters

Tellingen = dict[tuple[str, str], int]

# Final results reported in the period, per service (the stand's dates are ISO text, so text order is date order).
_RESULTATEN = text(
    "SELECT onderdeel AS rij, stand->>'eindresultaat' AS kolom, count(*) AS n FROM opdracht "
    "WHERE gemeente_code = :g AND status = 'afgerond' AND stand->>'einddatum' BETWEEN :van AND :tot "
    "AND stand->>'eindresultaat' IS NOT NULL GROUP BY 1, 2"
)
# Per aanbieder, over the opdrachten that ran at some time in the period (given out by its end, not finished before
# its start, not withdrawn): the persons, the hours present of all hours reported, the running opdrachten behind on
# a reporting norm at the peildatum, and the final results.
_PRESTATIES = text(
    "WITH " + _ACHTERSTANDEN_CTES.format(aanbieder="") + ", "  # noqa: S608 - fixed text
    "periode AS (SELECT id, aanbieder_id, inburgeraar_id, status, stand FROM opdracht WHERE gemeente_code = :g "
    "AND status <> 'ingetrokken' AND CAST(created_at AT TIME ZONE 'Europe/Amsterdam' AS date) <= CAST(:tot AS date) "
    "AND (status <> 'afgerond' OR stand->>'einddatum' >= :van_tekst)) "
    "SELECT a.naam, count(DISTINCT p.inburgeraar_id) AS personen, "
    "COALESCE(sum(CAST(p.stand->>'urenAanwezig' AS numeric)), 0) AS aanwezig, "
    "COALESCE(sum(CAST(p.stand->>'urenAanwezig' AS numeric) + CAST(p.stand->>'urenAfwezigGeoorloofd' AS numeric) "
    "+ CAST(p.stand->>'urenAfwezigOngeoorloofd' AS numeric)), 0) AS gemeld, "
    "count(*) FILTER (WHERE p.status = ANY(CAST(:lopend AS text[]))) AS lopend, "
    "count(*) FILTER (WHERE p.id IN (SELECT id FROM te_laat)) AS te_laat, "
    "count(*) FILTER (WHERE p.stand->>'eindresultaat' = 'behaald') AS behaald, "
    "count(*) FILTER (WHERE p.stand->>'eindresultaat' IS NOT NULL) AS met_resultaat "
    "FROM periode p JOIN aanbieder a ON a.id = p.aanbieder_id GROUP BY a.id, a.naam ORDER BY a.naam, a.id"
)


@dataclass(frozen=True)
class Prestatie:
    aanbieder: str
    personen: int
    uren_aanwezig: float
    uren_gemeld: float
    lopend: int
    te_laat: int
    behaald: int
    met_resultaat: int


class MonitoringRepository:
    def __init__(self, session: AsyncSession, gemeente: str) -> None:
        self.session = session
        self.gemeente = gemeente

    async def resultaten(self, van: date, tot: date) -> Tellingen:
        params: dict[str, Any] = {"g": self.gemeente, "van": van.isoformat(), "tot": tot.isoformat()}
        rows = await self.session.execute(_RESULTATEN, params)
        return {(str(r.rij), str(r.kolom)): int(r.n) for r in rows}

    async def prestaties(self, van: date, tot: date, normen: Meldnormen, peildatum: date) -> list[Prestatie]:
        params = {**_normparameters(normen, peildatum), "g": self.gemeente, "tot": tot, "van_tekst": van.isoformat()}
        rows = await self.session.execute(_PRESTATIES, params)
        return [
            Prestatie(
                r.naam,
                int(r.personen),
                float(r.aanwezig),
                float(r.gemeld),
                int(r.lopend),
                int(r.te_laat),
                int(r.behaald),
                int(r.met_resultaat),
            )
            for r in rows
        ]
