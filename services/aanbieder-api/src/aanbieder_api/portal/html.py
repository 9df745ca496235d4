"""The portal's page frame. The pieces inside it (escaping, dates and hours the Dutch way, fields, forms with their
error summary, tables) are the kit's `inburgering_kit.html`, shared with the werkplek; they are re-exported here so
the page modules import from one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from inburgering_kit.html import (
    Fouten,
    Soort,
    Veld,
    datum,
    e,
    formulier,
    foutsamenvatting,
    gegevenslijst,
    melding_box,
    tabel,
    tijdstip,
    uren,
    veld_html,
)

__all__ = [
    "PORTAAL",
    "PREFIX",
    "STYLESHEET",
    "Fouten",
    "Gebruiker",
    "Soort",
    "Veld",
    "afmeldknop",
    "datum",
    "e",
    "formulier",
    "foutsamenvatting",
    "gegevenslijst",
    "melding_box",
    "pagina",
    "tabel",
    "tijdstip",
    "uren",
    "veld_html",
]

PORTAAL = "Aanbiedersportaal inburgering"
PREFIX = "/portaal"
STYLESHEET = f"{PREFIX}/static/portaal.css"


@dataclass(frozen=True)
class Gebruiker:
    """Who is signed in, as the page header shows it."""

    naam: str
    aanbieder: str
    csrf_token: str


def afmeldknop(gebruiker: Gebruiker) -> str:
    return (
        f'<form method="post" action="{PREFIX}/afmelden" class="afmelden">'
        f'<input type="hidden" name="csrf" value="{e(gebruiker.csrf_token)}">'
        '<button type="submit" class="knop knop-secundair">Afmelden</button></form>'
    )


def pagina(
    titel: str,
    inhoud: str,
    *,
    gebruiker: Gebruiker | None = None,
    fout: bool = False,
    kruimelpad: Sequence[tuple[str, str]] = (),
) -> str:
    """A whole page. `fout` prefixes the title, so a screen reader hears at once that a submit was refused.

    The `referrer` meta replaces the kit's `Referrer-Policy: no-referrer` on these pages: under no-referrer a browser
    sends `Origin: null` with a form post, which `sessie.lees_formulier` refuses; `same-origin` still sends nothing
    to other sites."""
    kop = ""
    if gebruiker is not None:
        kop = (
            '<nav aria-label="Account" class="account">'
            f"<p>Aangemeld als <strong>{e(gebruiker.naam)}</strong>, {e(gebruiker.aanbieder)}</p>"
            f'<a href="{PREFIX}/wachtwoord">Wachtwoord wijzigen</a>{afmeldknop(gebruiker)}</nav>'
        )
    pad = ""
    if kruimelpad:
        items = "".join(f'<li><a href="{e(href)}">{e(tekst)}</a></li>' for tekst, href in kruimelpad)
        pad = f'<nav aria-label="Kruimelpad" class="kruimelpad"><ol>{items}</ol></nav>'
    return f"""<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>{"Fout: " if fout else ""}{e(titel)} — {PORTAAL}</title>
<link rel="stylesheet" href="{STYLESHEET}">
</head>
<body>
<a class="skiplink" href="#inhoud">Ga direct naar de inhoud</a>
<header class="kop">
<p class="merk"><a href="{PREFIX}/opdrachten">{PORTAAL}</a></p>
{kop}
</header>
<div class="container">
{pad}
<main id="inhoud" tabindex="-1">
{inhoud}
</main>
</div>
<footer class="voet"><p>Dit portaal toont geen burgerservicenummers: deelnemers staan onder een eigen
referentie per aanbieder. Elke raadpleging en melding wordt vastgelegd in het verwerkingenlog van de
gemeente.</p></footer>
</body>
</html>
"""
