"""Code lists of the providers context (values are the API's lowercase codes)."""

from __future__ import annotations

from enum import StrEnum


class Dienst(StrEnum):
    """What an aanbieder provides, and so what part of a PIP an opdracht can be about (DOMAIN §1, aanbieder)."""

    LEERBAARHEIDSTOETS = "leerbaarheidstoets"
    MAATSCHAPPELIJKE_BEGELEIDING = "maatschappelijke-begeleiding"
    PVT = "pvt"
    MAP = "map"
    B1_ROUTE = "b1-route"
    ONDERWIJSROUTE = "onderwijsroute"
    Z_ROUTE = "z-route"


# The language parts of a leerroute: taught by a language school or ROC that holds a Blik op Werk keurmerk.
TAALONDERDELEN = frozenset({Dienst.B1_ROUTE, Dienst.ONDERWIJSROUTE, Dienst.Z_ROUTE})


class Leerroute(StrEnum):
    B1 = "b1"
    ONDERWIJSROUTE = "onderwijsroute"
    Z_ROUTE = "z-route"


class Taalniveau(StrEnum):
    """Levels of the Common European Framework as the law uses them; A0 is "not yet A1" (Z-route start)."""

    A0 = "A0"
    A1 = "A1"
    A2 = "A2"
    B1 = "B1"
    B2 = "B2"
    C1 = "C1"


class OpdrachtStatus(StrEnum):
    VERSTREKT = "verstrekt"  # assigned, not started
    GESTART = "gestart"
    AFGEROND = "afgerond"  # a final result was reported
    INGETROKKEN = "ingetrokken"  # withdrawn by the gemeente


class Meldingsoort(StrEnum):
    START = "start"
    PLANNING = "planning"
    AANWEZIGHEID = "aanwezigheid"
    TUSSENRESULTAAT = "tussenresultaat"
    EXAMENRESULTAAT = "examenresultaat"
    EINDRESULTAAT = "eindresultaat"
    ROUTEADVIES = "routeadvies"
    Z_ROUTE_UREN = "z-route-uren"
    NIVEAU = "niveau"
    LEERBAARHEIDSTOETS = "leerbaarheidstoets"


class Uitslag(StrEnum):
    BEHAALD = "behaald"
    NIET_BEHAALD = "niet-behaald"


class Routeadvies(StrEnum):
    """A provider's grounds for changing the route (DOMAIN §2 step 8): the gemeente decides, in a PIP change."""

    ROUTEWISSEL = "routewissel"
    AFSCHALEN = "afschalen"
    OPSCHALEN = "opschalen"


class Kanaal(StrEnum):
    """The three ways a provider delivers (DOMAIN §3 "From an aanbieder"; seed 000 §4.4.3): one record."""

    API = "api"
    BESTAND = "bestand"
    PORTAAL = "portaal"


class Bestandsformaat(StrEnum):
    CSV = "csv"
    JSON = "json"


class AanleveringStatus(StrEnum):
    ONTVANGEN = "ontvangen"
    IN_VERWERKING = "in-verwerking"
    VERWERKT = "verwerkt"
