"""The ketenuitwisseling application: the notification endpoint, the work lists and overviews, and the four
consumers that turn the owning contexts' events into reports. The worker (fetching facts, delivering reports) is its
own process: `python -m ketenuitwisseling keten-worker`."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import replace
from typing import Any

from fastapi import FastAPI

from inburgering_kit.app import ServiceDefinition
from inburgering_kit.app import create_app as create_service_app
from inburgering_kit.consumer import EventConsumer
from ketenuitwisseling.api import cbs, notificaties, overdrachten, rapportages
from ketenuitwisseling.domain.cbs import schema as cbs_schema
from ketenuitwisseling.domain.overdracht import schema as overdracht_schema
from ketenuitwisseling.services import overdracht, rapporteren
from ketenuitwisseling.settings import Settings

DEFINITION = ServiceDefinition(
    name="ketenuitwisseling",
    title="Ketenuitwisseling API",
    description=(
        "De uitwisseling van de gemeente met DUO en het COA (plateau 3, melden en ophalen): notificaties van de "
        "partners, het ophalen van het feit en het doorgeven aan de context die het bezit; de gegevenslevering aan "
        "DUO (items a–s, Wi art. 35 lid 3, Besluit art. 9.3, 9.5, 9.6) met werklijst van afwijzingen; per persoon "
        "en per gemeente wat is ontvangen en gerapporteerd. Bewaart alleen het verslag van de uitwisseling, nooit "
        "het dossier van de persoon."
    ),
    version="1.0.0",
    routers=[notificaties.router, rapportages.router, cbs.router, overdrachten.router],
)


def extra_contracts() -> dict[str, Any]:
    """The JSON Schemas of a line of the CBS delivery and of a move's dossier bundle, published under
    `contracts/ketenuitwisseling/`."""
    return {"cbs/levering.schema.json": cbs_schema(), "overdracht/dossier.schema.json": overdracht_schema()}


_HANDLERS = {
    **{durable: (subject, rapporteren.verwerk) for durable, subject in rapporteren.CONSUMERS.items()},
    overdracht.CONSUMER[0]: (overdracht.CONSUMER[1], overdracht.verhuizing_aangemeld),
}


def consumers(app: FastAPI, settings: Settings) -> list[EventConsumer]:
    return [
        EventConsumer(
            app.state.database,
            settings.nats_url,
            durable=durable,
            filter_subject=filter_subject,
            handler=handler,
            stream=settings.stream_name,
            oin=settings.oin,
        )
        for durable, (filter_subject, handler) in _HANDLERS.items()
    ]


def _consumer(settings: Settings, index: int) -> Callable[[FastAPI, asyncio.Event], Coroutine[Any, Any, None]]:
    async def run(app: FastAPI, stop: asyncio.Event) -> None:
        await consumers(app, settings)[index].run(stop)

    return run


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    background = [_consumer(settings, i) for i in range(len(_HANDLERS))]
    return create_service_app(replace(DEFINITION, background=background), settings)
