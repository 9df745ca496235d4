"""The werkplek's page frame and the pieces its screens share; the fields, forms and tables are the kit's
(`inburgering_kit.html`, shared with the provider portal). Every value from an API passes through `e`.

WCAG 2.1 AA: `lang="nl"`, a skip link, landmarks (header, nav, main, footer), one `h1` per page, tables with a
caption and column headers, a visible focus, and colour never the only carrier of meaning (a status is a word).
No JavaScript: the charts are inline SVG with a title, a description and the same figures as a table beside them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from inburgering_kit.html import e, uren

WERKPLEK = "Werkplek inburgering"
PREFIX = "/werkplek"
STYLESHEET = f"{PREFIX}/static/werkplek.css"
HUIDIG = ' aria-current="page"'


@dataclass(frozen=True)
class Kop:
    """Who is signed in, as the page header shows it, and what the menu offers that user."""

    naam: str
    rol: str
    gemeente: str
    csrf: str
    kan: Callable[..., bool]


def _menu(kop: Kop, actief: str) -> str:
    items: list[tuple[str, str, tuple[str, ...]]] = [("Mijn caseload", f"{PREFIX}/caseload", ("inburgeraar:lezen",))]
    items.append(("Signalen", f"{PREFIX}/signalen", ("signalen:lezen",)))
    items.append(("Inburgeraar openen", f"{PREFIX}/zoeken", ()))
    items.append(("Verwerkingenlog", f"{PREFIX}/verwerkingen", ("verwerkingen:lezen",)))
    items.append(("Monitoring", f"{PREFIX}/monitoring", ("monitoring:lezen",)))
    links = "".join(
        f'<li><a href="{href}"{HUIDIG if tekst == actief else ""}>{e(tekst)}</a></li>'
        for tekst, href, scopes in items
        if kop.kan(*scopes)
    )
    return f'<nav aria-label="Hoofdmenu" class="menu"><ul>{links}</ul></nav>'


def pagina(titel: str, inhoud: str, *, kop: Kop | None = None, fout: bool = False, actief: str = "") -> str:
    """A whole page. `fout` prefixes the title, so a screen reader hears at once that a submit was refused.
    The `referrer` meta: a form post then sends the real `Origin`, which `inburgering_kit.web.lees_formulier`
    checks (under the stricter no-referrer a browser sends `Origin: null`)."""
    account = menu = ""
    if kop is not None:
        account = (
            '<div class="account">'
            f"<p>Aangemeld als <strong>{e(kop.naam)}</strong> ({e(kop.rol)}), gemeente {e(kop.gemeente)}</p>"
            f'<form method="post" action="{PREFIX}/afmelden"><input type="hidden" name="csrf" value="{e(kop.csrf)}">'
            '<button type="submit" class="knop knop-secundair">Afmelden</button></form></div>'
        )
        menu = _menu(kop, actief)
    return f"""<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>{"Fout: " if fout else ""}{e(titel)} — {WERKPLEK}</title>
<link rel="stylesheet" href="{STYLESHEET}">
</head>
<body>
<a class="skiplink" href="#inhoud">Ga direct naar de inhoud</a>
<header class="kop">
<p class="merk"><a href="{PREFIX}">{WERKPLEK}</a></p>
{account}
</header>
{menu}
<div class="container">
<main id="inhoud" tabindex="-1">
{inhoud}
</main>
</div>
<footer class="voet"><p>De werkplek bewaart zelf geen persoonsgegevens: elke raadpleging en wijziging gaat met uw
eigen toegang naar de registratie die de gegevens beheert, en wordt daar vastgelegd in het verwerkingenlog.</p></footer>
</body>
</html>
"""


def foutpagina(status: int, titel: str, tekst: str, kop: Kop | None) -> str:
    terug = f'<p><a href="{PREFIX}">Naar de startpagina</a></p>' if kop else ""
    return pagina(titel, f"<h1>{e(titel)}</h1><p>{e(tekst)}</p>{terug}", kop=kop, fout=status >= 400)


def niet_beschikbaar(onderdeel: str, melding: str) -> str:
    """A part of a page that could not be filled: said in words, the rest of the page stands."""
    return (
        f'<div class="onbeschikbaar" role="status"><p><strong>{e(onderdeel)}: niet beschikbaar.</strong> '
        f"{e(melding)}</p></div>"
    )


def melding(tekst: str) -> str:
    return f'<div class="bevestiging" role="status"><p>{e(tekst)}</p></div>'


def label(tekst: str, soort: str = "") -> str:
    return f'<span class="label{" label-" + soort if soort else ""}">{e(tekst)}</span>'


def overgenomen(item: Any) -> str:
    """The mark of history taken over from the previous gemeente on a move (empty for the gemeente's own): in words,
    so it is read out with the item and not only seen."""
    if not (isinstance(item, dict) and item.get("geimporteerd") is True):
        return ""
    return overgenomen_van(item.get("vanGemeente"))


def overgenomen_van(gemeente: Any) -> str:
    tekst = f"overgenomen van gemeente {gemeente}" if gemeente else "overgenomen van de vorige gemeente"
    return " " + label(tekst, "overgenomen")


def bsn_weergave(bsn: str | None, zichtbaar: bool) -> str:
    if not bsn:
        return "nog niet bekend"
    # Masked for a role without need to know; the last digits only, as on a letter's reference.
    return e(bsn) if zichtbaar else f"afgeschermd (eindigt op {e(bsn[-2:])})"


def paginering(pad: str, query: Mapping[str, str], pagina_nr: int, totaal_paginas: int) -> str:
    if totaal_paginas <= 1:
        return ""

    def link(nr: int, tekst: str, rel: str) -> str:
        return f'<a href="{e(pad)}?{e(urlencode({**query, "pagina": str(nr)}))}" rel="{rel}">{e(tekst)}</a>'

    delen = []
    if pagina_nr > 1:
        delen.append(link(pagina_nr - 1, "Vorige pagina", "prev"))
    delen.append(f"<span>Pagina {pagina_nr} van {totaal_paginas}</span>")
    if pagina_nr < totaal_paginas:
        delen.append(link(pagina_nr + 1, "Volgende pagina", "next"))
    return f'<nav aria-label="Paginering" class="paginering">{" ".join(delen)}</nav>'


def urengrafiek(
    grafiek_id: str, titel: str, perioden: Sequence[tuple[str, float, float]], norm: float | None = None
) -> str:
    """Hours present and absent per reported period as a small bar chart in inline SVG (no script). The figures are
    also in the table beside it, so the chart is an addition for sighted users, described by its title."""
    if not perioden:
        return "<p>Nog geen aanwezigheid gemeld.</p>"
    breedte, hoogte, marge = 320, 120, 20
    hoogste = max([a + o for _, a, o in perioden] + [norm or 0, 1])
    balk = max(4, (breedte - 2 * marge) // max(len(perioden), 1) - 4)
    staven = []
    for i, (periode, aanwezig, afwezig) in enumerate(perioden):
        x = marge + i * (balk + 4)
        h_a = (hoogte - 2 * marge) * aanwezig / hoogste
        h_o = (hoogte - 2 * marge) * afwezig / hoogste
        y_a = hoogte - marge - h_a
        staven.append(
            f'<rect x="{x}" y="{y_a:.1f}" width="{balk}" height="{h_a:.1f}" class="staaf-aanwezig">'
            f"<title>{e(periode)}: {e(uren(aanwezig))} uur aanwezig</title></rect>"
            f'<rect x="{x}" y="{y_a - h_o:.1f}" width="{balk}" height="{h_o:.1f}" class="staaf-afwezig">'
            f"<title>{e(periode)}: {e(uren(afwezig))} uur ongeoorloofd afwezig</title></rect>"
        )
    normlijn = ""
    if norm:
        y = hoogte - marge - (hoogte - 2 * marge) * norm / hoogste
        normlijn = f'<line x1="{marge}" x2="{breedte - marge}" y1="{y:.1f}" y2="{y:.1f}" class="normlijn"/>'
    beschrijving = "; ".join(f"{p}: {uren(a)} uur aanwezig, {uren(o)} uur afwezig" for p, a, o in perioden)
    return (
        f'<svg role="img" aria-labelledby="{e(grafiek_id)}-t" viewBox="0 0 {breedte} {hoogte}" width="{breedte}" '
        f'height="{hoogte}" class="grafiek"><title id="{e(grafiek_id)}-t">{e(titel)}: {e(beschrijving)}</title>'
        f'<line x1="{marge}" x2="{breedte - marge}" y1="{hoogte - marge}" y2="{hoogte - marge}" class="as"/>'
        f"{''.join(staven)}{normlijn}</svg>"
    )
