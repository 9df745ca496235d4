"""The pip-api application."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import replace
from typing import Any

from fastapi import FastAPI

from inburgering_kit.app import Link, ServiceDefinition
from inburgering_kit.app import create_app as create_service_app
from inburgering_kit.consumer import EventConsumer
from inburgering_kit.context import ContextSource
from inburgering_kit.privacy import inzage_router
from inburgering_kit.retentie import einde_plicht_achtergrond
from pip_api.api import cbs, overdracht, pips, uitkomsten, voortgangsgesprekken
from pip_api.api import monitoring as monitoring_api
from pip_api.api import signalen as signalen_api
from pip_api.services import aanbiedervoortgang, projectie, retentie
from pip_api.settings import Settings

# What a client (and the stateful contract test) can do next with a PIP, a vastgesteld PIP or a planned gesprek.
_PIP = {"pipId": "$response.body#/id"}
LINKS = [
    *(
        Link("pip_create", target, _PIP)
        for target in (
            "pip_read",
            "pip_update",
            "pip_vaststellen",
            "pip_beeindigen",
            "pip_versie_list",
            "pip_voortgang",
            "voortgangsgesprek_create",
            "voortgangsgesprek_list",
        )
    ),
    Link("pip_create", "pip_versie_read", {**_PIP, "versie": "$response.body#/versie"}),
    *(
        Link("pip_vaststellen", target, _PIP, status="200")
        for target in ("pip_beschikking", "pip_wijzigen", "pip_beeindigen", "voortgangsgesprek_create")
    ),
    *(
        Link(
            "voortgangsgesprek_create",
            target,
            {"pipId": "$request.path.pipId", "gesprekId": "$response.body#/id"},
        )
        for target in ("voortgangsgesprek_vastleggen", "voortgangsgesprek_niet_verschenen")
    ),
]

DEFINITION = ServiceDefinition(
    name="pip-api",
    title="PIP API",
    description=(
        "De plancontext van de Wet inburgering 2021: het Persoonlijk Plan Inburgering en Participatie (PIP) als "
        "beschikking (art. 15-17), met leerroute, PVT, MAP, KNM en de termijnen die eruit volgen. Elke wijziging "
        "is een nieuwe versie; elke weigering noemt de regel en haar bron. Geen BSN, geen namen."
    ),
    version="1.0.0",
    routers=[
        pips.router,
        voortgangsgesprekken.router,
        uitkomsten.router,
        signalen_api.router,
        cbs.router,
        monitoring_api.router,
        overdracht.router,
        inzage_router(retentie.SERVICE, retentie.verzamel),
    ],
    links=LINKS,
)


def projectie_consumer(app: FastAPI, settings: Settings) -> EventConsumer:
    return EventConsumer(
        app.state.database,
        settings.nats_url,
        durable=projectie.DURABLE,
        filter_subject=projectie.FILTER_SUBJECT,
        handler=projectie.Projectie(ContextSource.of(app.state)).verwerk,
        stream=settings.stream_name,
    )


def aanbieder_consumer(app: FastAPI, settings: Settings) -> EventConsumer:
    """Provider progress per PIP part (see `services.aanbiedervoortgang`); only aanbieder-api is believed."""
    return aanbiedervoortgang.AanbiederConsumer(
        app.state.database,
        settings.nats_url,
        durable=aanbiedervoortgang.DURABLE,
        filter_subject=aanbiedervoortgang.FILTER_SUBJECT,
        handler=aanbiedervoortgang.verwerk_event,
        stream=settings.stream_name,
    )


def consumers(app: FastAPI, settings: Settings) -> list[EventConsumer]:
    """Every durable consumer of this service: inburgeraar facts and provider progress."""
    return [projectie_consumer(app, settings), aanbieder_consumer(app, settings)]


def _consumer(
    settings: Settings, maak: Callable[[FastAPI, Settings], EventConsumer]
) -> Callable[[FastAPI, asyncio.Event], Coroutine[Any, Any, None]]:
    async def run(app: FastAPI, stop: asyncio.Event) -> None:
        await maak(app, settings).run(stop)

    return run


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    # The projections of inburgeraar facts and provider progress are fed beside the API. The termijn signal job is
    # not: it runs as its own process (`python -m pip_api signalen-job`, deploy/services.toml), like the outbox relay.
    definition = replace(
        DEFINITION,
        background=[
            _consumer(settings, projectie_consumer),
            _consumer(settings, aanbieder_consumer),
            einde_plicht_achtergrond(settings, retentie.DURABLE),
        ],
    )
    return create_service_app(definition, settings)
