"""An aanbieder as the gemeente registers it, its contracts and the rules for assigning work to it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from pydantic import AfterValidator, Field, GetJsonSchemaHandler, model_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from aanbieder_api.domain.enums import TAALONDERDELEN, Dienst
from aanbieder_api.domain.regels import REGELS, Regelset
from inburgering_kit.problems import Unprocessable, invalid
from inburgering_kit.schemas import FrozenModel
from inburgering_kit.strict import Datum
from inburgering_kit.types import EMAIL_PATTERN, tekst

KorteTekst = Annotated[str, tekst(200, regels=False)]
Tekst = Annotated[str, tekst(2000)]

# The KvK number has 8 digits and, since 2016, no check digit (the old 11-test is not applied to new numbers).
KvkNummer = Annotated[str, Field(pattern=r"^[0-9]{8}$", examples=["12345678"])]


def _eenmaal(diensten: tuple[Dienst, ...]) -> tuple[Dienst, ...]:
    if len(set(diensten)) != len(diensten):
        raise ValueError("elke dienst staat eenmaal in de lijst")
    return diensten


class UniekeItems:
    """`uniqueItems` in the JSON Schema, where a validator enforces it: an annotation of the type, so that it
    composes with a field's own `json_schema_extra` (pydantic keeps only one of those)."""

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        result = handler(schema)
        result["uniqueItems"] = True
        return result


Diensten = Annotated[tuple[Dienst, ...], Field(min_length=1, max_length=7), AfterValidator(_eenmaal), UniekeItems()]


class DomeinModel(FrozenModel):
    """camelCase JSON, unknown fields refused, frozen (see `inburgering_kit.schemas`)."""


class Contactpersoon(DomeinModel):
    naam: KorteTekst
    functie: KorteTekst | None = None
    email: Annotated[str, Field(pattern=EMAIL_PATTERN, max_length=254)] | None = None
    telefoon: Annotated[str, Field(pattern=r"^\+?[0-9 \-]{6,20}$")] | None = None


class Keurmerk(DomeinModel):
    """Blik op Werk keurmerk inburgering."""

    nummer: Annotated[str, Field(pattern=r"^[A-Za-z0-9\-]{1,40}$")]
    geldig_tot: Datum

    def geldig_op(self, datum: date) -> bool:
        return datum <= self.geldig_tot


class GecontracteerdeDienst(DomeinModel):
    dienst: Dienst
    uren: Annotated[int, Field(ge=0, le=10_000_000, description="Gecontracteerde uren in de contractperiode.")]


class ContractInhoud(DomeinModel):
    kenmerk: KorteTekst
    begindatum: Datum
    einddatum: Datum
    diensten: Annotated[tuple[GecontracteerdeDienst, ...], UniekeItems()] = Field(
        min_length=1, max_length=7, description="Elke dienst eenmaal."
    )

    @model_validator(mode="after")
    def _periode(self) -> ContractInhoud:
        if self.einddatum < self.begindatum:
            raise ValueError("einddatum ligt voor de begindatum")
        if len({d.dienst for d in self.diensten}) != len(self.diensten):
            raise ValueError("elke dienst staat eenmaal in een contract")
        return self

    def dekt(self, dienst: Dienst, datum: date) -> bool:
        return self.begindatum <= datum <= self.einddatum and any(d.dienst is dienst for d in self.diensten)


class ToewijzingNietToegestaan(Unprocessable):
    code = "toewijzing-niet-toegestaan"
    title = "Deze opdracht kan niet aan deze aanbieder worden verstrekt."


@dataclass(frozen=True)
class Aanbiederfeiten:
    diensten: frozenset[Dienst]
    keurmerk: Keurmerk | None
    contracten: tuple[ContractInhoud, ...]


def controleer_toewijzing(
    aanbieder: Aanbiederfeiten, dienst: Dienst, startdatum: date, regels: Regelset = REGELS
) -> None:
    """An opdracht goes only to an aanbieder that offers the part, under a contract of this gemeente covering the
    planned start, and — for a language part — with a Blik op Werk keurmerk valid on that day."""
    fouten = []
    if dienst not in aanbieder.diensten:
        fouten.append(invalid("onderdeel", f"de aanbieder biedt {dienst.value} niet aan", "dienst-niet-aangeboden"))
    if not any(c.dekt(dienst, startdatum) for c in aanbieder.contracten):
        fouten.append(
            invalid(
                "geplandeStartdatum",
                f"geen contract met deze gemeente voor {dienst.value} op {startdatum.isoformat()}",
                "geen-contract",
            )
        )
    keurmerk_nodig = regels.keurmerk_taalonderdelen and dienst in TAALONDERDELEN
    if keurmerk_nodig and (aanbieder.keurmerk is None or not aanbieder.keurmerk.geldig_op(startdatum)):
        fouten.append(
            invalid(
                "aanbiederId",
                f"geen geldig keurmerk op {startdatum.isoformat()} (bron: {regels.keurmerk_bron})",
                "keurmerk-ongeldig",
            )
        )
    if fouten:
        raise ToewijzingNietToegestaan(
            "; ".join(f.reason for f in fouten), invalid_params=fouten, extra={"regelsVersie": regels.versie}
        )


class AanbiederInhoud(DomeinModel):
    """An aanbieder as the gemeente registers it."""

    naam: KorteTekst
    kvk_nummer: KvkNummer
    diensten: Diensten
    keurmerk: Keurmerk | None = Field(default=None, description="Blik op Werk keurmerk inburgering.")
    contactpersonen: tuple[Contactpersoon, ...] = Field(default=(), max_length=20)
