"""The COA stand-in's application: its API and, beside it, the delivery of its notifications."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import replace
from typing import Any

from fastapi import FastAPI

from coa_standin.api import beheer, feiten
from coa_standin.services.feiten import BRON
from coa_standin.services.meldingen import Bezorger
from coa_standin.settings import Settings
from inburgering_kit.app import ServiceDefinition
from inburgering_kit.app import create_app as create_service_app
from inburgering_kit.keten import DevTokenSource, StaticTokenSource, TokenSource, partner_client
from inburgering_kit.worker import supervise

DEFINITION = ServiceDefinition(
    name="coa-standin",
    title="COA stand-in",
    description=(
        "Een stand-in voor COA als ketenpartner van de gemeente (Wet inburgering 2021, plateau 3). COA koppelt "
        "statushouders aan een gemeente (met of nog zonder BSN) en houdt hun klantprofiel bij (TVS), dat in de tijd "
        "verandert. Volgens 'melden, dan ophalen' meldt het de geabonneerde gemeente elk nieuw feit (een id en een "
        "soort, niets persoonlijks) en haalt de gemeente het feit hier op. Met beheer-endpoints speelt een test of "
        "demo COA's kant en zet storingen aan."
    ),
    version="1.0.0",
    routers=[feiten.router, beheer.router],
)


def token_bron(settings: Settings) -> Callable[[str], TokenSource]:
    """Per subscribing gemeente, where the token of a notification comes from: a fixed one, or minted with the
    development key (production: an identity provider's client credentials, not built here)."""
    if settings.melding_token is not None:
        vast = StaticTokenSource(settings.melding_token.get_secret_value())
        return lambda _gemeente: vast
    if settings.melding_sleutel_bestand is None:
        raise ValueError("stel melding_token of melding_sleutel_bestand in")
    sleutel = settings.melding_sleutel_bestand.read_bytes()
    bronnen: dict[str, TokenSource] = {}

    def bron(gemeente: str) -> TokenSource:
        if gemeente not in bronnen:
            bronnen[gemeente] = DevTokenSource(
                sleutel,
                issuer=settings.melding_issuer,
                audience=settings.melding_audience,
                client_id=settings.melding_client_id,
                scopes=[settings.melding_scope],
                gemeente_code=gemeente,
            )
        return bronnen[gemeente]

    return bron


def _bezorging(settings: Settings) -> Callable[[FastAPI, asyncio.Event], Coroutine[Any, Any, None]]:
    async def run(app: FastAPI, stop: asyncio.Event) -> None:
        tokens = token_bron(settings)
        async with partner_client(settings.mtls, base_url="", timeout=settings.melding_timeout_seconden) as client:
            bezorger = Bezorger(
                app.state.database,
                client,
                tokens,
                bron=BRON,
                batch=settings.melding_batch,
                backoff_basis=settings.melding_backoff_basis_seconden,
                backoff_max=settings.melding_backoff_max_seconden,
                traag_seconden=settings.traag_seconden,
            )
            await supervise("coa-meldingen", bezorger.ronde, stop, interval=settings.melding_interval_seconden)

    return run


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(replace(DEFINITION, background=[_bezorging(settings)]), settings)
