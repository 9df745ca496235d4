"""The full flow: inburgeraar-api's event → projection → PIP vastgesteld → pip events seen by a consumer."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import httpx
import nats
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from inburgering_kit.consumer import EventConsumer
from inburgering_kit.db import Database
from inburgering_kit.events import CloudEvent
from inburgering_kit.outbox import OutboxRelay
from pip_api.settings import Settings

if TYPE_CHECKING:
    from conftest import InburgeraarApi


DURABLE = "test-pip-ontvanger"


class Ontvanger:
    def __init__(self) -> None:
        self.events: list[CloudEvent] = []
        self._nieuw = asyncio.Condition()

    async def handler(self, session: AsyncSession, event: CloudEvent) -> None:
        async with self._nieuw:
            self.events.append(event)
            self._nieuw.notify_all()

    async def wacht_op(self, aantal: int, within: float = 15.0) -> list[CloudEvent]:
        async with asyncio.timeout(within), self._nieuw:
            await self._nieuw.wait_for(lambda: len(self.events) >= aantal)
        return self.events


@pytest.fixture
async def ontvanger(database: Database, settings: Settings) -> AsyncIterator[Ontvanger]:
    """A relay publishing this service's outbox, and a durable consumer of `nl.inburgering.pip.>`."""
    nc = await nats.connect(settings.nats_url)
    with contextlib.suppress(nats.js.errors.NotFoundError):
        await nc.jetstream().delete_consumer(settings.stream_name, DURABLE)
    await nc.close()
    ontvanger = Ontvanger()

    stop = asyncio.Event()
    relay = OutboxRelay(database, settings.nats_url, stream=settings.stream_name)
    consumer = EventConsumer(
        database,
        settings.nats_url,
        durable=DURABLE,
        filter_subject="nl.inburgering.pip.>",
        handler=ontvanger.handler,
        stream=settings.stream_name,
    )
    tasks = [asyncio.create_task(relay.run(stop)), asyncio.create_task(consumer.run(stop))]
    try:
        yield ontvanger
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), timeout=10)


class TestEventDelivery:
    async def test_registratie_tot_pip_vastgesteld_event(
        self,
        client: httpx.AsyncClient,
        auth: dict[str, str],
        inburgeraar_api: InburgeraarApi,
        ontvanger: Ontvanger,
    ) -> None:
        inburgeraar_id = await inburgeraar_api.registreer()
        body = {"inburgeraarId": str(inburgeraar_id), "leerroute": "b1", "taalniveau": "B1"}
        pip = (await client.post("/api/v1/pips", json=body, headers=auth)).json()
        dates = {"dagtekening": "2026-05-04", "verzenddatum": "2026-05-04", "ingangsdatum": "2026-05-04"}
        response = await client.post(f"/api/v1/pips/{pip['id']}/_vaststellen", json=dates, headers=auth)
        assert response.status_code == 200, response.text
        wijziging = {**dates, "reden": "niveau", "wijzigingen": {"taalniveau": "A2"}}
        response = await client.post(f"/api/v1/pips/{pip['id']}/_wijzigen", json=wijziging, headers=auth)
        assert response.status_code == 200, response.text

        ontvangen = await ontvanger.wacht_op(4)
        assert [e.type for e in ontvangen] == [
            "nl.inburgering.pip.pip-opgesteld",
            "nl.inburgering.pip.pip-vastgesteld",
            "nl.inburgering.pip.pip-gewijzigd",
            "nl.inburgering.pip.leerroute-gewijzigd",
        ]
        assert ontvangen[0].data == {
            "pipId": pip["id"],
            "inburgeraarId": str(inburgeraar_id),
            "leerroute": "b1",
            "taalniveau": "B1",
        }
        vastgesteld = ontvangen[1]
        assert vastgesteld.subject == pip["id"]
        assert vastgesteld.gemeentecode == "0363"
        assert vastgesteld.dataref is not None
        assert vastgesteld.dataref.endswith(f"/api/v1/pips/{pip['id']}/versies/1")
        assert vastgesteld.data == {
            "pipId": pip["id"],
            "inburgeraarId": str(inburgeraar_id),
            "versie": 1,
            "leerroute": "b1",
            "taalniveau": "B1",
            "routeverplichting": "verplichting",
            "dagtekening": "2026-05-04",
            "ingangsdatum": "2026-05-04",
        }
        assert ontvangen[2].data["gewijzigdeVelden"] == ["taalniveau"]
