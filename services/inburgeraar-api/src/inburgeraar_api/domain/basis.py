"""Model conventions of the domain, and the building blocks klantprofiel and brede intake share.

JSON naming: Python fields are snake_case and every model has `alias_generator=to_camel`, so the JSON (API,
events, stored documents) is lowerCamelCase (`nt2Spreken`, `gevolgenVoorTraject`), as the NL API Design Rules
ask. Both names validate; dumps use the camelCase alias by default. Invalid-param paths are therefore
camelCase too.

Models are frozen (a fact, once received, is not edited in place: a change is a new fact) and forbid extra
fields (an unknown field is an error the sender must see, not data silently dropped).
"""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import Field, model_validator

from inburgeraar_api.domain.enums import Cefr, Opleidingsniveau
from inburgering_kit.schemas import FrozenModel
from inburgering_kit.strict import Datum, JaNee, tekst


class DomeinModel(FrozenModel):
    """camelCase JSON, unknown fields refused, frozen (see `inburgering_kit.schemas`)."""


# Every free text is bounded: unbounded text is a storage and abuse risk, and these limits are generous for
# what a consulent writes. Whitespace-only text counts as absent. Names, codes and references are one line: a
# tab or line break in them breaks the letters and lists they are printed in.
KorteTekst = Annotated[str, tekst(200, regels=False)]
Tekst = Annotated[str, tekst(2000)]
LangeTekst = Annotated[str, tekst(4000)]
Land = Annotated[str, tekst(100, regels=False)]
Jaren = Annotated[int, Field(ge=0, le=80)]
Geboortejaar = Annotated[int, Field(ge=1900, le=2100)]


class Taalniveau(DomeinModel):
    """Level per skill; absent means not (yet) assessed, which differs from a0."""

    lezen: Cefr | None = None
    luisteren: Cefr | None = None
    spreken: Cefr | None = None
    schrijven: Cefr | None = None


class Opleiding(DomeinModel):
    niveau: Opleidingsniveau
    richting: KorteTekst | None = None
    land: Land | None = None
    jaren: Jaren | None = None
    diploma: JaNee | None = None


class Werkervaring(DomeinModel):
    beroep: KorteTekst
    land: Land | None = None
    jaren: Jaren | None = None
    vrijwilligerswerk: JaNee = False


class Diplomawaardering(DomeinModel):
    """Internationale diploma-/onderwijsniveauwaardering.

    Source: handreiking-gegevensverwerking-privacy.txt, COA items l–m.
    """

    aangevraagd: JaNee
    aanvraagdatum: Datum | None = None
    uitkomst: Tekst | None = None

    @model_validator(mode="after")
    def _alleen_met_aanvraag(self) -> Self:
        # A date or outcome of a waardering that was never requested is a contradiction, not a detail.
        if not self.aangevraagd and (self.aanvraagdatum is not None or self.uitkomst is not None):
            raise ValueError("aanvraagdatum en uitkomst kunnen alleen als de waardering is aangevraagd")
        return self
