"""The national file format of progress reports, version 1 (contracts/aanbieder-api/README.md): CSV or JSON.

One row is one melding plus the `opdrachtId` it is about; its columns are the fields of the melding
(`domain.melding`), so a row means exactly what the same JSON body means on the API. Files are read as streams:
a row at a time, never the whole file in memory.

- CSV: UTF-8 (a BOM is allowed), a header row naming the columns (any order, a subset of `KOLOMMEN` that includes
  `opdrachtId` and `soort`), separator `,` or `;` (from the header), RFC 4180 quoting; an empty cell is an absent
  field; hours may use a decimal comma.
- JSON: UTF-8, one array of row objects with the same keys; `null` is an absent field.

Row numbers (`regel`): in CSV the record number counting the header as 1 (as a spreadsheet shows it), in JSON the
1-based position in the array.
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from aanbieder_api.domain.enums import Bestandsformaat
from aanbieder_api.domain.melding import MELDING

FORMAATVERSIE = "1"
VERPLICHT = ("opdrachtId", "soort")
KOLOMMEN = (
    "opdrachtId", "soort", "kenmerk", "datum", "geplandeEinddatum", "redenLateStart", "periodeVan", "periodeTot",
    "urenAanwezig", "urenAfwezigGeoorloofd", "urenAfwezigOngeoorloofd", "urenTaal", "urenParticipatie",
    "onderdeel", "resultaat", "niveau", "advies", "leerroute", "reden", "toelichting",
)  # fmt: skip
_UREN = frozenset(k for k in KOLOMMEN if k.startswith("uren"))
_CHUNK = 64 * 1024
# A national weekly file: one row per opdracht per report, far fewer than this for the largest aanbieder, and a
# row of the format (an attendance row is some 150 bytes of CSV, a result or plan with its texts more) within
# `BYTES_PER_REGEL` on average. Their product is the default largest file (`Settings.upload_max_bytes`).
REGELS_PER_BESTAND = 100_000
BYTES_PER_REGEL = 320
MAX_VELD = 4000  # characters per cell: the longest field (a text of 2,000) with room for quoting


class BestandOngeldig(Exception):  # noqa: N818 - rendered as a problem by the caller
    """The file as a whole cannot be read in this format; nothing of it is applied."""

    def __init__(self, code: str, reden: str, regel: int | None = None) -> None:
        super().__init__(reden)
        self.code = code
        self.reden = reden
        self.regel = regel


@dataclass(frozen=True)
class Regel:
    nummer: int
    velden: dict[str, Any] | None  # None: the row could not be read as a row (reported as rejected)
    fout: str | None = None


class Utf8Controle:
    """Checks, chunk by chunk while the upload streams in, that the bytes are UTF-8."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
        self.offset = 0
        self.zichtbaar = False

    def voeg_toe(self, chunk: bytes, *, laatste: bool = False) -> None:
        try:
            text = self._decoder.decode(chunk, final=laatste)
        except UnicodeDecodeError as exc:
            raise BestandOngeldig(
                "codering-ongeldig", f"het bestand is geen UTF-8 (ongeldige byte op positie {self.offset + exc.start})"
            ) from None
        self.offset += len(chunk)
        if not self.zichtbaar and text.strip().lstrip("\ufeff"):
            self.zichtbaar = True


def _open(pad: Path) -> IO[str]:
    return pad.open(encoding="utf-8-sig", newline="")


def _kop(reader: Iterator[list[str]]) -> list[str]:
    try:
        kop = next(reader)
    except StopIteration:
        raise BestandOngeldig("bestand-leeg", "het bestand is leeg") from None
    except csv.Error as exc:
        raise BestandOngeldig("geen-csv", f"de kopregel is geen geldige CSV: {exc}", 1) from None
    kop = [k.strip() for k in kop]
    onbekend = [k for k in kop if k not in KOLOMMEN]
    if onbekend:
        raise BestandOngeldig(
            "kopregel-ongeldig",
            f"onbekende kolom(men) in de kopregel: {', '.join(k or '(leeg)' for k in onbekend)[:500]}; "
            f"toegestaan zijn {', '.join(KOLOMMEN)}",
            1,
        )
    dubbel = sorted({k for k in kop if kop.count(k) > 1})
    if dubbel:
        raise BestandOngeldig("kopregel-ongeldig", f"kolom(men) staan dubbel in de kopregel: {', '.join(dubbel)}", 1)
    ontbreekt = [k for k in VERPLICHT if k not in kop]
    if ontbreekt:
        raise BestandOngeldig("kopregel-ongeldig", f"verplichte kolom(men) ontbreken: {', '.join(ontbreekt)}", 1)
    return kop


def _scheidingsteken(pad: Path) -> str:
    with _open(pad) as f:
        eerste = f.readline(_CHUNK)
    return ";" if ";" in eerste and "," not in eerste else ","


def _cel(kolom: str, waarde: str) -> str:
    waarde = waarde.strip()
    if kolom in _UREN and "," in waarde and "." not in waarde:
        return waarde.replace(",", ".")
    return waarde


def csv_regels(pad: Path) -> Generator[Regel]:
    separator = _scheidingsteken(pad)
    with _open(pad) as f:
        reader = csv.reader(f, delimiter=separator, strict=True)
        kop = _kop(reader)
        nummer = 1
        while True:
            try:
                cellen = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise BestandOngeldig("geen-csv", f"geen geldige CSV na regel {nummer}: {exc}", nummer + 1) from None
            nummer += 1
            if not any(c.strip() for c in cellen):
                continue  # a blank line is no row
            if len(cellen) != len(kop):
                yield Regel(nummer, None, f"{len(cellen)} kolommen waar de kopregel er {len(kop)} heeft")
                continue
            if any(len(c) > MAX_VELD for c in cellen):
                yield Regel(nummer, None, f"een cel is langer dan {MAX_VELD} tekens")
                continue
            yield Regel(nummer, {k: _cel(k, c) for k, c in zip(kop, cellen, strict=True) if c.strip()})


def json_regels(pad: Path) -> Generator[Regel]:  # noqa: PLR0912 - one small state machine
    """The elements of one JSON array, decoded one at a time from 64 KB chunks."""
    decoder = json.JSONDecoder()
    with _open(pad) as f:
        buffer = f.read(_CHUNK).lstrip()
        if not buffer:
            raise BestandOngeldig("bestand-leeg", "het bestand is leeg")
        if buffer[0] != "[":
            raise BestandOngeldig("geen-json-array", "een JSON-bestand is één array van regels: het begint met [")
        buffer, positie, nummer, einde = buffer[1:], 0, 0, False
        verwacht_waarde = True  # right after [ or a comma
        while True:
            while positie < len(buffer) and buffer[positie] in " \t\r\n":
                positie += 1
            if positie >= len(buffer) or (len(buffer) - positie < _CHUNK // 2 and not einde):
                meer = f.read(_CHUNK)
                einde = not meer
                buffer = buffer[positie:] + meer
                positie = 0
                if not buffer:
                    raise BestandOngeldig("geen-json", "het JSON-bestand houdt op midden in de array")
                continue
            teken = buffer[positie]
            if teken == "]" and (verwacht_waarde is False or nummer == 0):
                if buffer[positie + 1 :].strip() or f.read(1).strip():
                    raise BestandOngeldig("geen-json", "na het einde van de array staat nog iets")
                return
            if teken == "," and not verwacht_waarde:
                positie += 1
                verwacht_waarde = True
                continue
            if not verwacht_waarde:
                raise BestandOngeldig("geen-json", f"komma of ] verwacht na element {nummer}")
            try:
                waarde, positie = decoder.raw_decode(buffer, positie)
            except json.JSONDecodeError as exc:
                if not einde:
                    # The element may run past the chunk: read on (elements are small, so this ends soon).
                    meer = f.read(_CHUNK)
                    einde = not meer
                    buffer = buffer[positie:] + meer
                    positie = 0
                    if len(buffer) > 64 * _CHUNK:
                        raise BestandOngeldig("geen-json", f"element {nummer + 1} is te groot") from None
                    continue
                raise BestandOngeldig("geen-json", f"geen geldige JSON in element {nummer + 1}: {exc.msg}") from None
            nummer += 1
            verwacht_waarde = False
            if not isinstance(waarde, dict):
                yield Regel(nummer, None, "een regel is een JSON-object")
                continue
            yield Regel(nummer, {k: v for k, v in waarde.items() if v is not None})


def regels(pad: Path, formaat: Bestandsformaat) -> Generator[Regel]:
    return csv_regels(pad) if formaat is Bestandsformaat.CSV else json_regels(pad)


def tel_regels(pad: Path, formaat: Bestandsformaat) -> int:
    """Read the whole file once, as a stream, to refuse a malformed one before anything is applied."""
    aantal = sum(1 for _ in regels(pad, formaat))
    if aantal == 0:
        raise BestandOngeldig("bestand-leeg", "het bestand bevat geen regels")
    return aantal


_OPDRACHT_ID = {"type": "string", "format": "uuid", "description": "Id van de opdracht."}


def _met_opdracht_id(variant: dict[str, Any]) -> dict[str, Any]:
    return {
        **variant,
        "properties": {"opdrachtId": _OPDRACHT_ID, **variant["properties"]},
        "required": ["opdrachtId", *variant.get("required", [])],
    }


def regel_componenten(bestaande: dict[str, Any]) -> dict[str, Any]:
    """The row as OpenAPI components (`Voortgangsregel`, one `…Regel` per soort), for the JSON upload's items: a
    generated client gets a typed row. Built on the document's own components of the meldingen (`bestaande`, as
    the document shapes them) where it has them: the single report's body and a row stay one schema plus
    `opdrachtId`."""
    schema = MELDING.json_schema(ref_template="#/components/schemas/{model}")
    defs: dict[str, Any] = schema.pop("$defs", {})
    componenten: dict[str, Any] = {}
    namen: dict[str, str] = {}
    for naam, eigen in defs.items():
        variant = bestaande.get(naam, eigen)
        if "soort" in variant.get("properties", {}):
            namen[naam] = f"{naam}Regel"
            componenten[namen[naam]] = {**_met_opdracht_id(variant), "title": namen[naam]}
        elif naam not in bestaande:
            componenten[naam] = variant
    verwijzing = {f"#/components/schemas/{oud}": f"#/components/schemas/{nieuw}" for oud, nieuw in namen.items()}
    componenten["Voortgangsregel"] = {
        "title": "Voortgangsregel",
        "description": f"Eén melding over één opdracht in het landelijke formaat (versie {FORMAATVERSIE}): een regel "
        "van een aanlevering. Zie ook voortgangsregel.schema.json.",
        "oneOf": [{"$ref": verwijzing[r["$ref"]]} for r in schema["oneOf"]],
        "discriminator": {
            "propertyName": schema["discriminator"]["propertyName"],
            "mapping": {k: verwijzing[v] for k, v in schema["discriminator"]["mapping"].items()},
        },
    }
    return componenten


def regel_schema() -> dict[str, Any]:
    """The JSON Schema of one row (contracts/aanbieder-api/voortgangsregel.schema.json): a melding plus `opdrachtId`.

    The same schema holds for a JSON row and, read as text, for a CSV row (empty cells are absent fields)."""
    schema = MELDING.json_schema(ref_template="#/$defs/{model}")
    defs = schema.pop("$defs", {})
    defs = {naam: _met_opdracht_id(v) if "soort" in v.get("properties", {}) else v for naam, v in defs.items()}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://inburgering.example/contracts/aanbieder-api/voortgangsregel.schema.json",
        "title": f"Voortgangsregel (landelijk formaat, versie {FORMAATVERSIE})",
        "description": "Eén melding van een aanbieder over één opdracht: een regel van een CSV- of JSON-bestand, "
        "of (zonder opdrachtId) de body van POST /toegewezen-opdrachten/{opdrachtId}/meldingen.",
        **schema,
        "$defs": defs,
    }
