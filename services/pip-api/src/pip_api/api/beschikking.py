"""The vastgesteld PIP as a beschikking in HTML (and PDF), fit to send to the person (DOMAIN §2 step 7).

Plain Python string building: every value from the database or the request passes `html.escape`, so no
agreement text can inject markup. The document carries no BSN and no name: this context never holds either
(DOMAIN §4); the letter is addressed by the sending system, which does.
"""

from __future__ import annotations

import warnings
from datetime import date
from html import escape

from inburgering_kit.kalender import plus_weken
from pip_api.domain.enums import Routeverplichting, Termijnsoort
from pip_api.domain.pip import PipInhoud
from pip_api.domain.termijnen import Termijn
from pip_api.models import Pip, PipVersie
from pip_api.settings import Gemeente

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
_LEERROUTE = {"b1": "B1-route", "onderwijsroute": "Onderwijsroute", "z-route": "Z-route (zelfredzaamheidsroute)"}
_TERMIJN = {
    Termijnsoort.PIP_VASTSTELLING: "Vaststelling van het PIP",
    Termijnsoort.INBURGERINGSTERMIJN: "Inburgeringstermijn",
    Termijnsoort.PVT: "Participatieverklaringstraject (PVT)",
    Termijnsoort.MAP: "Module Arbeidsmarkt en Participatie (MAP)",
    Termijnsoort.VOORTGANGSGESPREKKEN: "Ten minste twee voortgangsgesprekken",
    Termijnsoort.ROUTEWISSEL: "Wisselen van leerroute mogelijk tot",
    Termijnsoort.ONTZORGEN: "Financieel ontzorgen",
}


# What the letter cites for each termijn: articles of the law, the Besluit and the verordening, nothing internal.
_GRONDSLAG = {
    Termijnsoort.INBURGERINGSTERMIJN: "Wet inburgering 2021, artikel 7",
    Termijnsoort.PVT: "Wet inburgering 2021, artikel 7, eerste lid, onder b",
    Termijnsoort.MAP: "Wet inburgering 2021, artikel 7, eerste lid, onder c",
    Termijnsoort.VOORTGANGSGESPREKKEN: "Wet inburgering 2021, artikel 17; Besluit inburgering 2021, artikel 5.4",
    Termijnsoort.ROUTEWISSEL: "Verordening inburgering van de gemeente",
    Termijnsoort.ONTZORGEN: "Participatiewet, artikel 56a",
}


def datum(d: date | None) -> str:
    return "—" if d is None else f"{d.day} {_MAANDEN[d.month - 1]} {d.year}"


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _rij(label: str, waarde: str) -> str:
    return f'<tr><th scope="row">{_e(label)}</th><td>{waarde}</td></tr>'


def _onderdeel(naam: str, aanbieder: str, start: date | None, uiterst: date | None, extra: list[str]) -> str:
    regels = [
        f"Aanbieder: {_e(aanbieder)}",
        f"Geplande start: {_e(datum(start))}",
        f"Uiterste datum: {_e(datum(uiterst))}",
    ]
    return f"<h3>{_e(naam)}</h3><p>{'<br>'.join([*regels, *extra])}</p>"


def _afspraken(inhoud: PipInhoud) -> str:
    delen = [
        "<table>",
        _rij("Leerroute", _e(_LEERROUTE.get(inhoud.leerroute.value, inhoud.leerroute.value))),
        _rij("Beoogd taalniveau", _e(inhoud.taalniveau.value)),
    ]
    if inhoud.intensiteit:
        delen.append(_rij("Intensiteit", _e(inhoud.intensiteit)))
    if inhoud.z_route:
        z_uren = f"{inhoud.z_route.taaluren} uur taal en {inhoud.z_route.participatieuren} uur participatie"
        delen.append(_rij("Z-route", _e(z_uren)))
    if inhoud.afschaling:
        onderdelen = ", ".join(o.value for o in inhoud.afschaling.onderdelen)
        delen.append(_rij("Afschalen naar A2 voor", _e(f"{onderdelen} ({inhoud.afschaling.grond})")))
    delen.append("</table>")
    if inhoud.pvt:
        uren = [f"Uren: {_e(inhoud.pvt.uren)}"] if inhoud.pvt.uren is not None else []
        delen.append(
            _onderdeel(
                "Participatieverklaringstraject",
                inhoud.pvt.aanbieder,
                inhoud.pvt.geplande_start,
                inhoud.pvt.uiterste_datum,
                uren,
            )
        )
    if inhoud.map:
        extra = [f"Intensiteit: {_e(inhoud.map.intensiteit)}"] if inhoud.map.intensiteit else []
        if inhoud.map.themas:
            extra.append("Thema's: " + _e(", ".join(t.value for t in inhoud.map.themas)))
        delen.append(
            _onderdeel(
                "Module Arbeidsmarkt en Participatie",
                inhoud.map.aanbieder,
                inhoud.map.geplande_start,
                inhoud.map.uiterste_datum,
                extra,
            )
        )
    if inhoud.knm:
        delen.append(
            _onderdeel(
                "Kennis van de Nederlandse Maatschappij",
                inhoud.knm.aanbieder,
                inhoud.knm.geplande_start,
                inhoud.knm.uiterste_datum,
                [],
            )
        )
    if inhoud.participatieafspraken:
        items = "".join(f"<li>{_e(a.soort.value)}: {_e(a.omschrijving)}</li>" for a in inhoud.participatieafspraken)
        delen.append(f"<h3>Afspraken over participatie</h3><ul>{items}</ul>")
    if inhoud.vve_afspraken:
        items = "".join(f"<li>{_e(a)}</li>" for a in inhoud.vve_afspraken)
        delen.append(f"<h3>Afspraken over voor- en vroegschoolse educatie</h3><ul>{items}</ul>")
    if inhoud.ontzorgen_beschikking or inhoud.participatiewet_beschikking:
        regels = []
        if inhoud.ontzorgen_beschikking:
            regels.append(
                f"Financieel ontzorgen vanaf {_e(datum(inhoud.ontzorgen_startdatum))}, "
                f"beschikking {_e(inhoud.ontzorgen_beschikking)} (Participatiewet art. 56a)"
            )
        if inhoud.participatiewet_beschikking:
            regels.append(f"Beschikking Participatiewet: {_e(inhoud.participatiewet_beschikking)}")
        delen.append(f"<h3>Andere besluiten</h3><p>{'<br>'.join(regels)}</p>")
    return "\n".join(delen)


def _termijnen(termijnen: tuple[Termijn, ...]) -> str:
    rijen = "".join(
        f"<tr><td>{_e(_TERMIJN.get(t.soort, t.soort.value))}</td><td>{_e(datum(t.einddatum))}</td>"
        f"<td>{_e(_GRONDSLAG.get(t.soort, ''))}</td></tr>"
        for t in termijnen
        if t.soort is not Termijnsoort.PIP_VASTSTELLING
    )
    return (
        '<table><thead><tr><th scope="col">Termijn</th><th scope="col">Uiterlijk</th>'
        f'<th scope="col">Grondslag</th></tr></thead><tbody>{rijen}</tbody></table>'
    )


# Gezins- and overige migranten: the gemeente offers the route; they choose and pay themselves (DOMAIN §2 step 8).
_AANBOD = (
    "<p>De leerroute is voor u een aanbod van de gemeente, geen verplichting tegenover de gemeente: u kiest zelf "
    "of u dit aanbod aanneemt, bij welke aanbieder u leert, en u betaalt dat zelf (bijvoorbeeld met een lening "
    "van DUO). Uw inburgeringsplicht bij DUO blijft gelden (Wet inburgering 2021, artikel 16).</p>"
)


def render(
    pip: Pip,
    versie: PipVersie,
    termijnen: tuple[Termijn, ...],
    routeverplichting: Routeverplichting,
    afzender: Gemeente | None = None,
) -> str:
    """The beschikking of `versie` (version 1 the vaststelling, later ones a wijziging) as a full HTML page."""
    inhoud = PipInhoud.model_validate(versie.inhoud)
    aanbod = _AANBOD if routeverplichting is Routeverplichting.AANBOD else ""
    # Without a configured gemeente the letter still names its sender, by code: a gap in the configuration.
    gemeente = f"gemeente {afzender.naam}" if afzender else f"gemeente {pip.gemeente_code}"
    adres = f"<p>{_e(afzender.adres)}</p>" if afzender else ""
    postadres = f", {_e(afzender.adres)}" if afzender else ""
    kop = f"Gemeente {afzender.naam}" if afzender else gemeente
    bezwaar_tot = plus_weken(versie.verzend_datum, BEZWAARTERMIJN_WEKEN)
    if versie.versie == 1:
        besluit = (
            "Het college van burgemeester en wethouders stelt uw persoonlijk plan inburgering en participatie (PIP) "
            "vast met de afspraken hieronder."
        )
    else:
        besluit = (
            f"Het college van burgemeester en wethouders wijzigt uw persoonlijk plan inburgering en participatie "
            f"(PIP). Reden van de wijziging: {_e(versie.reden or '')}"
        )
    regisseur = (
        f"<p>Uw klantregisseur: {_e(inhoud.klantregisseur)}. Met vragen kunt u bij hem of haar terecht.</p>"
        if inhoud.klantregisseur
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>Beschikking persoonlijk plan inburgering en participatie</title>
<style>
body {{ font-family: sans-serif; max-width: 48em; margin: 2em auto; line-height: 1.4; }}
table {{ border-collapse: collapse; margin: 0.5em 0; }}
th, td {{ border: 1px solid #999; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }}
</style>
</head>
<body>
<header>
<p>{_e(kop)}</p>
{adres}
<table>
{_rij("Kenmerk", _e(f"PIP {pip.id} versie {versie.versie}"))}
{_rij("Dagtekening", _e(datum(versie.dagtekening)))}
{_rij("Verzonden op", _e(datum(versie.verzend_datum)))}
{_rij("Ingangsdatum", _e(datum(versie.ingangs_datum)))}
</table>
</header>
<main>
<h1>Beschikking persoonlijk plan inburgering en participatie (PIP)</h1>
<p>Geachte heer, mevrouw,</p>
<h2>Besluit</h2>
<p>{besluit}</p>
<h2>Uw afspraken</h2>
{_afspraken(inhoud)}
{aanbod}
<h2>Uw termijnen</h2>
<p>U moet uw inburgering binnen de inburgeringstermijn afronden. Als een termijn verandert, bijvoorbeeld
door een verlenging van DUO, krijgt u daarover bericht.</p>
{_termijnen(termijnen)}
<h2>Waarom dit besluit</h2>
<p>Dit besluit is genomen op grond van de Wet inburgering 2021, artikel 15 tot en met 17: de gemeente stelt
voor iedere inburgeringsplichtige een persoonlijk plan inburgering en participatie vast, en wijzigt het
wanneer dat nodig is.</p>
{regisseur}
<h2>Bent u het niet eens met dit besluit?</h2>
<p>Dan kunt u bezwaar maken. Dat doet u binnen zes weken na de dag waarop dit besluit is verzonden, dus
uiterlijk op {_e(datum(bezwaar_tot))} (Algemene wet bestuursrecht, artikel 6:7 en 6:8). Stuur uw
bezwaarschrift aan het college van burgemeester en wethouders van de {_e(gemeente)}{postadres}. Vermeld daarin
uw naam en adres, de datum, het kenmerk van dit besluit, waarom u het er niet mee eens bent, en onderteken het
(Algemene wet bestuursrecht, artikel 6:5).</p>
<p>Met vriendelijke groet,<br>het college van burgemeester en wethouders van de {_e(gemeente)}</p>
</main>
</body>
</html>
"""


def pdf(html: str) -> bytes:
    """The same document as PDF (WeasyPrint over pango/harfbuzz, fonts embedded). CPU-bound: call it off the loop.

    Imported here, not at module load: it loads native libraries that only this one endpoint needs.
    """
    with warnings.catch_warnings():
        # WeasyPrint 70 warns that a *future* version will need libharfbuzz-subset; this one renders without it.
        warnings.filterwarnings("ignore", message="HarfBuzz-Subset", category=DeprecationWarning)
        from weasyprint import HTML  # type: ignore[import-untyped]  # noqa: PLC0415 - native libs, only for PDF

    document: bytes = HTML(string=html).write_pdf()
    return document
