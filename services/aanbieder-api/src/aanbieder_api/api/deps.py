"""Dependencies shared by the routers of this API."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from aanbieder_api import scopes
from aanbieder_api.settings import Settings
from inburgering_kit.context import RequestContext, context
from inburgering_kit.idempotency import Idempotency

AanbiedersBeheren = Annotated[RequestContext, Depends(context(scopes.AANBIEDERS_BEHEREN), scope="function")]
OpdrachtenLezen = Annotated[RequestContext, Depends(context(scopes.OPDRACHTEN_LEZEN), scope="function")]
OpdrachtenBeheren = Annotated[RequestContext, Depends(context(scopes.OPDRACHTEN_BEHEREN), scope="function")]
VoortgangMelden = Annotated[RequestContext, Depends(context(scopes.VOORTGANG_MELDEN), scope="function")]
OvergenomenVoortgangLezen = Annotated[
    RequestContext, Depends(context(scopes.OVERGENOMEN_VOORTGANG_LEZEN), scope="function")
]


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


async def vereiste_idempotency(
    request: Request,
    idempotency_key: Annotated[
        str,
        Header(
            alias="Idempotency-Key",
            pattern=r"^[A-Za-z0-9\-_.:]{8,200}$",
            description="Verplicht: unieke sleutel per bedoeld verzoek. Een herhaling met dezelfde sleutel en inhoud "
            "geeft het eerste antwoord terug; dezelfde sleutel met een andere inhoud is een 422.",
        ),
    ],
) -> Idempotency:
    """Providers' systems push unattended and retry: their writes must say which attempt they repeat."""
    return Idempotency(idempotency_key, request)


VereisteIdempotency = Annotated[Idempotency, Depends(vereiste_idempotency)]
