from __future__ import annotations

import uuid

import httpx
from sqlalchemy import text

from inburgeraar_api import scopes
from inburgering_kit.db import Database
from inburgering_kit.testing.plugin import TokenFactory

BSN = "999993653"
ANDER_BSN = "111222333"


def registratie(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "bsn": BSN,
        "doelgroep": "asielmigrant",
        "datumKoppeling": "2026-03-01",
        "contact": {"voornamen": "Amal", "achternaam": "Haddad", "email": "amal@example.org"},
    }
    body.update(overrides)
    return body


class TestRegistreren:
    async def test_registers_and_reads_back(self, client: httpx.AsyncClient, tokens: TokenFactory) -> None:
        headers = tokens.headers(scopes.INBURGERAAR_SCHRIJVEN, scopes.INBURGERAAR_LEZEN)
        created = await client.post("/api/v1/inburgeraars", json=registratie(), headers=headers)
        assert created.status_code == 201, created.text
        body = created.json()
        assert body["status"] == "geregistreerd"
        assert body["gemeenteCode"] == "0363"
        assert created.headers["Location"] == f"/api/v1/inburgeraars/{body['id']}"
        assert created.headers["API-Version"] == "1.0.0"
        read = await client.get(f"/api/v1/inburgeraars/{body['id']}", headers=headers)
        assert read.status_code == 200
        assert read.json()["contact"]["achternaam"] == "Haddad"

    async def test_same_bsn_twice_is_409_pointing_at_existing(
        self, client: httpx.AsyncClient, tokens: TokenFactory
    ) -> None:
        headers = tokens.headers(scopes.INBURGERAAR_SCHRIJVEN)
        first = await client.post("/api/v1/inburgeraars", json=registratie(), headers=headers)
        second = await client.post("/api/v1/inburgeraars", json=registratie(), headers=headers)
        assert second.status_code == 409
        assert second.headers["content-type"] == "application/problem+json"
        assert second.json()["bestaandeResource"] == f"/api/v1/inburgeraars/{first.json()['id']}"

    async def test_same_bsn_in_another_gemeente_is_allowed(
        self, client: httpx.AsyncClient, tokens: TokenFactory
    ) -> None:
        a = await client.post(
            "/api/v1/inburgeraars",
            json=registratie(),
            headers=tokens.headers(scopes.INBURGERAAR_SCHRIJVEN, gemeente="0363"),
        )
        b = await client.post(
            "/api/v1/inburgeraars",
            json=registratie(),
            headers=tokens.headers(scopes.INBURGERAAR_SCHRIJVEN, gemeente="0599"),
        )
        assert (a.status_code, b.status_code) == (201, 201)

    async def test_without_bsn_is_visible_state_completed_later(
        self, client: httpx.AsyncClient, tokens: TokenFactory
    ) -> None:
        headers = tokens.headers(scopes.INBURGERAAR_SCHRIJVEN, scopes.INBURGERAAR_LEZEN)
        created = await client.post("/api/v1/inburgeraars", json=registratie(bsn=None), headers=headers)
        assert created.json()["status"] == "bsn-ontbreekt"
        waiting = await client.get("/api/v1/inburgeraars", params={"status": "bsn-ontbreekt"}, headers=headers)
        assert [r["id"] for r in waiting.json()["resultaten"]] == [created.json()["id"]]
        completed = await client.post(
            f"/api/v1/inburgeraars/{created.json()['id']}/bsn", json={"bsn": BSN}, headers=headers
        )
        assert completed.status_code == 200
        assert completed.json()["status"] == "geregistreerd"
        again = await client.post(
            f"/api/v1/inburgeraars/{created.json()['id']}/bsn", json={"bsn": ANDER_BSN}, headers=headers
        )
        assert again.status_code == 409

    async def test_invalid_input_names_every_field_and_stores_nothing(
        self, client: httpx.AsyncClient, tokens: TokenFactory, database: Database
    ) -> None:
        headers = tokens.headers(scopes.INBURGERAAR_SCHRIJVEN)
        bad = registratie(
            bsn="123456789", doelgroep="toerist", datumKoppeling="gisteren", contact={"email": "geen-mail"}
        )
        response = await client.post("/api/v1/inburgeraars", json=bad, headers=headers)
        assert response.status_code == 400
        assert response.headers["content-type"] == "application/problem+json"
        names = {p["name"] for p in response.json()["invalidParams"]}
        assert {"bsn", "doelgroep", "datumKoppeling", "contact.email"} <= names
        assert "123456789" not in response.text
        async with database.engine.connect() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM inburgeraar"))).scalar_one() == 0
            assert (await conn.execute(text("SELECT count(*) FROM outbox"))).scalar_one() == 0

    async def test_registration_date_must_fit_doelgroep(self, client: httpx.AsyncClient, tokens: TokenFactory) -> None:
        response = await client.post(
            "/api/v1/inburgeraars",
            json=registratie(doelgroep="gezinsmigrant", nareiziger=True),
            headers=tokens.headers(scopes.INBURGERAAR_SCHRIJVEN),
        )
        assert response.status_code == 422
        names = {p["name"] for p in response.json()["invalidParams"]}
        assert names == {"datumInschrijvingBrp", "datumKoppeling", "nareiziger"}


class TestZoeken:
    async def test_find_by_bsn_only_in_body(self, client: httpx.AsyncClient, tokens: TokenFactory) -> None:
        headers = tokens.headers(scopes.INBURGERAAR_SCHRIJVEN, scopes.INBURGERAAR_LEZEN)
        created = await client.post("/api/v1/inburgeraars", json=registratie(), headers=headers)
        found = await client.post("/api/v1/inburgeraars/_zoek", json={"bsn": BSN}, headers=headers)
        assert [r["id"] for r in found.json()["resultaten"]] == [created.json()["id"]]
        none = await client.post("/api/v1/inburgeraars/_zoek", json={"bsn": ANDER_BSN}, headers=headers)
        assert none.json()["resultaten"] == []

    async def test_list_is_paginated_with_totals(self, client: httpx.AsyncClient, tokens: TokenFactory) -> None:
        headers = tokens.headers(scopes.INBURGERAAR_SCHRIJVEN, scopes.INBURGERAAR_LEZEN)
        for _ in range(5):
            await client.post("/api/v1/inburgeraars", json=registratie(bsn=None), headers=headers)
        page = await client.get("/api/v1/inburgeraars", params={"page": 2, "pageSize": 2}, headers=headers)
        body = page.json()
        assert (body["page"], body["pageSize"], body["totalItems"], body["totalPages"]) == (2, 2, 5, 3)
        assert len(body["resultaten"]) == 2


class TestTenantIsolation:
    async def test_other_gemeente_gets_404_like_missing(self, client: httpx.AsyncClient, tokens: TokenFactory) -> None:
        created = await client.post(
            "/api/v1/inburgeraars",
            json=registratie(),
            headers=tokens.headers(scopes.INBURGERAAR_SCHRIJVEN, gemeente="0363"),
        )
        other = tokens.headers(scopes.INBURGERAAR_LEZEN, scopes.INBURGERAAR_SCHRIJVEN, gemeente="0599")
        foreign = await client.get(f"/api/v1/inburgeraars/{created.json()['id']}", headers=other)
        missing = await client.get(f"/api/v1/inburgeraars/{uuid.uuid4()}", headers=other)
        assert foreign.status_code == missing.status_code == 404
        assert foreign.json()["title"] == missing.json()["title"]
        patched = await client.patch(
            f"/api/v1/inburgeraars/{created.json()['id']}", json={"klantregisseur": "x"}, headers=other
        )
        assert patched.status_code == 404
        listed = await client.get("/api/v1/inburgeraars", headers=other)
        assert listed.json()["totalItems"] == 0
        found = await client.post("/api/v1/inburgeraars/_zoek", json={"bsn": BSN}, headers=other)
        assert found.json()["resultaten"] == []
