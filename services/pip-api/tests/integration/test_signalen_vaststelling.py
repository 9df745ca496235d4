"""The PIP-vaststelling termijn over real PostgreSQL: an inburgeraar without a vastgesteld PIP is signalled 10
weeks after the BRP inschrijving (Wet inburgering 2021 art. 16), exactly once per deadline, also with replicas at
once and after a restart; the vaststelling of the PIP closes it, a corrected BRP date moves it."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import date
from typing import TYPE_CHECKING, Any

import httpx
from fastapi import FastAPI
from sqlalchemy import text

from inburgering_kit.db import Database
from inburgering_kit.outbox import EventPublisher
from inburgering_kit.testing.plugin import TokenFactory
from pip_api.scopes import ROLLEN
from pip_api.services.signalen import signaleer
from pip_api.settings import Settings

if TYPE_CHECKING:
    from .conftest import InburgeraarApi

API = "/api/v1/pips"
WERKLIJST = "/api/v1/signalen"
# The registration fixture's BRP inschrijving is 2026-03-02: the PIP is due by 2026-05-11 (10 weeks).
UITERSTE = date(2026, 5, 11)
VOOR = date(2026, 4, 10)  # 31 days before: nothing yet
NADERT = date(2026, 4, 11)  # the 30-day lead time
VERSTREKEN = date(2026, 5, 12)


async def signalen(database: Database) -> list[dict[str, Any]]:
    async with database.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT inburgeraar_id, pip_id, soort, termijnsoort, einddatum, status, regel FROM signaal "
                "WHERE termijnsoort = 'pip-vaststelling' ORDER BY einddatum, soort"
            )
        )
        return [dict(row) for row in rows.mappings()]


async def events(database: Database) -> list[dict[str, Any]]:
    async with database.engine.connect() as conn:
        rows = await conn.execute(text("SELECT event FROM outbox WHERE subject LIKE 'nl.inburgering.pip.termijn-%'"))
        alle = [row[0] if isinstance(row[0], dict) else json.loads(row[0]) for row in rows]
    return [e for e in alle if e["data"]["termijnsoort"] == "pip-vaststelling"]


async def pass_in_replica(settings: Settings, publisher: EventPublisher, dag: date) -> None:
    database = Database(settings.database_url, pool_size=2)
    try:
        await signaleer(database, publisher, settings, dag=dag)
    finally:
        await database.dispose()


async def concept_pip(client: httpx.AsyncClient, auth: dict[str, str], inburgeraar_id: uuid.UUID) -> str:
    body = {
        "inburgeraarId": str(inburgeraar_id),
        "leerroute": "b1",
        "taalniveau": "B1",
        "intensiteit": "hoog",
        "klantregisseur": "k.de.vries",
    }
    response = await client.post(API, json=body, headers=auth)
    assert response.status_code == 201, response.text
    pip_id: str = response.json()["id"]
    return pip_id


async def vaststellen(client: httpx.AsyncClient, auth: dict[str, str], pip_id: str) -> None:
    body = {"dagtekening": "2026-05-04", "verzenddatum": "2026-05-05", "ingangsdatum": "2026-05-04"}
    response = await client.post(f"{API}/{pip_id}/_vaststellen", json=body, headers=auth)
    assert response.status_code == 200, response.text


class TestZonderPip:
    async def test_nadert_en_verstreken_eenmaal_ook_met_replicas_en_herstart(
        self, app: FastAPI, inburgeraar_api: InburgeraarApi, settings: Settings, database: Database
    ) -> None:
        inburgeraar_id = await inburgeraar_api.registreer()
        publisher: EventPublisher = app.state.publisher
        instellingen = settings.model_copy(update={"signalen_batch": 2})

        verslag = await signaleer(database, publisher, settings, dag=VOOR)
        assert (verslag.zonder_pip, sum(verslag.nieuw.values())) == (1, 0)
        assert await signalen(database) == []

        await asyncio.gather(*(pass_in_replica(instellingen, publisher, NADERT) for _ in range(4)))
        await pass_in_replica(instellingen, publisher, NADERT)
        rijen = await signalen(database)
        assert rijen == [
            {
                "inburgeraar_id": inburgeraar_id,
                "pip_id": None,
                "soort": "nadert",
                "termijnsoort": "pip-vaststelling",
                "einddatum": UITERSTE,
                "status": "open",
                "regel": "pip-termijn-na-brp-inschrijving",
            }
        ]
        (event,) = await events(database)
        assert event["type"] == "nl.inburgering.pip.termijn-nadert"
        assert (event["subject"], event["gemeentecode"]) == (str(inburgeraar_id), "0363")
        assert event["data"]["pipId"] is None
        assert event["data"]["inburgeraarId"] == str(inburgeraar_id)
        assert event["data"]["einddatum"] == UITERSTE.isoformat()

        await asyncio.gather(*(pass_in_replica(instellingen, publisher, VERSTREKEN) for _ in range(3)))
        await pass_in_replica(instellingen, publisher, VERSTREKEN)
        assert [(r["soort"], r["status"]) for r in await signalen(database)] == [
            ("nadert", "open"),
            ("verstreken", "open"),
        ]
        assert sorted(e["type"].rsplit(".", 1)[1] for e in await events(database)) == [
            "termijn-nadert",
            "termijn-verstreken",
        ]

    async def test_zonder_brp_datum_geen_signaal(
        self, app: FastAPI, inburgeraar_api: InburgeraarApi, settings: Settings, database: Database
    ) -> None:
        await inburgeraar_api.registreer(brp=None)
        await signaleer(database, app.state.publisher, settings, dag=VERSTREKEN)
        assert await signalen(database) == []

    async def test_vaststelling_sluit_het_signaal(
        self,
        app: FastAPI,
        client: httpx.AsyncClient,
        auth: dict[str, str],
        inburgeraar_api: InburgeraarApi,
        settings: Settings,
        database: Database,
    ) -> None:
        inburgeraar_id = await inburgeraar_api.registreer()
        await signaleer(database, app.state.publisher, settings, dag=VERSTREKEN)
        # A concept PIP does not meet the termijn: the signal stays open.
        pip_id = await concept_pip(client, auth, inburgeraar_id)
        await signaleer(database, app.state.publisher, settings, dag=VERSTREKEN)
        assert [r["status"] for r in await signalen(database)] == ["open"]

        await vaststellen(client, auth, pip_id)
        verslag = await signaleer(database, app.state.publisher, settings, dag=VERSTREKEN)
        assert verslag.zonder_pip == 0
        assert verslag.vervallen == 1
        assert [r["status"] for r in await signalen(database)] == ["vervallen"]
        # And it is not raised again, while the PIP's own termijnen are now signalled from the PIP.
        await signaleer(database, app.state.publisher, settings, dag=VERSTREKEN)
        assert [r["status"] for r in await signalen(database)] == ["vervallen"]
        assert len(await events(database)) == 1

    async def test_gewijzigde_brp_datum_verschuift_de_termijn(
        self, app: FastAPI, inburgeraar_api: InburgeraarApi, settings: Settings, database: Database
    ) -> None:
        inburgeraar_id = await inburgeraar_api.registreer()
        await signaleer(database, app.state.publisher, settings, dag=NADERT)

        # The BRP inschrijving is corrected to a week later: the deadline moves to 2026-05-18.
        await inburgeraar_api.publish(
            "inburgeraar-gewijzigd",
            inburgeraar_id,
            {
                "inburgeraarId": str(inburgeraar_id),
                "doelgroep": "asielmigrant",
                "nareiziger": False,
                "status": "geregistreerd",
                "datumKoppeling": "2026-02-01",
                "datumInschrijvingBrp": "2026-03-09",
            },
        )
        await inburgeraar_api.wacht_op(inburgeraar_id, lambda f: f["brp_inschrijving_datum"] == date(2026, 3, 9))
        verslag = await signaleer(database, app.state.publisher, settings, dag=date(2026, 4, 20))
        assert (verslag.vervallen, dict(verslag.nieuw)) == (1, {"nadert": 1})
        status = {(r["einddatum"], r["soort"]): r["status"] for r in await signalen(database)}
        assert status == {(UITERSTE, "nadert"): "vervallen", (date(2026, 5, 18), "nadert"): "open"}
        assert [e["data"]["einddatum"] for e in await events(database)] == ["2026-05-11", "2026-05-18"]


class TestWerklijst:
    async def test_zichtbaar_afhandelbaar_en_per_gemeente(
        self,
        app: FastAPI,
        client: httpx.AsyncClient,
        auth: dict[str, str],
        tokens: TokenFactory,
        inburgeraar_api: InburgeraarApi,
        settings: Settings,
        database: Database,
    ) -> None:
        hier = await inburgeraar_api.registreer()
        daar = await inburgeraar_api.registreer(gemeente="0599")
        await signaleer(database, app.state.publisher, settings, dag=NADERT)

        response = await client.get(WERKLIJST, headers=auth)
        assert response.status_code == 200, response.text
        pagina = response.json()
        assert pagina["totalItems"] == 1
        (signaal,) = pagina["resultaten"]
        assert (signaal["inburgeraarId"], signaal["pipId"], signaal["termijnsoort"], signaal["soort"]) == (
            str(hier),
            None,
            "pip-vaststelling",
            "nadert",
        )
        assert signaal["einddatum"] == UITERSTE.isoformat()

        andere = tokens.headers(*ROLLEN["klantregisseur"], gemeente="0599")
        response = await client.get(WERKLIJST, headers=andere)
        assert [s["inburgeraarId"] for s in response.json()["resultaten"]] == [str(daar)]
        afhandelen = f"{WERKLIJST}/{signaal['id']}/_afhandelen"
        assert (await client.post(afhandelen, json={"reden": "x"}, headers=andere)).status_code == 404

        response = await client.post(afhandelen, json={"reden": "Intake gepland."}, headers=auth)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "afgehandeld"
        await signaleer(database, app.state.publisher, settings, dag=NADERT)
        assert (await client.get(WERKLIJST, headers=auth)).json()["totalItems"] == 0
