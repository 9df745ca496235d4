from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request, Response

from coa_standin import scopes
from inburgering_kit.testing.live import live_server
from inburgering_kit.testing.plugin import TokenFactory
from inburgering_kit.testing.service import isolation

_isolated = isolation()

BSN = "999990007"
ANDER_BSN = "999990019"


@dataclass
class Ontvanger:
    """A gemeente's exchange as small as it gets: records every notification and answers `status`."""

    url: str = ""
    status: int = 202
    meldingen: list[dict[str, Any]] = field(default_factory=list)
    autorisaties: list[str | None] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ontvangen(self) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.meldingen)


@pytest.fixture(scope="session")
def _ontvanger_server() -> Iterator[Ontvanger]:
    ontvanger = Ontvanger()
    app = FastAPI()

    @app.post("/meldingen")
    async def meld(request: Request) -> Response:
        body = await request.json()
        with ontvanger.lock:
            if ontvanger.status == 202:
                ontvanger.meldingen.append(body)
                ontvanger.autorisaties.append(request.headers.get("authorization"))
        return Response(status_code=ontvanger.status)

    with live_server(app) as url:
        ontvanger.url = f"{url}/meldingen"
        yield ontvanger


@pytest.fixture
def ontvanger(_ontvanger_server: Ontvanger) -> Iterator[Ontvanger]:
    _ontvanger_server.status = 202
    with _ontvanger_server.lock:
        _ontvanger_server.meldingen.clear()
        _ontvanger_server.autorisaties.clear()
    yield _ontvanger_server
    _ontvanger_server.status = 202


@pytest.fixture
def keten(tokens: TokenFactory) -> dict[str, str]:
    return tokens.headers(scopes.KETEN, client_id="ketenuitwisseling")


@pytest.fixture
def keten_0599(tokens: TokenFactory) -> dict[str, str]:
    return tokens.headers(scopes.KETEN, client_id="ketenuitwisseling", gemeente="0599")


@pytest.fixture
def beheer(tokens: TokenFactory) -> dict[str, str]:
    return tokens.headers(scopes.BEHEER, gemeente=None)


async def abonneer(client: httpx.AsyncClient, keten: dict[str, str], url: str, gemeente: str = "0363") -> None:
    response = await client.put(f"/api/v1/abonnementen/{gemeente}", json={"callbackUrl": url}, headers=keten)
    assert response.status_code == 200, response.text


async def speel(
    client: httpx.AsyncClient,
    beheer: dict[str, str],
    soort: str,
    gegevens: dict[str, Any],
    *,
    gemeente: str = "0363",
    bsn: str | None = None,
    coa_id: str | None = None,
    status: int = 201,
) -> dict[str, Any]:
    persoon = {k: v for k, v in {"bsn": bsn, "coaId": coa_id}.items() if v is not None}
    body = {"soort": soort, "gemeentecode": gemeente, "persoon": persoon, "gegevens": gegevens}
    response = await client.post("/api/v1/beheer/feiten", json=body, headers=beheer)
    assert response.status_code == status, response.text
    return dict(response.json())


async def storing(client: httpx.AsyncClient, beheer: dict[str, str], modus: str = "normaal", **extra: bool) -> None:
    response = await client.put("/api/v1/beheer/storingen", json={"modus": modus, **extra}, headers=beheer)
    assert response.status_code == 200, response.text


KOPPELING = {"datumKoppeling": "2026-01-10", "doelgroep": "asielmigrant"}
PROFIEL = {
    "contactgegevens": {"telefoon": "+31 6 12345678", "email": "a@example.org"},
    "voorinburgering": {"toestemming": True, "nt2Spreken": "A1", "introductiemodules": ["werk"], "afgerond": False},
    "taalvaardigheid": "A1",
    "opleiding": "mbo 2",
    "trainingen": ["veiligheid"],
    "contactUaf": True,
    "diplomawaardering": {"aangevraagd": True, "start": "2026-02-01"},
    "cvGemaakt": False,
    "werkervaring": "lasser",
    "zelfwerkzaamheid": "zelfstandig",
    "competenties": "samenwerken",
    "computervaardigheden": "basis",
    "ambities": "eigen bedrijf",
    "coaContactpersoon": "J. de Vries",
}
