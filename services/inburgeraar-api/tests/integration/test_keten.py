"""The chain exchange's lookups of who a person is for DUO: one at a time and a batch, both only with the
exchange's scope, both only of its gemeente, both recorded in the processing log with the legal ground."""

from __future__ import annotations

import uuid

import httpx

from inburgeraar_api.activiteiten import BSN_LEVERING_DUO
from inburgering_kit.db import Database
from inburgering_kit.testing.plugin import TokenFactory

from .test_autorisatie import BSN, assert_forbidden, headers_of, registreer, rows

ANDER_BSN = "111222333"
BATCH = "/api/v1/inburgeraars/duo-identificaties/_zoek"


async def _levering_duo(database: Database) -> list[tuple[str, str, str]]:
    return [
        (r[0], r[1], r[2])
        for r in await rows(
            database,
            "SELECT object_id, grondslag, actor_client FROM verwerking WHERE activiteit = :a ORDER BY object_id",
            a=BSN_LEVERING_DUO.naam,
        )
    ]


async def test_batch_gives_each_known_person_and_logs_each_read_like_the_single_lookup(
    client: httpx.AsyncClient, tokens: TokenFactory, database: Database
) -> None:
    eerste = (await registreer(client, tokens)).rsplit("/", 1)[1]
    tweede = (await registreer(client, tokens, bsn=ANDER_BSN)).rsplit("/", 1)[1]
    elders = await client.post(
        "/api/v1/inburgeraars",
        json={"bsn": BSN, "doelgroep": "asielmigrant", "datumKoppeling": "2026-03-01"},
        headers=headers_of(tokens, "klantregisseur", gemeente="0599"),
    )
    assert elders.status_code == 201, elders.text
    keten = headers_of(tokens, "ketenuitwisseling")

    ids = [eerste, tweede, elders.json()["id"], str(uuid.uuid4())]
    response = await client.post(BATCH, json={"ids": ids}, headers=keten)

    assert response.status_code == 200, response.text
    items = {i["id"]: i for i in response.json()["items"]}
    # Another gemeente's person and an unknown id are left out alike.
    assert set(items) == {eerste, tweede}
    assert items[eerste]["bsn"] == BSN and items[eerste]["achternaam"] == "Haddad"
    assert items[tweede]["bsn"] == ANDER_BSN
    enkel = await client.get(f"/api/v1/inburgeraars/{eerste}/duo-identificatie", headers=keten)
    assert enkel.json() == {k: v for k, v in items[eerste].items() if k != "id"}
    gelogd = await _levering_duo(database)
    assert sorted(o for o, _, _ in gelogd) == sorted([eerste, tweede, eerste])
    assert {g for _, g, _ in gelogd} == {BSN_LEVERING_DUO.grondslag}
    assert {c for _, _, c in gelogd} == {"client-ketenuitwisseling"}
    assert all(BSN not in r[0] for r in await rows(database, "SELECT v::text FROM verwerking v"))


async def test_batch_only_for_the_exchange(client: httpx.AsyncClient, tokens: TokenFactory) -> None:
    eerste = (await registreer(client, tokens)).rsplit("/", 1)[1]
    for rol in ("klantregisseur", "privacy-officer"):
        assert_forbidden(await client.post(BATCH, json={"ids": [eerste]}, headers=headers_of(tokens, rol)))


async def test_batch_bounds_are_problems_naming_the_field(client: httpx.AsyncClient, tokens: TokenFactory) -> None:
    keten = headers_of(tokens, "ketenuitwisseling")
    for ids in ([], [str(uuid.uuid4()) for _ in range(1001)], ["geen-uuid"]):
        response = await client.post(BATCH, json={"ids": ids}, headers=keten)
        assert response.status_code == 400, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert any("ids" in p["name"] for p in response.json()["invalidParams"])
