from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import nats
import pytest
from sqlalchemy import text

from inburgering_kit.db import Database
from inburgering_kit.events import CloudEvent
from inburgering_kit.outbox import ensure_stream
from inburgering_kit.testing.plugin import TokenFactory
from inburgering_kit.testing.service import isolation
from inburgering_kit.testing.waiting import eventually
from pip_api.scopes import ROLLEN
from pip_api.settings import Settings

INBURGERAAR_SOURCE = "urn:nld:oin:00000001234567890000:systeem:inburgeraar-api"


_isolated = isolation()


class InburgeraarApi:
    """Stands in for inburgeraar-api: publishes its CloudEvents to JetStream, with `Nats-Msg-Id` like its relay."""

    def __init__(self, settings: Settings, database: Database) -> None:
        self.settings = settings
        self.database = database

    async def publish(self, type_: str, subject: uuid.UUID, data: dict[str, Any], gemeente: str = "0363") -> str:
        event = CloudEvent(
            id=str(uuid.uuid4()),
            source=INBURGERAAR_SOURCE,
            type=f"nl.inburgering.inburgeraar.{type_}",
            time=datetime.now(UTC),
            subject=str(subject),
            gemeentecode=gemeente,
            data=data,
        )
        nc = await nats.connect(self.settings.nats_url)
        try:
            js = nc.jetstream()
            await ensure_stream(js, self.settings.stream_name)
            await js.publish(event.type, event.model_dump_json().encode(), headers={"Nats-Msg-Id": event.id})
        finally:
            await nc.close()
        return event.id

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
