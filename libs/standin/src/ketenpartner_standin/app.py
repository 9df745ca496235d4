"""A stand-in's application: its API, and beside it the delivery of its notifications."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import replace
from typing import Any

from fastapi import FastAPI

from inburgering_kit.app import ServiceDefinition
from inburgering_kit.app import create_app as create_service_app
from inburgering_kit.keten import partner_client
from inburgering_kit.worker import supervise
from ketenpartner_standin.repository import Opslag
from ketenpartner_standin.services import Bezorger, token_bron
from ketenpartner_standin.settings import StandinSettings


def bezorging(
    settings: StandinSettings, opslag: Opslag, bron: str
) -> Callable[[FastAPI, asyncio.Event], Coroutine[Any, Any, None]]:
    async def run(app: FastAPI, stop: asyncio.Event) -> None:
        tokens = token_bron(settings)
        async with partner_client(settings.mtls, base_url="", timeout=settings.melding_timeout_seconden) as client:
            bezorger = Bezorger(
                app.state.database,
                opslag,
                client,
                tokens,
                bron=bron,
                batch=settings.melding_batch,
                backoff_basis=settings.melding_backoff_basis_seconden,
                backoff_max=settings.melding_backoff_max_seconden,
                traag_seconden=settings.traag_seconden,
            )
            await supervise(f"{bron}-meldingen", bezorger.ronde, stop, interval=settings.melding_interval_seconden)

    return run


def create_standin_app(definition: ServiceDefinition, settings: StandinSettings, opslag: Opslag, bron: str) -> FastAPI:
    return create_service_app(replace(definition, background=[bezorging(settings, opslag, bron)]), settings)
