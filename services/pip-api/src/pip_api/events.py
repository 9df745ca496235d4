"""Events of the plan context. `data` holds ids, codes and dates only: never a BSN or a name. A consumer that
needs the agreements fetches the PIP (version) at its `dataref`."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import Field

from inburgering_kit.events import EventData

_PREFIX = "pip"


class PipVastgesteld(EventData):
    """Het PIP is vastgesteld (versie 1): de beschikking is genomen (Wet inburgering art. 16)."""

    event_type = f"{_PREFIX}.pip-vastgesteld"
    pip_id: uuid.UUID
    inburgeraar_id: uuid.UUID
    versie: int
    leerroute: str
    taalniveau: str
    routeverplichting: str = Field(
        description="`aanbod` voor gezins- en overige migranten: de leerroute is een aanbod, geen verplichting."
    )
    dagtekening: date
    ingangsdatum: date


class PipGewijzigd(EventData):
    """Het PIP is gewijzigd: een nieuwe versie; `gewijzigdeVelden` noemt wat (niet de waarden)."""

    event_type = f"{_PREFIX}.pip-gewijzigd"
    pip_id: uuid.UUID
    inburgeraar_id: uuid.UUID
    versie: int
    ingangsdatum: date
    gewijzigde_velden: list[str]


class LeerrouteGewijzigd(EventData):
    """De leerroute of het taalniveau in het PIP is gewijzigd (voor DUO en de aanbieder)."""

    event_type = f"{_PREFIX}.leerroute-gewijzigd"
    pip_id: uuid.UUID
    inburgeraar_id: uuid.UUID
    versie: int
    vorige_leerroute: str
    leerroute: str
    taalniveau: str
    routeverplichting: str = Field(
        description="`aanbod` voor gezins- en overige migranten: de leerroute is een aanbod, geen verplichting."
    )
    ingangsdatum: date


class PipBeeindigd(EventData):
    """Het PIP is beëindigd."""

    event_type = f"{_PREFIX}.pip-beeindigd"
    pip_id: uuid.UUID
    inburgeraar_id: uuid.UUID
    datum: date
    reden: str = Field(description="Code van de reden van beëindiging.")


EVENTS: list[type[EventData]] = [PipVastgesteld, PipGewijzigd, LeerrouteGewijzigd, PipBeeindigd]


class TermijnNadert(EventData):
    """Een termijn van het PIP nadert zijn uiterste datum (eenmaal per termijn en einddatum)."""

    event_type = f"{_PREFIX}.termijn-nadert"
    signaal_id: uuid.UUID
    pip_id: uuid.UUID | None = Field(
        default=None, description="Leeg bij de termijn voor het vaststellen van het PIP: er is nog geen PIP."
    )
    inburgeraar_id: uuid.UUID
    termijnsoort: str
    einddatum: date = Field(description="Uiterste datum: de laatste dag binnen de termijn.")
    regel: str


class TermijnVerstreken(EventData):
    """Een termijn van het PIP is verstreken (eenmaal per termijn en einddatum)."""

    event_type = f"{_PREFIX}.termijn-verstreken"
    signaal_id: uuid.UUID
    pip_id: uuid.UUID | None = Field(
        default=None, description="Leeg bij de termijn voor het vaststellen van het PIP: er is nog geen PIP."
    )
    inburgeraar_id: uuid.UUID
    termijnsoort: str
    einddatum: date = Field(description="Uiterste datum: de laatste dag binnen de termijn.")
    regel: str


EVENTS.extend([TermijnNadert, TermijnVerstreken])


class SignaalGesloten(EventData):
    """What every event about a closed termijn signal carries: which signal, about what deadline."""

    signaal_id: uuid.UUID
    pip_id: uuid.UUID | None = Field(
        default=None, description="Leeg bij de termijn voor het vaststellen van het PIP: er is nog geen PIP."
    )
    inburgeraar_id: uuid.UUID
    soort: str = Field(description="`nadert` of `verstreken`.")
    termijnsoort: str
    einddatum: date = Field(description="Uiterste datum van de termijn waarover het signaal ging.")


class SignaalAfgehandeld(SignaalGesloten):
    """De klantregisseur heeft een termijnsignaal afgehandeld. Wie en waarom staan bij het signaal (`dataref`), niet
    in het event: de reden is vrije tekst."""

    event_type = f"{_PREFIX}.signaal-afgehandeld"


class SignaalVervallen(SignaalGesloten):
    """Een open termijnsignaal is vervallen zonder afhandeling: de termijn is verschoven (bijvoorbeeld door een
    verlenging van DUO), de norm is gehaald, het PIP is vastgesteld of beëindigd. Eenmaal per signaal."""

    event_type = f"{_PREFIX}.signaal-vervallen"


class PipOpgesteld(EventData):
    """Een PIP is als concept opgesteld: het besluit is in voorbereiding, er geldt nog niets (geen beschikking)."""

    event_type = f"{_PREFIX}.pip-opgesteld"
    pip_id: uuid.UUID
    inburgeraar_id: uuid.UUID
    leerroute: str
    taalniveau: str


class PipConceptGewijzigd(EventData):
    """Het concept van een PIP is bewerkt; `gewijzigdeVelden` noemt wat (niet de waarden)."""

    event_type = f"{_PREFIX}.pip-concept-gewijzigd"
    pip_id: uuid.UUID
    inburgeraar_id: uuid.UUID
    gewijzigde_velden: list[str]


class VoortgangsgesprekGepland(EventData):
    """Een voortgangsgesprek onder het PIP is gepland (of meteen als gehouden vastgelegd: dan `gehoudenDatum`)."""

    event_type = f"{_PREFIX}.voortgangsgesprek-gepland"
    gesprek_id: uuid.UUID
    pip_id: uuid.UUID
    inburgeraar_id: uuid.UUID
    gepland_datum: date
    gehouden_datum: date | None = None


class VoortgangsgesprekGehouden(EventData):
    """Een gepland voortgangsgesprek is gehouden; de uitkomst en afspraken staan bij het gesprek (`dataref`)."""

    event_type = f"{_PREFIX}.voortgangsgesprek-gehouden"
    gesprek_id: uuid.UUID
    pip_id: uuid.UUID
    inburgeraar_id: uuid.UUID
    gepland_datum: date
    gehouden_datum: date


EVENTS.extend(
    [
        SignaalAfgehandeld,
        SignaalVervallen,
        PipOpgesteld,
        PipConceptGewijzigd,
        VoortgangsgesprekGepland,
        VoortgangsgesprekGehouden,
    ]
)


class VoortgangsgesprekGemist(EventData):
    """De inburgeraar is niet verschenen op een voortgangsgesprek onder het PIP; de klantregisseur heeft dat
    vastgelegd. Voor de handhaving een mogelijke overtreding van de inspanningsverplichting (Wet inburgering 2021
    art. 23). Eenmaal per gesprek."""

    event_type = f"{_PREFIX}.voortgangsgesprek-gemist"
    gesprek_id: uuid.UUID
    pip_id: uuid.UUID
    inburgeraar_id: uuid.UUID
    gepland_datum: date
    vastgelegd_op: date = Field(description="De dag waarop het niet verschijnen is vastgelegd.")
    reden: str | None = Field(
        default=None,
        description="De reden van het niet verschijnen zoals de klantregisseur die vastlegde (kort, zonder "
        "persoonsgegevens), of leeg als er geen reden bekend is.",
    )


class AanwezigheidOnderNorm(EventData):
    """De aanwezigheid bij een onderdeel van het PIP lag een aantal gemelde perioden op rij onder de afgesproken
    norm (aanbieder-api meldt de presentie). Eenmaal per reeks perioden, samen met het signaal op de werklijst; voor
    de handhaving een mogelijke overtreding van de inspanningsverplichting (Wet inburgering 2021 art. 23)."""

    event_type = f"{_PREFIX}.aanwezigheid-onder-norm"
    pip_id: uuid.UUID
    inburgeraar_id: uuid.UUID
    opdracht_id: uuid.UUID = Field(description="De opdracht (aanbieder-api) waarover de presentie is gemeld.")
    onderdeel: str = Field(description="Het onderdeel van het PIP, als code van aanbieder-api (bijv. `b1-route`).")
    periode_van: date = Field(description="Eerste dag van de eerste periode onder de norm.")
    periode_tot: date = Field(description="Laatste dag van de laatste periode onder de norm.")
    aanwezigheidspercentage: int = Field(
        ge=0, le=100, description="Uren aanwezig van de uren die er aanwezig had moeten zijn, over de reeks."
    )
    norm: int = Field(ge=0, le=100, description="De afgesproken norm in procenten.")
    aantal_perioden: int = Field(ge=1, description="Aantal gemelde perioden op rij onder de norm.")


class RouteadviesGesignaleerd(EventData):
    """Een aanbieder heeft een routewissel, afschalen of opschalen geadviseerd en de gemeente heeft nog niet beslist
    (geen nieuwe PIP-versie sindsdien): er staat een signaal op de werklijst. Eenmaal per advies(datum)."""

    event_type = f"{_PREFIX}.routeadvies-gesignaleerd"
    signaal_id: uuid.UUID
    pip_id: uuid.UUID
    inburgeraar_id: uuid.UUID
    opdracht_id: uuid.UUID
    advies: str = Field(description="`routewissel`, `afschalen` of `opschalen` (aanbieder-api).")
    ontvangen_datum: date


EVENTS.extend([VoortgangsgesprekGemist, AanwezigheidOnderNorm, RouteadviesGesignaleerd])


class OnderdeelNietBehaaldBeoordeeld(EventData):
    """De gemeente heeft vastgelegd waarom de MAP of het PVT niet is behaald en of dat verwijtbaar is (voor DUO:
    items i en j; Wet inburgering 2021 art. 35 lid 3). De toelichting staat bij de uitkomst (`dataref`), niet hier."""

    event_type = f"{_PREFIX}.onderdeel-niet-behaald-beoordeeld"
    uitkomst_id: uuid.UUID
    pip_id: uuid.UUID
    inburgeraar_id: uuid.UUID
    onderdeel: str = Field(description="`map` of `pvt`.")
    datum: date
    redenen: list[str] = Field(description="Codes van de redenen van niet behalen.")
    verwijtbaar: bool


EVENTS.append(OnderdeelNietBehaaldBeoordeeld)
