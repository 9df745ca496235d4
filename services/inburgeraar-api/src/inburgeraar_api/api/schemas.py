"""Request and response schemas of the inburgeraar resource."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from inburgeraar_api.domain.enums import Doelgroep, InburgeraarStatus
from inburgering_kit.bsn import BsnField
from inburgering_kit.schemas import ApiModel

Naam = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class Adres(ApiModel):
    straat: Naam
    huisnummer: int = Field(ge=1, le=99999)
    huisnummertoevoeging: Annotated[str, StringConstraints(max_length=10)] | None = None
    postcode: Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]{3} ?[A-Za-z]{2}$")]
    woonplaats: Naam


class Contactgegevens(ApiModel):
    voornamen: Naam | None = None
    achternaam: Naam | None = None
    telefoonnummer: Annotated[str, StringConstraints(pattern=r"^\+?[0-9 \-]{8,20}$")] | None = None
    email: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$", max_length=254)] | None = None
    adres: Adres | None = None
    voorkeurstaal: Annotated[str, StringConstraints(max_length=50)] | None = None


class InburgeraarCreate(ApiModel):
    bsn: BsnField | None = Field(
        default=None,
        description="Ontbreekt het BSN nog, dan staat de inburgeraar zichtbaar op `bsn-ontbreekt` tot het is vastgelegd.",
    )
    doelgroep: Doelgroep
    nareiziger: bool = Field(default=False, description="Nareizigers zijn asielmigranten.")
    datum_koppeling: date | None = Field(default=None, description="Koppeling door het COA (asielmigranten).")
    datum_inschrijving_brp: date | None = Field(default=None, description="Inschrijving in de BRP van de gemeente.")
    contact: Contactgegevens | None = None
    klantregisseur: Naam | None = Field(default=None, description="Gebruikersnaam van de klantregisseur.")


class InburgeraarUpdate(ApiModel):
    """Alleen de meegegeven velden wijzigen; `null` maakt een veld leeg."""

    doelgroep: Doelgroep | None = None
    nareiziger: bool | None = None
    datum_koppeling: date | None = None
    datum_inschrijving_brp: date | None = None
    contact: Contactgegevens | None = None
    klantregisseur: Naam | None = None


class InburgeraarRead(ApiModel):
    id: uuid.UUID
    gemeente_code: str
    status: InburgeraarStatus
    bsn: str | None
    doelgroep: Doelgroep
    nareiziger: bool
    datum_koppeling: date | None
    datum_inschrijving_brp: date | None
    contact: Contactgegevens
    klantregisseur: str | None
    versie: int
    aangemaakt_op: datetime = Field(validation_alias="created_at")
    gewijzigd_op: datetime = Field(validation_alias="updated_at")


class BsnVastleggen(ApiModel):
    bsn: BsnField


class InburgeraarZoek(ApiModel):
    bsn: BsnField
