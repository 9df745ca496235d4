"""The PIP and signal lists filtered on several inburgeraars at once (a caseload page asks once, not per person):
within the caller's gemeente only, no wider for a specialist than one person at a time, and bounded."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import httpx
import pytest
from fastapi import FastAPI

from inburgering_kit.db import Database
from inburgering_kit.filters import MAX_IDS
from inburgering_kit.testing.plugin import TokenFactory
from pip_api.scopes import ROLLEN
from pip_api.services.signalen import signaleer
from pip_api.settings import Settings

from .test_signalen import DAG, PER_PIP, vastgesteld_pip

if TYPE_CHECKING:
    from .conftest import InburgeraarApi

PIPS = "/api/v1/pips"
SIGNALEN = "/api/v1/signalen"


def ids(*inburgeraars: uuid.UUID) -> httpx.QueryParams:
    return httpx.QueryParams([("inburgeraarId", str(i)) for i in inburgeraars])


async def test_pips_en_signalen_van_meerdere_inburgeraars(
    app: FastAPI,
    client: httpx.AsyncClient,
    auth: dict[str, str],
    tokens: TokenFactory,
    inburgeraar_api: InburgeraarApi,
    settings: Settings,
    database: Database,
) -> None:
    a, b, c = [await inburgeraar_api.registreer() for _ in range(3)]
    pips = {i: await vastgesteld_pip(client, auth, i) for i in (a, b, c)}
    andere = tokens.headers(*ROLLEN["klantregisseur"], gemeente="0599")
    elders = await inburgeraar_api.registreer(gemeente="0599")
    await vastgesteld_pip(client, andere, elders)
    await signaleer(database, app.state.publisher, settings, dag=DAG)

    response = await client.get(PIPS, params=ids(a, b, elders), headers=auth)
    assert response.status_code == 200, response.text
    assert {p["id"] for p in response.json()["resultaten"]} == {pips[a], pips[b]}
    assert all(p["termijnen"] for p in response.json()["resultaten"])
    # The same id twice counts once; another gemeente's token finds none of this gemeente's persons.
    assert (await client.get(PIPS, params=ids(a, a), headers=auth)).json()["totalItems"] == 1
    assert (await client.get(PIPS, params=ids(a, b, c), headers=andere)).json()["totalItems"] == 0

    response = await client.get(SIGNALEN, params=ids(a, b), headers=auth)
    assert response.status_code == 200, response.text
    assert {s["inburgeraarId"] for s in response.json()["resultaten"]} == {str(a), str(b)}
    assert response.json()["totalItems"] == 2 * PER_PIP
    eigen = (await client.get(SIGNALEN, params=ids(c), headers=auth)).json()
    assert (eigen["totalItems"], {s["pipId"] for s in eigen["resultaten"]}) == (PER_PIP, {pips[c]})
    assert (await client.get(SIGNALEN, params=ids(a, b, c), headers=andere)).json()["totalItems"] == 0
    assert (await client.get(SIGNALEN, params=ids(elders), headers=auth)).json()["totalItems"] == 0
    assert (await client.get(SIGNALEN, params=ids(elders), headers=andere)).json()["totalItems"] == PER_PIP


@pytest.mark.parametrize("rol", ["specialist-werk", "specialist-inkomen", "specialist-begeleiding"])
async def test_een_specialist_leest_niet_meer_dan_een_inburgeraar_tegelijk(
    client: httpx.AsyncClient, auth: dict[str, str], tokens: TokenFactory, inburgeraar_api: InburgeraarApi, rol: str
) -> None:
    a, b = [await inburgeraar_api.registreer() for _ in range(2)]
    pip_a = await vastgesteld_pip(client, auth, a)
    await vastgesteld_pip(client, auth, b)
    specialist = tokens.headers(*ROLLEN[rol])
    een = await client.get(PIPS, params=ids(a), headers=specialist)
    assert [p["id"] for p in een.json()["resultaten"]] == [pip_a]
    twee = await client.get(PIPS, params=ids(a, b), headers=specialist)
    assert twee.status_code == 403
    assert twee.headers["content-type"] == "application/problem+json"
    assert 'scope="pip:overzicht"' in twee.headers["WWW-Authenticate"]
    # The signals are the klantregisseur's overview: no filter opens them to a specialist.
    assert (await client.get(SIGNALEN, params=ids(a), headers=specialist)).status_code == 403


async def test_wie_geen_pip_mag_zien_krijgt_ook_met_het_filter_niets(
    client: httpx.AsyncClient, auth: dict[str, str], tokens: TokenFactory, inburgeraar_api: InburgeraarApi
) -> None:
    a = await inburgeraar_api.registreer()
    await vastgesteld_pip(client, auth, a)
    privacy = tokens.headers(*ROLLEN["privacy-officer"])
    for pad in (PIPS, SIGNALEN):
        for params in (ids(a), ids(a, a)):
            response = await client.get(pad, params=params, headers=privacy)
            assert response.status_code == 403, (pad, response.text)


@pytest.mark.parametrize("pad", [PIPS, SIGNALEN])
async def test_te_veel_of_ongeldige_ids_is_een_probleem_dat_het_veld_noemt(
    client: httpx.AsyncClient, auth: dict[str, str], pad: str
) -> None:
    # Too many names the parameter; a bad value names which one (`inburgeraarId.1`).
    te_veel = ids(*(uuid.uuid4() for _ in range(MAX_IDS + 1)))
    for params, naam in ((te_veel, "inburgeraarId"), (ids(uuid.uuid4()).add("inburgeraarId", "x"), "inburgeraarId.1")):
        response = await client.get(pad, params=params, headers=auth)
        assert response.status_code == 400, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert [p["name"] for p in response.json()["invalidParams"]] == [naam]
    assert (await client.get(pad, params=ids(*(uuid.uuid4() for _ in range(MAX_IDS))), headers=auth)).status_code == 200
