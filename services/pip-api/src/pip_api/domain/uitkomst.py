"""The gemeente's judgement when a MAP or PVT part of the PIP was not achieved: why not, and whether that is the
inburgeraar's fault (verwijtbaar). The provider reports the result and its own reason (aanbieder-api); weighing the
reasons and deciding on verwijtbaarheid is the college's, because it reports both to DUO, which enforces the
resultaatverplichting on them (Wet inburgering 2021 art. 35 lid 3; Besluit inburgering 2021 art. 9.3 lid 2, 9.5 lid 4
en 9.6 lid 4; handreiking-gegevensverwerking-privacy.txt, "Gegevenslevering door gemeenten", items i en j).

Reasons are codes, so DUO receives the same words from every gemeente and no free text (with a name or a BSN in it)
leaves the gemeente; the klantregisseur's explanation stays here.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import Field, model_validator

from inburgering_kit.problems import Unprocessable, invalid
from inburgering_kit.strict import Datum, tekst
from pip_api.domain.pip import DomeinModel

BRON = (
    "Wet inburgering 2021 art. 35 lid 3; Besluit inburgering 2021 art. 9.3 lid 2, 9.5 lid 4, 9.6 lid 4 "
    "(handreiking gegevensverwerking, items i en j: redenen niet behalen MAP, verwijtbaar/niet verwijtbaar)"
)


class RedenNietBehaald(StrEnum):
    ONVOLDOENDE_AANWEZIG = "onvoldoende-aanwezig"
    ONVOLDOENDE_INZET = "onvoldoende-inzet"
    NIET_GESTART = "niet-gestart"
    ZIEKTE = "ziekte"
    ZORGTAKEN = "zorgtaken"
    WERK_OF_OPLEIDING = "werk-of-opleiding"
    AANBOD_ONTBRAK = "aanbod-ontbrak"
    ONVOLDOENDE_RESULTAAT = "onvoldoende-resultaat"
    OVERIG = "overig"


class OnderdeelNietInPip(Unprocessable):
    code = "onderdeel-niet-in-pip"
    title = "Dit onderdeel staat niet in het PIP."


class UitkomstInDeToekomst(Unprocessable):
    code = "uitkomst-in-de-toekomst"
    title = "Een onderdeel dat nog loopt, is niet (niet) behaald."


class NietBehaaldBeoordeling(DomeinModel):
    """MAP or PVT not achieved: on which day, why (codes), and whether the inburgeraar is to blame."""

    onderdeel: Literal["map", "pvt"]
    datum: Datum = Field(description="De dag waarop vaststond dat het onderdeel niet is behaald.")
    redenen: tuple[RedenNietBehaald, ...] = Field(min_length=1, max_length=9)
    verwijtbaar: bool = Field(
        description="Het oordeel van de gemeente: is het niet behalen de inburgeraar te verwijten."
    )
    toelichting: Annotated[str, tekst(2000)] | None = Field(
        default=None, description="Onderbouwing van het oordeel; blijft bij de gemeente, gaat niet naar DUO."
    )

    @model_validator(mode="after")
    def _redenen_uniek(self) -> Self:
        if len(set(self.redenen)) != len(self.redenen):
            raise ValueError("elke reden komt één keer voor")
        return self


def controleer(beoordeling: NietBehaaldBeoordeling, inhoud: dict[str, Any], vandaag: date) -> None:
    """Only a part the PIP agreed can be judged, and only once its outcome is known."""
    fouten = []
    if inhoud.get(beoordeling.onderdeel) is None:
        fouten.append(invalid("onderdeel", f"het PIP bevat geen {beoordeling.onderdeel.upper()}", "niet-in-pip"))
        raise OnderdeelNietInPip(f"Geen {beoordeling.onderdeel.upper()} in dit PIP ({BRON})", invalid_params=fouten)
    if beoordeling.datum > vandaag:
        fouten.append(invalid("datum", "ligt in de toekomst", "in-de-toekomst"))
        raise UitkomstInDeToekomst("De datum ligt in de toekomst", invalid_params=fouten)
