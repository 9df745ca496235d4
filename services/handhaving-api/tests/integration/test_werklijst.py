"""The work lists, per gemeente and per klantregisseur: open candidates, voornemens whose zienswijzetermijn expires,
boetes in bezwaar. Paged like every list, scoped to the caller's gemeente."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from inburgering_kit.db import Database
from inburgering_kit.testing.plugin import TokenFactory

from .conftest import Procedure, zet_feiten


async def _kandidaat(procedure: Procedure, persoon: uuid.UUID, klantregisseur: str) -> dict[str, Any]:
    body = {
        "inburgeraarId": str(persoon),
        "soort": "pip-pvt",
        "gedragingVan": "2026-02-02",
        "omschrijving": "niet op",
        "klantregisseur": klantregisseur,
    }
    response = await procedure.client.post("/api/v1/overtredingen", json=body, headers=procedure.auth)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def _ids(client: httpx.AsyncClient, url: str, auth: dict[str, str], **params: str) -> list[str]:
    response = await client.get(url, params=params, headers=auth)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["totalItems"] == len(body["resultaten"]), "one page holds the whole list here"
    return [item["id"] for item in body["resultaten"]]


async def test_open_kandidaten_per_klantregisseur_en_per_gemeente(
    procedure: Procedure, database: Database, client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    persoon = uuid.uuid4()
    await zet_feiten(database, persoon)
    van_anna = await _kandidaat(procedure, persoon, "anna")
    van_bram = await _kandidaat(procedure, persoon, "bram")
    afgewezen = await _kandidaat(procedure, persoon, "anna")
    await procedure.stap(afgewezen["id"], "afwijzen", {"datum": "2026-02-10", "reden": "vergissing"})

    url = "/api/v1/overtredingen"
    assert await _ids(client, url, auth, status="kandidaat", klantregisseur="anna") == [van_anna["id"]]
    assert await _ids(client, url, auth, status="kandidaat") == [van_anna["id"], van_bram["id"]]

    response = await client.get(url, params={"status": "kandidaat", "page": "2", "pageSize": "1"}, headers=auth)
    assert (response.json()["totalItems"], response.json()["totalPages"]) == (2, 2)
    assert [i["id"] for i in response.json()["resultaten"]] == [van_bram["id"]]


async def test_voornemens_waarvan_de_termijn_verloopt(
    procedure: Procedure, database: Database, client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    persoon = uuid.uuid4()
    await zet_feiten(database, persoon)
    voornemen = await procedure.voorgenomen(persoon)  # zienswijze through 2026-03-15
    url = "/api/v1/overtredingen"
    assert await _ids(client, url, auth, status="voorgenomen", zienswijzeTermijnTot="2026-03-15") == [voornemen["id"]]
    assert await _ids(client, url, auth, status="voorgenomen", zienswijzeTermijnTot="2026-03-14") == []


async def test_boetes_in_bezwaar(
    procedure: Procedure, database: Database, client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    persoon = uuid.uuid4()
    await zet_feiten(database, persoon)
    in_bezwaar = await procedure.boete(persoon)
    await procedure.boete(persoon)
    response = await client.post(
        f"/api/v1/boetes/{in_bezwaar['id']}/bezwaren", json={"ingediendDatum": "2026-04-01"}, headers=auth
    )
    assert response.status_code == 201, response.text
    url = "/api/v1/boetes"
    assert await _ids(client, url, auth, rechtsmiddelstatus="bezwaar-aanhangig") == [in_bezwaar["id"]]
    assert await _ids(client, url, auth, rechtsmiddelstatus="bezwaar-aanhangig", klantregisseur="tester") == [
        in_bezwaar["id"]
    ]
    assert await _ids(client, url, auth, rechtsmiddelstatus="bezwaar-aanhangig", klantregisseur="niemand") == []


async def test_een_andere_gemeente_ziet_niets(
    procedure: Procedure, database: Database, client: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    persoon = uuid.uuid4()
    await zet_feiten(database, persoon)
    await _kandidaat(procedure, persoon, "anna")
    anders = tokens.headers("handhaving:lezen", gemeente="0599")
    assert await _ids(client, "/api/v1/overtredingen", anders, status="kandidaat") == []
