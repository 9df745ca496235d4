"""The werkplek's stand-ins for a move against the owning services' committed contracts (contracts/<service>/
openapi.json): a stand-in that drifted from the real API would let these tests pass over a page that breaks. The
answers of inburgeraar-api and the exchange are validated whole; of the three contexts' history taken over, the
fields the pages read must be in the contract. A route not in the contract (yet) is skipped."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

CONTRACTS = Path(__file__).resolve().parents[4] / "contracts"
PERSOON = "6f1c2a9e-4b1d-4c6e-9a53-0d8e7b2f4a11"
VERHUIZING_ID = "1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f66"

VERHUIZING = {
    "id": VERHUIZING_ID,
    "inburgeraarId": PERSOON,
    "vanGemeente": "0363",
    "naarGemeente": "0599",
    "verhuisdatum": "2026-07-01",
    "bron": "klantregisseur",
    "status": "aangemeld",
    "aangemeldOp": "2026-06-20T09:00:00Z",
    "overgedragenOp": None,
}
OVERDRACHT = {
    "id": VERHUIZING_ID,
    "richting": "uitgaand",
    "vanGemeente": "0363",
    "naarGemeente": "0599",
    "verhuisdatum": "2026-07-01",
    "inburgeraarId": PERSOON,
    "status": "bezig",
    "stappen": [
        {"stap": "opgehaald", "gedaanOp": "2026-06-20T09:00:02Z"},
        {"stap": "afgeleverd", "gedaanOp": None},
        {"stap": "overgedragen", "gedaanOp": None},
    ],
    "pogingen": 2,
    "laatsteFout": "gemeente 0599 niet bereikbaar",
    "aangemaaktOp": "2026-06-20T09:00:01Z",
    "bijgewerktOp": "2026-06-20T09:05:00Z",
    "afgerondOp": None,
    "inhoudVerwijderd": False,
}


@cache
def _contract(service: str) -> dict[str, Any]:
    pad = CONTRACTS / service / "openapi.json"
    if not pad.exists():
        pytest.skip(f"no contract of {service}")
    contract: dict[str, Any] = json.loads(pad.read_text(encoding="utf-8"))
    return contract


def _operatie(service: str, pad: str, methode: str) -> dict[str, Any]:
    operatie = _contract(service)["paths"].get(pad, {}).get(methode)
    if operatie is None:
        pytest.skip(f"{service} has no {methode.upper()} {pad} (yet)")
    return dict(operatie)


def _valideer(service: str, schema: dict[str, Any], waarde: Any) -> None:
    # OpenAPI 3.1 schemas are JSON Schema 2020-12; beside the contract's components their `#/components/…` resolve.
    document = {"allOf": [schema], "components": _contract(service)["components"]}
    jsonschema_rs.Draft202012Validator(document).validate(waarde)


def _antwoord(service: str, pad: str, methode: str, status: str) -> dict[str, Any]:
    schema = _operatie(service, pad, methode)["responses"][status]["content"]["application/json"]["schema"]
    return dict(schema)


def _velden(service: str, schema: dict[str, Any]) -> set[str]:
    """Every property name anywhere in the schema (through refs, unions, arrays): what a reader could find."""
    componenten = _contract(service)["components"]["schemas"]
    gezien: set[str] = set()
    namen: set[str] = set()

    def loop(s: Any) -> None:
        if isinstance(s, dict):
            ref = s.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                naam = ref.rsplit("/", 1)[1]
                if naam not in gezien:
                    gezien.add(naam)
                    loop(componenten[naam])
            namen.update(s.get("properties", {}))
            for waarde in s.values():
                loop(waarde)
        elif isinstance(s, list):
            for waarde in s:
                loop(waarde)

    loop(schema)
    return namen


class TestInburgeraarApi:
    def test_the_body_the_werkplek_sends_is_a_verhuizing_create(self) -> None:
        schema = _operatie("inburgeraar-api", "/inburgeraars/{inburgeraarId}/verhuizingen", "post")["requestBody"]
        schema = schema["content"]["application/json"]["schema"]
        for verhuisdatum in ("2026-07-01", None):
            body = {"naarGemeente": "0599", "verhuisdatum": verhuisdatum, "bron": "klantregisseur"}
            _valideer("inburgeraar-api", schema, body)

    def test_the_stand_ins_moves_are_the_contracts(self) -> None:
        pad = "/inburgeraars/{inburgeraarId}/verhuizingen"
        _valideer("inburgeraar-api", _antwoord("inburgeraar-api", pad, "post", "201"), VERHUIZING)
        overgedragen = {**VERHUIZING, "status": "overgedragen", "overgedragenOp": "2026-06-21T10:00:00Z"}
        _valideer("inburgeraar-api", _antwoord("inburgeraar-api", pad, "get", "200"), [VERHUIZING, overgedragen])

    def test_a_person_can_be_verhuisd_and_say_where_from(self) -> None:
        _operatie("inburgeraar-api", "/inburgeraars/{inburgeraarId}/verhuizingen", "get")  # moves known at all
        schema = _antwoord("inburgeraar-api", "/inburgeraars/{inburgeraarId}", "get", "200")
        status = _contract("inburgeraar-api")["components"]["schemas"]["InburgeraarStatus"]
        assert "verhuisd" in status["enum"]
        assert {"status", "herkomst", "vanGemeente", "soort"} <= _velden("inburgeraar-api", schema)


class TestKetenuitwisseling:
    def test_the_stand_ins_transfer_status_is_the_contracts(self) -> None:
        schema = _antwoord("ketenuitwisseling", "/overdrachten", "get", "200")
        _valideer("ketenuitwisseling", schema, {"resultaten": [OVERDRACHT]})
        params = {p["name"] for p in _operatie("ketenuitwisseling", "/overdrachten", "get").get("parameters", [])}
        assert "inburgeraarId" in params


@pytest.mark.parametrize(
    ("service", "pad", "leest"),
    [
        (
            "pip-api",
            "/geimporteerde-pips",
            {"geimporteerd", "vanGemeente", "inhoud", "leerroute", "taalniveau", "status", "versie", "versies"}
            | {"vastgesteldDatum", "beeindigdDatum", "beeindigdReden", "ingangsdatum", "reden", "gewijzigdeVelden"},
        ),
        (
            "aanbieder-api",
            "/inburgeraars/{inburgeraarId}/overgenomen-voortgang",
            {"resultaten", "geimporteerd", "vanGemeente", "dossier", "opdrachten", "aanbieder", "naam", "onderdeel"}
            | {"status", "eindreden", "urenGecontracteerd", "geplandeStartdatum", "geplandeEinddatum", "stand"}
            | {"urenAanwezig", "meldingen"},
        ),
        (
            "handhaving-api",
            "/inburgeraars/{inburgeraarId}/overgenomen-handhaving",
            {"geimporteerd", "vanGemeente", "dossier", "overtredingen", "boetes", "soort", "status", "gedragingVan"}
            | {"gedragingTot", "voorgesteldBedrag", "bedrag", "besluitDatum"},
        ),
    ],
)
def test_the_history_taken_over_has_the_fields_the_pages_read(service: str, pad: str, leest: set[str]) -> None:
    schema = _antwoord(service, pad, "get", "200")
    assert leest - _velden(service, schema) == set()
