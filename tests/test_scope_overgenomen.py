"""The history a person brings on a move (the dossier transfer, Besluit inburgering 2021 art. 9.4 lid 4) is read by
whoever follows that person at the new gemeente, never by the chain exchange that carried it: the exchange writes each
context's import (`dossier:importeren`) and reads nothing of it back. Every token the exchange mints — one per purpose
from its own map (`werker.SCOPES_PER_DOEL`), its CBS token, all of them together, and the development role
`ketenuitwisseling` of `make token` — gets 403 problem+json on each route of the four contexts that shows imported
history; the klantregisseur gets 200.

The routes are found in the apps' own OpenAPI (a GET whose path says `overgenomen` or `geimporteerd`), so a route
added later is covered without a word here.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from aanbieder_api import scopes as aanbieder_scopes
from aanbieder_api.main import create_app as create_aanbieder_app
from aanbieder_api.settings import Settings as AanbiederSettings
from handhaving_api import scopes as handhaving_scopes
from handhaving_api.main import create_app as create_handhaving_app
from handhaving_api.settings import Settings as HandhavingSettings
from inburgeraar_api import scopes as inburgeraar_scopes
from inburgeraar_api.main import create_app as create_inburgeraar_app
from inburgeraar_api.settings import Settings as InburgeraarSettings
from inburgering_kit.overdracht import SCOPE_DOSSIER_IMPORTEREN
from inburgering_kit.testing.infra import Infra
from inburgering_kit.testing.keten import dienst_instellingen
from inburgering_kit.testing.plugin import TokenFactory
from inburgering_kit.testing.service import Running
from ketenuitwisseling import scopes as keten_scopes
from ketenuitwisseling.services.partners import Doel
from ketenuitwisseling.services.werker import SCOPES_PER_DOEL
from pip_api import scopes as pip_scopes
from pip_api.main import create_app as create_pip_app
from pip_api.settings import Settings as PipSettings

ROOT = Path(__file__).resolve().parents[1]
GEMEENTE = "0599"
STREAM = "INBURGERING_SCOPE_OVERGENOMEN"
ROLLEN = {
    "inburgeraar": inburgeraar_scopes.ROLLEN,
    "pip": pip_scopes.ROLLEN,
    "aanbieder": aanbieder_scopes.ROLLEN,
    "handhaving": handhaving_scopes.ROLLEN,
}

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def instellingen(
    infra: Infra, nats_url: str, tokens: TokenFactory, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """Each context's settings, its database migrated (outside the event loop, as the migrations run their own)."""

    def gemeen(service: str) -> dict[str, Any]:
        return dienst_instellingen(
            infra, tokens, ROOT, service, database="test_scope_overgenomen", nats_url=nats_url, stream_name=STREAM
        )

    return {
        "inburgeraar": InburgeraarSettings(**gemeen("inburgeraar-api")),
        "pip": PipSettings(**gemeen("pip-api")),
        "aanbieder": AanbiederSettings(**gemeen("aanbieder-api"), upload_dir=tmp_path_factory.mktemp("aanleveringen")),
        "handhaving": HandhavingSettings(**gemeen("handhaving-api")),
    }


@pytest.fixture(scope="module")
async def apps(instellingen: dict[str, Any]) -> AsyncIterator[dict[str, Running]]:
    maak: dict[str, Callable[[Any], FastAPI]] = {
        "inburgeraar": create_inburgeraar_app,
        "pip": create_pip_app,
        "aanbieder": create_aanbieder_app,
        "handhaving": create_handhaving_app,
    }
    gestart: dict[str, Running] = {}
    try:
        for naam, create_app in maak.items():
            gestart[naam] = await Running(create_app(instellingen[naam])).start()
        yield gestart
    finally:
        for app in reversed(gestart.values()):
            await app.stop()


def _geschiedenis(app: FastAPI) -> list[str]:
    """The GET routes of an app that show imported history, from its own OpenAPI."""
    paden = app.openapi()["paths"]
    return sorted(p for p, ops in paden.items() if "get" in ops and ("overgenomen" in p or "geimporteerd" in p))


def _url(pad: str, inburgeraar_id: str) -> str:
    # A path parameter, or (pip-api's list) the query parameter of the same name.
    if "{inburgeraarId}" in pad:
        return "/api/v1" + pad.replace("{inburgeraarId}", inburgeraar_id)
    return f"/api/v1{pad}?inburgeraarId={inburgeraar_id}"


def _ketentokens(tokens: TokenFactory) -> dict[str, str]:
    """Every token the exchange carries towards the contexts, as its identity provider would issue them."""
    per_doel = {str(doel): tuple(SCOPES_PER_DOEL[doel]) for doel in Doel}
    alle = sorted({s for scopes in (*per_doel.values(), keten_scopes.NAAR_CBS_BRONNEN) for s in scopes})
    mint = {**per_doel, "cbs": tuple(keten_scopes.NAAR_CBS_BRONNEN), "alle doelen samen": tuple(alle)}
    return {naam: tokens(*s, gemeente=GEMEENTE, client_id="ketenuitwisseling", user=None) for naam, s in mint.items()}


async def _persoon(apps: dict[str, Running], tokens: TokenFactory) -> str:
    """A person of the gemeente at inburgeraar-api (whose history route answers 404 for anyone else)."""
    response = await apps["inburgeraar"].client.post(
        "/api/v1/inburgeraars",
        json={"bsn": "999993689", "doelgroep": "asielmigrant", "datumKoppeling": "2026-03-01"},
        headers={
            **tokens.headers(*inburgeraar_scopes.ROLLEN["klantregisseur"], gemeente=GEMEENTE),
            "Idempotency-Key": str(uuid.uuid4()),
        },
    )
    assert response.status_code in (200, 201), response.text
    return str(response.json()["id"])


async def test_the_exchange_writes_the_import_but_reads_no_history_back(
    apps: dict[str, Running], tokens: TokenFactory
) -> None:
    # What it may do: take each context's part in.
    assert SCOPE_DOSSIER_IMPORTEREN in SCOPES_PER_DOEL[Doel.OVERDRACHT]
    inburgeraar_id = await _persoon(apps, tokens)
    ketentokens = _ketentokens(tokens)
    gevonden = {}
    for naam, running in apps.items():
        gevonden[naam] = _geschiedenis(running.app)
        assert gevonden[naam], f"{naam}: no route of imported history found in its OpenAPI"
        rol = {**ketentokens, "rol ketenuitwisseling": tokens(*ROLLEN[naam]["ketenuitwisseling"], gemeente=GEMEENTE)}
        regisseur = tokens.headers(*ROLLEN[naam]["klantregisseur"], gemeente=GEMEENTE)
        for pad in gevonden[naam]:
            url = _url(pad, inburgeraar_id)
            for doel, token in rol.items():
                response = await running.client.get(url, headers={"Authorization": f"Bearer {token}"})
                assert response.status_code == 403, (naam, pad, doel, response.status_code, response.text)
                assert response.headers["content-type"].startswith("application/problem+json"), (naam, pad, doel)
            response = await running.client.get(url, headers=regisseur)
            assert response.status_code == 200, (naam, pad, response.text)
    # The four the issue names, at least.
    assert gevonden == {
        "inburgeraar": ["/inburgeraars/{inburgeraarId}/overgenomen-dossiers"],
        "pip": ["/geimporteerde-pips"],
        "aanbieder": ["/inburgeraars/{inburgeraarId}/overgenomen-voortgang"],
        "handhaving": ["/inburgeraars/{inburgeraarId}/overgenomen-handhaving"],
    }
