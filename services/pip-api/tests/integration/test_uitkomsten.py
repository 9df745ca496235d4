"""The gemeente's judgement on a MAP or PVT not achieved (reasons, verwijtbaarheid) over HTTP, and its event for DUO."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import httpx
from sqlalchemy import text

from inburgering_kit.db import Database
from inburgering_kit.testing.plugin import TokenFactory

from .test_voortgangsgesprekken import API, pip

if TYPE_CHECKING:
    from .conftest import InburgeraarApi

EVENT = "nl.inburgering.pip.onderdeel-niet-behaald-beoordeeld"
MAP = {"aanbieder": "Werkplaats MAP", "geplandeStart": "2026-06-01", "uitersteDatum": "2026-12-01"}
BEOORDELING = {
    "onderdeel": "map",
    "datum": "2026-12-01",
    "redenen": ["ziekte", "zorgtaken"],
    "verwijtbaar": False,
    "toelichting": "langdurig ziek geweest, met verklaring",
}


async def _events(database: Database) -> list[dict[str, Any]]:
    async with database.engine.connect() as conn:
        rows = await conn.execute(text("SELECT event FROM outbox WHERE subject = :s ORDER BY seq"), {"s": EVENT})
        return [r[0] if isinstance(r[0], dict) else json.loads(r[0]) for r in rows]


async def _pip_met_map(client: httpx.AsyncClient, auth: dict[str, str], inburgeraar_api: InburgeraarApi) -> str:
    inburgeraar_id = await inburgeraar_api.registreer()
    body = {"inburgeraarId": str(inburgeraar_id), "leerroute": "b1", "taalniveau": "B1", "map": MAP}
    response = await client.post(API, json=body, headers=auth)
    assert response.status_code == 201, response.text
    pip_id: str = response.json()["id"]
    datums = {"dagtekening": "2026-05-04", "verzenddatum": "2026-05-05", "ingangsdatum": "2026-05-04"}
    response = await client.post(f"{API}/{pip_id}/_vaststellen", json=datums, headers=auth)
    assert response.status_code == 200, response.text
    return pip_id


class TestNietBehaaldBeoordelen:
    async def test_vastleggen_lezen_en_event(
        self, client: httpx.AsyncClient, auth: dict[str, str], inburgeraar_api: InburgeraarApi, database: Database
    ) -> None:
        pip_id = await _pip_met_map(client, auth, inburgeraar_api)
        uitkomsten = f"{API}/{pip_id}/uitkomsten"
        response = await client.post(uitkomsten, json=BEOORDELING, headers=auth)
        assert response.status_code == 201, response.text
        uitkomst = response.json()
        assert response.headers["Location"] == f"{uitkomsten}/{uitkomst['id']}"
        assert {k: uitkomst[k] for k in BEOORDELING} == BEOORDELING
        lijst = await client.get(uitkomsten, headers=auth)
        assert lijst.status_code == 200 and [u["id"] for u in lijst.json()] == [uitkomst["id"]]

        [event] = await _events(database)
        assert event["data"] == {
            "uitkomstId": uitkomst["id"], "pipId": pip_id, "inburgeraarId": event["data"]["inburgeraarId"],
            "onderdeel": "map", "datum": "2026-12-01", "redenen": ["ziekte", "zorgtaken"], "verwijtbaar": False,
        }  # fmt: skip
        # The explanation stays with the gemeente: DUO receives codes.
        assert "toelichting" not in json.dumps(event) and "ziek geweest" not in json.dumps(event)

    async def test_onderdeel_niet_in_pip_en_concept(
        self, client: httpx.AsyncClient, auth: dict[str, str], inburgeraar_api: InburgeraarApi, database: Database
    ) -> None:
        concept = await pip(client, auth, await inburgeraar_api.registreer(), vaststellen=False)
        response = await client.post(f"{API}/{concept}/uitkomsten", json=BEOORDELING, headers=auth)
        assert response.status_code == 409, response.text
        zonder_map = await pip(client, auth, await inburgeraar_api.registreer(), vaststellen=True)
        response = await client.post(f"{API}/{zonder_map}/uitkomsten", json=BEOORDELING, headers=auth)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["code"] == "onderdeel-niet-in-pip"
        assert [p["name"] for p in response.json()["invalidParams"]] == ["onderdeel"]
        assert await _events(database) == []

    async def test_ongeldige_invoer_noemt_elk_veld(
        self, client: httpx.AsyncClient, auth: dict[str, str], inburgeraar_api: InburgeraarApi, tokens: TokenFactory
    ) -> None:
        pip_id = await _pip_met_map(client, auth, inburgeraar_api)
        fout = {"onderdeel": "b1", "datum": "gisteren", "redenen": [], "verwijtbaar": "misschien"}
        response = await client.post(f"{API}/{pip_id}/uitkomsten", json=fout, headers=auth)
        assert response.status_code == 400, response.text
        namen = {p["name"] for p in response.json()["invalidParams"]}
        assert {"onderdeel", "datum", "redenen", "verwijtbaar"} <= namen
        dubbel = {**BEOORDELING, "redenen": ["ziekte", "ziekte"]}
        response = await client.post(f"{API}/{pip_id}/uitkomsten", json=dubbel, headers=auth)
        assert response.status_code == 422, response.text
        assert [p["name"] for p in response.json()["invalidParams"]] == ["redenen"]
        # Reading is not writing: a role that may only read the PIP cannot record a judgement.
        lezer = tokens.headers("pip:lezen", gemeente="0363")
        response = await client.post(f"{API}/{pip_id}/uitkomsten", json=BEOORDELING, headers=lezer)
        assert response.status_code == 403, response.text
