"""Report arrears and an aanbieder's reporting record, computed in the database over all running opdrachten."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from aanbieder_api.domain.enums import Dienst
from aanbieder_api.domain.meldnorm import Achterstand, Meldnormen
from inburgering_kit.pagination import PageParams

# The running opdrachten of the gemeente (of one aanbieder: `{aanbieder}`) and every norm each is behind on at the
# peildatum: `meldnorm.achterstanden` applied to all of them at once, every value of the rule a parameter from
# `Meldnormen` (a test holds the two equal). Of one opdracht's two norms the start comes first (`volgorde`), as that
# function lists them. The index on (gemeente_code, status, aanbieder_id) keeps finished opdrachten unread; the
# dates judged live in the stand, which every report rewrites, so nothing derived from them is indexed: a report's
# update of its opdracht stays HOT.
_ACHTERSTANDEN_CTES = (
    "lopend AS (SELECT id, aanbieder_id, onderdeel, status, CAST(inhoud->>'geplandeStartdatum' AS date) AS gepland, "
    "CAST(stand->>'gerealiseerdeStartdatum' AS date) AS gestart, CAST(stand->>'laatstePeriodeTot' AS date) AS tot, "
    "stand->>'urenAanwezig' AS uren_aanwezig, inhoud->>'uren' AS uren "
    "FROM opdracht WHERE gemeente_code = :g AND status = ANY(CAST(:lopend AS text[])){aanbieder}), "
    "verwacht AS (SELECT id, aanbieder_id, onderdeel, tot, 1 AS volgorde, CAST(:start_norm AS text) AS norm, "
    "gepland + CAST(:start_dagen AS integer) AS uiterlijk FROM lopend "
    "WHERE gestart IS NULL AND status = CAST(:start_open AS text) "
    "UNION ALL "
    # The month of the first day no reported period covers: its report is due the norm's days after its last day.
    "SELECT id, aanbieder_id, onderdeel, tot, 2, CAST(:aanwezigheid_norm AS text), "
    "CAST(date_trunc('month', CAST(GREATEST(begin, tot + 1) AS timestamp)) + interval '1 month' AS date) - 1 "
    "+ CAST(:aanwezigheid_dagen AS integer) "
    "FROM (SELECT *, COALESCE(gestart, gepland) AS begin FROM lopend) AS l "
    "WHERE onderdeel <> ALL(CAST(:zonder_aanwezigheid AS text[])) AND begin <= CAST(:peildatum AS date)), "
    "te_laat AS (SELECT *, CAST(:peildatum AS date) - uiterlijk AS dagen_te_laat FROM verwacht "
    "WHERE uiterlijk < CAST(:peildatum AS date))"
)
# One page, most days late first, the total, and every opdracht behind on any page (for the processing log): one
# snapshot, one round trip.
_MELDACHTERSTANDEN_SQL = (
    "WITH " + _ACHTERSTANDEN_CTES + " SELECT (SELECT count(*) FROM te_laat) AS totaal, "  # noqa: S608 - fixed text
    "ARRAY(SELECT id FROM te_laat GROUP BY id ORDER BY max(dagen_te_laat) DESC, id) AS opdrachten, "
    "ARRAY(SELECT ROW(id, aanbieder_id, onderdeel, norm, uiterlijk, tot, dagen_te_laat) FROM te_laat "
    "ORDER BY dagen_te_laat DESC, id, volgorde LIMIT :limit OFFSET :offset) AS pagina"
)
_MELDACHTERSTANDEN = text(_MELDACHTERSTANDEN_SQL.format(aanbieder=""))
_MELDACHTERSTANDEN_AANBIEDER = text(_MELDACHTERSTANDEN_SQL.format(aanbieder=" AND aanbieder_id = :a"))
# An aanbieder's running opdrachten, their hours, how many norms they are behind on, and all it ever reported.
_MELDGEDRAG = text(
    "WITH " + _ACHTERSTANDEN_CTES.format(aanbieder=" AND aanbieder_id = :a") + " "  # noqa: S608 - fixed text
    "SELECT l.opdrachten_lopend, l.uren_aanwezig, l.uren_gecontracteerd, "
    "(SELECT count(*) FROM te_laat) AS achterstanden, m.meldingen, m.laatste_melding_op "
    "FROM (SELECT count(*) AS opdrachten_lopend, COALESCE(sum(CAST(uren_aanwezig AS numeric)), 0) AS uren_aanwezig, "
    "COALESCE(sum(CAST(uren AS integer)), 0) AS uren_gecontracteerd FROM lopend) AS l, "
    "(SELECT count(*) AS meldingen, max(gemeld_at) AS laatste_melding_op FROM melding "
    "WHERE gemeente_code = :g AND aanbieder_id = :a) AS m"
)


def _normparameters(normen: Meldnormen, peildatum: date) -> dict[str, Any]:
    return {
        "peildatum": peildatum,
        "lopend": sorted(s.value for s in normen.lopend),
        "start_open": normen.start_open.value,
        "start_norm": normen.start.naam,
        "start_dagen": normen.start.dagen,
        "aanwezigheid_norm": normen.aanwezigheid_per_maand.naam,
        "aanwezigheid_dagen": normen.aanwezigheid_per_maand.dagen,
        "zonder_aanwezigheid": sorted(d.value for d in normen.zonder_aanwezigheid),
    }


@dataclass(frozen=True)
class OpdrachtAchterstand:
    opdracht_id: uuid.UUID
    aanbieder_id: uuid.UUID
    onderdeel: Dienst
    achterstand: Achterstand
    laatst_gemeld_tot: date | None
    bron: str


@dataclass(frozen=True)
class Meldachterstanden:
    pagina: list[OpdrachtAchterstand]
    totaal: int
    # Every opdracht behind on a norm, on this page or another, most days late first.
    opdrachten: list[uuid.UUID]


@dataclass(frozen=True)
class AanbiederMeldgedrag:
    opdrachten_lopend: int
    meldingen: int
    laatste_melding_op: datetime | None
    achterstanden: int
    uren_aanwezig: Decimal
    uren_gecontracteerd: int


class MeldgedragRepository:
    """How the gemeente's aanbieders keep up with their reports: every opdracht judged in one statement."""

    def __init__(self, session: AsyncSession, gemeente: str) -> None:
        self.session = session
        self.gemeente = gemeente

    async def meldachterstanden(
        self, normen: Meldnormen, peildatum: date, aanbieder_id: uuid.UUID | None, paging: PageParams
    ) -> Meldachterstanden:
        query = _MELDACHTERSTANDEN if aanbieder_id is None else _MELDACHTERSTANDEN_AANBIEDER
        params = {
            **_normparameters(normen, peildatum), "g": self.gemeente, "limit": paging.page_size,
            "offset": paging.offset,
        }  # fmt: skip
        if aanbieder_id is not None:
            params["a"] = aanbieder_id
        row = (await self.session.execute(query, params)).one()
        pagina = [
            OpdrachtAchterstand(
                opdracht_id, aanbieder, Dienst(onderdeel), Achterstand(norm, uiterlijk, dagen), tot, normen.bron(norm)
            )
            for opdracht_id, aanbieder, onderdeel, norm, uiterlijk, tot, dagen in row.pagina
        ]
        return Meldachterstanden(pagina, row.totaal, list(row.opdrachten))

    async def meldgedrag(self, normen: Meldnormen, peildatum: date, aanbieder_id: uuid.UUID) -> AanbiederMeldgedrag:
        params = {**_normparameters(normen, peildatum), "g": self.gemeente, "a": aanbieder_id}
        row = (await self.session.execute(_MELDGEDRAG, params)).one()
        return AanbiederMeldgedrag(
            opdrachten_lopend=row.opdrachten_lopend,
            meldingen=row.meldingen,
            laatste_melding_op=row.laatste_melding_op,
            achterstanden=row.achterstanden,
            uren_aanwezig=row.uren_aanwezig,
            uren_gecontracteerd=row.uren_gecontracteerd,
        )
