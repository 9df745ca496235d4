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

# Final results reported in the period, per service (on the stand's generated columns; ISO dates in text order).
_RESULTATEN = text(
    "SELECT onderdeel AS rij, eindresultaat AS kolom, count(*) AS n FROM opdracht "
    "WHERE gemeente_code = :g AND status = 'afgerond' AND einddatum BETWEEN :van AND :tot "
    "AND eindresultaat IS NOT NULL GROUP BY 1, 2"
)
# Per aanbieder, over the opdrachten that ran at some time in the period (given out by its end, not finished before
# its start, not withdrawn): the persons, the hours present of all hours reported, the running opdrachten behind on
# a reporting norm at the peildatum, and the final results.
#
# The figures in one pass over the gemeente's opdrachten, on the stand's generated columns (`models.Opdracht`), not
# its JSON. Whether a running opdracht is behind is judged on the row itself with the rule of `meldgedrag`
# (`_ACHTERSTANDEN_CTES`: the start norm while it has not started, else the month after the last reported period;
# the same parameters). The persons apart, as distinct (person, aanbieder) pairs read in that order from the index
# on them (`ix_opdracht_gemeente_code_inburgeraar_id_aanbieder_id`, which holds the period's columns too): counting
# them within the pass sorted every opdracht. The end of the period as the instant Dutch midnight after it, so that
# no row's time is converted.
_LOPEND = (
    "FROM opdracht WHERE gemeente_code = :g AND status <> 'ingetrokken' "
    "AND created_at < CAST(CAST(:tot AS date) + 1 AS timestamp) AT TIME ZONE 'Europe/Amsterdam' "
    "AND (status <> 'afgerond' OR einddatum >= :van_tekst)"
)
_PRESTATIES = text(
    "WITH r AS (SELECT aanbieder_id, eindresultaat, uren_aanwezig, uren_gemeld, "  # noqa: S608 - fixed text
    "status = ANY(CAST(:lopend AS text[])) AS lopend, "
    "CASE WHEN status = ANY(CAST(:lopend AS text[])) THEN ("
    "(NOT gestart AND status = CAST(:start_open AS text) "
    "AND CAST(begin_datum AS date) + CAST(:start_dagen AS integer) < CAST(:peildatum AS date)) "
    "OR (onderdeel <> ALL(CAST(:zonder_aanwezigheid AS text[])) "
    "AND CAST(begin_datum AS date) <= CAST(:peildatum AS date) "
    "AND CAST(date_trunc('month', CAST(GREATEST(CAST(begin_datum AS date), CAST(laatste_periode_tot AS date) + 1) "
    "AS timestamp)) + interval '1 month' AS date) - 1 + CAST(:aanwezigheid_dagen AS integer) "
    "< CAST(:peildatum AS date))) ELSE false END AS te_laat " + _LOPEND + "), "
    "s AS (SELECT aanbieder_id, sum(uren_aanwezig) AS aanwezig, sum(uren_gemeld) AS gemeld, "
    "count(*) FILTER (WHERE lopend) AS lopend, count(*) FILTER (WHERE te_laat) AS te_laat, "
    "count(*) FILTER (WHERE eindresultaat = 'behaald') AS behaald, "
    "count(*) FILTER (WHERE eindresultaat IS NOT NULL) AS met_resultaat FROM r GROUP BY aanbieder_id), "
    "p AS (SELECT aanbieder_id, count(*) AS personen FROM (SELECT DISTINCT inburgeraar_id, aanbieder_id "
    + _LOPEND
    + ") AS x GROUP BY aanbieder_id) "
    "SELECT a.naam, p.personen, COALESCE(s.aanwezig, 0) AS aanwezig, COALESCE(s.gemeld, 0) AS gemeld, s.lopend, "
    "s.te_laat, s.behaald, s.met_resultaat FROM s JOIN p ON p.aanbieder_id = s.aanbieder_id "
    "JOIN aanbieder a ON a.id = s.aanbieder_id ORDER BY a.naam, a.id"
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
