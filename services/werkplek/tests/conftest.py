"""The werkplek against stand-in APIs (`Nep`): answers per path, and an API that is down or slow on demand. The
werkplek has no database, so none of the kit's service fixtures apply; its token checks use the session's test
key (`tokens`), as the services' do."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from inburgering_kit.auth import AuthSettings
from inburgering_kit.testing.plugin import TEST_AUDIENCE, TEST_ISSUER, TokenFactory
from werkplek.main import create_app
from werkplek.settings import Ontwikkelaanmelding, Settings

ROLLEN = {
    "klantregisseur": [
        "inburgeraar:lezen",
        "plicht:lezen",
        "intake:lezen",
        "intake:schrijven",
        "pip:lezen",
        "pip:schrijven",
        "pip:overzicht",
        "signalen:lezen",
        "signalen:afhandelen",
        "opdrachten:lezen",
        "opdrachten:beheren",
        "handhaving:lezen",
    ],
    "specialist-werk": ["intake:lezen", "pip:lezen"],
    "privacy-officer": ["verwerkingen:lezen"],
}

Antwoorder = Callable[[httpx.Request], httpx.Response | None]


class Nep:
    """One stand-in API: routes by method and path pattern; `plat` makes it refuse every call with a 503,
    `traag` makes it answer after the werkplek's timeout."""

    def __init__(self, naam: str) -> None:
        self.naam = naam
        self.routes: list[tuple[str, re.Pattern[str], Any]] = []
        self.plat = False
        self.traag = False
        self.verzoeken: list[httpx.Request] = []

    def op(self, methode: str, pad: str, antwoord: Any, status: int = 200) -> None:
        patroon = re.compile("^/api/v1" + re.sub(r"\{[^}]+\}", "[^/]+", pad) + "$")
        self.routes.insert(0, (methode, patroon, (antwoord, status)))

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.verzoeken.append(request)
        if self.traag:
            await asyncio.sleep(5)
        if self.plat:
            return httpx.Response(
                503, json={"title": "weg", "status": 503}, headers={"content-type": "application/problem+json"}
            )
        for methode, patroon, (antwoord, status) in self.routes:
            if methode == request.method and patroon.match(request.url.path):
                body = antwoord(request) if callable(antwoord) else antwoord
                soort = "application/problem+json" if status >= 400 else "application/json"
                return httpx.Response(status, content=json.dumps(body), headers={"content-type": soort})
        return httpx.Response(
            404, json={"title": "niet gevonden", "status": 404}, headers={"content-type": "application/problem+json"}
        )


@pytest.fixture
def nep() -> dict[str, Nep]:
    return {naam: Nep(naam) for naam in ("inburgeraar", "pip", "aanbieder", "handhaving")}


def werkplek_settings(tokens: TokenFactory, **extra: Any) -> Settings:
    return Settings(
        environment="test",
        auth=AuthSettings(issuers=[TEST_ISSUER], audience=TEST_AUDIENCE, public_key_file=tokens.public_key),
        ontwikkelaanmelding=Ontwikkelaanmelding(
            private_key_file=Path(tokens.private_key), issuer=TEST_ISSUER, audience=TEST_AUDIENCE, rollen=ROLLEN
        ),
        bron_timeout_seconden=0.5,
        **extra,
    )


@pytest.fixture
async def werkplek(tokens: TokenFactory, nep: dict[str, Nep]) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(werkplek_settings(tokens), {k: httpx.MockTransport(v.handle) for k, v in nep.items()})
    # https: outside development the session cookie is Secure, and a client sends it back over https only.
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://werkplek.test")
    async with app.router.lifespan_context(app), client:
        yield client
