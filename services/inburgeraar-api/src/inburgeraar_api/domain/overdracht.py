"""Warme overdracht: the conversation of COA, gemeente and inburgeraar, preferably in the AZC (DOMAIN §2
step 3; vng-uitvoeringstoets-informatiekundige-impact.txt §3.2, Bijlage B)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Self

from pydantic import Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from inburgeraar_api.domain.basis import DomeinModel, KorteTekst, Tekst
from inburgering_kit.strict import Datum, JaNee


class OverdrachtVorm(StrEnum):
    IN_PERSOON = "in-persoon"
    TELEFONISCH = "telefonisch"
    ONLINE = "online"
    NIET_GEHOUDEN = "niet-gehouden"


class DeelnemerRol(StrEnum):
    INBURGERAAR = "inburgeraar"
    COA = "coa"
    GEMEENTE = "gemeente"
    TOLK = "tolk"
    OVERIG = "overig"


class Deelnemer(DomeinModel):
    rol: DeelnemerRol
    naam: KorteTekst | None = Field(default=None, description="Naam van de medewerker; niet van de inburgeraar.")
    organisatie: KorteTekst | None = None


class Vervolgafspraak(DomeinModel):
    omschrijving: Tekst
    datum: Datum | None = None
    verantwoordelijke: KorteTekst | None = None


class WarmeOverdracht(DomeinModel):
    datum: Datum
    vorm: OverdrachtVorm
    deelnemers: Annotated[tuple[Deelnemer, ...], Field(max_length=20)] = ()
    reden_niet_gehouden: Tekst | None = None
    zorgbehoeften: Tekst | None = Field(
        default=None,
        description="Zorg- of ondersteuningsbehoeften; alleen met toestemming, nooit een diagnose.",
    )
    toestemming_zachte_informatie: JaNee = False
    vervolgafspraken: Annotated[tuple[Vervolgafspraak, ...], Field(max_length=50)] = ()

    @model_validator(mode="after")
    def _samenhang(self) -> Self:
        # Each violation carries the JSON name of its field, so `invalidParams` names it, not the body.
        fouten: list[tuple[str, str]] = []
        # Soft information from the warme overdracht is kept only with the person's consent (DOMAIN §2 step 3).
        if self.zorgbehoeften is not None and not self.toestemming_zachte_informatie:
            fouten.append(("toestemmingZachteInformatie", "zorgbehoeften alleen met toestemming vastleggen"))
        if self.vorm is OverdrachtVorm.NIET_GEHOUDEN and self.reden_niet_gehouden is None:
            fouten.append(("redenNietGehouden", "bij een niet gehouden warme overdracht hoort een reden"))
        if self.vorm is not OverdrachtVorm.NIET_GEHOUDEN and not self.deelnemers:
            fouten.append(("deelnemers", "een gehouden warme overdracht noemt de deelnemers"))
        if fouten:
            raise ValidationError.from_exception_data(
                type(self).__name__,
                [
                    InitErrorDetails(type=PydanticCustomError("value_error", reden), loc=(veld,), input=None)
                    for veld, reden in fouten
                ],
            )
        return self
