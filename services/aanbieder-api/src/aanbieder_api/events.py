"""Events of the providers context. `data` holds ids, codes, dates and numbers only: never a BSN, a name, the
deelnemer's contact data or a provider's free text. A consumer that needs more fetches the opdracht at `dataref`.

One exception, named: `leerbaarheidstoets-afgenomen` carries the test's result as the instance gives it (a score or
category, at most 200 characters) and the advised leerroute, because that result *is* the fact the brede intake
needs (Besluit art. 5.2; DOMAIN §3 "From the leerbaarheidstoets instance: date and result") and inburgeraar-api
records it from this event instead of having the klantregisseur retype it.
"""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import Field

from inburgering_kit.events import EventData

_PREFIX = "aanbieder"


class _OpdrachtEvent(EventData):
    opdracht_id: uuid.UUID
    pip_id: uuid.UUID | None = Field(
        description="Het PIP; leeg bij een opdracht van vóór het PIP (leerbaarheidstoets, maatschappelijke "
        "begeleiding)."
    )
    inburgeraar_id: uuid.UUID
    aanbieder_id: uuid.UUID
    onderdeel: str


class OpdrachtVerstrekt(_OpdrachtEvent):
    """De gemeente heeft een onderdeel van het PIP als opdracht aan een aanbieder verstrekt."""

    event_type = f"{_PREFIX}.opdracht-verstrekt"
    versie: int
    geplande_startdatum: date
    geplande_einddatum: date


class OpdrachtGewijzigd(_OpdrachtEvent):
    """De opdracht heeft een nieuwe versie; `gewijzigdeVelden` noemt wat (niet de waarden)."""

    event_type = f"{_PREFIX}.opdracht-gewijzigd"
    versie: int
    gewijzigde_velden: list[str]
    reden: str = Field(description="Code: `gemeente` (door de gemeente gewijzigd) of `pip-gewijzigd`.")


class OpdrachtIngetrokken(_OpdrachtEvent):
    """De gemeente heeft de opdracht ingetrokken, of beëindigd omdat de deelnemer naar een andere gemeente verhuisde."""

    event_type = f"{_PREFIX}.opdracht-ingetrokken"
    versie: int
    reden: str = Field(
        default="gemeente",
        description="Code: `gemeente` (door de gemeente ingetrokken) of `verhuisd` (de deelnemer is naar een andere "
        "gemeente verhuisd).",
    )


class VoortgangGemeld(_OpdrachtEvent):
    """Een aanbieder heeft voortgang gemeld (elk soort melding, via elk kanaal)."""

    event_type = f"{_PREFIX}.voortgang-gemeld"
    melding_id: uuid.UUID
    soort: str
    kanaal: str
    status: str = Field(description="Status van de opdracht na de melding.")
    # The dates DUO must hear of (items e, f, o: realised start, adjusted deadline); without them the exchange could
    # only report the day the event was made, and had to fetch the opdracht for a date that fits in the event.
    datum: date | None = Field(default=None, description="Bij `start`: de gerealiseerde startdatum.")
    geplande_einddatum: date | None = Field(
        default=None,
        description="Bij `start` of `planning`: de door de aanbieder bijgestelde geplande einddatum, als die is "
        "gemeld.",
    )


class VerzuimGemeld(_OpdrachtEvent):
    """Ongeoorloofd verzuim over een periode (voor het toezicht op de inspanningsverplichting, Wi art. 23)."""

    event_type = f"{_PREFIX}.verzuim-gemeld"
    melding_id: uuid.UUID
    periode_van: date
    periode_tot: date
    uren_afwezig_ongeoorloofd: float
    uren_afwezig_geoorloofd: float


class UrenBijgewerkt(_OpdrachtEvent):
    """De gerealiseerde uren van de opdracht zijn bijgewerkt, tegenover de gecontracteerde uren."""

    event_type = f"{_PREFIX}.uren-bijgewerkt"
    melding_id: uuid.UUID
    uren_aanwezig: float
    uren_taal: float
    uren_participatie: float
    uren_gecontracteerd: int | None


class ResultaatBehaald(_OpdrachtEvent):
    """Een examenonderdeel of het hele onderdeel is behaald."""

    event_type = f"{_PREFIX}.resultaat-behaald"
    melding_id: uuid.UUID
    soort: str = Field(description="`examenresultaat` of `eindresultaat`.")
    datum: date
    niveau: str | None = None


class ResultaatNietBehaald(_OpdrachtEvent):
    """Een examenonderdeel of het hele onderdeel is niet behaald (de reden staat bij de melding)."""

    event_type = f"{_PREFIX}.resultaat-niet-behaald"
    melding_id: uuid.UUID
    soort: str = Field(description="`examenresultaat` of `eindresultaat`.")
    datum: date


class RouteadviesOntvangen(_OpdrachtEvent):
    """De aanbieder onderbouwt een routewissel, afschalen of opschalen; de gemeente beslist."""

    event_type = f"{_PREFIX}.routeadvies-ontvangen"
    melding_id: uuid.UUID
    advies: str


class LeerbaarheidstoetsAfgenomen(_OpdrachtEvent):
    """De leerbaarheidstoets is afgenomen: datum en uitslag zoals de instantie die meldde, met het leerrouteadvies."""

    event_type = f"{_PREFIX}.leerbaarheidstoets-afgenomen"
    melding_id: uuid.UUID
    datum: date
    resultaat: str | None = Field(
        default=None, max_length=200, description="Uitslag zoals de toets die geeft (score of categorie)."
    )
    geadviseerde_leerroute: str | None = Field(default=None, description="`b1`, `onderwijsroute` of `z-route`.")


EVENTS: list[type[EventData]] = [
    OpdrachtVerstrekt,
    OpdrachtGewijzigd,
    OpdrachtIngetrokken,
    VoortgangGemeld,
    VerzuimGemeld,
    UrenBijgewerkt,
    ResultaatBehaald,
    ResultaatNietBehaald,
    RouteadviesOntvangen,
    LeerbaarheidstoetsAfgenomen,
]
