from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from handhaving_api.scopes import ROLLEN
from handhaving_api.settings import Settings
from inburgering_kit.db import Database
from inburgering_kit.testing.events import StandIn
from inburgering_kit.testing.plugin import TokenFactory
from inburgering_kit.testing.service import isolation

OIN = "00000001002564440000"

_isolated = isolation()


class InburgeraarApi(StandIn):
    source = f"urn:nld:oin:{OIN}:systeem:inburgeraar-api"
    context = "inburgeraar"


class PipApi(StandIn):
    source = f"urn:nld:oin:{OIN}:systeem:pip-api"
    context = "pip"


class AanbiederApi(StandIn):
    source = f"urn:nld:oin:{OIN}:systeem:aanbieder-api"
    context = "aanbieder"


@pytest.fixture
def inburgeraar_api(settings: Settings, database: Database) -> InburgeraarApi:
    return InburgeraarApi(settings, database)


@pytest.fixture
def pip_api(settings: Settings, database: Database) -> PipApi:
    return PipApi(settings, database)


@pytest.fixture
def aanbieder_api(settings: Settings, database: Database) -> AanbiederApi:
    return AanbiederApi(settings, database)


@pytest.fixture
def auth(tokens: TokenFactory) -> dict[str, str]:
    return tokens.headers(*ROLLEN["klantregisseur"])


async def zet_feiten(
    database: Database,
    inburgeraar_id: uuid.UUID,
    *,
    doelgroep: str = "asielmigrant",
    pip_vastgesteld: date | None = date(2026, 1, 5),
    plicht_einde: date | None = None,
    gemeente: str = "0363",
) -> None:
    """The projection as the consumers would have built it (their own tests cover the events)."""
    async with database.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO inburgeraar_feit (inburgeraar_id, gemeente_code, doelgroep, pip_id, pip_vastgesteld_datum,"
                " plicht_einde_datum) VALUES (:i, :g, :d, :p, :v, :e)"
            ),
            {
                "i": inburgeraar_id,
                "g": gemeente,
                "d": doelgroep,
                "p": uuid.uuid4() if pip_vastgesteld else None,
                "v": pip_vastgesteld,
                "e": plicht_einde,
            },
        )


@dataclass
class Procedure:
    """Walks the procedure through the API, asserting each step succeeds unless told otherwise."""

    client: httpx.AsyncClient
    auth: dict[str, str]

    async def kandidaat(
        self, inburgeraar_id: uuid.UUID, soort: str = "pip-pvt", van: str = "2026-02-02", tot: str | None = None
    ) -> dict[str, Any]:
        body = {"inburgeraarId": str(inburgeraar_id), "soort": soort, "gedragingVan": van, "omschrijving": "niet op"}
        if tot:
            body["gedragingTot"] = tot
        response = await self.client.post("/api/v1/overtredingen", json=body, headers=self.auth)
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def stap(self, overtreding_id: str, handeling: str, body: dict[str, Any]) -> httpx.Response:
        return await self.client.post(
            f"/api/v1/overtredingen/{overtreding_id}/_{handeling}", json=body, headers=self.auth
        )

    async def voorgenomen(self, inburgeraar_id: uuid.UUID, soort: str = "pip-pvt", **kandidaat: str) -> dict[str, Any]:
        overtreding = await self.kandidaat(inburgeraar_id, soort, **kandidaat)
        response = await self.stap(overtreding["id"], "waarschuwen", {"datum": "2026-02-10"})
        assert response.status_code == 200, response.text
        response = await self.stap(overtreding["id"], "voornemen", {"datum": "2026-03-01"})
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def beboet(self, overtreding_id: str, **extra: Any) -> httpx.Response:
        body = {"datum": "2026-03-16", "verzenddatum": "2026-03-16", **extra}
        return await self.stap(overtreding_id, "beboeten", body)

    async def boete(self, inburgeraar_id: uuid.UUID, soort: str = "pip-pvt", **extra: Any) -> dict[str, Any]:
        overtreding = await self.voorgenomen(inburgeraar_id, soort)
        response = await self.beboet(overtreding["id"], **extra)
        assert response.status_code == 201, response.text
        return dict(response.json())


@pytest.fixture
def procedure(client: httpx.AsyncClient, auth: dict[str, str]) -> Procedure:
    return Procedure(client, auth)
