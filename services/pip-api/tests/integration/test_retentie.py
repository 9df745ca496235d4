"""Retention (Besluit inburgering 2021 art. 9.9) in the plan context, by time travel: the end of the plicht arrives
as inburgeraar-api's `einde-plicht-gewijzigd`; five years later the plan is still here, the day after it is gone.
And the privacy view: every processing carries the shared betrokkene pseudonym, the inzage export has the plan."""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING, Any

import httpx
from sqlalchemy import text

from inburgering_kit.audit import Verwerkingslog
from inburgering_kit.db import Database
from inburgering_kit.retentie import voer_uit
from inburgering_kit.testing.plugin import TokenFactory
from inburgering_kit.testing.waiting import eventually
from pip_api.scopes import ROLLEN
from pip_api.services.retentie import opruimer
from pip_api.settings import Settings

from .test_pip import vastgesteld

if TYPE_CHECKING:
    from .conftest import InburgeraarApi

EINDE = "2027-06-01"


async def rows(database: Database, sql: str, **params: Any) -> list[Any]:
    async with database.engine.connect() as conn:
        return list((await conn.execute(text(sql), params)).all())


async def plicht_beeindigd(inburgeraar_api: InburgeraarApi, database: Database, inburgeraar_id: uuid.UUID) -> None:
    await inburgeraar_api.publish(
        "einde-plicht-gewijzigd", inburgeraar_id, {"inburgeraarId": str(inburgeraar_id), "einddatum": EINDE}, "0363"
    )

    async def bekend() -> bool:
        return bool(await rows(database, "SELECT 1 FROM retentie_betrokkene WHERE einde_plicht_datum IS NOT NULL"))

    await eventually(bekend, what="einde plicht in retentie_betrokkene")


class TestRetentie:
    async def test_plan_kept_through_the_fifth_year_and_gone_the_day_after(
        self,
        client: httpx.AsyncClient,
        auth: dict[str, str],
        inburgeraar_api: InburgeraarApi,
        database: Database,
        settings: Settings,
    ) -> None:
        inburgeraar_id = await inburgeraar_api.registreer()
        pip = await vastgesteld(client, auth, inburgeraar_id)
        await plicht_beeindigd(inburgeraar_api, database, inburgeraar_id)
        betrokkene = Verwerkingslog(settings.pseudonym_key.get_secret_value().encode()).betrokkene_van(inburgeraar_id)
        logged = await rows(database, "SELECT DISTINCT betrokkene FROM verwerking WHERE object_id = :p", p=pip["id"])
        assert logged == [(betrokkene,)]

        kept = await voer_uit(database, "pip-api", opruimer(settings), date(2032, 6, 1))
        assert kept is not None and kept.totaal == 0
        assert len(await rows(database, "SELECT 1 FROM pip")) == 1

        gone = await voer_uit(database, "pip-api", opruimer(settings), date(2032, 6, 2))
        assert gone is not None
        assert gone.aantallen["pip"] == 1
        assert gone.aantallen["pip-versie"] >= 1
        assert gone.aantallen["inburgeraar-feit"] == 1
        assert gone.aantallen["verwerking"] >= 2
        for table in ("pip", "pip_versie", "inburgeraar_feit"):
            assert await rows(database, f"SELECT 1 FROM {table}") == []
        assert await rows(database, "SELECT 1 FROM verwerking WHERE betrokkene = :b", b=betrokkene) == []
        rapport = await rows(database, "SELECT aantallen FROM retentie_rapport WHERE peildatum = '2032-06-02'")
        assert rapport == [(gone.aantallen,)]

    async def test_a_new_plicht_stops_the_clock(
        self, inburgeraar_api: InburgeraarApi, database: Database, settings: Settings
    ) -> None:
        inburgeraar_id = await inburgeraar_api.registreer()
        await plicht_beeindigd(inburgeraar_api, database, inburgeraar_id)
        await inburgeraar_api.publish(
            "einde-plicht-gewijzigd", inburgeraar_id, {"inburgeraarId": str(inburgeraar_id), "einddatum": None}, "0363"
        )

        async def weer_leeg() -> bool:
            return bool(await rows(database, "SELECT 1 FROM retentie_betrokkene WHERE einde_plicht_datum IS NULL"))

        await eventually(weer_leeg, what="einde plicht weer leeg")
        await voer_uit(database, "pip-api", opruimer(settings), date(2040, 1, 1))
        assert len(await rows(database, "SELECT 1 FROM inburgeraar_feit")) == 1


class TestInzage:
    async def test_export_of_one_person_is_logged(
        self, client: httpx.AsyncClient, auth: dict[str, str], inburgeraar_api: InburgeraarApi, tokens: TokenFactory
    ) -> None:
        inburgeraar_id = await inburgeraar_api.registreer()
        pip = await vastgesteld(client, auth, inburgeraar_id)
        officer = tokens.headers(*ROLLEN["privacy-officer"])
        response = await client.post(
            "/api/v1/inzage/_export", json={"inburgeraarId": str(inburgeraar_id)}, headers=officer
        )
        assert response.status_code == 200, response.text
        onderdelen = {o["soort"]: o["gegevens"] for o in response.json()["onderdelen"]}
        assert [p["id"] for p in onderdelen["pip"]] == [pip["id"]]
        assert onderdelen["pip-versie"]
        assert (
            await client.post("/api/v1/inzage/_export", json={"inburgeraarId": str(inburgeraar_id)}, headers=auth)
        ).status_code == 403
        log = await client.get("/api/v1/verwerkingen", params={"activiteit": "inzageverzoek"}, headers=officer)
        assert log.json()["totalItems"] == 1
