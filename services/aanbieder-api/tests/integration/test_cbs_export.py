"""The CBS export (Wi art. 35 lid 4, item e): per person the courses with kind, provider name and participation;
NDJSON ordered by inburgeraarId; only for `cbs:export`; logged with its legal ground."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import text

from aanbieder_api import scopes
from inburgering_kit.db import Database
from inburgering_kit.testing.plugin import TokenFactory

PERIODE = {"gemeentecode": "0363", "van": "2026-01-01", "tot": "2027-01-01"}


async def aanbieder(database: Database, naam: str, gemeente: str = "0363") -> uuid.UUID:
    aanbieder_id = uuid.uuid4()
    async with database.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO aanbieder (id, gemeente_code, naam, kvk_nummer, diensten, contactpersonen) "
                "VALUES (:id, :g, :naam, :kvk, '[]', '[]')"
            ),
            {"id": aanbieder_id, "g": gemeente, "naam": naam, "kvk": str(uuid.uuid4().int)[:8]},
        )
    return aanbieder_id


async def opdracht(
    database: Database,
    aanbieder_id: uuid.UUID,
    persoon: uuid.UUID,
    onderdeel: str,
    stand: dict[str, Any],
    *,
    status: str = "gestart",
    verstrekt: datetime = datetime(2026, 3, 1, tzinfo=UTC),
    gemeente: str = "0363",
) -> None:
    async with database.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO opdracht (id, gemeente_code, aanbieder_id, pip_id, inburgeraar_id, deelnemer_referentie, "
                "onderdeel, status, versie, inhoud, pip_versie, stand, created_at) VALUES (:id, :g, :a, NULL, :p, "
                "'ref', :o, :s, 1, '{}', NULL, CAST(:stand AS jsonb), :c)"
            ),
            {"id": uuid.uuid4(), "g": gemeente, "a": aanbieder_id, "p": persoon, "o": onderdeel, "s": status,
             "stand": json.dumps(stand), "c": verstrekt},
        )  # fmt: skip


async def export(client: httpx.AsyncClient, tokens: TokenFactory) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/cbs-export", params=PERIODE, headers=tokens.headers(scopes.CBS_EXPORT))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    regels = [json.loads(r) for r in response.text.splitlines()]
    assert int(response.headers["x-total-count"]) == len(regels)
    return regels


class TestCbsExport:
    async def test_courses_with_provider_and_participation(
        self, client: httpx.AsyncClient, tokens: TokenFactory, database: Database
    ) -> None:
        school, werkplein = await aanbieder(database, "Taalschool Noord"), await aanbieder(database, "Werkplein")
        a, b = sorted([uuid.uuid4(), uuid.uuid4()])
        await opdracht(
            database, school, a, "b1-route", {"gerealiseerdeStartdatum": "2026-04-01", "urenAanwezig": 120.5}
        )
        await opdracht(database, werkplein, a, "map", {"gerealiseerdeStartdatum": None}, status="verstrekt")
        await opdracht(
            database, school, b, "pvt",
            {"gerealiseerdeStartdatum": "2026-05-01", "urenAanwezig": 12, "eindresultaat": "behaald"},
            status="afgerond",
        )  # fmt: skip
        await opdracht(database, school, uuid.uuid4(), "pvt", {}, verstrekt=datetime(2027, 2, 1, tzinfo=UTC))
        await opdracht(database, await aanbieder(database, "Elders", "0599"), uuid.uuid4(), "pvt", {}, gemeente="0599")

        regels = await export(client, tokens)

        assert [r["inburgeraarId"] for r in regels] == [str(a), str(b)]
        assert regels[0]["cursussen"] == [
            {"soort": "b1-route", "aanbieder": "Taalschool Noord", "status": "gestart", "deelname": True,
             "startdatum": "2026-04-01", "urenAanwezig": 120.5, "resultaat": None, "niveauBereikt": None},
            {"soort": "map", "aanbieder": "Werkplein", "status": "verstrekt", "deelname": False, "startdatum": None,
             "urenAanwezig": 0, "resultaat": None, "niveauBereikt": None},
        ]  # fmt: skip
        assert regels[1]["cursussen"][0]["resultaat"] == "behaald"

    async def test_logged_and_refused_without_the_scope(
        self, client: httpx.AsyncClient, tokens: TokenFactory, database: Database
    ) -> None:
        await export(client, tokens)
        async with database.engine.connect() as conn:
            grondslag = (
                await conn.execute(
                    text("SELECT grondslag FROM verwerking WHERE object_type = 'cbs-export' AND betrokkene IS NULL")
                )
            ).scalar_one()
        assert "art. 35 lid 4" in grondslag
        response = await client.get(
            "/api/v1/cbs-export", params=PERIODE, headers=tokens.headers(*scopes.ROLLEN["klantregisseur"])
        )
        assert response.status_code == 403
