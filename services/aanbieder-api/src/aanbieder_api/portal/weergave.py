"""How the portal names what the API names by code: services, statuses, channels, an opdracht's fields."""

from __future__ import annotations

from aanbieder_api.domain.enums import Dienst, Kanaal, Meldingsoort, OpdrachtStatus
from aanbieder_api.domain.overdracht import Intrekkingsreden
from aanbieder_api.models import Opdracht
from aanbieder_api.portal import formulieren
from aanbieder_api.portal.html import e

DIENSTEN = {
    Dienst.LEERBAARHEIDSTOETS: "Leerbaarheidstoets",
    Dienst.MAATSCHAPPELIJKE_BEGELEIDING: "Maatschappelijke begeleiding",
    Dienst.PVT: "Participatieverklaringstraject (PVT)",
    Dienst.MAP: "Module Arbeidsmarkt en Participatie (MAP)",
    Dienst.B1_ROUTE: "B1-route",
    Dienst.ONDERWIJSROUTE: "Onderwijsroute",
    Dienst.Z_ROUTE: "Z-route",
}
STATUSSEN = {
    OpdrachtStatus.VERSTREKT: "Nog niet gestart",
    OpdrachtStatus.GESTART: "Gestart",
    OpdrachtStatus.AFGEROND: "Afgerond",
    OpdrachtStatus.INGETROKKEN: "Ingetrokken door de gemeente",
}
INHOUD_VELDEN = {
    "deelnemer": "Contactgegevens deelnemer",
    "afspraken": "Afspraken",
    "leerroute": "Leerroute",
    "taalniveauPip": "Taalniveau eerste PIP",
    "geplandeStartdatum": "Geplande startdatum",
    "geplandeEinddatum": "Geplande einddatum",
    "cursusnaam": "Cursusnaam",
    "cursusonderdelen": "Cursusonderdelen",
    "uren": "Te besteden uren",
    "mapIntensiteit": "Intensiteit MAP",
    "doelen": "Doelen",
    "wettelijkeTermijn": "Wettelijke termijn",
    "pipWijzigingen": "Wijzigingen in het PIP",
    "status": "Status",
}


def dienst(code: str) -> str:
    try:
        return DIENSTEN[Dienst(code)]
    except ValueError:
        return code


def status(code: str) -> str:
    try:
        return STATUSSEN[OpdrachtStatus(code)]
    except ValueError:
        return code


def status_van(opdracht: Opdracht) -> str:
    """The status as the provider reads it: a withdrawal because the person moved away says so (the gemeente did not
    choose to end it)."""
    if opdracht.intrekkingsreden == Intrekkingsreden.VERHUISD.value:
        return "Beëindigd: de deelnemer is naar een andere gemeente verhuisd"
    return status(opdracht.status)


def deelnemer(opdracht: Opdracht) -> str:
    return f'<span class="referentie">{e(opdracht.deelnemer_referentie)}</span>'


KANALEN = {Kanaal.API.value: "koppeling (API)", Kanaal.BESTAND.value: "bestand", Kanaal.PORTAAL.value: "portaal"}


def soort_titel(soort: str) -> str:
    try:
        return formulieren.FORMULIEREN[Meldingsoort(soort)].titel.removesuffix(" doorgeven").removesuffix(" geven")
    except ValueError:
        return soort
