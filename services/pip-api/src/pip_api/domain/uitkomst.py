"""The gemeente's judgement when a MAP or PVT part of the PIP was not achieved: why not, and whether that is the
inburgeraar's fault (verwijtbaar). The provider reports the result and its own reason (aanbieder-api); weighing the
reasons and deciding on verwijtbaarheid is the college's, because it reports both to DUO, which enforces the
resultaatverplichting on them (Wet inburgering 2021 art. 35 lid 3; Besluit inburgering 2021 art. 9.3 lid 2, 9.5 lid 4
en 9.6 lid 4; handreiking-gegevensverwerking-privacy.txt, "Gegevenslevering door gemeenten", items i en j).

Reasons are codes, so DUO receives the same words from every gemeente and no free text (with a name or a BSN in it)
leaves the gemeente; the klantregisseur's explanation stays here.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

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

    @field_validator("redenen")
    @classmethod
    def _redenen_uniek(cls, redenen: tuple[RedenNietBehaald, ...]) -> tuple[RedenNietBehaald, ...]:
        if len(set(redenen)) != len(redenen):
            raise ValueError("elke reden komt één keer voor")
        return redenen


def controleer(beoordeling: NietBehaaldBeoordeling, inhoud: dict[str, Any]) -> None:
    """Only a part the PIP agreed can be judged."""
    if inhoud.get(beoordeling.onderdeel) is None:
        naam = beoordeling.onderdeel.upper()
        raise OnderdeelNietInPip(
            f"Geen {naam} in dit PIP ({BRON})",
            invalid_params=[invalid("onderdeel", f"het PIP bevat geen {naam}", "niet-in-pip")],
        )
