"""One form per kind of report: the same fields, under the same names, as an API body or a row of the file.

The form's values are validated by the domain's own `Melding` models (what the API and the file accept, no
more, no less) and applied by `voortgang.meld`, the one apply path of every channel. Here is only what a person
needs besides: a Dutch label per field, a hint where the format is not obvious, and Dutch error messages in
place of pydantic's English ones. tests/unit/test_portal_formulieren.py checks that every form has exactly its
model's fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError

from aanbieder_api.domain.enums import Dienst, Leerroute, Meldingsoort, Routeadvies, Taalniveau, Uitslag
from aanbieder_api.domain.melding import (
    Aanwezigheid,
    Eindresultaat,
    Examenresultaat,
    Leerbaarheidstoets,
    MeldingNietToegestaan,
    Niveau,
    Planning,
    Regelfout,
    RouteadviesMelding,
    Start,
    Tussenresultaat,
    ZRouteUren,
    controleer_melding,
)
from aanbieder_api.portal.html import Fouten, Veld

UITSLAGEN = ((Uitslag.BEHAALD.value, "Behaald"), (Uitslag.NIET_BEHAALD.value, "Niet behaald"))
_NIVEAU = tuple((n.value, n.value) for n in Taalniveau)
LEERROUTES = (
    (Leerroute.B1.value, "B1-route"),
    (Leerroute.ONDERWIJSROUTE.value, "Onderwijsroute"),
    (Leerroute.Z_ROUTE.value, "Z-route"),
)
_ADVIES = (
    (Routeadvies.ROUTEWISSEL.value, "Routewissel"),
    (Routeadvies.AFSCHALEN.value, "Afschalen"),
    (Routeadvies.OPSCHALEN.value, "Opschalen"),
)
_UREN_HINT = "In uren, bijvoorbeeld 12 of 12,5."


def _datum(naam: str, label: str, *, verplicht: bool = True, hint: str | None = None) -> Veld:
    return Veld(naam, label, "datum", verplicht=verplicht, hint=hint)


def _uren(naam: str, label: str, *, verplicht: bool = False) -> Veld:
    return Veld(naam, label, "uren", verplicht=verplicht, hint=_UREN_HINT)


_KENMERK = Veld(
    "kenmerk",
    "Uw eigen kenmerk",
    hint="Bijvoorbeeld het nummer in uw eigen administratie. Letters, cijfers en - _ . : /, hoogstens 64 tekens.",
)


@dataclass(frozen=True)
class Meldformulier:
    soort: Meldingsoort
    model: type[Any]  # one member of the `Melding` union
    titel: str  # also the link text on the opdracht's page
    uitleg: str
    velden: tuple[Veld, ...]
    knop: str


def _formulier(
    soort: Meldingsoort, model: type[Any], titel: str, uitleg: str, velden: tuple[Veld, ...], knop: str
) -> Meldformulier:
    # A remark is optional, except where the report is the remark (a tussenresultaat).
    toelichting = Veld("toelichting", "Toelichting", "tekstvak", model.model_fields["toelichting"].is_required())
    return Meldformulier(soort, model, titel, uitleg, (*velden, _KENMERK, toelichting), knop)


FORMULIEREN: dict[Meldingsoort, Meldformulier] = {
    f.soort: f
    for f in (
        _formulier(
            Meldingsoort.START,
            Start,
            "Start doorgeven",
            "Geef door wanneer de deelnemer echt begonnen is. Begon de deelnemer later dan gepland, geef dan de "
            "reden op: de gemeente geeft die door aan DUO.",
            (
                _datum("datum", "Gerealiseerde startdatum"),
                _datum("geplandeEinddatum", "Aangepaste geplande einddatum", verplicht=False),
                Veld(
                    "redenLateStart",
                    "Reden van een late start",
                    "tekstvak",
                    hint="Verplicht als de start later is dan de geplande startdatum.",
                ),
            ),
            "Start opslaan",
        ),
        _formulier(
            Meldingsoort.PLANNING,
            Planning,
            "Einddatum aanpassen",
            "Geef een nieuwe geplande einddatum door, met de reden.",
            (_datum("geplandeEinddatum", "Nieuwe geplande einddatum"), Veld("reden", "Reden", "tekstvak", True)),
            "Einddatum opslaan",
        ),
        _formulier(
            Meldingsoort.AANWEZIGHEID,
            Aanwezigheid,
            "Aanwezigheid doorgeven",
            "Geef per periode van hoogstens een maand door hoeveel uur de deelnemer aanwezig en afwezig was. Geeft u "
            "dezelfde periode opnieuw door, dan vervangt dat de eerdere melding (een correctie).",
            (
                _datum("periodeVan", "Eerste dag van de periode"),
                _datum("periodeTot", "Laatste dag van de periode"),
                _uren("urenAanwezig", "Uren aanwezig", verplicht=True),
                _uren("urenAfwezigGeoorloofd", "Uren afwezig met geldige reden"),
                _uren("urenAfwezigOngeoorloofd", "Uren afwezig zonder geldige reden"),
            ),
            "Aanwezigheid opslaan",
        ),
        _formulier(
            Meldingsoort.TUSSENRESULTAAT,
            Tussenresultaat,
            "Tussenresultaat doorgeven",
            "Geef een tussentijds resultaat of een observatie over de voortgang door.",
            (
                _datum("datum", "Datum"),
                Veld("onderdeel", "Onderdeel", hint="Bijvoorbeeld lezen, luisteren, schrijven of spreken."),
                Veld("niveau", "Niveau", "lijst", opties=_NIVEAU),
            ),
            "Tussenresultaat opslaan",
        ),
        _formulier(
            Meldingsoort.EXAMENRESULTAAT,
            Examenresultaat,
            "Examenresultaat doorgeven",
            "Geef het resultaat van een examenonderdeel door.",
            (
                _datum("datum", "Datum van het examen"),
                Veld("onderdeel", "Examenonderdeel", verplicht=True, hint="Bijvoorbeeld lezen, luisteren, schrijven."),
                Veld("resultaat", "Resultaat", "keuze", True, opties=UITSLAGEN),
                Veld("niveau", "Niveau", "lijst", opties=_NIVEAU),
                Veld("reden", "Reden van niet behalen", "tekstvak", hint="Verplicht als het niet behaald is."),
            ),
            "Examenresultaat opslaan",
        ),
        _formulier(
            Meldingsoort.EINDRESULTAAT,
            Eindresultaat,
            "Eindresultaat doorgeven",
            "Geef door dat het onderdeel is afgerond, behaald of niet behaald. Daarmee is de opdracht afgerond.",
            (
                _datum("datum", "Datum van afronding"),
                Veld("resultaat", "Resultaat", "keuze", True, opties=UITSLAGEN),
                Veld("niveau", "Bereikt niveau", "lijst", opties=_NIVEAU),
                Veld("reden", "Reden van niet behalen", "tekstvak", hint="Verplicht als het niet behaald is."),
            ),
            "Eindresultaat opslaan",
        ),
        _formulier(
            Meldingsoort.ROUTEADVIES,
            RouteadviesMelding,
            "Routeadvies geven",
            "Geef de gronden voor een routewissel, afschalen of opschalen door. De gemeente beslist daarover.",
            (
                _datum("datum", "Datum"),
                Veld("advies", "Advies", "keuze", True, opties=_ADVIES),
                Veld("reden", "Gronden", "tekstvak", True, hint="Uw observaties en de ervaring van de deelnemer."),
                Veld("leerroute", "Geadviseerde leerroute", "lijst", hint="Bij een routewissel.", opties=LEERROUTES),
                Veld("niveau", "Geadviseerd niveau", "lijst", hint="Bij afschalen of opschalen.", opties=_NIVEAU),
                Veld("onderdeel", "Onderdeel"),
            ),
            "Routeadvies opslaan",
        ),
        _formulier(
            Meldingsoort.Z_ROUTE_UREN,
            ZRouteUren,
            "Uren Z-route doorgeven",
            "Geef per periode van hoogstens een maand de gerealiseerde uren taal en participatie door.",
            (
                _datum("periodeVan", "Eerste dag van de periode"),
                _datum("periodeTot", "Laatste dag van de periode"),
                _uren("urenTaal", "Uren taal"),
                _uren("urenParticipatie", "Uren participatie"),
            ),
            "Uren opslaan",
        ),
        _formulier(
            Meldingsoort.NIVEAU,
            Niveau,
            "Bereikt niveau doorgeven",
            "Geef het taalniveau door dat de deelnemer heeft bereikt.",
            (
                _datum("datum", "Datum"),
                Veld("niveau", "Niveau", "lijst", True, opties=_NIVEAU),
                Veld("onderdeel", "Onderdeel"),
            ),
            "Niveau opslaan",
        ),
        _formulier(
            Meldingsoort.LEERBAARHEIDSTOETS,
            Leerbaarheidstoets,
            "Leerbaarheidstoets doorgeven",
            "Geef de datum en de uitslag van de leerbaarheidstoets door, met het advies over de leerroute.",
            (
                _datum("datum", "Datum van de toets"),
                Veld("resultaat", "Uitslag", verplicht=True, hint="Zoals de toets die geeft: score of categorie."),
                Veld("leerroute", "Geadviseerde leerroute", "lijst", opties=LEERROUTES),
            ),
            "Uitslag opslaan",
        ),
    )
}


def formulieren_voor(onderdeel: Dienst) -> list[Meldformulier]:
    """The reports that fit this part, by the domain's own rule (a report the rule refuses is not offered)."""
    passend = []
    for formulier in FORMULIEREN.values():
        # Only the soort matters to the rule here; a start on the planned day needs no reason.
        proef = formulier.model.model_construct(soort=formulier.soort, datum=date.min)
        try:
            controleer_melding(onderdeel, date.max, proef)
        except MeldingNietToegestaan:
            continue
        passend.append(formulier)
    return passend


def invoer(formulier: Meldformulier, waarden: dict[str, str]) -> dict[str, Any]:
    """The body the API would receive: empty fields left out, a decimal comma read as a point."""
    body: dict[str, Any] = {"soort": formulier.soort.value}
    for veld in formulier.velden:
        waarde = waarden.get(veld.naam, "").strip()
        if not waarde:
            continue
        body[veld.naam] = waarde.replace(",", ".") if veld.soort == "uren" else waarde
    return body


_UREN_FOUT = "Vul bij {label} een aantal uren in, bijvoorbeeld 12 of 12,5"
# pydantic's error types, in Dutch; `{label}` is the field's label, the other names come from the error's context.
_BERICHTEN = {
    "date_type": "Vul bij {label} een bestaande datum in",
    "date_parsing": "Vul bij {label} een bestaande datum in",
    "date_from_datetime_parsing": "Vul bij {label} een bestaande datum in",
    "float_parsing": _UREN_FOUT,
    "float_type": _UREN_FOUT,
    "decimal_parsing": _UREN_FOUT,
    "decimal_type": _UREN_FOUT,
    "decimal_max_digits": _UREN_FOUT,
    "finite_number": _UREN_FOUT,
    "decimal_max_places": "Vul bij {label} hoogstens twee cijfers achter de komma in",
    "greater_than_equal": "Vul bij {label} {ge} of meer in",
    "less_than_equal": "Vul bij {label} hoogstens {le} in",
    "enum": "Kies bij {label} een van de mogelijkheden",
    "literal_error": "Kies bij {label} een van de mogelijkheden",
    "string_too_long": "Gebruik bij {label} hoogstens {max_length} tekens",
    "string_too_short": "Vul {label} in",
    "string_pattern_mismatch": "Vul bij {label} zichtbare tekst in",
}


def _melding_tekst(veld: Veld | None, error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    label = veld.label.lower() if veld else "dit veld"
    if kind == "missing":
        return f"Kies {label}" if veld and veld.soort in {"keuze", "lijst"} else f"Vul {label} in"
    if kind == "string_pattern_mismatch" and veld is not None and veld.naam == "kenmerk":
        return "Gebruik in uw kenmerk alleen letters, cijfers en - _ . : /, hoogstens 64 tekens"
    sjabloon = _BERICHTEN.get(kind)
    if sjabloon is not None:
        return sjabloon.format(label=label, **{k: str(v) for k, v in (error.get("ctx") or {}).items()})
    message = str(error.get("msg", ""))
    # The domain's own rules speak Dutch already ("periodeTot ligt voor periodeVan"); pydantic prefixes them.
    return message.removeprefix("Value error, ") if message else f"{label} is ongeldig"


def fouten_uit(formulier: Meldformulier, exc: ValidationError) -> Fouten:
    """Per-field Dutch messages. A rule across fields (`Regelfout`) carries the field it concerns."""
    velden = {v.naam: v for v in formulier.velden}
    fouten = Fouten()
    for error in exc.errors():
        loc = error.get("loc") or ()
        naam = str(loc[0]) if loc else None
        if naam not in velden:
            regel = (error.get("ctx") or {}).get("error")
            naam = regel.veld if isinstance(regel, Regelfout) else None
        veld = velden.get(naam) if naam else None
        tekst = leesbaar(_melding_tekst(veld, dict(error)), formulier)
        fouten.voeg_toe(naam if veld else None, tekst[:1].upper() + tekst[1:])
    return fouten


def leesbaar(tekst: str, formulier: Meldformulier) -> str:
    """A rule's message with the wire names of the fields replaced by their labels."""
    for veld in formulier.velden:
        tekst = re.sub(rf"\b{re.escape(veld.naam)}\b", veld.label.lower(), tekst)
    return tekst
