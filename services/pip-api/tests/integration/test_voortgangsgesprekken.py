"""Voortgangsgesprekken under a PIP over HTTP, and the 10-month norm as a signal."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import httpx
from fastapi import FastAPI
from sqlalchemy import text

from inburgering_kit.db import Database
from inburgering_kit.testing.plugin import TokenFactory
from pip_api.scopes import ROLLEN
from pip_api.services.signalen import signaleer
from pip_api.settings import Settings

if TYPE_CHECKING:
    from .conftest import InburgeraarApi

API = "/api/v1/pips"


async def pip(client: httpx.AsyncClient, auth: dict[str, str], inburgeraar_id: uuid.UUID, *, vaststellen: bool) -> str:
    body = {"inburgeraarId": str(inburgeraar_id), "leerroute": "b1", "taalniveau": "B1", "klantregisseur": "k.de.vries"}
    response = await client.post(API, json=body, headers=auth)
    assert response.status_code == 201, response.text
    pip_id: str = response.json()["id"]
    if vaststellen:
        datums = {"dagtekening": "2026-05-04", "verzenddatum": "2026-05-05", "ingangsdatum": "2026-05-04"}
        response = await client.post(f"{API}/{pip_id}/_vaststellen", json=datums, headers=auth)
        assert response.status_code == 200, response.text
    return pip_id


async def voortgangssignalen(database: Database) -> dict[tuple[str, date], str]:
    async with database.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT soort, einddatum, status FROM signaal WHERE termijnsoort = 'voortgangsgesprekken'")
        )
        return {(r.soort, r.einddatum): r.status for r in rows}


class TestVoortgangsgesprekken:
    async def test_plannen_vastleggen_en_weigeringen(
        self,
        client: httpx.AsyncClient,
        auth: dict[str, str],
        tokens: TokenFactory,
        inburgeraar_api: InburgeraarApi,
    ) -> None:
        pip_id = await pip(client, auth, await inburgeraar_api.registreer(), vaststellen=True)
        gesprekken = f"{API}/{pip_id}/voortgangsgesprekken"
        response = await client.post(gesprekken, json={"geplandDatum": "2026-07-01"}, headers=auth)
        assert response.status_code == 201, response.text
        gesprek: dict[str, Any] = response.json()
        assert response.headers["Location"] == f"{gesprekken}/{gesprek['id']}"
        assert (gesprek["geplandDatum"], gesprek["gehoudenDatum"], gesprek["afspraken"]) == ("2026-07-01", None, [])

        vastleggen = f"{gesprekken}/{gesprek['id']}/_vastleggen"
        uitkomst = {"gehoudenDatum": "2026-07-02", "uitkomst": "Taalles loopt goed.", "afspraken": ["MAP starten"]}
        response = await client.post(vastleggen, json=uitkomst, headers=auth)
        assert response.status_code == 200, response.text
        assert (response.json()["gehoudenDatum"], response.json()["afspraken"]) == ("2026-07-02", ["MAP starten"])
        response = await client.post(vastleggen, json=uitkomst, headers=auth)
        assert (response.status_code, response.json()["code"]) == (409, "gesprek-al-gehouden")

        toekomst = {"geplandDatum": "2026-07-01", "gehoudenDatum": "2099-01-01", "uitkomst": "?"}
        response = await client.post(gesprekken, json=toekomst, headers=auth)
        assert (response.status_code, response.json()["code"]) == (422, "gesprek-in-de-toekomst")

        lijst = (await client.get(gesprekken, headers=auth)).json()
        assert [g["uitkomst"] for g in lijst] == ["Taalles loopt goed."]

        andere = tokens.headers(*ROLLEN["klantregisseur"], gemeente="0599")
        assert (await client.get(gesprekken, headers=andere)).status_code == 404
        assert (await client.post(vastleggen, json=uitkomst, headers=andere)).status_code == 404

        concept = await pip(client, auth, await inburgeraar_api.registreer(), vaststellen=False)
        response = await client.post(
            f"{API}/{concept}/voortgangsgesprekken", json={"geplandDatum": "2026-07-01"}, headers=auth
        )
        assert response.status_code == 409

    async def test_tien_maanden_norm_als_signaal(
        self,
        app: FastAPI,
        client: httpx.AsyncClient,
        auth: dict[str, str],
        inburgeraar_api: InburgeraarApi,
        settings: Settings,
        database: Database,
    ) -> None:
        # PIP 2026-05-04: at least 2 conversations held by 2027-03-04.
        einde = date(2027, 3, 4)
        pip_id = await pip(client, auth, await inburgeraar_api.registreer(), vaststellen=True)
        gesprekken = f"{API}/{pip_id}/voortgangsgesprekken"
        gehouden = {"geplandDatum": "2026-07-01", "gehoudenDatum": "2026-07-01", "uitkomst": "Goed gestart."}
        assert (await client.post(gesprekken, json=gehouden, headers=auth)).status_code == 201

        async def pass_op(dag: date) -> None:
            await signaleer(database, app.state.publisher, settings, dag=dag)

        # One held, none planned, a month to go: the norm is approaching.
        await pass_op(date(2027, 2, 10))
        assert await voortgangssignalen(database) == {("nadert", einde): "open"}

        # A second one planned within the period: the warning lapses.
        response = await client.post(gesprekken, json={"geplandDatum": "2027-02-20"}, headers=auth)
        assert response.status_code == 201
        tweede = response.json()["id"]
        await pass_op(date(2027, 2, 11))
        assert await voortgangssignalen(database) == {("nadert", einde): "vervallen"}

        # The period ends with only one held: the norm was missed.
        await pass_op(date(2027, 3, 5))
        assert await voortgangssignalen(database) == {("nadert", einde): "vervallen", ("verstreken", einde): "open"}

        # The second turns out to have been held in time after all: recorded late, the norm is met.
        uitkomst = {"gehoudenDatum": "2026-11-01", "uitkomst": "Besproken.", "afspraken": []}
        assert (await client.post(f"{gesprekken}/{tweede}/_vastleggen", json=uitkomst, headers=auth)).is_success
        await pass_op(date(2027, 3, 6))
        assert await voortgangssignalen(database) == {
            ("nadert", einde): "vervallen",
            ("verstreken", einde): "vervallen",
        }


class TestNietVerschenen:
    async def test_niet_verschenen_eenmaal_vastgelegd_en_gemeld(
        self,
        client: httpx.AsyncClient,
        auth: dict[str, str],
        tokens: TokenFactory,
        inburgeraar_api: InburgeraarApi,
        database: Database,
    ) -> None:
        inburgeraar_id = await inburgeraar_api.registreer()
        pip_id = await pip(client, auth, inburgeraar_id, vaststellen=True)
        gesprekken = f"{API}/{pip_id}/voortgangsgesprekken"
        gesprek = (await client.post(gesprekken, json={"geplandDatum": "2026-07-01"}, headers=auth)).json()
        niet_verschenen = f"{gesprekken}/{gesprek['id']}/niet-verschenen"
        body = {"reden": "geen bericht van afwezigheid"}

        response = await client.post(niet_verschenen, json=body, headers=auth)
        assert response.status_code == 200, response.text
        vandaag = datetime.now(ZoneInfo("Europe/Amsterdam")).date().isoformat()
        assert (response.json()["nietVerschenenOp"], response.json()["nietVerschenenReden"]) == (vandaag, body["reden"])
        # the same request again answers the same and tells enforcement nothing twice
        opnieuw = await client.post(niet_verschenen, json=body, headers=auth)
        assert (opnieuw.status_code, opnieuw.json()) == (200, response.json())
        anders = await client.post(niet_verschenen, json={"reden": "ziek"}, headers=auth)
        assert (anders.status_code, anders.json()["code"]) == (409, "gesprek-niet-verschenen")
        vastleggen = {"gehoudenDatum": "2026-07-01", "uitkomst": "?", "afspraken": []}
        response = await client.post(f"{gesprekken}/{gesprek['id']}/_vastleggen", json=vastleggen, headers=auth)
        assert (response.status_code, response.json()["code"]) == (409, "gesprek-niet-verschenen")

        async with database.engine.connect() as conn:
            rows = await conn.execute(
                text("SELECT event FROM outbox WHERE subject = 'nl.inburgering.pip.voortgangsgesprek-gemist'")
            )
            events = [r[0] if isinstance(r[0], dict) else json.loads(r[0]) for r in rows]
        [event] = events
        assert (event["subject"], event["gemeentecode"]) == (pip_id, "0363")
        assert event["dataref"].endswith(f"/api/v1/pips/{pip_id}/voortgangsgesprekken/{gesprek['id']}")
        assert event["data"] == {
            "gesprekId": gesprek["id"],
            "pipId": pip_id,
            "inburgeraarId": str(inburgeraar_id),
            "geplandDatum": "2026-07-01",
            "vastgelegdOp": vandaag,
            "reden": "geen bericht van afwezigheid",
        }

        # a held conversation, one still to come, another gemeente's: refused
        gehouden = {"geplandDatum": "2026-07-01", "gehoudenDatum": "2026-07-01", "uitkomst": "Goed."}
        held = (await client.post(gesprekken, json=gehouden, headers=auth)).json()
        response = await client.post(f"{gesprekken}/{held['id']}/niet-verschenen", json={}, headers=auth)
        assert (response.status_code, response.json()["code"]) == (409, "gesprek-al-gehouden")
        later = (await client.post(gesprekken, json={"geplandDatum": "2099-01-01"}, headers=auth)).json()
        response = await client.post(f"{gesprekken}/{later['id']}/niet-verschenen", json={}, headers=auth)
        assert (response.status_code, response.json()["code"]) == (422, "gesprek-in-de-toekomst")
        andere = tokens.headers(*ROLLEN["klantregisseur"], gemeente="0599")
        assert (await client.post(niet_verschenen, json=body, headers=andere)).status_code == 404
