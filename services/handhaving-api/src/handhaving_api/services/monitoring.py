"""Local monitoring of the enforcement context (issue 15 §2): the steps of the Awb procedure per kind of violation,
and the fines decided, with their amounts. Aggregates only: the suppression of small cells is the kit's
(`inburgering_kit.monitoring`), applied before anything leaves."""

from __future__ import annotations

import asyncio

from handhaving_api.domain.enums import Boetestatus, Categorie, Handeling, Overtredingsoort
from handhaving_api.repository.monitoring import MonitoringRepository
from inburgering_kit.context import RequestContext
from inburgering_kit.db import Aggregaten
from inburgering_kit.monitoring import Kengetallen, Monitoring, Periode, Telling, kengetallen, onderdruk

# Not enforcement steps of their own: a zienswijze is the person's, a procedure ended by a move is no decision.
_NIET_GETELD = frozenset({Handeling.ZIENSWIJZE, Handeling.BEEINDIGEN})


def _rijen(vast: list[str], tellingen: dict[tuple[str, str], int]) -> list[str]:
    return [*vast, *sorted({r for r, _ in tellingen} - set(vast))]


async def monitoring(ctx: RequestContext, periode: Periode) -> Monitoring:
    van, tot = periode.van, periode.tot
    lezer = Aggregaten(ctx.session, lambda s: MonitoringRepository(s, ctx.gemeente))
    stappen, boetes, bedragen = await asyncio.gather(
        lezer.lees(lambda r: r.stappen(van, tot)),
        lezer.lees(lambda r: r.boetes(van, tot)),
        lezer.lees(lambda r: r.bedragen(van, tot)),
    )
    categorieen = [c.value for c in Categorie]
    tabellen = [
        onderdruk(
            Telling(
                "handhaving",
                "Stappen in de handhavingsprocedure per soort overtreding",
                "overtreding",
                _rijen([s.value for s in Overtredingsoort], stappen),
                [h.value for h in Handeling if h not in _NIET_GETELD],
                {k: v for k, v in stappen.items() if k[1] not in _NIET_GETELD},
                toelichting="Waarschuwingen, voornemens, boetebesluiten, afzien van een boete en afgewezen "
                "kandidaten, naar de datum van de stap.",
            )
        ),
        onderdruk(
            Telling(
                "boetes",
                "Boetebesluiten per categorie",
                "categorie",
                _rijen(categorieen, boetes),
                [s.value for s in Boetestatus],
                boetes,
                toelichting="Naar besluitdatum; een vervangen of vernietigde boete telt onder die status.",
            )
        ),
        kengetallen(
            Kengetallen(
                "boetebedragen",
                "Opgelegde boetes: bedragen per categorie",
                "categorie",
                ["totaal (€)", "gemiddeld (€)"],
                [
                    (b.categorie, b.aantal, {"totaal (€)": b.totaal, "gemiddeld (€)": b.totaal / b.aantal})
                    for b in bedragen
                ],
                toelichting="Alleen getoond bij 5 of meer boetes in de categorie.",
            )
        ),
    ]
    return Monitoring(gemeentecode=ctx.gemeente, van=van, tot=tot, tabellen=tabellen)
