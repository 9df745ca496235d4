"""Retention (Besluit inburgering 2021 art. 9.9) in the provider context, by time travel: the end of the plicht
arrives as inburgeraar-api's `einde-plicht-gewijzigd`; five years later the opdracht is still here, the day after it
is gone with its versions and the progress reported. And the privacy view: the shared pseudonym, the inzage export."""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING, Any

import httpx
from sqlalchemy import text

from aanbieder_api.scopes import ROLLEN
from aanbieder_api.services.retentie import opruimer
from aanbieder_api.settings import Settings
from inburgering_kit.audit import Verwerkingslog
from inburgering_kit.db import Database
from inburgering_kit.retentie import voer_uit
from inburgering_kit.testing.events import StandIn
from inburgering_kit.testing.waiting import eventually

if TYPE_CHECKING:
    from .conftest import Omgeving

EINDE = "2028-01-31"


class InburgeraarApi(StandIn):
    source = "urn:nld:oin:00000001234567890000:systeem:inburgeraar-api"
    context = "inburgeraar"


async def rows(database: Database, sql: str, **params: Any) -> list[Any]:
    async with database.engine.connect() as conn:
        return list((await conn.execute(text(sql), params)).all())


async def opdracht_met_einde(
    omgeving: Omgeving, settings: Settings, database: Database
) -> tuple[dict[str, Any], uuid.UUID]:
    aanbieder = await omgeving.aanbieder()
    pip = await omgeving.pip_api.vastgesteld()
    opdracht = await omgeving.opdracht(aanbieder, pip=pip)
    inburgeraar_id = pip[1]
    await InburgeraarApi(settings, database).publish(
        "einde-plicht-gewijzigd", inburgeraar_id, {"inburgeraarId": str(inburgeraar_id), "einddatum": EINDE}, "0363"
    )

    async def bekend() -> bool:
        return bool(await rows(database, "SELECT 1 FROM retentie_betrokkene"))

    await eventually(bekend, what="einde plicht in retentie_betrokkene")
    return opdracht, inburgeraar_id


class TestRetentie:
    async def test_opdracht_kept_through_the_fifth_year_and_gone_the_day_after(
        self, omgeving: Omgeving, settings: Settings, database: Database
    ) -> None:
        opdracht, inburgeraar_id = await opdracht_met_einde(omgeving, settings, database)
        betrokkene = Verwerkingslog(settings.pseudonym_key.get_secret_value().encode()).betrokkene_van(inburgeraar_id)
        logged = await rows(
            database, "SELECT DISTINCT betrokkene FROM verwerking WHERE object_id = :o", o=opdracht["id"]
        )
        assert logged == [(betrokkene,)]

        kept = await voer_uit(database, "aanbieder-api", opruimer(settings), date(2033, 1, 31))
        assert kept is not None and kept.totaal == 0
        gone = await voer_uit(database, "aanbieder-api", opruimer(settings), date(2033, 2, 1))
        assert gone is not None
        assert (gone.aantallen["opdracht"], gone.aantallen["pip-feit"]) == (1, 1)
        assert gone.aantallen["opdracht-versie"] >= 1
        assert gone.aantallen["verwerking"] >= 1
        assert await rows(database, "SELECT 1 FROM opdracht") == []
        assert await rows(database, "SELECT 1 FROM verwerking WHERE betrokkene = :b", b=betrokkene) == []
        # The provider itself and its contract are no person's data: they stay.
        assert len(await rows(database, "SELECT 1 FROM aanbieder")) == 1


class TestInzage:
    async def test_export_of_one_person(
        self, omgeving: Omgeving, settings: Settings, database: Database, client: httpx.AsyncClient
    ) -> None:
        opdracht, inburgeraar_id = await opdracht_met_einde(omgeving, settings, database)
        officer = omgeving.tokens.headers(*ROLLEN["privacy-officer"])
        body = {"inburgeraarId": str(inburgeraar_id)}
        response = await client.post("/api/v1/inzage/_export", json=body, headers=officer)
        assert response.status_code == 200, response.text
        onderdelen = {o["soort"]: o["gegevens"] for o in response.json()["onderdelen"]}
        assert [o["id"] for o in onderdelen["opdracht"]] == [opdracht["id"]]
        assert (await client.post("/api/v1/inzage/_export", json=body, headers=omgeving.regisseur)).status_code == 403


async def test_uploads_are_kept_five_years_from_the_upload(
    omgeving: Omgeving, settings: Settings, database: Database
) -> None:
    aanbieder = await omgeving.aanbieder()
    async with database.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO aanlevering (id, gemeente_code, aanbieder_id, formaat, bestand_hash, grootte, status, "
                "regels_totaal, regels_verwerkt, geaccepteerd, afgewezen, overgeslagen, actor_client, created_at, "
                "updated_at) VALUES (gen_random_uuid(), '0363', :a, 'csv', 'h', 1, 'afgerond', 1, 1, 0, 1, 0, 'c', "
                "'2020-05-04T10:00:00Z', '2020-05-04T10:00:00Z')"
            ),
            {"a": aanbieder.id},
        )
    kept = await voer_uit(database, "aanbieder-api", opruimer(settings), date(2025, 5, 4))
    assert kept is not None and kept.aantallen["aanlevering"] == 0
    gone = await voer_uit(database, "aanbieder-api", opruimer(settings), date(2025, 5, 5))
    assert gone is not None and gone.aantallen["aanlevering"] == 1


async def overgenomen_met_einde(omgeving: Omgeving, settings: Settings, database: Database) -> uuid.UUID:
    """Progress taken over from a previous gemeente (a move) for a person of this gemeente whose plicht ended."""
    inburgeraar_id = uuid.uuid4()
    dossier = {
        "opdrachten": [
            {
                "aanbieder": {"naam": "Taalschool Zuid", "kvkNummer": "87654321"},
                "onderdeel": "b1-route",
                "geplandeStartdatum": "2026-01-05",
                "geplandeEinddatum": "2026-12-18",
                "status": "ingetrokken",
                "verstrektOp": "2025-12-01T09:00:00Z",
                "eindreden": "verhuisd",
                "einddatum": "2026-09-01",
                "stand": {"urenAanwezig": 120},
            }
        ]
    }
    r = await omgeving.client.put(
        f"/api/v1/overdrachten/{uuid.uuid4()}",
        json={"inburgeraarId": str(inburgeraar_id), "vanGemeente": "0344", "dossier": dossier},
        headers=omgeving.tokens.headers(*ROLLEN["ketenuitwisseling"], gemeente="0363"),
    )
    assert r.status_code == 201, r.text
    await InburgeraarApi(settings, database).publish(
        "einde-plicht-gewijzigd", inburgeraar_id, {"inburgeraarId": str(inburgeraar_id), "einddatum": EINDE}, "0363"
    )

    async def bekend() -> bool:
        return bool(await rows(database, "SELECT 1 FROM retentie_betrokkene"))

    await eventually(bekend, what="einde plicht in retentie_betrokkene")
    return inburgeraar_id


class TestOvergenomenVoortgang:
    async def test_imported_progress_follows_the_persons_retention_and_is_in_the_inzage(
        self, omgeving: Omgeving, settings: Settings, database: Database, client: httpx.AsyncClient
    ) -> None:
        inburgeraar_id = await overgenomen_met_einde(omgeving, settings, database)
        officer = omgeving.tokens.headers(*ROLLEN["privacy-officer"])
        response = await client.post(
            "/api/v1/inzage/_export", json={"inburgeraarId": str(inburgeraar_id)}, headers=officer
        )
        assert response.status_code == 200, response.text
        onderdelen = {o["soort"]: o["gegevens"] for o in response.json()["onderdelen"]}
        assert [o["van_gemeente"] for o in onderdelen["overgenomen-voortgang"]] == ["0344"]

        kept = await voer_uit(database, "aanbieder-api", opruimer(settings), date(2033, 1, 31))
        assert kept is not None and kept.totaal == 0
        gone = await voer_uit(database, "aanbieder-api", opruimer(settings), date(2033, 2, 1))
        assert gone is not None and gone.aantallen["overgenomen-voortgang"] == 1
        assert await rows(database, "SELECT 1 FROM overgenomen_voortgang") == []
