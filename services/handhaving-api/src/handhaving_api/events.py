"""Events of the enforcement context (`nl.inburgering.handhaving.*`). `data` holds ids, codes, dates and amounts
only: never a BSN, a name or a free-text reason (those stay at the `dataref`). Every boete with its bezwaar/beroep
state is published, so the DUO exchange can report it (seed 002 item s) and CBS can count it (items f-g)."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import Field

from inburgering_kit.events import EventData

_PREFIX = "handhaving"


class OvertredingAfgewezen(EventData):
    """De klantregisseur heeft een kandidaat-overtreding afgewezen: geen waarschuwing, geen boete."""

    event_type = f"{_PREFIX}.overtreding-afgewezen"
    overtreding_id: uuid.UUID
    inburgeraar_id: uuid.UUID
    soort: str
    datum: date


class WaarschuwingGegeven(EventData):
    """De gemeente heeft een waarschuwing gegeven (seed 002 tabel stap 3; CBS item f)."""

    event_type = f"{_PREFIX}.waarschuwing-gegeven"
    overtreding_id: uuid.UUID
    inburgeraar_id: uuid.UUID
    soort: str
    datum: date


class BoeteVoorgenomen(EventData):
    """De gemeente is voornemens een boete op te leggen; de inburgeraar kan een zienswijze geven (Awb art. 4:8)."""

    event_type = f"{_PREFIX}.boete-voorgenomen"
    overtreding_id: uuid.UUID
    inburgeraar_id: uuid.UUID
    soort: str
    voornemen_datum: date
    zienswijze_uiterste_datum: date = Field(description="Laatste dag waarop een zienswijze op tijd is.")
    voorgesteld_bedrag: int = Field(description="In hele euro's.")


class BoeteOpgelegd(EventData):
    """Een boetebesluit is genomen (Wi art. 23; Awb art. 5:52). Een correctie is een nieuw besluit met `vervangtId`."""

    event_type = f"{_PREFIX}.boete-opgelegd"
    boete_id: uuid.UUID
    overtreding_id: uuid.UUID
    inburgeraar_id: uuid.UUID
    categorie: str = Field(description="`brede-intake` of `pip`.")
    soort: str
    bedrag: int = Field(description="In hele euro's.")
    besluit_datum: date
    verzend_datum: date
    nieuwe_verschijndatum: date | None = Field(
        default=None, description="Bij de brede intake: de nieuwe datum om te verschijnen."
    )
    vervangt_id: uuid.UUID | None = Field(default=None, description="Het besluit dat dit besluit corrigeert.")


class BoeteGewijzigd(EventData):
    """De stand van een boete in bezwaar of beroep is veranderd: ingediend, of beslist (gegrond vernietigt, deels
    gegrond vervangt door `nieuweBoeteId` met `nieuwBedrag`). Voor de uitwisseling met DUO (seed 002 item s)."""

    event_type = f"{_PREFIX}.boete-gewijzigd"
    boete_id: uuid.UUID
    inburgeraar_id: uuid.UUID
    rechtsmiddel: str = Field(description="`bezwaar` of `beroep`.")
    rechtsmiddelstatus: str = Field(description="Bijvoorbeeld `bezwaar-aanhangig` of `beroep-beslist`.")
    beslissing: str | None = Field(default=None, description="`gegrond`, `ongegrond` of `deels-gegrond`.")
    status: str = Field(description="`opgelegd`, `vervangen` of `vernietigd`.")
    bedrag: int = Field(description="Het bedrag van dit besluit, in hele euro's.")
    nieuwe_boete_id: uuid.UUID | None = None
    nieuw_bedrag: int | None = None
    datum: date


class ZienswijzetermijnVerstreken(EventData):
    """De zienswijzetermijn van een voornemen is verstreken zonder zienswijze: het boetebesluit kan worden genomen
    (Awb art. 4:8, 5:53). Eenmaal per voornemen."""

    event_type = f"{_PREFIX}.zienswijzetermijn-verstreken"
    signaal_id: uuid.UUID
    overtreding_id: uuid.UUID
    inburgeraar_id: uuid.UUID
    zienswijze_uiterste_datum: date = Field(description="De laatste dag waarop een zienswijze op tijd was.")


EVENTS: list[type[EventData]] = [
    OvertredingAfgewezen,
    WaarschuwingGegeven,
    BoeteVoorgenomen,
    BoeteOpgelegd,
    BoeteGewijzigd,
    ZienswijzetermijnVerstreken,
]
