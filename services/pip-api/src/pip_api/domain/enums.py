"""Code lists of the plan context (values are the API's lowercase codes)."""

from __future__ import annotations

from enum import StrEnum


class Doelgroep(StrEnum):
    """The three target groups (DOMAIN §1). A nareiziger is an asielmigrant, never a fourth group."""

    ASIELMIGRANT = "asielmigrant"
    GEZINSMIGRANT = "gezinsmigrant"
    OVERIGE_MIGRANT = "overige-migrant"


class Leerroute(StrEnum):
    """The three leerroutes (DOMAIN §2 step 8; gemeentelijk-beleidsplan-inburgering.txt, Leerroutes)."""

    B1 = "b1"
    ONDERWIJSROUTE = "onderwijsroute"
    Z_ROUTE = "z-route"


class Taalniveau(StrEnum):
    A1 = "A1"
    A2 = "A2"
    B1 = "B1"
    B2 = "B2"


class Examenonderdeel(StrEnum):
    """The language exam parts on which a B1-route may be scaled down to A2 (afschalen per onderdeel)."""

    LEZEN = "lezen"
    LUISTEREN = "luisteren"
    SCHRIJVEN = "schrijven"
    SPREKEN = "spreken"


class MapThema(StrEnum):
    """The eight themes of the MAP (DOMAIN §2 step 10)."""

    BEROEPENORIENTATIE = "beroepenorientatie"
    WERKNEMERSCOMPETENTIES = "werknemerscompetenties"
    REALISTISCH_BEROEPSBEELD = "realistisch-beroepsbeeld"
    BEROEPSKANSEN = "beroepskansen"
    BEROEPSCOMPETENTIES_VERWERVEN = "beroepscompetenties-verwerven"
    NETWERK_OPBOUWEN = "netwerk-opbouwen"
    WERK_VINDEN = "werk-vinden"
    WERKCULTUUR = "werkcultuur"


class Termijnsoort(StrEnum):
    PIP_VASTSTELLING = "pip-vaststelling"
    INBURGERINGSTERMIJN = "inburgeringstermijn"
    PVT = "pvt"
    MAP = "map"
    VOORTGANGSGESPREKKEN = "voortgangsgesprekken"
    ROUTEWISSEL = "routewissel"
    ONTZORGEN = "ontzorgen"
    # Signalled from provider progress (per opdracht) and from the inburgeraar's registration, not from the PIP's
    # termijnen engine: see `domain.voortgang`.
    START_OPDRACHT = "start-opdracht"
    VOORTGANGSMELDING = "voortgangsmelding"
    AANWEZIGHEID = "aanwezigheid"
    ROUTEADVIES = "routeadvies"
    HUISVESTING = "huisvesting"
    BREDE_INTAKE_OPROEP = "brede-intake-oproep"
    BSN_ONTBREEKT = "bsn-ontbreekt"
    # The agreements of the previous gemeente were taken over as a concept on a move (issue 15 §3): the klantregisseur
    # looks at them and vaststelt the PIP as this gemeente's own. Lapses once it is vastgesteld.
    OVERGENOMEN_PIP = "overgenomen-pip"


class Routeverplichting(StrEnum):
    """Whether the leerroute binds the person towards the gemeente (DOMAIN §2 step 8, last bullet)."""

    VERPLICHTING = "verplichting"
    AANBOD = "aanbod"


class Eenheid(StrEnum):
    DAGEN = "dagen"
    WEKEN = "weken"
    MAANDEN = "maanden"
    JAREN = "jaren"
    UREN = "uren"
    AANTAL = "aantal"
    PROCENT = "procent"
