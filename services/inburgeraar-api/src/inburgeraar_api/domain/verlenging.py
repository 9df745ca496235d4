"""Circumstances behind a request for verlenging, as the gemeente records them.

The inburgeraar asks DUO for the verlenging and DUO decides (DOMAIN §2 step 13); people often come to the gemeente
for help with that request, and the gemeente reports the circumstances that led to it to DUO (Wet inburgering 2021
art. 35 lid 3; handreiking-gegevensverwerking-privacy.txt, "Gegevenslevering door gemeenten", item q;
vng-uitvoeringstoets-informatiekundige-impact.txt, "Verlenging inburgeringsplicht": "door gemeenten zelf te
verzamelen"). This is the gemeente's own record, beside DUO's plicht facts, never one of them.

The circumstances are codes: they are what goes to DUO, the same words from every gemeente. The optional
explanation stays with the gemeente and may not carry a BSN; neither may name a diagnosis (DOMAIN §4: no medical
data beyond what the task needs), hence `gezondheid` and not an illness.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, field_validator

from inburgeraar_api.domain.basis import DomeinModel, Tekst
from inburgeraar_api.domain.enums import Termijnsoort
from inburgering_kit.bsn import contains_bsn
from inburgering_kit.problems import Unprocessable, invalid
from inburgering_kit.strict import Datum

BRON = (
    "Wet inburgering 2021 art. 35 lid 3 (handreiking gegevensverwerking, item q: omstandigheden die leidden tot een "
    "verzoek tot verlenging)"
)


class Omstandigheid(StrEnum):
    GEZONDHEID = "gezondheid"
    ZWANGERSCHAP = "zwangerschap"
    ZORG_VOOR_GEZINSLID = "zorg-voor-gezinslid"
    ANALFABETISME = "analfabetisme"
    LEERBAARHEID = "leerbaarheid"
    AANBOD_GEMEENTE_BLEEF_UIT = "aanbod-gemeente-bleef-uit"
    AANBOD_LAAT_GESTART = "aanbod-laat-gestart"
    WACHTTIJD_EXAMEN = "wachttijd-examen"
    HUISVESTING_OF_VERHUIZING = "huisvesting-of-verhuizing"
    WERK_OF_OPLEIDING = "werk-of-opleiding"
    OVERIG = "overig"


class Verlengingsomstandigheden(DomeinModel):
    verzoekdatum: Datum = Field(description="De dag waarop het verzoek tot verlenging (bij DUO) is of wordt gedaan.")
    termijn: Termijnsoort = Field(
        default=Termijnsoort.IBP, description="De termijn waarvoor verlenging wordt gevraagd."
    )
    omstandigheden: tuple[Omstandigheid, ...] = Field(min_length=1, max_length=11)
    gevraagde_einddatum: Datum | None = Field(default=None, description="De einddatum die de inburgeraar vraagt.")
    toelichting: Tekst | None = Field(
        default=None, description="Toelichting van de gemeente, zonder BSN; blijft bij de gemeente, gaat niet naar DUO."
    )

    @field_validator("omstandigheden")
    @classmethod
    def _uniek(cls, omstandigheden: tuple[Omstandigheid, ...]) -> tuple[Omstandigheid, ...]:
        if len(set(omstandigheden)) != len(omstandigheden):
            raise ValueError("elke omstandigheid komt één keer voor")
        return omstandigheden


class VerzoekOngeldig(Unprocessable):
    code = "verlengingsverzoek-ongeldig"
    title = "Het verzoek tot verlenging is ongeldig."


class BsnInToelichting(Unprocessable):
    code = "bsn-in-vrije-tekst"
    title = "De toelichting bevat een nummer dat een BSN kan zijn."


def controleer(omstandigheden: Verlengingsomstandigheden) -> None:
    """A BSN has no place in free text (DOMAIN §4): the gemeente holds it once, in the registration."""
    einde = omstandigheden.gevraagde_einddatum
    if einde is not None and einde <= omstandigheden.verzoekdatum:
        raise VerzoekOngeldig(
            "Een verlenging loopt tot na het verzoek",
            invalid_params=[invalid("gevraagdeEinddatum", "ligt niet na de verzoekdatum", "voor-verzoekdatum")],
        )
    if omstandigheden.toelichting is not None and contains_bsn(omstandigheden.toelichting):
        raise BsnInToelichting(
            "Laat het nummer weg; het BSN staat al bij de registratie",
            invalid_params=[
                invalid("toelichting", "bevat 9 cijfers die de 11-proef halen (een BSN)", "bsn-in-vrije-tekst")
            ],
        )
