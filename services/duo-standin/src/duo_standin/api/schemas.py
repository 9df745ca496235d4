"""Request and response schemas of the stand-in's API that are DUO's own; those every stand-in has are in
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

DuoId = Annotated[str, Field(pattern=r"^[A-Z0-9]{1,40}$", description="DUO's eigen nummer van de persoon.")]
Soort = Literal[
    "plicht-vastgesteld",
    "plicht-gewijzigd",
    "vrijstelling",
    "ontheffing",
    "aangepaste-examenomstandigheden",
    "recht-maatschappelijke-begeleiding",
    "termijnen-gewijzigd",
    "examenresultaat",
    "diploma",
    "certificaat",
    "verlenging-aangevraagd",
    "verlenging-besloten",
    "boete-opgelegd",
    "verhuisd",
]
Item = Literal["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s"]
Gegevens = Annotated[dict[str, Any], Field(description="De inhoud, per soort of item (zie de beschrijving).")]


class PersoonIn(ApiModel):
    bsn: BsnField
    duo_id: DuoId | None = None


class PersoonRead(ApiModel):
    bsn: str | None
    duo_id: str


class FeitCreate(ApiModel):
    soort: Soort
    gemeentecode: Gemeentecode
    persoon: PersoonIn
    gegevens: Gegevens
    registratiedatum: Datum | None = None


class FeitRead(ApiModel):
    id: uuid.UUID
    soort: str
    bron: Literal["duo"]
    gemeentecode: str
    volgnummer: int
    persoon: PersoonRead
    registratiedatum: date
    gegevens: dict[str, Any]


class Melding(ApiModel):
    """What the subscriber is notified of, and what the feed lists: nothing personal."""

    id: uuid.UUID
    soort: str
    bron: Literal["duo"]
    gemeentecode: str
    volgnummer: int
    tijdstip: datetime


class Feed(ApiModel):
    meldingen: list[Melding]
    volgende_volgnummer: int | None = Field(
        description="`vanafVolgnummer` van de volgende pagina; leeg als er (nu) niets meer is."
    )


class RapportageIn(ApiModel):
    item: Item
    gemeentecode: Gemeentecode
    bsn: str = Field(min_length=1, max_length=20, description="Het BSN; DUO toetst het (elfproef).")
    gegevens: Gegevens


class RapportageOntvangen(ApiModel):
    rapport_id: uuid.UUID
    status: Literal["ontvangen"]
    ontvangen_op: datetime


class RapportageRead(ApiModel):
    rapport_id: uuid.UUID
    item: str
    gemeentecode: str
    bsn: str
    gegevens: dict[str, Any]
    ontvangen_op: datetime
