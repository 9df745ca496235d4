"""The CBS delivery (Wi art. 35 lid 4; handreiking-gegevensverwerking-privacy.txt, "Gegevenslevering door gemeenten":
items a–i): the period it covers, one record per inburgeraar merged from the four contexts' exports, the JSON Schema
every record must pass before anything leaves, and the bytes of a line.

Reproducible by construction: a record is a pure function of the four exports' lines, its keys are sorted, nothing
of the moment of assembly (no timestamp, no job id) is in the content, so the same period over the same data gives
byte-identical content and the same sha256.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from inburgering_kit.problems import Unprocessable, invalid


class Bron(StrEnum):
    """The contexts that own a part of the record, in the order their parts are merged."""

    INBURGERAAR = "inburgeraar-api"
    PIP = "pip-api"
    AANBIEDER = "aanbieder-api"
    HANDHAVING = "handhaving-api"


class Leveringstatus(StrEnum):
    GEPLAND = "gepland"
    BEZIG = "bezig"
    GEREED = "gereed"
    MISLUKT = "mislukt"


_PERIODE = re.compile(r"^(?P<jaar>20[0-9]{2})(?:-Q(?P<kwartaal>[1-4]))?$")


@dataclass(frozen=True)
class Periode:
    """A calendar year ("2026") or quarter ("2026-Q3"): CBS asks per year; a quarter serves an earlier look."""

    code: str
    van: date
    tot: date  # exclusive


def periode(code: str) -> Periode:
    m = _PERIODE.match(code)
    if m is None:
        raise Unprocessable(
            "De periode is een jaar (2026) of een kwartaal (2026-Q3)",
            invalid_params=[invalid("periode", "geen jaar of kwartaal", "periode-ongeldig")],
        )
    jaar = int(m["jaar"])
    if m["kwartaal"] is None:
        return Periode(code, date(jaar, 1, 1), date(jaar + 1, 1, 1))
    k = int(m["kwartaal"])
    return Periode(code, date(jaar, 3 * k - 2, 1), date(jaar + 1, 1, 1) if k == 4 else date(jaar, 3 * k + 1, 1))


# --- The record --------------------------------------------------------------------------------------------------

_GEEN_HANDHAVING = {"aantal": 0, "items": []}
_GEEN_BOETES = {"aantal": 0, "totaalBedrag": 0, "items": []}


class RecordOngeldig(Exception):  # noqa: N818 - names the situation
    """A record that does not pass the schema: the whole delivery stops, nothing of it is offered."""


def samenvoegen(inburgeraar_id: str, delen: Mapping[Bron, Mapping[str, Any] | None]) -> dict[str, Any]:
    """One person's record from each context's line (None: the context has nothing of the person)."""
    persoon = delen.get(Bron.INBURGERAAR)
    pip = delen.get(Bron.PIP)
    aanbieder = delen.get(Bron.AANBIEDER)
    handhaving = delen.get(Bron.HANDHAVING)
    return {
        "inburgeraarId": inburgeraar_id,
        # a. persons (with BSN: CBS may have it), h. opleidingsniveau, i. (an)alfabetisme
        "persoon": (
            {k: persoon.get(k) for k in ("bsn", "doelgroep", "nareiziger", "registratiedatum")} if persoon else None
        ),
        "opleidingsniveau": persoon.get("opleidingsniveau") if persoon else None,
        "alfabetisme": persoon.get("alfabetisme") if persoon else None,
        # a. maatschappelijke begeleiding, ontzorgen, brede intake; c. leerbaarheidstoets
        "maatschappelijkeBegeleiding": persoon.get("maatschappelijkeBegeleiding") if persoon else None,
        "ontzorgen": persoon.get("ontzorgen") if persoon else None,
        "bredeIntake": persoon.get("bredeIntake") if persoon else None,
        "leerbaarheidstoets": persoon.get("leerbaarheidstoets") if persoon else None,
        # b. PIP; d. leerroute, switch, afschaling; a. PVT and MAP as agreed
        "pip": pip.get("pip") if pip else None,
        "leerroute": pip.get("leerroute") if pip else None,
        "pvtAfgesproken": pip.get("pvtAfgesproken") if pip else None,
        "mapAfgesproken": pip.get("mapAfgesproken") if pip else None,
        # e. courses (PVT and MAP participation among them)
        "cursussen": list(aanbieder.get("cursussen") or []) if aanbieder else [],
        # f. warnings, g. fines
        "waarschuwingen": handhaving.get("waarschuwingen") if handhaving else _GEEN_HANDHAVING,
        "boetes": handhaving.get("boetes") if handhaving else _GEEN_BOETES,
    }


def regel(record: Mapping[str, Any]) -> bytes:
    """The record's line: sorted keys, no spaces, UTF-8 — the same record is always the same bytes."""
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"


# --- The schema ----------------------------------------------------------------------------------------------------
# Written as pydantic models, from which the published JSON Schema is generated (`SCHEMA`, committed as
# contracts/ketenuitwisseling/cbs/levering.schema.json): the same rules, checked by pydantic-core at ~1/100 of the
# cost of a generic JSON Schema validator in Python (measured: 0.3–3 ms per record with `jsonschema`, which would take
# minutes for 100,000 persons).

Datum = Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
Uuid = Annotated[str, Field(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
Tekst = Annotated[str, Field(max_length=2000)]
Aantal = Annotated[int, Field(ge=0)]
Leerroute = Literal["b1", "onderwijsroute", "z-route"]


class _Deel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Persoon(_Deel):
    """a. de persoon (het BSN mag het CBS ontvangen; leeg zolang het ontbreekt)."""

    bsn: Annotated[str, Field(pattern=r"^[0-9]{9}$")] | None
    doelgroep: Literal["asielmigrant", "gezinsmigrant", "overige-migrant"]
    nareiziger: bool
    registratiedatum: Datum | None


class MaatschappelijkeBegeleiding(_Deel):
    """a. deelname aan de maatschappelijke begeleiding (onderdelen gestart vóór het einde van de periode)."""

    startdatum: Datum
    onderdelen: Aantal
    onderdelenInPeriode: Aantal  # noqa: N815 - the delivered name


class Ontzorgen(_Deel):
    """a. deelname aan het financieel ontzorgen."""

    startdatum: Datum
    einddatum: Datum
    verlengd: bool


class BredeIntake(_Deel):
    """a. de brede intake."""

    status: Literal["lopend", "afgerond"]
    afgerondDatum: Datum | None  # noqa: N815 - the delivered name
    bijAfwezigheid: bool  # noqa: N815 - the delivered name


class LeerbaarheidstoetsAfname(_Deel):
    """c. afname en uitslag van de leerbaarheidstoets."""

    datum: Datum
    uitslag: Tekst | None
    geadviseerdeLeerroute: Leerroute | None  # noqa: N815 - the delivered name


class PipWijziging(_Deel):
    versie: Annotated[int, Field(ge=2)]
    dagtekening: Datum
    velden: list[str]


class PipBeeindiging(_Deel):
    datum: Datum
    reden: Tekst | None


class Pip(_Deel):
    """b. vaststelling en, in de periode, wijziging van het PIP."""

    vaststellingsdatum: Datum
    versie: Annotated[int, Field(ge=1)]
    wijzigingenInPeriode: list[PipWijziging]  # noqa: N815 - the delivered name
    beeindigd: PipBeeindiging | None


class Routewissel(_Deel):
    datum: Datum
    van: Leerroute | None
    naar: Leerroute | None


class Afschaling(_Deel):
    datum: Datum | None
    onderdelen: list[str]


class LeerrouteStand(_Deel):
    """d. de leerroute, wisseling van route (in de periode) en afschaling."""

    route: Leerroute | None
    wisselingenInPeriode: list[Routewissel]  # noqa: N815 - the delivered name
    afschaling: Afschaling | None


class Cursus(_Deel):
    """e. een cursus: soort, naam cursusinstelling, deelname (PVT en MAP daaronder)."""

    soort: Annotated[str, Field(max_length=40)]
    aanbieder: Annotated[str, Field(min_length=1, max_length=200)]
    status: Literal["verstrekt", "gestart", "afgerond", "ingetrokken"]
    deelname: bool
    startdatum: Datum | None
    urenAanwezig: Annotated[float, Field(ge=0, strict=False)]  # noqa: N815 - the delivered name
    resultaat: Literal["behaald", "niet-behaald"] | None
    niveauBereikt: Annotated[str, Field(max_length=2)] | None  # noqa: N815 - the delivered name


class Waarschuwing(_Deel):
    datum: Datum
    reden: str


class Waarschuwingen(_Deel):
    """f. waarschuwingen in de periode: aantal en reden."""

    aantal: Aantal
    items: list[Waarschuwing]


class Boete(_Deel):
    datum: Datum
    reden: str
    bedrag: int


class Boetes(_Deel):
    """g. boetes in de periode: aantal, reden en hoogte (euro)."""

    aantal: Aantal
    totaalBedrag: Aantal  # noqa: N815 - the delivered name
    items: list[Boete]


class Leveringsregel(_Deel):
    """Een regel van de levering aan het CBS (Wet inburgering 2021 art. 35 lid 4; handreiking gegevensverwerking,
    'Gegevenslevering door gemeenten', items a–i). Het bestand is NDJSON (gzip), één regel per inburgeraar, op
    inburgeraarId geordend, met gesorteerde sleutels en zonder tijdstip van aanmaak: dezelfde periode over dezelfde
    gegevens geeft dezelfde bytes. Standen gelden op het einde van de periode (exclusief); wat 'InPeriode' heet en
    de waarschuwingen en boetes gelden voor de periode zelf."""

    inburgeraarId: Uuid  # noqa: N815 - the delivered name
    persoon: Persoon
    opleidingsniveau: (
        Literal[
            "geen", "basisonderwijs", "voortgezet-onderwijs", "beroepsonderwijs", "hoger-beroepsonderwijs",
            "universitair",
        ]
        | None
    ) = Field(description="h. het hoogste gevolgde opleidingsniveau uit de brede intake.")  # fmt: skip
    alfabetisme: Literal["gealfabetiseerd", "anders-gealfabetiseerd", "analfabeet"] | None = Field(
        description="i. analfabetisme en anders-alfabetisme."
    )
    maatschappelijkeBegeleiding: MaatschappelijkeBegeleiding | None  # noqa: N815 - the delivered name
    ontzorgen: Ontzorgen | None
    bredeIntake: BredeIntake | None  # noqa: N815 - the delivered name
    leerbaarheidstoets: LeerbaarheidstoetsAfname | None
    pip: Pip | None
    leerroute: LeerrouteStand | None
    pvtAfgesproken: bool | None = Field(description="a. PVT in het PIP afgesproken.")  # noqa: N815 - the delivered name
    mapAfgesproken: bool | None = Field(description="a. MAP in het PIP afgesproken.")  # noqa: N815 - the delivered name
    cursussen: list[Cursus]
    waarschuwingen: Waarschuwingen
    boetes: Boetes


_ADAPTER = TypeAdapter(Leveringsregel)


def schema() -> dict[str, Any]:
    """The published JSON Schema of a line: every field required (null where the context has nothing)."""
    document = Leveringsregel.model_json_schema(mode="validation")
    _alles_verplicht(document)
    for definitie in document.get("$defs", {}).values():
        _alles_verplicht(definitie)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://inburgering.example/contracts/ketenuitwisseling/cbs/levering.schema.json",
        **document,
    }


def _alles_verplicht(definitie: dict[str, Any]) -> None:
    if "properties" in definitie:
        definitie["required"] = list(definitie["properties"])
        for eigenschap in definitie["properties"].values():
            eigenschap.pop("default", None)


def controleer(record: Mapping[str, Any]) -> None:
    """Raises `RecordOngeldig` naming the record and the first failing field; nothing is changed."""
    try:
        _ADAPTER.validate_python(record)
    except ValidationError as fout:
        e = fout.errors()[0]
        veld = ".".join(str(p) for p in e["loc"])
        raise RecordOngeldig(f"inburgeraar {record.get('inburgeraarId')}: {veld}: {e['msg']}") from None
