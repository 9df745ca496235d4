"""The facts DUO records about an inburgeringsplichtige (DOMAIN §3 "From DUO"; seed "Gegevensverwerking", the DUO →
gemeente tables): the `gegevens` of each soort, as the gemeente fetches them."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from inburgering_kit.schemas import ApiModel
from inburgering_kit.strict import GEHEEL, Datum, JaNee, tekst

Tekst = Annotated[str, tekst(500)]
Gemeentecode = Annotated[str, Field(pattern=r"^[0-9]{4}$")]
Doelgroep = Literal["asielmigrant", "gezinsmigrant", "overige-migrant"]
Examenonderdeel = Literal["lezen", "luisteren", "schrijven", "spreken", "knm", "map", "pvt", "onderwijsroute"]


class PlichtVastgesteld(ApiModel):
    doelgroep: Doelgroep
    startdatum: Datum = Field(description="Begin van de inburgeringstermijn.")
    termijn_inburgering: Datum = Field(description="Uiterste datum om aan de inburgeringsplicht te voldoen.")
    termijn_pvt: Datum
    termijn_map: Datum


class PlichtGewijzigd(ApiModel):
    ingangsdatum: Datum
    reden: Tekst = Field(description="Bijvoorbeeld een wijziging van het verblijfsdoel.")
    doelgroep: Doelgroep | None = None
    plicht_beeindigd: JaNee = False


class Vrijstelling(ApiModel):
    omvang: Literal["geheel", "gedeeltelijk"]
    onderdelen: list[Examenonderdeel] = Field(default_factory=list, max_length=8)
    ingangsdatum: Datum
    reden: Tekst


class Ontheffing(ApiModel):
    ingangsdatum: Datum
    reden: Tekst


class AangepasteExamenomstandigheden(ApiModel):
    ingangsdatum: Datum
    omschrijving: Tekst


class RechtMaatschappelijkeBegeleiding(ApiModel):
    recht: JaNee
    ingangsdatum: Datum


class TermijnenGewijzigd(ApiModel):
    reden: Tekst
    termijn_inburgering: Datum | None = None
    termijn_pvt: Datum | None = None
    termijn_map: Datum | None = None


class Examenresultaat(ApiModel):
    onderdeel: Examenonderdeel
    examendatum: Datum
    poging: Annotated[int, Field(ge=1, le=50), GEHEEL]
    resultaat: Literal["behaald", "niet-behaald"]
    niveau: Literal["A1", "A2", "B1", "B2"] | None = None


class Diploma(ApiModel):
    diplomadatum: Datum
    niveau: Literal["A1", "A2", "B1", "B2"] | None = None


class Certificaat(ApiModel):
    certificaatdatum: Datum


class VerlengingAangevraagd(ApiModel):
    aanvraagdatum: Datum
    reden: Tekst


class VerlengingBesloten(ApiModel):
    besluit: Literal["toegekend", "afgewezen"]
    besluitdatum: Datum
    nieuwe_einddatum: Datum | None = Field(default=None, description="Alleen, en dan verplicht, bij `toegekend`.")
    reden: Tekst | None = None

    @model_validator(mode="after")
    def _einddatum_bij_toekenning(self) -> VerlengingBesloten:
        if (self.besluit == "toegekend") != (self.nieuwe_einddatum is not None):
            raise ValueError("nieuweEinddatum hoort bij een toegekende verlenging, en alleen daarbij")
        return self


class BoeteOpgelegd(ApiModel):
    kenmerk: Annotated[str, tekst(100, regels=False)]
    besluitdatum: Datum
    bedrag: Annotated[int, Field(ge=1, le=10_000), GEHEEL] = Field(description="In hele euro's.")
    reden: Tekst


class Verhuisd(ApiModel):
    vorige_gemeentecode: Gemeentecode
    nieuwe_gemeentecode: Gemeentecode
    verhuisdatum: Datum


SOORTEN: dict[str, type[ApiModel]] = {
    "plicht-vastgesteld": PlichtVastgesteld,
    "plicht-gewijzigd": PlichtGewijzigd,
    "vrijstelling": Vrijstelling,
    "ontheffing": Ontheffing,
    "aangepaste-examenomstandigheden": AangepasteExamenomstandigheden,
    "recht-maatschappelijke-begeleiding": RechtMaatschappelijkeBegeleiding,
    "termijnen-gewijzigd": TermijnenGewijzigd,
    "examenresultaat": Examenresultaat,
    "diploma": Diploma,
    "certificaat": Certificaat,
    "verlenging-aangevraagd": VerlengingAangevraagd,
    "verlenging-besloten": VerlengingBesloten,
    "boete-opgelegd": BoeteOpgelegd,
    "verhuisd": Verhuisd,
}
