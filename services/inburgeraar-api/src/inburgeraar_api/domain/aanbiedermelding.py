"""The leerbaarheidstoets result as the brede intake holds it: typed in by the gemeente, or the instance's own report.

The brede intake covers at least the leerbaarheidstoets, taken by an appointed instance that advises on the
leerroute (Wi art. 14; Besluit art. 5.2); the gemeente receives "Resultaat leerbaarheidstoets" from "partij die
leerbaarheidstoets uitvoert" (vng-uitvoeringstoets-informatiekundige-impact.txt, Bijlage B, Brede intake). When the
instance reported it through aanbieder-api (an opdracht of the gemeente), that report becomes the result as it is,
marked as the provider's (which opdracht, which aanbieder, which report), so nobody retypes it; the gemeente can
still record one by hand (for an instance outside the system), marked as its own.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import Field

from inburgeraar_api.domain.basis import DomeinModel
from inburgeraar_api.domain.enums import Leerroute
from inburgering_kit.strict import Datum

Bron = Literal["gemeente", "aanbieder"]


class AanbiederBron(DomeinModel):
    """Where a provider's report came from: the gemeente's opdracht to the instance and the report itself."""

    opdracht_id: uuid.UUID = Field(description="De opdracht (aanbieder-api) waarop de instantie meldde.")
    aanbieder_id: uuid.UUID
    melding_id: uuid.UUID = Field(description="De melding van de instantie (aanbieder-api).")
    ontvangen_op: datetime


class LeerbaarheidstoetsUitslag(DomeinModel):
    """De leerbaarheidstoets zoals de brede intake die nu kent, met wie hem vastlegde."""

    datum: Datum
    resultaat: str | None = Field(default=None, max_length=2000, description="Score en/of advies van de instantie.")
    geadviseerde_leerroute: Leerroute | None = None
    instantie: str | None = Field(default=None, max_length=200, description="Bij een handmatige vastlegging.")
    bron: Bron = Field(
        description="`gemeente`: door de gemeente vastgelegd; `aanbieder`: de eigen melding van de instantie, "
        "overgenomen uit aanbieder-api (niet overgetypt)."
    )
    gemeld_door_aanbieder: AanbiederBron | None = Field(default=None, description="Alleen bij bron `aanbieder`.")


def uit_opslag(opgeslagen: dict[str, Any]) -> LeerbaarheidstoetsUitslag:
    """The stored form; one recorded before reports came in has no `bron` and was typed in by the gemeente."""
    return LeerbaarheidstoetsUitslag.model_validate({"bron": "gemeente", **opgeslagen})


def neemt_over(huidige_datum: date | None, gemelde_datum: date) -> bool:
    """Whether a provider's report becomes the intake's result: unless the result there is of a later test (a
    report of an earlier test, arriving late or replayed from the dead letters, must not undo a newer result)."""
    return huidige_datum is None or gemelde_datum >= huidige_datum
