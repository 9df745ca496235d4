"""The handhaving-api application."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import replace
from typing import Any

from fastapi import FastAPI

from handhaving_api.api import beleid, boetes, cbs, overdracht, overtredingen
from handhaving_api.api import monitoring as monitoring_api
from handhaving_api.services import projectie, retentie
from handhaving_api.settings import Settings
from inburgering_kit.app import ServiceDefinition
from inburgering_kit.app import create_app as create_service_app
from inburgering_kit.consumer import EventConsumer
from inburgering_kit.privacy import inzage_router
from inburgering_kit.retentie import einde_plicht_achtergrond

DEFINITION = ServiceDefinition(
    name="handhaving-api",
    title="Handhaving API",
    description=(
        "De handhavingscontext van de Wet inburgering 2021: toezicht op de inspanningsverplichting (art. 23) met "
        "waarschuwingen en boetes binnen de wettelijke maxima (€ 250 brede intake, € 800 per PIP-overtreding, € 2.400 "
        "samen), de procedure van de Awb, geen boete naast een Participatiewet-maatregel (art. 27), bezwaar en beroep, "
        "en de boetes van DUO ernaast. Elke weigering noemt de regel en haar bron. Geen BSN, geen namen."
    ),
    version="1.0.0",
    routers=[
        overtredingen.router,
        boetes.router,
        beleid.router,
        cbs.router,
        monitoring_api.router,
        inzage_router(retentie.SERVICE, retentie.verzamel),
        overdracht.router,
    ],
)


def consumers(app: FastAPI, settings: Settings) -> list[EventConsumer]:
    """One durable consumer per source context (see `services.projectie.CONSUMERS`)."""
    verwerking = projectie.Projectie(app.state.publisher, app.state.api_prefix, app.state.verwerkingslog)
    return [
        EventConsumer(
            app.state.database,
            settings.nats_url,
            durable=durable,
            filter_subject=filter_subject,
            handler=verwerking.verwerk,
            stream=settings.stream_name,
            oin=settings.oin,
        )
        for durable, filter_subject in projectie.CONSUMERS.items()
    ]


def _consumer(settings: Settings, index: int) -> Callable[[FastAPI, asyncio.Event], Coroutine[Any, Any, None]]:
    async def run(app: FastAPI, stop: asyncio.Event) -> None:
        await consumers(app, settings)[index].run(stop)

    return run


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    background = [_consumer(settings, i) for i in range(len(projectie.CONSUMERS))]
    background.append(einde_plicht_achtergrond(settings, retentie.DURABLE))
    return create_service_app(replace(DEFINITION, background=background), settings)
