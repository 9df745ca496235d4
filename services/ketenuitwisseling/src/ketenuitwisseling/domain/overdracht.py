"""The dossier transfer on a move (Besluit inburgering 2021 art. 9.4 lid 4; DOMAIN §6): its directions, the steps each
goes through, and the bundle that travels from the old gemeente (O) to the new one (N). Pure: no I/O.

A transfer is a row per direction with the steps done so far; the worker takes the next step not yet done, and records
it done in its own transaction once the counterpart accepted it. Every step's call is idempotent at the counterpart
(the transfer's id is the key), so a worker that died between the call and its record repeats the call without a
second effect, and a step recorded done is never taken again.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError


class Richting(StrEnum):
    # O: hand over the dossier of a person who moved away.
    UITGAAND = "uitgaand"
    # N: take over the dossier of a person who moved in.
    INKOMEND = "inkomend"
    # O: another deployment's exchange (N's) asks O to register the move; O then hands over as for `uitgaand`.
    VERZOEK = "verzoek"


class Status(StrEnum):
    BEZIG = "bezig"
    AFGEROND = "afgerond"
    # The counterpart refused for good (another bundle under the same id, the person unknown): a person looks.
    MISLUKT = "mislukt"


class Deel(StrEnum):
    """The four contexts that each hold a part of the dossier, in the order N takes them in: inburgeraar-api first,
    as it gives the person's id at N the other three need."""

    INBURGERAAR = "inburgeraar"
    PIP = "pip"
    AANBIEDER = "aanbieder"
    HANDHAVING = "handhaving"


STAPPEN: dict[Richting, tuple[str, ...]] = {
    # Fetched the four parts into the bundle; delivered it to N; told O's inburgeraar-api it was handed over.
    Richting.UITGAAND: ("opgehaald", "afgeleverd", "overgedragen"),
    Richting.INKOMEND: tuple(d.value for d in Deel),
    Richting.VERZOEK: ("verhuizing-geregistreerd",),
}


def volgende_stap(richting: Richting, gedaan: Mapping[str, Any]) -> str | None:
    """The first step of `richting` not yet done, or None when every step is."""
    return next((s for s in STAPPEN[richting] if s not in gedaan), None)


_NAMESPACE = uuid.UUID("3b6f0d8a-5c1e-4f7a-9a2b-6d4e8c1f0a93")


def verzoek_id(van: str, naar: str, betrokkene: str, verhuisdatum: str | None) -> uuid.UUID:
    """The id of N's request for one move of one person (the BSN only as its keyed hash): a repeated request is the
    same row."""
    return uuid.uuid5(_NAMESPACE, f"{van}:{naar}:{betrokkene}:{verhuisdatum or ''}")


# --- The bundle ----------------------------------------------------------------------------------------------------
# Written as pydantic models, from which the published JSON Schema is generated (contracts/ketenuitwisseling/
# overdracht/dossier.schema.json), as for the CBS delivery. Strict at the top; each context's part is that context's
# own documented export (`GET /overdrachtsdossiers/{id}` in its OpenAPI), so here only an object — except the BSN in
# inburgeraar-api's part, by which N finds or registers the person.

Gemeentecode = Annotated[str, Field(pattern=r"^[0-9]{4}$")]
Datum = Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]


class InburgeraarDeel(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)

    # Required, but null where O never had it (a person on `bsn-ontbreekt`): N then registers the person anew.
    bsn: str | None = Field(pattern=r"^[0-9]{9}$", description="Het BSN: daarmee vindt of registreert N de persoon.")


class Dossierbundel(BaseModel):
    """The dossier of one person as O hands it to N: the four contexts' parts, exactly as each exported it."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)

    overdracht_id: str = Field(alias="overdrachtId", pattern=r"^[0-9a-f-]{36}$", description="= het verhuizingId.")
    van_gemeente: Gemeentecode = Field(alias="vanGemeente")
    naar_gemeente: Gemeentecode = Field(alias="naarGemeente")
    verhuisdatum: Datum | None
    inburgeraar_id: str = Field(
        alias="inburgeraarId", pattern=r"^[0-9a-f-]{36}$", description="De inburgeraar bij de vorige gemeente."
    )
    inburgeraar: InburgeraarDeel
    pip: dict[str, Any]
    aanbieder: dict[str, Any]
    handhaving: dict[str, Any]


_ADAPTER = TypeAdapter(Dossierbundel)


class BundelOngeldig(ValueError):  # noqa: N818 - names the verdict
    """The bundle does not meet the published schema: never sent, never taken in."""

    def __init__(self, velden: Sequence[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{veld}: {reden}" for veld, reden in velden))
        self.velden = list(velden)


def bundel(
    overdracht_id: uuid.UUID,
    van: str,
    naar: str,
    verhuisdatum: str | None,
    inburgeraar_id: uuid.UUID,
    delen: Mapping[Deel, Mapping[str, Any]],
) -> dict[str, Any]:
    return {
        "overdrachtId": str(overdracht_id),
        "vanGemeente": van,
        "naarGemeente": naar,
        "verhuisdatum": verhuisdatum,
        "inburgeraarId": str(inburgeraar_id),
        **{d.value: dict(delen[d]) for d in Deel},
    }


def controleer(document: Mapping[str, Any]) -> None:
    """Raises `BundelOngeldig` naming every failing field."""
    try:
        _ADAPTER.validate_python(document)
    except ValidationError as fout:
        raise BundelOngeldig([(".".join(str(p) for p in e["loc"]), e["msg"]) for e in fout.errors()]) from None


def schema() -> dict[str, Any]:
    document = Dossierbundel.model_json_schema(mode="validation", by_alias=True)
    document["required"] = list(document["properties"])
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://inburgering.example/contracts/ketenuitwisseling/overdracht/dossier.schema.json",
        **document,
    }
