"""Every event this service writes, over a flow that raises each type once or more, matches its published JSON
Schema in contracts/events/ and carries no name or BSN."""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import jsonschema_rs
from fastapi import FastAPI
from sqlalchemy import text

from inburgering_kit.db import Database
from pip_api.events import EVENTS
from pip_api.services.signalen import signaleer
from pip_api.settings import Settings

if TYPE_CHECKING:
    from .conftest import AanbiederApi, InburgeraarApi

EVENTS_DIR = Path(__file__).resolve().parents[4] / "contracts" / "events"
API = "/api/v1/pips"
DATUMS = {"dagtekening": "2026-05-04", "verzenddatum": "2026-05-05", "ingangsdatum": "2026-05-04"}


async def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.is_success, response.text
    body: dict[str, Any] = response.json()
    return body


async def outbox(database: Database) -> list[dict[str, Any]]:
    async with database.engine.connect() as conn:
        rows = await conn.execute(text("SELECT event FROM outbox ORDER BY created_at"))
        return [row[0] if isinstance(row[0], dict) else json.loads(row[0]) for row in rows]


class TestEventSchemas:
    async def test_elk_event_volgt_zijn_gepubliceerde_schema(
        self,
        app: FastAPI,
        client: httpx.AsyncClient,
        auth: dict[str, str],
        inburgeraar_api: InburgeraarApi,
        aanbieder_api: AanbiederApi,
        settings: Settings,
        database: Database,
    ) -> None:
        inburgeraar_id = await inburgeraar_api.registreer()
        # Registered long ago and never given a PIP: the PIP-vaststelling termijn signal has no PIP.
        await inburgeraar_api.registreer(brp=date(2026, 1, 5))
        body = {
            "inburgeraarId": str(inburgeraar_id), "leerroute": "b1", "taalniveau": "B1", "klantregisseur": "k",
            "map": {"aanbieder": "Werkplaats", "geplandeStart": "2026-06-01", "uitersteDatum": "2027-06-01"},
        }  # fmt: skip
        pip_id = (await ok(await client.post(API, json=body, headers=auth)))["id"]
        await ok(await client.patch(f"{API}/{pip_id}", json={"taalniveau": "B2"}, headers=auth))
        await ok(await client.post(f"{API}/{pip_id}/_vaststellen", json=DATUMS, headers=auth))
        wijziging = {**DATUMS, "reden": "niveau", "wijzigingen": {"taalniveau": "A2"}}
        await ok(await client.post(f"{API}/{pip_id}/_wijzigen", json=wijziging, headers=auth))
        gesprekken = f"{API}/{pip_id}/voortgangsgesprekken"
        gesprek = await ok(await client.post(gesprekken, json={"geplandDatum": "2026-07-01"}, headers=auth))
        vastleggen = {"gehoudenDatum": "2026-07-01", "uitkomst": "Goed op weg", "afspraken": ["Taalmaatje"]}
        await ok(await client.post(f"{gesprekken}/{gesprek['id']}/_vastleggen", json=vastleggen, headers=auth))
        gemist = await ok(await client.post(gesprekken, json={"geplandDatum": "2026-08-01"}, headers=auth))
        await ok(await client.post(f"{gesprekken}/{gemist['id']}/niet-verschenen", json={"reden": None}, headers=auth))
        # provider progress: two months below the norm and a route advice waiting for a decision
        opdracht = aanbieder_api.opdracht(uuid.UUID(pip_id), inburgeraar_id)
        await aanbieder_api.pas_toe(
            [
                *opdracht.aanwezigheid(date(2026, 6, 1), date(2026, 6, 30), aanwezig=20, ongeoorloofd=80),
                *opdracht.aanwezigheid(date(2026, 7, 1), date(2026, 7, 31), aanwezig=20, ongeoorloofd=80),
                *opdracht.routeadvies("afschalen", date(2026, 8, 1)),
            ]
        )
        await signaleer(database, app.state.publisher, settings, dag=date(2029, 4, 10))
        werklijst = await ok(await client.get("/api/v1/signalen", headers=auth))
        signaal = werklijst["resultaten"][0]
        await ok(await client.post(f"/api/v1/signalen/{signaal['id']}/_afhandelen", json={"reden": "x"}, headers=auth))
        beeindigen = {"datum": "2029-06-01", "reden": "plicht-voldaan"}
        await ok(await client.post(f"{API}/{pip_id}/_beeindigen", json=beeindigen, headers=auth))
        oordeel = {"onderdeel": "map", "datum": "2027-06-01", "redenen": ["werk-of-opleiding"], "verwijtbaar": False}
        await ok(await client.post(f"{API}/{pip_id}/uitkomsten", json=oordeel, headers=auth))
        # The beëindigd PIP's open signals lapse in the next pass.
        await signaleer(database, app.state.publisher, settings, dag=date(2029, 6, 2))

        events = await outbox(database)
        assert {e["type"] for e in events} == {model.full_type() for model in EVENTS}
        validators: dict[str, Any] = {}
        for event in events:
            if event["type"] not in validators:
                schema = json.loads((EVENTS_DIR / f"{event['type']}.json").read_text())
                validators[event["type"]] = jsonschema_rs.validator_for(schema, validate_formats=True)
            errors = [e.message for e in validators[event["type"]].iter_errors(event)]
            assert errors == [], (event["type"], errors)
            assert event["dataschema"] == f"/contracts/events/{event['type']}.json"
            uuid.UUID(event["subject"])
            assert not {"bsn", "naam", "voornamen", "achternaam"} & {k.lower() for k in event["data"]}
        # Not vacuous: an extra field or a wrong date is refused by the same validators.
        sample = next(e for e in events if e["type"].endswith("signaal-afgehandeld"))
        validator = validators[sample["type"]]
        assert not validator.is_valid({**sample, "data": {**sample["data"], "bsn": "999990019"}})
        assert not validator.is_valid({**sample, "data": {**sample["data"], "einddatum": "morgen"}})
