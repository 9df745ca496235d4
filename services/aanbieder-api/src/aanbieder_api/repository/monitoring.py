"""Aggregate figures of the provider context for local monitoring (contract management): one grouped statement per
table, never a row per person. The arrears are the ones `meldgedrag` computes, with the same norms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from aanbieder_api.domain.meldnorm import Meldnormen
from aanbieder_api.repository.meldgedrag import _normparameters

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
#
# One pass over the gemeente's opdrachten: each row's values are read from its JSONB once, and whether a running
# opdracht is behind is judged on the row itself with the rule of `meldgedrag` (`_ACHTERSTANDEN_CTES`: the start
# norm while it has not started, else the month after the last reported period; the same parameters). Joining that
# CTE instead read the running opdrachten a second time and looked each one up in its set: two thirds of the time.
# The persons are counted by grouping per (aanbieder, person) first and then per aanbieder, on narrow rows: a
# count(DISTINCT) sorted the whole wide rows on disk.
_PRESTATIES = text(
    "WITH r AS MATERIALIZED (SELECT aanbieder_id, inburgeraar_id, stand->>'eindresultaat' AS resultaat, "
    "CAST(stand->>'urenAanwezig' AS numeric) AS aanwezig, "
    "CAST(stand->>'urenAanwezig' AS numeric) + CAST(stand->>'urenAfwezigGeoorloofd' AS numeric) "
    "+ CAST(stand->>'urenAfwezigOngeoorloofd' AS numeric) AS gemeld, "
    "status = ANY(CAST(:lopend AS text[])) AS lopend, "
    "CASE WHEN status = ANY(CAST(:lopend AS text[])) THEN ("
    "(stand->>'gerealiseerdeStartdatum' IS NULL AND status = CAST(:start_open AS text) "
    "AND CAST(inhoud->>'geplandeStartdatum' AS date) + CAST(:start_dagen AS integer) < CAST(:peildatum AS date)) "
    "OR (onderdeel <> ALL(CAST(:zonder_aanwezigheid AS text[])) AND l.begin <= CAST(:peildatum AS date) "
    "AND CAST(date_trunc('month', CAST(GREATEST(l.begin, CAST(stand->>'laatstePeriodeTot' AS date) + 1) "
    "AS timestamp)) + interval '1 month' AS date) - 1 + CAST(:aanwezigheid_dagen AS integer) "
    "< CAST(:peildatum AS date))) ELSE false END AS te_laat "
    "FROM opdracht CROSS JOIN LATERAL (SELECT COALESCE(CAST(stand->>'gerealiseerdeStartdatum' AS date), "
    "CAST(inhoud->>'geplandeStartdatum' AS date)) AS begin) AS l "
    "WHERE gemeente_code = :g AND status <> 'ingetrokken' "
    "AND CAST(created_at AT TIME ZONE 'Europe/Amsterdam' AS date) <= CAST(:tot AS date) "
    "AND (status <> 'afgerond' OR stand->>'einddatum' >= :van_tekst)), "
    "p AS (SELECT aanbieder_id, inburgeraar_id, sum(aanwezig) AS aanwezig, sum(gemeld) AS gemeld, "
    "count(*) FILTER (WHERE lopend) AS lopend, count(*) FILTER (WHERE te_laat) AS te_laat, "
    "count(*) FILTER (WHERE resultaat = 'behaald') AS behaald, "
    "count(*) FILTER (WHERE resultaat IS NOT NULL) AS met_resultaat FROM r GROUP BY aanbieder_id, inburgeraar_id) "
    "SELECT a.naam, count(p.inburgeraar_id) AS personen, COALESCE(sum(p.aanwezig), 0) AS aanwezig, "
    "COALESCE(sum(p.gemeld), 0) AS gemeld, sum(p.lopend) AS lopend, sum(p.te_laat) AS te_laat, "
    "sum(p.behaald) AS behaald, sum(p.met_resultaat) AS met_resultaat "
    "FROM p JOIN aanbieder a ON a.id = p.aanbieder_id GROUP BY a.id, a.naam ORDER BY a.naam, a.id"
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
