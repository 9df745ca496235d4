"""Local monitoring of the plan context (issue 15 §2): route mix against the expectation, route switches, outflow
per route and after how many months, and whether termijn signals were handled on time. Aggregates only: the
suppression of small cells is the kit's (`inburgering_kit.monitoring`), applied before anything leaves."""

from __future__ import annotations

import asyncio
from datetime import date

from inburgering_kit.context import RequestContext
from inburgering_kit.db import Aggregaten
from inburgering_kit.monitoring import Monitoring, Periode, Telling, onderdruk
from pip_api.domain.enums import Leerroute, Termijnsoort
from pip_api.domain.pip import Beeindigingsreden
from pip_api.repository.monitoring import MonitoringRepository

# Seed 001 (gemeentelijk beleidsplan), footnote 33: the national expectation of the route mix.
VERWACHTE_ROUTEMIX = {Leerroute.B1.value: 65.0, Leerroute.ONDERWIJSROUTE.value: 20.0, Leerroute.Z_ROUTE.value: 15.0}
# Outflow is the end of the trajectory; a move or a death ends the PIP here without the person flowing out of the
# inburgering, so those are no outflow in "months to outflow" (they stay visible in the outflow table by reason).
UITSTROOMREDENEN = [
    Beeindigingsreden.PLICHT_VOLDAAN.value,
    Beeindigingsreden.VRIJSTELLING_OF_ONTHEFFING.value,
    Beeindigingsreden.PLICHT_VERVALLEN.value,
]
MAANDKLASSEN = ["0-12", "13-24", "25-36", "meer dan 36"]
SIGNAALUITKOMSTEN = ["op tijd", "te laat", "open, verlopen", "open", "vervallen"]


def _rijen(vast: list[str], tellingen: dict[tuple[str, str], int]) -> list[str]:
    """The fixed rows in their order, then any other value the data holds (an old route name, `onbekend`)."""
    return [*vast, *sorted({r for r, _ in tellingen} - set(vast))]


async def monitoring(ctx: RequestContext, periode: Periode, vandaag: date | None = None) -> Monitoring:
    van, tot = periode.van, periode.tot
    peildatum = vandaag or date.today()
    lezer = Aggregaten(ctx.session, lambda s: MonitoringRepository(s, ctx.gemeente))
    mix, wissels, uitstroom, maanden, signalen = await asyncio.gather(
        lezer.lees(lambda r: r.routemix(van, tot)),
        lezer.lees(lambda r: r.wissels(van, tot)),
        lezer.lees(lambda r: r.uitstroom(van, tot)),
        lezer.lees(lambda r: r.maanden_tot_uitstroom(van, tot, UITSTROOMREDENEN)),
        lezer.lees(lambda r: r.signalen(van, tot, peildatum)),
    )
    routes = [r.value for r in Leerroute]
    tabellen = [
        onderdruk(
            Telling(
                "routemix",
                "Leerroute van de PIP's vastgesteld in de periode, tegen de verwachting",
                "leerroute",
                _rijen(routes, mix),
                ["aantal"],
                mix,
                aandeel="totaal",
                verwacht=VERWACHTE_ROUTEMIX,
                toelichting="Verwachting: 65 % B1-route, 20 % onderwijsroute, 15 % Z-route (beleidsplan, voetnoot 33).",
            )
        ),
        onderdruk(
            Telling(
                "routewissels",
                "Wissels van leerroute (ook afschalen naar de Z-route), naar ingangsdatum",
                "wissel",
                sorted({r for r, _ in wissels}),
                ["aantal"],
                wissels,
            )
        ),
        onderdruk(
            Telling(
                "uitstroom",
                "Beëindigde PIP's per leerroute en reden",
                "leerroute",
                _rijen(routes, uitstroom),
                [r.value for r in Beeindigingsreden],
                uitstroom,
            )
        ),
        onderdruk(
            Telling(
                "maanden-tot-uitstroom",
                "Uitstroom per leerroute naar maanden sinds de start",
                "leerroute",
                _rijen(routes, maanden),
                MAANDKLASSEN,
                maanden,
                toelichting="Start: koppeling of BRP-inschrijving, anders de vaststelling van het PIP. "
                "Uitstroom: plicht voldaan, vrijstelling of ontheffing, plicht vervallen.",
            )
        ),
        onderdruk(
            Telling(
                "signalen",
                "Termijnsignalen met uiterste datum in de periode: op tijd afgehandeld?",
                "termijn",
                _rijen([t.value for t in Termijnsoort if any(r == t.value for r, _ in signalen)], signalen),
                SIGNAALUITKOMSTEN,
                signalen,
                aandeel="rij",
                aandeel_kolom="op tijd",
                kolomtotalen=False,
            )
        ),
    ]
    return Monitoring(gemeentecode=ctx.gemeente, van=van, tot=tot, tabellen=tabellen)
