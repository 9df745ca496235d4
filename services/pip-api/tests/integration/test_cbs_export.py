"""The CBS export (Wi art. 35 lid 4): per person with a vastgesteld PIP, vaststelling, changes, leerroute, switch,
afschaling, PVT and MAP; NDJSON ordered by inburgeraarId; only for `cbs:export`; logged with its legal ground."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

import httpx
from sqlalchemy import text

from inburgering_kit.db import Database
from inburgering_kit.testing.plugin import TokenFactory
from pip_api import scopes

PERIODE = {"gemeentecode": "0363", "van": "2026-01-01", "tot": "2027-01-01"}
B1 = {"leerroute": "b1", "taalniveau": "B1", "pvt": {"aanbieder": "Gemeente"}, "map": None}
Z = {"leerroute": "z-route", "taalniveau": "A1", "pvt": {"aanbieder": "Gemeente"}, "map": {"aanbieder": "Werkplein"}}
AFGESCHAALD = B1 | {"afschaling": {"onderdelen": ["spreken", "lezen"], "grond": "advies"}}


async def pip(
    database: Database, versies: list[tuple[date, dict[str, Any], list[str]]], gemeente: str = "0363"
) -> uuid.UUID:
    inburgeraar_id, pip_id = uuid.uuid4(), uuid.uuid4()
    async with database.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO pip (id, gemeente_code, inburgeraar_id, status, versie, inhoud, vastgesteld_datum) "
                "VALUES (:p, :g, :i, 'vastgesteld', :n, CAST(:inhoud AS jsonb), :d)"
            ),
            {"p": pip_id, "g": gemeente, "i": inburgeraar_id, "n": len(versies), "inhoud": json.dumps(versies[-1][1]),
             "d": versies[0][0]},
        )  # fmt: skip
        for n, (dag, inhoud, velden) in enumerate(versies, start=1):
            await conn.execute(
                text(
                    "INSERT INTO pip_versie (id, pip_id, versie, inhoud, dagtekening, verzend_datum, ingangs_datum, "
                    "gewijzigde_velden) VALUES (:id, :p, :n, CAST(:inhoud AS jsonb), :d, :d, :d, CAST(:v AS jsonb))"
                ),
                {"id": uuid.uuid4(), "p": pip_id, "n": n, "inhoud": json.dumps(inhoud), "d": dag,
                 "v": json.dumps(velden)},
            )  # fmt: skip
    return inburgeraar_id


async def export(client: httpx.AsyncClient, tokens: TokenFactory, **params: str) -> list[dict[str, Any]]:
    response = await client.get(
        "/api/v1/cbs-export", params=PERIODE | params, headers=tokens.headers(scopes.CBS_EXPORT)
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    regels = [json.loads(r) for r in response.text.splitlines()]
    assert int(response.headers["x-total-count"]) == len(regels)
    return regels


class TestCbsExport:
    async def test_vaststelling_changes_switch_and_afschaling(
        self, client: httpx.AsyncClient, tokens: TokenFactory, database: Database
    ) -> None:
        wissel = await pip(
            database,
            [(date(2025, 11, 4), B1, []), (date(2026, 6, 2), Z, ["leerroute", "taalniveau", "map"])],
        )
        afschaling = await pip(database, [(date(2026, 2, 1), B1, []), (date(2026, 9, 1), AFGESCHAALD, ["afschaling"])])
        later = await pip(database, [(date(2027, 2, 1), B1, [])])

        regels = {r["inburgeraarId"]: r for r in await export(client, tokens)}

        assert list(regels) == sorted([str(wissel), str(afschaling)])
        assert str(later) not in regels
        w = regels[str(wissel)]
        assert w["pip"] == {
            "vaststellingsdatum": "2025-11-04",
            "versie": 2,
            "wijzigingenInPeriode": [
                {"versie": 2, "dagtekening": "2026-06-02", "velden": ["leerroute", "taalniveau", "map"]}
            ],
            "beeindigd": None,
        }  # fmt: skip
        assert w["leerroute"] == {
            "route": "z-route",
            "wisselingenInPeriode": [{"datum": "2026-06-02", "van": "b1", "naar": "z-route"}],
            "afschaling": None,
        }
        assert (w["pvtAfgesproken"], w["mapAfgesproken"]) == (True, True)
        a = regels[str(afschaling)]
        assert a["leerroute"]["afschaling"] == {"datum": "2026-09-01", "onderdelen": ["lezen", "spreken"]}
        assert a["mapAfgesproken"] is False

    async def test_stand_at_tot(self, client: httpx.AsyncClient, tokens: TokenFactory, database: Database) -> None:
        inburgeraar_id = await pip(database, [(date(2026, 2, 1), B1, []), (date(2026, 9, 1), Z, ["leerroute"])])
        [regel] = await export(client, tokens, tot="2026-07-01")
        assert regel["inburgeraarId"] == str(inburgeraar_id)
        assert (regel["pip"]["versie"], regel["leerroute"]["route"]) == (1, "b1")

    async def test_other_gemeente_is_not_in_it_and_export_is_logged(
        self, client: httpx.AsyncClient, tokens: TokenFactory, database: Database
    ) -> None:
        await pip(database, [(date(2026, 2, 1), B1, [])], gemeente="0599")
        assert await export(client, tokens) == []
        async with database.engine.connect() as conn:
            grondslag = (
                await conn.execute(
                    text("SELECT grondslag FROM verwerking WHERE object_type = 'cbs-export' AND betrokkene IS NULL")
                )
            ).scalar_one()
        assert "art. 35 lid 4" in grondslag

    async def test_only_for_the_export_scope(self, client: httpx.AsyncClient, tokens: TokenFactory) -> None:
        response = await client.get(
            "/api/v1/cbs-export", params=PERIODE, headers=tokens.headers(*scopes.ROLLEN["klantregisseur"])
        )
        assert response.status_code == 403
        response = await client.get(
            "/api/v1/cbs-export", params=PERIODE | {"van": "2027-01-01"}, headers=tokens.headers(scopes.CBS_EXPORT)
        )
        assert (response.status_code, response.json()["invalidParams"][0]["name"]) == (422, "tot")
