"""The request and response schemas every stand-in has alike (names and texts as in their contracts)."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import Field

from inburgering_kit.schemas import ApiModel
from inburgering_kit.strict import JaNee

Gemeentecode = Annotated[str, Field(pattern=r"^[0-9]{4}$", description="CBS-gemeentecode, vier cijfers.")]


class AbonnementIn(ApiModel):
    callback_url: Annotated[str, Field(pattern=r"^https?://[!-~]{1,1990}$", max_length=2000)]


class AbonnementRead(ApiModel):
    gemeentecode: str
    callback_url: str


class StoringIn(ApiModel):
    modus: Literal["normaal", "plat", "traag", "fout"]
    dubbele_meldingen: JaNee = False
    omgekeerde_volgorde: JaNee = False


class StoringRead(ApiModel):
    modus: str
    dubbele_meldingen: bool
    omgekeerde_volgorde: bool


class MeldingStand(ApiModel):
    feit_id: uuid.UUID
    volgnummer: int
    pogingen: int
    afgeleverd: bool
    laatste_fout: str | None
