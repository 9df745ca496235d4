"""The letters of the procedure — the waarschuwing, the voornemen tot een boete and the boetebesluit — in HTML (and
PDF), fit to send to the person, shaped like pip-api's beschikking.

Plain Python string building: every value from the database or the request passes `html.escape`, so no reason or
description can inject markup. The letters carry no BSN and no name: this context never holds either; the sending
system addresses them. The legal grounds are articles of the law, never an internal source (the `berekening` of an
amount cites those, so it is not printed: the letter explains the amount in its own words).
"""

from __future__ import annotations

import warnings
from datetime import date
from html import escape

from fastapi import Response
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from handhaving_api.domain.bedragen import MAXIMUM_PER_OVERTREDING, PLAFOND_PIP_BEDRAG
from handhaving_api.domain.enums import Categorie, Overtredingsoort
from handhaving_api.models import Boete, Overtreding, Procedurestap
from handhaving_api.settings import Gemeente
from inburgering_kit.kalender import plus_weken

# Awb art. 6:7: the bezwaartermijn is six weeks; art. 6:8: it starts the day after the bekendmaking (sending).
BEZWAARTERMIJN_WEKEN = 6

_MAANDEN = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]

# What the person did (or failed to do), and the article that asks it of them.
_GEDRAGING: dict[Overtredingsoort, tuple[str, str]] = {
    Overtredingsoort.BREDE_INTAKE_NIET_VERSCHENEN: (
        "U bent niet verschenen op de brede intake waarvoor u was uitgenodigd.",
        "Wet inburgering 2021, artikel 14",
    ),
    Overtredingsoort.BREDE_INTAKE_ONVOLDOENDE_MEEGEWERKT: (
        "U hebt onvoldoende meegewerkt aan de brede intake.",
        "Wet inburgering 2021, artikel 14",
    ),
    Overtredingsoort.PIP_LEERROUTE: (
        "U hebt zich onvoldoende ingespannen voor de leerroute uit uw persoonlijk plan inburgering en participatie.",
        "Wet inburgering 2021, artikel 16",
    ),
    Overtredingsoort.PIP_VOORTGANGSGESPREK: (
        "U bent niet verschenen op een voortgangsgesprek over uw persoonlijk plan inburgering en participatie.",
        "Wet inburgering 2021, artikel 16 en 17",
    ),
    Overtredingsoort.PIP_PVT: (
        "U hebt onvoldoende meegewerkt aan het participatieverklaringstraject (PVT).",
        "Wet inburgering 2021, artikel 7, eerste lid, onder b, en artikel 16",
    ),
    Overtredingsoort.PIP_MAP: (
        "U hebt onvoldoende meegewerkt aan de Module Arbeidsmarkt en Participatie (MAP).",
        "Wet inburgering 2021, artikel 7, eerste lid, onder c, en artikel 16",
    ),
    Overtredingsoort.PIP_ONDERSTEUNING: (
        "U hebt onvoldoende meegewerkt aan de ondersteuning die in uw persoonlijk plan is afgesproken.",
        "Wet inburgering 2021, artikel 16",
    ),
}
BOETEGROND = "Wet inburgering 2021, artikel 23"


def datum(d: date | None) -> str:
    return "—" if d is None else f"{d.day} {_MAANDEN[d.month - 1]} {d.year}"


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _rij(label: str, waarde: str) -> str:
    return f'<tr><th scope="row">{_e(label)}</th><td>{waarde}</td></tr>'


def _euro(bedrag: int) -> str:
    return f"€ {bedrag:,}".replace(",", ".")


class _Afzender:
    def __init__(self, gemeente_code: str, afzender: Gemeente | None) -> None:
        # Without a configured gemeente the letter still names its sender, by code: a gap in the configuration.
        self.gemeente = f"gemeente {afzender.naam}" if afzender else f"gemeente {gemeente_code}"
        self.kop = f"Gemeente {afzender.naam}" if afzender else self.gemeente
        self.adres = f"<p>{_e(afzender.adres)}</p>" if afzender else ""
        self.postadres = f", {_e(afzender.adres)}" if afzender else ""


def _gedraging(overtreding: Overtreding) -> tuple[str, str]:
    tekst, grond = _GEDRAGING[Overtredingsoort(overtreding.soort)]
    if overtreding.gedraging_van == overtreding.gedraging_tot:
        wanneer = f"Het gaat om {_e(datum(overtreding.gedraging_van))}."
    else:
        wanneer = (
            f"Het gaat om de periode van {_e(datum(overtreding.gedraging_van))} tot en met "
            f"{_e(datum(overtreding.gedraging_tot))}."
        )
    return f"<p>{_e(tekst)} {wanneer}</p>", grond


def _geen_bezwaar(afzender: _Afzender) -> str:
    return (
        "<h2>Kunt u hiertegen bezwaar maken?</h2><p>Nee: deze brief is nog geen besluit (Algemene wet "
        "bestuursrecht, artikel 1:3). Legt de gemeente u later een boete op, dan kunt u tegen dat boetebesluit "
        "bezwaar maken binnen zes weken na de dag waarop het is verzonden (Algemene wet bestuursrecht, artikel 6:7 "
        f"en 6:8), bij het college van burgemeester en wethouders van de {_e(afzender.gemeente)}"
        f"{afzender.postadres}.</p>"
    )


def _pagina(titel: str, afzender: _Afzender, kenmerk: str, kopregels: list[tuple[str, date | None]], body: str) -> str:
    regels = "\n".join(_rij(label, _e(datum(d))) for label, d in kopregels)
    return f"""<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>{_e(titel)}</title>
<style>
body {{ font-family: sans-serif; max-width: 48em; margin: 2em auto; line-height: 1.4; }}
table {{ border-collapse: collapse; margin: 0.5em 0; }}
th, td {{ border: 1px solid #999; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }}
</style>
</head>
<body>
<header>
<p>{_e(afzender.kop)}</p>
{afzender.adres}
<table>
{_rij("Kenmerk", _e(kenmerk))}
{regels}
</table>
</header>
<main>
<h1>{_e(titel)}</h1>
<p>Geachte heer, mevrouw,</p>
{body}
<p>Met vriendelijke groet,<br>het college van burgemeester en wethouders van de {_e(afzender.gemeente)}</p>
</main>
</body>
</html>
"""


def waarschuwing(overtreding: Overtreding, stap: Procedurestap, afzender: Gemeente | None = None) -> str:
    """The waarschuwing: what was seen, and what follows if it happens again."""
    a = _Afzender(overtreding.gemeente_code, afzender)
    gedraging, grond = _gedraging(overtreding)
    body = f"""<h2>Waarom u deze brief krijgt</h2>
{gedraging}
<p>Dat mag niet: u bent verplicht hieraan mee te werken ({_e(grond)}).</p>
<h2>Waarschuwing</h2>
<p>Het college van burgemeester en wethouders geeft u hierbij een waarschuwing. Gebeurt het opnieuw, dan kan de
gemeente u een boete opleggen ({_e(BOETEGROND)}). Voordat dat gebeurt, krijgt u eerst bericht en kunt u uw
kant van de zaak vertellen (Algemene wet bestuursrecht, artikel 4:8 en 5:53).</p>
{_geen_bezwaar(a)}"""
    return _pagina("Waarschuwing", a, f"Overtreding {overtreding.id}", [("Datum", stap.datum)], body)


def voornemen(overtreding: Overtreding, stap: Procedurestap, afzender: Gemeente | None = None) -> str:
    """The voornemen tot een boete: the amount proposed and the zienswijzetermijn."""
    a = _Afzender(overtreding.gemeente_code, afzender)
    gedraging, grond = _gedraging(overtreding)
    bedrag = _euro(overtreding.voorgesteld_bedrag) if overtreding.voorgesteld_bedrag is not None else "—"
    body = f"""<h2>Waarom u deze brief krijgt</h2>
{gedraging}
<p>Dat mag niet: u bent verplicht hieraan mee te werken ({_e(grond)}).</p>
<h2>Voornemen tot een boete</h2>
<p>Het college van burgemeester en wethouders is van plan u een boete op te leggen van {_e(bedrag)}
({_e(BOETEGROND)}; Algemene wet bestuursrecht, artikel 5:40 en 5:46).</p>
<h2>Uw zienswijze</h2>
<p>Voordat het college beslist, mag u vertellen wat u van dit voornemen vindt (Algemene wet bestuursrecht,
artikel 4:8 en 5:53). Dat kan tot en met {_e(datum(overtreding.zienswijze_uiterste_datum))}, schriftelijk aan
het college van burgemeester en wethouders van de {_e(a.gemeente)}{a.postadres}, of mondeling bij uw
klantregisseur. Hoort de gemeente niets van u, dan beslist zij na die datum.</p>
{_geen_bezwaar(a)}"""
    return _pagina(
        "Voornemen tot het opleggen van een boete",
        a,
        f"Overtreding {overtreding.id}",
        [("Datum", stap.datum), ("Zienswijze tot en met", overtreding.zienswijze_uiterste_datum)],
        body,
    )


def boetebesluit(boete: Boete, overtreding: Overtreding, afzender: Gemeente | None = None) -> str:
    """The boetebesluit, with how the amount came about and the bezwaarclausule."""
    a = _Afzender(boete.gemeente_code, afzender)
    gedraging, grond = _gedraging(overtreding)
    categorie = Categorie(boete.categorie)
    bedrag = [
        f"Het bedrag volgt uit de verordening inburgering van de gemeente, die de boete laat oplopen als een "
        f"overtreding zich herhaalt. Het blijft binnen het wettelijk maximum van "
        f"{_e(_euro(MAXIMUM_PER_OVERTREDING[categorie]))} per overtreding ({_e(BOETEGROND)})."
    ]
    if categorie is Categorie.PIP:
        bedrag.append(
            f"Alle boetes voor het persoonlijk plan samen zijn binnen uw inburgeringstermijn nooit meer dan "
            f"{_e(_euro(PLAFOND_PIP_BEDRAG))} ({_e(BOETEGROND)}; Wet inburgering 2021, artikel 7)."
        )
    if boete.maatwerk_reden:
        bedrag.append(
            f"Het college heeft het bedrag verlaagd, omdat: {_e(boete.maatwerk_reden)} (Algemene wet "
            "bestuursrecht, artikel 5:46, tweede lid)."
        )
    verschijnen = (
        f"<h2>Nieuwe datum voor de brede intake</h2><p>U wordt opnieuw verwacht op de brede intake, uiterlijk op "
        f"{_e(datum(boete.nieuwe_verschijndatum))} (Wet inburgering 2021, artikel 14).</p>"
        if boete.nieuwe_verschijndatum
        else ""
    )
    correctie = (
        f"<p>Dit besluit vervangt het eerdere besluit met kenmerk Boete {_e(boete.vervangt_id)}.</p>"
        if boete.vervangt_id
        else ""
    )
    bezwaar_tot = plus_weken(boete.verzend_datum, BEZWAARTERMIJN_WEKEN)
    body = f"""<h2>Besluit</h2>
<p>Het college van burgemeester en wethouders legt u een boete op van {_e(_euro(boete.bedrag))}.</p>
{correctie}
<h2>Waarom dit besluit</h2>
{gedraging}
<p>Dat mag niet: u bent verplicht hieraan mee te werken ({_e(grond)}). Het college mag daarvoor een boete
opleggen ({_e(BOETEGROND)}; Algemene wet bestuursrecht, artikel 5:40 en 5:52). U hebt eerst een waarschuwing
gekregen en daarna de gelegenheid om uw zienswijze te geven (Algemene wet bestuursrecht, artikel 4:8 en 5:53).</p>
<h2>Het bedrag</h2>
<p>{" ".join(bedrag)}</p>
{verschijnen}
<h2>Bent u het niet eens met dit besluit?</h2>
<p>Dan kunt u bezwaar maken. Dat doet u binnen zes weken na de dag waarop dit besluit is verzonden, dus
uiterlijk op {_e(datum(bezwaar_tot))} (Algemene wet bestuursrecht, artikel 6:7 en 6:8). Stuur uw
bezwaarschrift aan het college van burgemeester en wethouders van de {_e(a.gemeente)}{a.postadres}. Vermeld daarin
uw naam en adres, de datum, het kenmerk van dit besluit, waarom u het er niet mee eens bent, en onderteken het
(Algemene wet bestuursrecht, artikel 6:5).</p>"""
    return _pagina(
        "Besluit tot het opleggen van een boete",
        a,
        f"Boete {boete.id}",
        [("Dagtekening", boete.besluit_datum), ("Verzonden op", boete.verzend_datum)],
        body,
    )


def pdf(html: str) -> bytes:
    """The same document as PDF (WeasyPrint). CPU-bound: call it off the loop.

    Imported here, not at module load: it loads native libraries that only these endpoints need.
    """
    with warnings.catch_warnings():
        # WeasyPrint 70 warns that a *future* version will need libharfbuzz-subset; this one renders without it.
        warnings.filterwarnings("ignore", message="HarfBuzz-Subset", category=DeprecationWarning)
        from weasyprint import HTML  # type: ignore[import-untyped]  # noqa: PLC0415 - native libs, only for PDF

    document: bytes = HTML(string=html).write_pdf()
    return document


# How the routes declare their two media types, so the kit's content negotiation lets both through.
RESPONSES: dict[int | str, dict[str, object]] = {
    200: {
        "description": "De brief: HTML, of PDF bij `Accept: application/pdf`.",
        "content": {
            "text/html": {"schema": {"type": "string"}},
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


async def antwoord(html: str, accept: str | None, bestandsnaam: str) -> Response:
    if accept and "application/pdf" in accept and "text/html" not in accept:
        document = await run_in_threadpool(pdf, html)
        return Response(
            document,
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="{bestandsnaam}.pdf"'},
        )
    return HTMLResponse(html)
