from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import text

from inburgering_kit.db import Database
from inburgering_kit.testing.events import StandIn
from inburgering_kit.testing.plugin import TokenFactory
from inburgering_kit.testing.service import isolation
from inburgering_kit.testing.waiting import eventually
from pip_api.scopes import ROLLEN
from pip_api.settings import Settings

INBURGERAAR_SOURCE = "urn:nld:oin:00000001234567890000:systeem:inburgeraar-api"


_isolated = isolation()


class InburgeraarApi(StandIn):
    """Stands in for inburgeraar-api."""

    source = INBURGERAAR_SOURCE
    context = "inburgeraar"

    async def registreer(
        self,
        *,
        doelgroep: str = "asielmigrant",
        brp: date | None = date(2026, 3, 2),
        gemeente: str = "0363",
        wacht: bool = True,
    ) -> uuid.UUID:
        inburgeraar_id = uuid.uuid4()
        await self.publish(
            "inburgeraar-geregistreerd",
            inburgeraar_id,
            {
                "inburgeraarId": str(inburgeraar_id),
                "doelgroep": doelgroep,
                "nareiziger": False,
                "status": "geregistreerd",
                "datumKoppeling": "2026-02-01",
                "datumInschrijvingBrp": brp.isoformat() if brp else None,
            },
            gemeente,
        )
        if wacht:
            await self.wacht_op(inburgeraar_id)
        return inburgeraar_id

    async def feit(self, inburgeraar_id: uuid.UUID) -> dict[str, Any] | None:
        async with self.database.engine.connect() as conn:
            row = (
                (
                    await conn.execute(
                        text("SELECT * FROM inburgeraar_feit WHERE inburgeraar_id = :i"), {"i": inburgeraar_id}
                    )
                )
                .mappings()
                .first()
            )
        return dict(row) if row else None

    async def wacht_op(self, inburgeraar_id: uuid.UUID, check: Callable[[dict[str, Any]], bool] = bool) -> None:
        async def klaar() -> bool:
            feit = await self.feit(inburgeraar_id)
            return feit is not None and check(feit)

        await eventually(klaar, what=f"projectie van {inburgeraar_id}")


@pytest.fixture
def inburgeraar_api(settings: Settings, database: Database) -> InburgeraarApi:
    return InburgeraarApi(settings, database)


@pytest.fixture
def auth(tokens: TokenFactory) -> dict[str, str]:
    return tokens.headers(*ROLLEN["klantregisseur"])
