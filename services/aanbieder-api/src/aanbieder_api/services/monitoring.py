"""Local monitoring of the provider context (issue 15 §2; contract management in the beleidsplan ch. 6): per
aanbieder the attendance, reporting on time and results, and the final results per service. Aggregates only: the
suppression of small cells is the kit's (`inburgering_kit.monitoring`), applied before anything leaves."""

from __future__ import annotations

import asyncio
from datetime import date

from aanbieder_api.domain.enums import Dienst, Uitslag
from aanbieder_api.repository.monitoring import MonitoringRepository
from aanbieder_api.services.meldgedrag import _normen
from aanbieder_api.settings import Settings
from inburgering_kit.context import RequestContext
from inburgering_kit.db import Aggregaten
from inburgering_kit.monitoring import Aandeel, Kengetallen, Monitoring, Periode, Telling, kengetallen, onderdruk

PRESTATIEKOLOMMEN = ["aanwezigheid (%)", "op tijd gemeld (%)", "behaald (%)"]


def _procent(teller: float, noemer: float) -> float | None:
    return None if noemer == 0 else 100 * teller / noemer


async def monitoring(
    ctx: RequestContext, settings: Settings, periode: Periode, vandaag: date | None = None
) -> Monitoring:
    van, tot = periode.van, periode.tot
    # Arrears are judged at the end of the period, or today while the period runs.
    peildatum = min(tot, vandaag or date.today())
    normen = _normen(settings)
    lezer = Aggregaten(ctx.session, lambda s: MonitoringRepository(s, ctx.gemeente))
    resultaten, prestaties = await asyncio.gather(
        lezer.lees(lambda r: r.resultaten(van, tot)),
        lezer.lees(lambda r: r.prestaties(van, tot, normen, peildatum)),
    )
    diensten = [d.value for d in Dienst if d is not Dienst.LEERBAARHEIDSTOETS]
    tabellen = [
        kengetallen(
            Kengetallen(
                "aanbieders",
                "Prestaties per aanbieder",
                "aanbieder",
                PRESTATIEKOLOMMEN,
                [
                    (
                        p.aanbieder,
                        p.personen,
                        {
                            "aanwezigheid (%)": _procent(p.uren_aanwezig, p.uren_gemeld),
                            "op tijd gemeld (%)": Aandeel(p.lopend - p.te_laat, p.lopend),
                            "behaald (%)": Aandeel(p.behaald, p.met_resultaat),
                        },
                    )
                    for p in prestaties
                ],
                toelichting="Over de opdrachten die in de periode liepen. Aanwezigheid: uren aanwezig van alle gemelde "
                f"uren. Op tijd gemeld: lopende opdrachten zonder meldachterstand op {peildatum.isoformat()}. "
                "Een aanbieder met minder dan 5 personen wordt niet getoond.",
            )
        ),
        onderdruk(
            Telling(
                "resultaten",
                "Eindresultaten per onderdeel, gemeld in de periode",
                "onderdeel",
                [*diensten, *sorted({r for r, _ in resultaten} - set(diensten))],
                [u.value for u in Uitslag],
                resultaten,
                aandeel="rij",
                aandeel_kolom=Uitslag.BEHAALD.value,
                kolomtotalen=False,
            )
        ),
    ]
    return Monitoring(gemeentecode=ctx.gemeente, van=van, tot=tot, tabellen=tabellen)
