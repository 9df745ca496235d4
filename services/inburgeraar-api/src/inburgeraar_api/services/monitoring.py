"""Local monitoring of the person context (issue 15 §2): inflow per doelgroep per month, outflow (the plicht ended)
and pass rates of the exam parts, the onderwijsroute, PVT and MAP. Aggregates only: the suppression of small cells
is the kit's (`inburgering_kit.monitoring`), applied before anything leaves."""

from __future__ import annotations

import asyncio

from inburgeraar_api.domain.enums import Doelgroep, PlichtOnderdeel
from inburgeraar_api.repository.monitoring import MonitoringRepository
from inburgering_kit.context import RequestContext
from inburgering_kit.db import Aggregaten
from inburgering_kit.monitoring import Monitoring, Periode, Telling, maanden, onderdruk

EXAMENONDERDELEN = [
    PlichtOnderdeel.LEZEN.value,
    PlichtOnderdeel.LUISTEREN.value,
    PlichtOnderdeel.SPREKEN.value,
    PlichtOnderdeel.SCHRIJVEN.value,
    PlichtOnderdeel.KNM.value,
    "onderwijsroute",
    PlichtOnderdeel.PVT.value,
    PlichtOnderdeel.MAP.value,
]


async def monitoring(ctx: RequestContext, periode: Periode) -> Monitoring:
    van, tot = periode.van, periode.tot
    lezer = Aggregaten(ctx.session, lambda s: MonitoringRepository(s, ctx.gemeente))
    instroom, uitstroom, examens = await asyncio.gather(
        lezer.lees(lambda r: r.instroom(van, tot)),
        lezer.lees(lambda r: r.uitstroom(van, tot)),
        lezer.lees(lambda r: r.examens(van, tot)),
    )
    doelgroepen = [d.value for d in Doelgroep]
    tabellen = [
        onderdruk(
            Telling(
                "instroom",
                "Instroom per doelgroep per maand",
                "maand",
                maanden(periode),
                doelgroepen,
                instroom,
                toelichting="Maand van de koppeling door het COA, anders van de BRP-inschrijving, anders van de "
                "registratie.",
            )
        ),
        onderdruk(
            Telling(
                "uitstroom-plicht",
                "Einde van de inburgeringsplicht per doelgroep per maand",
                "maand",
                maanden(periode),
                doelgroepen,
                uitstroom,
                toelichting="Plicht vervallen (voldaan of anderszins), of gehele vrijstelling of ontheffing.",
            )
        ),
        onderdruk(
            Telling(
                "examens",
                "Examenpogingen per onderdeel en slagingspercentage (DUO)",
                "onderdeel",
                [*EXAMENONDERDELEN, *sorted({r for r, _ in examens} - set(EXAMENONDERDELEN))],
                ["behaald", "niet behaald"],
                examens,
                aandeel="rij",
                aandeel_kolom="behaald",
                kolomtotalen=False,
                toelichting="Pogingen met examendatum in de periode; het percentage is het aandeel behaald.",
            )
        ),
    ]
    return Monitoring(gemeentecode=ctx.gemeente, van=van, tot=tot, tabellen=tabellen)
