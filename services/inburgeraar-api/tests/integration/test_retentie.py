"""Retention by Besluit inburgering 2021 art. 9.9, by time travel: the retention job run on chosen days. The day
the term ends the data are still here, the day after they are gone; the 50-year data outlive the rest."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from inburgeraar_api import scopes
from inburgeraar_api.scopes import ROLLEN
from inburgeraar_api.services.retentie import opruimer
from inburgeraar_api.settings import Settings
from inburgering_kit.audit import Verwerkingslog
from inburgering_kit.db import Database
from inburgering_kit.retentie import voer_uit
from inburgering_kit.testing.plugin import TokenFactory

BSN = "999993653"
EINDE = "2024-03-01"
MUTATIES = [
    {"soort": "plicht-vastgesteld", "ingangsdatum": "2022-01-10", "bron": "DUO", "doelgroep": "asielmigrant"},
    {"soort": "vrijstelling", "ingangsdatum": "2022-02-01", "bron": "DUO", "omvang": "gedeeltelijke",
     "onderdelen": ["pvt"]},
    {"soort": "termijn-vastgesteld", "ingangsdatum": "2022-02-01", "bron": "DUO", "termijn": "ibp",
     "begindatum": "2022-02-01", "einddatum": "2025-02-01"},
    {"soort": "plicht-vervallen", "ingangsdatum": EINDE, "bron": "DUO", "reden": "examen behaald"},
]  # fmt: skip


async def rows(database: Database, sql: str, **params: Any) -> list[Any]:
    async with database.engine.connect() as conn:
        return list((await conn.execute(text(sql), params)).all())


@pytest.fixture
async def inburgeraar(client: httpx.AsyncClient, tokens: TokenFactory) -> uuid.UUID:
    created = await client.post(
        "/api/v1/inburgeraars",
        json={
            "bsn": BSN,
            "doelgroep": "asielmigrant",
            "datumKoppeling": "2022-01-03",
            "contact": {"voornamen": "Amina", "achternaam": "Test", "telefoonnummer": "0612345678"},
            "klantregisseur": "consulent.a",
        },
        headers=tokens.headers(scopes.INBURGERAAR_SCHRIJVEN, scopes.INBURGERAAR_LEZEN),
    )
    assert created.status_code == 201, created.text
    inburgeraar_id = uuid.UUID(created.json()["id"])
    for mutatie in MUTATIES:
        pad = f"/api/v1/inburgeraars/{inburgeraar_id}/plicht-mutaties"
        response = await client.post(pad, json=mutatie, headers=tokens.headers(*ROLLEN["duo"]))
        assert response.status_code == 201, response.text
    return inburgeraar_id


async def run(database: Database, settings: Settings, dag: str) -> dict[str, int] | None:
    rapport = await voer_uit(database, "inburgeraar-api", opruimer(settings), date.fromisoformat(dag))
    return None if rapport is None else rapport.aantallen


class TestEindePlicht:
    async def test_the_end_is_recorded_and_published_once(self, inburgeraar: uuid.UUID, database: Database) -> None:
        assert await rows(database, "SELECT einde_plicht_datum::text FROM bewaartermijn") == [(EINDE,)]
        events = await rows(
            database,
            "SELECT event->'data' FROM outbox WHERE event->>'type' = :t",
            t="nl.inburgering.inburgeraar.einde-plicht-gewijzigd",
        )
        assert [e[0] for e in events] == [{"inburgeraarId": str(inburgeraar), "einddatum": EINDE}]


class TestRetentie:
    async def test_other_data_kept_through_the_fifth_year_and_gone_the_day_after(
        self, inburgeraar: uuid.UUID, database: Database, settings: Settings
    ) -> None:
        log = Verwerkingslog(settings.pseudonym_key.get_secret_value().encode())
        betrokkene = log.betrokkene_van(inburgeraar)
        assert await rows(database, "SELECT 1 FROM verwerking WHERE betrokkene = :b", b=betrokkene)

        assert sum((await run(database, settings, "2029-03-01") or {"x": 1}).values()) == 0
        assert len(await rows(database, "SELECT 1 FROM plicht_mutatie")) == 4

        aantallen = await run(database, settings, "2029-03-02")
        assert aantallen is not None
        assert aantallen["plicht-mutatie"] == 1  # the termijn; vaststelling, vrijstelling and vervallen stay
        assert aantallen["contactgegevens-en-klantregisseur"] == 1
        assert aantallen["verwerking"] >= 5
        assert aantallen["inburgeraar"] == 0
        soorten = await rows(database, "SELECT soort FROM plicht_mutatie ORDER BY volgnummer")
        assert [s[0] for s in soorten] == ["plicht-vastgesteld", "vrijstelling", "plicht-vervallen"]
        persoon = await rows(database, "SELECT bsn, contact, klantregisseur FROM inburgeraar")
        assert persoon == [(BSN, {"voornamen": "Amina", "achternaam": "Test"}, None)]
        assert await rows(database, "SELECT 1 FROM verwerking WHERE betrokkene = :b", b=betrokkene) == []

    async def test_core_data_kept_fifty_years(
        self, inburgeraar: uuid.UUID, database: Database, settings: Settings
    ) -> None:
        await run(database, settings, "2030-01-01")
        assert (await run(database, settings, "2074-03-01") or {})["inburgeraar"] == 0
        assert (await run(database, settings, "2074-03-02") or {})["inburgeraar"] == 1
        assert await rows(database, "SELECT 1 FROM inburgeraar") == []
        assert await rows(database, "SELECT 1 FROM plicht_mutatie") == []

    async def test_report_holds_counts_only_and_a_day_runs_once_across_replicas(
        self, inburgeraar: uuid.UUID, database: Database, settings: Settings
    ) -> None:
        results = await asyncio.gather(*(run(database, settings, "2029-06-01") for _ in range(3)))
        assert sum(r is not None for r in results) == 1
        assert await run(database, settings, "2029-06-01") is None
        rapport = await rows(database, "SELECT peildatum::text, aantallen FROM retentie_rapport")
        assert len(rapport) == 1
        assert rapport[0][0] == "2029-06-01"
        assert all(isinstance(v, int) for v in rapport[0][1].values())
        assert BSN not in str(rapport) and str(inburgeraar) not in str(rapport)

    async def test_a_plicht_without_end_is_kept(
        self, client: httpx.AsyncClient, tokens: TokenFactory, database: Database, settings: Settings
    ) -> None:
        created = await client.post(
            "/api/v1/inburgeraars",
            json={"bsn": BSN, "doelgroep": "asielmigrant", "datumKoppeling": "2022-01-03"},
            headers=tokens.headers(scopes.INBURGERAAR_SCHRIJVEN),
        )
        assert created.status_code == 201
        await run(database, settings, "2099-01-01")
        assert len(await rows(database, "SELECT 1 FROM inburgeraar")) == 1

    async def test_only_the_retention_job_deletes_from_the_log(
        self, inburgeraar: uuid.UUID, database: Database
    ) -> None:
        with pytest.raises(DBAPIError, match="append-only"):
            async with database.engine.begin() as conn:
                await conn.execute(text("DELETE FROM verwerking"))
        with pytest.raises(DBAPIError, match="append-only"):
            async with database.engine.begin() as conn:
                await conn.execute(text("SET LOCAL inburgering.retentie = 'aan'"))
                await conn.execute(text("UPDATE verwerking SET actie = 'lezen'"))
