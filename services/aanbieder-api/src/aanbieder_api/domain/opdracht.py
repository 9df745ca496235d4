"""An opdracht: the gemeente assigns one part of a PIP to an aanbieder.

What the aanbieder receives is exactly DOMAIN §3 "To an aanbieder" (handreiking-gegevensverwerking-privacy.txt):
contact data, the agreements, the taalniveau of the first PIP, planned start and end, course name and parts,
hours to spend, MAP intensity, goals (Z-route), the legal deadline and changes to it, changes to earlier PIP
agreements. Never the BSN, never the inburgeraar's id: the person is a pseudonymous deelnemer reference that
differs per aanbieder. Every change of the content is a new version that names the fields it changed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from typing import Annotated, Any

from pydantic import Field, model_validator

from aanbieder_api.domain.aanbieder import DomeinModel, KorteTekst, Tekst
from aanbieder_api.domain.enums import Leerroute, Taalniveau
from inburgering_kit.problems import Conflict, Unprocessable
from inburgering_kit.strict import Datum
from inburgering_kit.types import EMAIL_PATTERN


class Deelnemercontact(DomeinModel):
    """How the aanbieder reaches the person to invite them (no BSN, no date of birth, no address needed)."""

    roepnaam: KorteTekst
    achternaam: KorteTekst
    telefoon: Annotated[str, Field(pattern=r"^\+?[0-9 \-]{6,20}$")] | None = None
    email: Annotated[str, Field(pattern=EMAIL_PATTERN, max_length=254)] | None = None
    voorkeurstaal: KorteTekst | None = Field(default=None, description="Taal voor het eerste contact.")


class OpdrachtInhoud(DomeinModel):
    """The agreements of an opdracht as the aanbieder sees them."""

    deelnemer: Deelnemercontact | None = None
    afspraken: tuple[Tekst, ...] = Field(default=(), max_length=30, description="Afspraken uit het PIP.")
    leerroute: Leerroute | None = None
    taalniveau_pip: Taalniveau | None = Field(default=None, description="Taalniveau van het eerste PIP.")
    geplande_startdatum: Datum
    geplande_einddatum: Datum
    cursusnaam: KorteTekst | None = None
    cursusonderdelen: tuple[KorteTekst, ...] = Field(default=(), max_length=30)
    uren: Annotated[int, Field(ge=0, le=10_000, description="Te besteden (gecontracteerde) uren.")] | None = None
    map_intensiteit: KorteTekst | None = Field(default=None, description="Intensiteit van de MAP.")
    doelen: tuple[Tekst, ...] = Field(default=(), max_length=30, description="Doelen (Z-route).")
    wettelijke_termijn: Datum | None = Field(default=None, description="Uiterste datum van de wettelijke termijn.")
    pip_wijzigingen: tuple[Tekst, ...] = Field(
        default=(), max_length=50, description="Wijzigingen in eerdere PIP-afspraken die dit onderdeel raken."
    )

    @model_validator(mode="after")
    def _planning(self) -> OpdrachtInhoud:
        if self.geplande_einddatum < self.geplande_startdatum:
            raise ValueError("geplandeEinddatum ligt voor geplandeStartdatum")
        return self

    def wijzig(self, wijzigingen: dict[str, Any]) -> OpdrachtInhoud:
        return OpdrachtInhoud.model_validate({**self.model_dump(by_alias=False), **wijzigingen})


def gewijzigde_velden(oud: OpdrachtInhoud, nieuw: OpdrachtInhoud) -> list[str]:
    """The wire names of the fields that differ: what an aanbieder checks when it sees a new version."""
    a, b = oud.model_dump(mode="json"), nieuw.model_dump(mode="json")
    return sorted(k for k in b if a.get(k) != b.get(k))


class GeenWijziging(Unprocessable):
    code = "geen-wijziging"
    title = "De wijziging verandert niets aan de opdracht."


class OpdrachtIngetrokken(Conflict):
    code = "opdracht-ingetrokken"
    title = "De opdracht is ingetrokken."


def deelnemerreferentie(sleutel: bytes, gemeente: str, aanbieder_id: uuid.UUID, inburgeraar_id: uuid.UUID) -> str:
    """The person's reference towards one aanbieder: the same for all of its opdrachten about this person (it can
    recognise its own deelnemer), different for every other aanbieder (two aanbieders cannot link their records),
    and computed from the inburgeraar's random id under a secret key, so it leads back to neither that id nor
    the BSN (DOMAIN §4: the BSN is forbidden towards providers)."""
    digest = hmac.new(sleutel, f"{gemeente}:{aanbieder_id}:{inburgeraar_id}".encode(), hashlib.sha256).digest()
    code = base64.b32encode(digest[:10]).decode()
    return f"D-{code[:4]}-{code[4:8]}-{code[8:12]}-{code[12:16]}"
