"""Events of the person context. `data` holds ids, codes and dates only: never a BSN, a name or
contact data. A consumer that needs more fetches the object at its `dataref`."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import Field

from inburgering_kit.events import EventData

_PREFIX = "inburgeraar"


class InburgeraarGeregistreerd(EventData):
    """Een inburgeraar is geregistreerd bij een gemeente (koppeling of BRP-inschrijving), of is na een verhuizing
    teruggekeerd naar een gemeente die hij eerder verliet: dan dezelfde registratie (`inburgeraarId`), weer actief."""

    event_type = f"{_PREFIX}.inburgeraar-geregistreerd"
    inburgeraar_id: uuid.UUID
    doelgroep: str
    nareiziger: bool
    status: str = Field(description="`geregistreerd`, of `bsn-ontbreekt` zolang het BSN nog niet bekend is.")
    datum_koppeling: date | None
    datum_inschrijving_brp: date | None


class InburgeraarGewijzigd(EventData):
    """Gegevens van een inburgeraar zijn gewijzigd; `gewijzigdeVelden` noemt welke (niet de waarden)."""

    event_type = f"{_PREFIX}.inburgeraar-gewijzigd"
    inburgeraar_id: uuid.UUID
    gewijzigde_velden: list[str]
    doelgroep: str
    datum_koppeling: date | None
    datum_inschrijving_brp: date | None


class BsnVastgelegd(EventData):
    """Het BSN van een inburgeraar die nog zonder BSN geregistreerd stond, is vastgelegd."""

    event_type = f"{_PREFIX}.bsn-vastgelegd"
    inburgeraar_id: uuid.UUID


class PlichtgegevensOntvangen(EventData):
    """DUO heeft een feit over de inburgeringsplicht geleverd (plicht, vrijstelling, termijn, ...)."""

    event_type = f"{_PREFIX}.plichtgegevens-ontvangen"
    inburgeraar_id: uuid.UUID
    soort: str
    ingangsdatum: date
    termijn: str | None = Field(default=None, description="Bij een termijnfeit: `ibp`, `pvt` of `map`.")
    einddatum: date | None = Field(default=None, description="Bij een termijnfeit: de (nieuwe) einddatum.")


class KlantprofielOntvangen(EventData):
    """COA heeft een (nieuwe versie van het) klantprofiel geleverd."""

    event_type = f"{_PREFIX}.klantprofiel-ontvangen"
    inburgeraar_id: uuid.UUID
    versie: int
    gewijzigde_velden: list[str]


class WarmeOverdrachtVastgelegd(EventData):
    """De warme overdracht (COA, gemeente, inburgeraar) is vastgelegd."""

    event_type = f"{_PREFIX}.warme-overdracht-vastgelegd"
    inburgeraar_id: uuid.UUID
    warme_overdracht_id: uuid.UUID
    datum: date
    vorm: str


class OproepVerstuurd(EventData):
    """De inburgeraar is opgeroepen voor de brede intake."""

    event_type = f"{_PREFIX}.oproep-verstuurd"
    inburgeraar_id: uuid.UUID
    oproep_id: uuid.UUID
    volgnummer: int
    afspraak_op: datetime


class _OproepUitkomst(EventData):
    inburgeraar_id: uuid.UUID
    oproep_id: uuid.UUID
    volgnummer: int
    aantal_niet_verschenen: int = Field(description="Oproepen zonder verschijnen tot nu toe.")


class OproepVerschenen(_OproepUitkomst):
    """De inburgeraar is op de oproep verschenen."""

    event_type = f"{_PREFIX}.oproep-verschenen"


class OproepNietVerschenen(_OproepUitkomst):
    """De inburgeraar is niet op de oproep verschenen (grond voor waarschuwing of boete)."""

    event_type = f"{_PREFIX}.oproep-niet-verschenen"


class OproepOnvoldoendeMeegewerkt(_OproepUitkomst):
    """De inburgeraar is verschenen maar heeft onvoldoende meegewerkt (grond voor waarschuwing of boete)."""

    event_type = f"{_PREFIX}.oproep-onvoldoende-meegewerkt"


class BredeIntakeResultaatVastgelegd(EventData):
    """Het resultaat van de brede intake voor één onderwerp is vastgelegd."""

    event_type = f"{_PREFIX}.brede-intake-resultaat-vastgelegd"
    inburgeraar_id: uuid.UUID
    onderwerp: str


class LeerbaarheidstoetsVastgelegd(EventData):
    """De uitslag van de leerbaarheidstoets is vastgelegd."""

    event_type = f"{_PREFIX}.leerbaarheidstoets-vastgelegd"
    inburgeraar_id: uuid.UUID
    datum: date
    geadviseerde_leerroute: str | None
    bron: str = Field(
        default="gemeente",
        description="`gemeente` (door de gemeente vastgelegd) of `aanbieder` (de melding van de instantie).",
    )


class BredeIntakeAfgerond(EventData):
    """De brede intake is afgerond, eventueel bij afwezigheid na drie oproepen."""

    event_type = f"{_PREFIX}.brede-intake-afgerond"
    inburgeraar_id: uuid.UUID
    datum: date
    bij_afwezigheid: bool


class MaatschappelijkeBegeleidingVastgelegd(EventData):
    """Een onderdeel van de maatschappelijke begeleiding is vastgelegd."""

    event_type = f"{_PREFIX}.maatschappelijke-begeleiding-vastgelegd"
    inburgeraar_id: uuid.UUID
    onderdeel_id: uuid.UUID
    startdatum: date


class OntzorgenVastgelegd(EventData):
    """Financieel ontzorgen is vastgelegd of verlengd (Participatiewet art. 56a)."""

    event_type = f"{_PREFIX}.ontzorgen-vastgelegd"
    inburgeraar_id: uuid.UUID
    startdatum: date
    geplande_einddatum: date
    verlengd_tot: date | None


class EindePlichtGewijzigd(EventData):
    """Het einde van de inburgeringsplicht is vastgelegd (vervallen, of een gehele vrijstelling of ontheffing) of
    weer leeg (een nieuwe plicht): vanaf `einddatum` lopen de bewaartermijnen van Besluit inburgering art. 9.9."""

    event_type = f"{_PREFIX}.einde-plicht-gewijzigd"
    inburgeraar_id: uuid.UUID
    einddatum: date | None = Field(description="Leeg wanneer de plicht (weer) loopt.")


class VerlengingsomstandighedenVastgelegd(EventData):
    """De gemeente heeft de omstandigheden achter een verzoek tot verlenging vastgelegd (voor DUO: item q; Wet
    inburgering 2021 art. 35 lid 3). Codes en datums; de toelichting staat bij het verzoek (`dataref`)."""

    event_type = f"{_PREFIX}.verlengingsomstandigheden-vastgelegd"
    verzoek_id: uuid.UUID
    inburgeraar_id: uuid.UUID
    verzoekdatum: date
    termijn: str = Field(description="`ibp`, `pvt` of `map`.")
    omstandigheden: list[str] = Field(description="Codes van de omstandigheden.")
    gevraagde_einddatum: date | None = None


class VerhuizingAangemeld(EventData):
    """De inburgeraar verhuist naar een andere gemeente (door de klantregisseur of op de melding van DUO
    vastgelegd): de ketenuitwisseling draagt het dossier over (Besluit inburgering 2021 art. 9.4 lid 4)."""

    event_type = f"{_PREFIX}.verhuizing-aangemeld"
    inburgeraar_id: uuid.UUID
    verhuizing_id: uuid.UUID
    naar_gemeente: str = Field(description="Gemeentecode van de nieuwe gemeente.")
    verhuisdatum: date | None


class Verhuisd(EventData):
    """Het dossier is aan de nieuwe gemeente overgedragen: de regie van deze gemeente is geëindigd. Elke context
    beëindigt wat hij voor de inburgeraar nog liep (PIP, opdrachten, signalen) met reden `verhuisd`."""

    event_type = f"{_PREFIX}.verhuisd"
    inburgeraar_id: uuid.UUID
    verhuizing_id: uuid.UUID
    naar_gemeente: str = Field(description="Gemeentecode van de nieuwe gemeente.")
    verhuisdatum: date | None


EVENTS: list[type[EventData]] = [
    InburgeraarGeregistreerd,
    InburgeraarGewijzigd,
    BsnVastgelegd,
    PlichtgegevensOntvangen,
    KlantprofielOntvangen,
    WarmeOverdrachtVastgelegd,
    OproepVerstuurd,
    OproepVerschenen,
    OproepNietVerschenen,
    OproepOnvoldoendeMeegewerkt,
    BredeIntakeResultaatVastgelegd,
    LeerbaarheidstoetsVastgelegd,
    BredeIntakeAfgerond,
    MaatschappelijkeBegeleidingVastgelegd,
    OntzorgenVastgelegd,
    EindePlichtGewijzigd,
    VerlengingsomstandighedenVastgelegd,
    VerhuizingAangemeld,
    Verhuisd,
]
