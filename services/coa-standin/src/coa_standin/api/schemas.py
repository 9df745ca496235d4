"""Request and response schemas of the stand-in's API that are COA's own; those every stand-in has are in
`ketenpartner_standin.schemas`."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import Field

from inburgering_kit.bsn import BsnField
from inburgering_kit.schemas import ApiModel
from inburgering_kit.strict import Datum
from ketenpartner_standin.schemas import Gemeentecode

CoaId = Annotated[str, Field(pattern=r"^[A-Z0-9]{1,40}$", description="COA's eigen nummer van de persoon (TVS).")]
Soort = Literal["koppeling", "bsn-bekend", "klantprofiel"]
Gegevens = Annotated[dict[str, Any], Field(description="De inhoud, per soort of item (zie de beschrijving).")]


class PersoonIn(ApiModel):
    """A new koppeling may come without a BSN (and gets a coaId when none is given); `bsn-bekend` names both; a
    `klantprofiel` names the coaId."""

    bsn: BsnField | None = None
    coa_id: CoaId | None = None


class PersoonRead(ApiModel):
    bsn: str | None
    coa_id: str


class FeitCreate(ApiModel):
    soort: Soort
    gemeentecode: Gemeentecode
    persoon: PersoonIn
    gegevens: Gegevens
    registratiedatum: Datum | None = None


class FeitRead(ApiModel):
    id: uuid.UUID
    soort: str
    bron: Literal["coa"]
    gemeentecode: str
    volgnummer: int
    persoon: PersoonRead
    registratiedatum: date
    gegevens: dict[str, Any]


class Melding(ApiModel):
    """What the subscriber is notified of, and what the feed lists: nothing personal."""

    id: uuid.UUID
    soort: str
    bron: Literal["coa"]
    gemeentecode: str
    volgnummer: int
    tijdstip: datetime


class Feed(ApiModel):
    meldingen: list[Melding]
    volgende_volgnummer: int | None = Field(
        description="`vanafVolgnummer` van de volgende pagina; leeg als er (nu) niets meer is."
    )
