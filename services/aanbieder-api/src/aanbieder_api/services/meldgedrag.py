"""The gemeente's view of reporting: which opdrachten are behind on their reports, and per aanbieder what it
reported and how far behind it is."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import text

from aanbieder_api import activiteiten
from aanbieder_api.domain.enums import Dienst, OpdrachtStatus
from aanbieder_api.domain.meldnorm import Achterstand, achterstanden
from aanbieder_api.domain.regels import REGELS
from aanbieder_api.settings import Settings
from inburgering_kit.audit import Actie
from inburgering_kit.context import RequestContext

_LOPEND = text(
    "SELECT id, aanbieder_id, onderdeel, status, inhoud->>'geplandeStartdatum' AS start, "
    "stand->>'gerealiseerdeStartdatum' AS gestart, stand->>'laatstePeriodeTot' AS tot, "
    "stand->>'urenAanwezig' AS uren, inhoud->'uren' AS gecontracteerd, laatste_melding_at "
    "FROM opdracht WHERE gemeente_code = :g AND status IN ('verstrekt', 'gestart') "
    "AND (CAST(:a AS uuid) IS NULL OR aanbieder_id = CAST(:a AS uuid)) ORDER BY id"
)
_MELDINGEN = text(
    "SELECT aanbieder_id, count(*) AS n, max(gemeld_at) AS laatste FROM melding WHERE gemeente_code = :g "
    "AND (CAST(:a AS uuid) IS NULL OR aanbieder_id = CAST(:a AS uuid)) GROUP BY aanbieder_id"
)


@dataclass(frozen=True)
class OpdrachtAchterstand:
    opdracht_id: uuid.UUID
    aanbieder_id: uuid.UUID
    onderdeel: Dienst
    achterstand: Achterstand
    laatst_gemeld_tot: date | None
    bron: str


@dataclass
class AanbiederMeldgedrag:
    aanbieder_id: uuid.UUID
    opdrachten_lopend: int = 0
    meldingen: int = 0
    laatste_melding_op: datetime | None = None
    achterstanden: int = 0
    uren_aanwezig: Decimal = Decimal(0)
    uren_gecontracteerd: int = 0


def _datum(waarde: str | None) -> date | None:
    return date.fromisoformat(waarde) if waarde else None


_BRONNEN = {"start": REGELS.start.bron, "aanwezigheid-per-maand": REGELS.aanwezigheid_per_maand.bron}


async def _lopend(
    ctx: RequestContext, settings: Settings, peildatum: date, aanbieder_id: uuid.UUID | None
) -> tuple[list[OpdrachtAchterstand], dict[uuid.UUID, AanbiederMeldgedrag]]:
    rows = await ctx.session.execute(_LOPEND, {"g": ctx.gemeente, "a": aanbieder_id})
    gevonden: list[OpdrachtAchterstand] = []
    per_aanbieder: dict[uuid.UUID, AanbiederMeldgedrag] = defaultdict(lambda: AanbiederMeldgedrag(uuid.UUID(int=0)))
    for row in rows:
        gedrag = per_aanbieder[row.aanbieder_id]
        gedrag.aanbieder_id = row.aanbieder_id
        gedrag.opdrachten_lopend += 1
        gedrag.uren_aanwezig += Decimal(row.uren or 0)
        gedrag.uren_gecontracteerd += row.gecontracteerd if isinstance(row.gecontracteerd, int) else 0
        tot = _datum(row.tot)
        for a in achterstanden(
            onderdeel=Dienst(row.onderdeel),
            status=OpdrachtStatus(row.status),
            geplande_startdatum=date.fromisoformat(row.start),
            gerealiseerde_startdatum=_datum(row.gestart),
            laatste_periode_tot=tot,
            peildatum=peildatum,
            start_dagen=settings.meldnorm_start_dagen,
            aanwezigheid_dagen=settings.meldnorm_aanwezigheid_dagen,
        ):
            gedrag.achterstanden += 1
            gevonden.append(
                OpdrachtAchterstand(row.id, row.aanbieder_id, Dienst(row.onderdeel), a, tot, _BRONNEN[a.norm])
            )
    gevonden.sort(key=lambda g: (-g.achterstand.dagen_te_laat, str(g.opdracht_id)))
    return gevonden, dict(per_aanbieder)


async def te_laat(
    ctx: RequestContext, settings: Settings, peildatum: date, aanbieder_id: uuid.UUID | None
) -> list[OpdrachtAchterstand]:
    gevonden, _ = await _lopend(ctx, settings, peildatum, aanbieder_id)
    await ctx.verwerk_alle(
        activiteiten.VOORTGANG_RAADPLEGEN, Actie.ZOEKEN, object_type="opdracht",
        subjects=[(o, None) for o in dict.fromkeys(g.opdracht_id for g in gevonden)],
    )  # fmt: skip
    return gevonden


async def per_aanbieder(
    ctx: RequestContext, settings: Settings, peildatum: date, aanbieder_id: uuid.UUID | None
) -> list[AanbiederMeldgedrag]:
    _, gedrag = await _lopend(ctx, settings, peildatum, aanbieder_id)
    for row in await ctx.session.execute(_MELDINGEN, {"g": ctx.gemeente, "a": aanbieder_id}):
        g = gedrag.setdefault(row.aanbieder_id, AanbiederMeldgedrag(row.aanbieder_id))
        g.meldingen, g.laatste_melding_op = row.n, row.laatste
    return sorted(gedrag.values(), key=lambda g: (-g.achterstanden, str(g.aanbieder_id)))
