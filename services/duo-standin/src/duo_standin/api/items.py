"""DUO's contract for the reports a gemeente owes it (Wet inburgering 2021 art. 35 lid 3; Besluit art. 9.3 lid 2,
9.5 lid 4, 9.6 lid 4; seed "Gegevenslevering door gemeenten", items a–s): the `gegevens` of each item.

Items e–j exist for the MAP and the PVT alike (DOMAIN §3 "To DUO": "the same for PVT"): `onderdeel` says which.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import Field, model_validator

from inburgering_kit.schemas import ApiModel
from inburgering_kit.strict import GEHEEL, Datum, JaNee, tekst

Tekst = Annotated[str, tekst(500)]
Naam = Annotated[str, tekst(200, regels=False)]
Onderdeel = Literal["map", "pvt"]
Leerroute = Literal["b1-route", "onderwijsroute", "z-route"]
Taalniveau = Literal["A0", "A1", "A2", "B1", "B2", "C1"]
Redenen = Annotated[list[Tekst], Field(min_length=1, max_length=20)]
Rechtsmiddelstatus = Literal["geen", "ingediend", "gegrond", "ongegrond", "niet-ontvankelijk", "ingetrokken"]


class ItemA(ApiModel):
    """a) BSN (in the report itself) en NAW."""

    voornamen: Naam
    achternaam: Naam
    straat: Naam
    huisnummer: Annotated[str, Field(pattern=r"^[1-9][0-9]{0,4}[A-Za-z0-9 -]{0,10}$")]
    postcode: Annotated[str, Field(pattern=r"^[1-9][0-9]{3} ?[A-Z]{2}$")]
    woonplaats: Naam


class ItemB(ApiModel):
    """b) Datum vaststellen PIP."""

    pip_id: uuid.UUID
    vastgesteld_op: Datum


class ItemC(ApiModel):
    """c) Redenen niet halen PIP."""

    pip_id: uuid.UUID
    datum: Datum
    redenen: Redenen


class ItemD(ApiModel):
    """d) Wijzigingen PIP."""

    pip_id: uuid.UUID
    wijzigingsdatum: Datum
    omschrijving: Tekst


class ItemE(ApiModel):
    """e) Start MAP (en PVT): gepland en gerealiseerd."""

    onderdeel: Onderdeel
    start_gepland: Datum
    start_gerealiseerd: Datum | None = None


class ItemF(ApiModel):
    """f) Uiterste datum behalen MAP (en PVT): gepland of bijgesteld."""

    onderdeel: Onderdeel
    uiterste_datum: Datum
    bijgesteld: JaNee


class ItemG(ApiModel):
    """g) MAP (en PVT) gehaald ja/nee."""

    onderdeel: Onderdeel
    gehaald: JaNee


class ItemH(ApiModel):
    """h) Datum behalen MAP (en PVT)."""

    onderdeel: Onderdeel
    datum_behaald: Datum


class ItemI(ApiModel):
    """i) Redenen niet behalen MAP (en PVT)."""

    onderdeel: Onderdeel
    redenen: Redenen


class ItemJ(ApiModel):
    """j) Verwijtbaar / niet verwijtbaar (het niet behalen van MAP of PVT)."""

    onderdeel: Onderdeel
    verwijtbaar: JaNee
    toelichting: Tekst | None = None


class ItemK(ApiModel):
    """k) Leerroute van het eerste PIP en eventuele wijzigingen, met het taalniveau volgens het eerste PIP."""

    pip_id: uuid.UUID
    leerroute: Leerroute
    taalniveau: Taalniveau
    ingangsdatum: Datum
    eerste_pip: JaNee


class ItemL(ApiModel):
    """l) Start cursus/taalschakeltraject en beoogde einddatum."""

    soort: Literal["cursus", "taalschakeltraject"]
    startdatum: Datum
    beoogde_einddatum: Datum

    @model_validator(mode="after")
    def _einde_na_start(self) -> ItemL:
        if self.beoogde_einddatum < self.startdatum:
            raise ValueError("beoogdeEinddatum ligt voor startdatum")
        return self


class ItemM(ApiModel):
    """m) Resultaten taalschakeltraject en datum."""

    resultaat: Literal["behaald", "niet-behaald"]
    datum: Datum
    niveau: Taalniveau | None = None


class ItemN(ApiModel):
    """n) Leerroute van het PIP en eventuele wijzigingen (with the hours of a Z-route's language part, DOMAIN §3)."""

    pip_id: uuid.UUID
    leerroute: Leerroute
    wijzigingsdatum: Datum
    reden: Tekst | None = None
    uren_taal_z_route: Annotated[int | None, Field(ge=0, le=2000), GEHEEL] = None


class ItemO(ApiModel):
    """o) Gerealiseerde startdatum van de route."""

    leerroute: Leerroute
    startdatum: Datum


class ItemP(ApiModel):
    """p) Inburgeringscertificaat ontvangen ja/nee."""

    ontvangen: JaNee
    datum: Datum | None = None

    @model_validator(mode="after")
    def _datum_bij_ontvangen(self) -> ItemP:
        if self.ontvangen != (self.datum is not None):
            raise ValueError("datum hoort erbij als het certificaat is ontvangen, en alleen dan")
        return self


class ItemQ(ApiModel):
    """q) Omstandigheden die leidden tot een verzoek tot verlenging."""

    verzoekdatum: Datum
    omstandigheden: Redenen
    gevraagde_einddatum: Datum | None = None


class ItemR(ApiModel):
    """r) Het uitblijven van een inburgeringsaanbod door de gemeente."""

    sinds: Datum
    reden: Tekst


class ItemS(ApiModel):
    """s) Door de gemeente opgelegde boete, met bezwaar en beroep."""

    boete_id: uuid.UUID
    besluitdatum: Datum
    bedrag: Annotated[int, Field(ge=1, le=2400), GEHEEL]
    reden: Tekst
    bezwaar: Rechtsmiddelstatus = "geen"
    beroep: Rechtsmiddelstatus = "geen"


ITEMS: dict[str, type[ApiModel]] = {
    "a": ItemA,
    "b": ItemB,
    "c": ItemC,
    "d": ItemD,
    "e": ItemE,
    "f": ItemF,
    "g": ItemG,
    "h": ItemH,
    "i": ItemI,
    "j": ItemJ,
    "k": ItemK,
    "l": ItemL,
    "m": ItemM,
    "n": ItemN,
    "o": ItemO,
    "p": ItemP,
    "q": ItemQ,
    "r": ItemR,
    "s": ItemS,
}
