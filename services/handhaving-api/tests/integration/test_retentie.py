"""Retention (Besluit inburgering 2021 art. 9.9) in the enforcement context, by time travel: the end of the plicht
arrives as inburgeraar-api's `einde-plicht-gewijzigd`; five years later the fine is still here, the day after it is
gone with its violation and procedure. And the privacy view: the shared pseudonym, the inzage export."""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING, Any

import httpx
from sqlalchemy import text

from handhaving_api.scopes import ROLLEN
from handhaving_api.services.retentie import opruimer
from handhaving_api.settings import Settings
from inburgering_kit.audit import Verwerkingslog
from inburgering_kit.db import Database
from inburgering_kit.retentie import voer_uit
from inburgering_kit.testing.plugin import TokenFactory
from inburgering_kit.testing.waiting import eventually

from .conftest import zet_feiten

if TYPE_CHECKING:
    from .conftest import InburgeraarApi, Procedure

EINDE = "2028-09-30"


async def rows(database: Database, sql: str, **params: Any) -> list[Any]:
    async with database.engine.connect() as conn:
        return list((await conn.execute(text(sql), params)).all())


async def beboet_en_beeindigd(
    procedure: Procedure, inburgeraar_api: InburgeraarApi, database: Database
) -> tuple[uuid.UUID, dict[str, Any]]:
    inburgeraar_id = uuid.uuid4()
    await zet_feiten(database, inburgeraar_id)
    boete = await procedure.boete(inburgeraar_id)
    await inburgeraar_api.publish(
        "einde-plicht-gewijzigd", inburgeraar_id, {"inburgeraarId": str(inburgeraar_id), "einddatum": EINDE}, "0363"
    )

    async def bekend() -> bool:
        return bool(await rows(database, "SELECT 1 FROM retentie_betrokkene"))

    await eventually(bekend, what="einde plicht in retentie_betrokkene")
    return inburgeraar_id, boete


class TestRetentie:
    async def test_fine_kept_through_the_fifth_year_and_gone_the_day_after(
        self, procedure: Procedure, inburgeraar_api: InburgeraarApi, database: Database, settings: Settings
    ) -> None:
        inburgeraar_id, _ = await beboet_en_beeindigd(procedure, inburgeraar_api, database)
        betrokkene = Verwerkingslog(settings.pseudonym_key.get_secret_value().encode()).betrokkene_van(inburgeraar_id)
        logged = await rows(database, "SELECT DISTINCT betrokkene FROM verwerking WHERE object_type = 'overtreding'")
        assert logged == [(betrokkene,)]

        kept = await voer_uit(database, "handhaving-api", opruimer(settings), date(2033, 9, 30))
        assert kept is not None and kept.totaal == 0
        gone = await voer_uit(database, "handhaving-api", opruimer(settings), date(2033, 10, 1))
        assert gone is not None
        assert (gone.aantallen["boete"], gone.aantallen["overtreding"], gone.aantallen["inburgeraar-feit"]) == (1, 1, 1)
        assert gone.aantallen["procedurestap"] >= 2
        assert gone.aantallen["verwerking"] >= 3
        for table in ("boete", "overtreding", "procedurestap", "handhavingsdossier", "inburgeraar_feit"):
            assert await rows(database, f"SELECT 1 FROM {table}") == []
        assert await rows(database, "SELECT 1 FROM verwerking WHERE betrokkene = :b", b=betrokkene) == []


class TestInzage:
    async def test_export_of_one_person(
        self,
        procedure: Procedure,
        inburgeraar_api: InburgeraarApi,
        database: Database,
        client: httpx.AsyncClient,
        tokens: TokenFactory,
        auth: dict[str, str],
    ) -> None:
        inburgeraar_id, boete = await beboet_en_beeindigd(procedure, inburgeraar_api, database)
        body = {"inburgeraarId": str(inburgeraar_id)}
        response = await client.post(
            "/api/v1/inzage/_export", json=body, headers=tokens.headers(*ROLLEN["privacy-officer"])
        )
        assert response.status_code == 200, response.text
        onderdelen = {o["soort"]: o["gegevens"] for o in response.json()["onderdelen"]}
        assert [b["id"] for b in onderdelen["boete"]] == [boete["id"]]
        assert onderdelen["procedurestap"]
        assert (await client.post("/api/v1/inzage/_export", json=body, headers=auth)).status_code == 403
