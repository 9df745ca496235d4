"""The privacy officer's view of one person across the services: one search by BSN here, the others asked by the
betrokkene pseudonym with the officer's own token (a stand-in answers for pip-api), and the inzageverzoek."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from inburgeraar_api import scopes
from inburgeraar_api.scopes import ROLLEN
from inburgeraar_api.settings import Settings
from inburgering_kit.audit import Verwerkingslog
from inburgering_kit.testing.plugin import TokenFactory

BSN = "999993653"


class PipStandIn:
    """pip-api as the privacy view sees it: its log and its export, and what it was asked."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        body = json.loads(request.content)
        if request.url.path == "/api/v1/verwerkingen/_zoek":
            record = {
                "id": str(uuid.uuid4()), "tijdstip": "2020-01-01T10:00:00Z", "traceId": "a" * 32, "spanId": "b" * 16,
                "parentSpanId": None, "activiteit": "vaststellen pip", "grondslag": "Wi art. 15", "actie": "aanmaken",
                "resultaat": "geslaagd", "betrokkene": body["betrokkenen"][0], "objectType": "pip",
                "objectId": str(uuid.uuid4()), "actorClient": "client-klantregisseur", "actorUser": "k",
            }  # fmt: skip
            return httpx.Response(
                200, json={"page": 1, "pageSize": 100, "totalItems": 1, "totalPages": 1, "resultaten": [record]}
            )
        return httpx.Response(
            200,
            json={"service": "pip-api", "onderdelen": [{"soort": "pip", "gegevens": [{"leerroute": "b1-route"}]}]},
        )


@pytest.fixture
async def pip(app: FastAPI, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[PipStandIn]:
    stand_in = PipStandIn()
    monkeypatch.setattr(settings, "privacy_bronnen", {"pip-api": "http://pip/api/v1"})
    async with httpx.AsyncClient(transport=httpx.MockTransport(stand_in)) as client:
        app.state.privacy_client = client
        yield stand_in
    app.state.privacy_client = None


@pytest.fixture
async def inburgeraar(client: httpx.AsyncClient, tokens: TokenFactory) -> uuid.UUID:
    created = await client.post(
        "/api/v1/inburgeraars",
        json={
            "bsn": BSN,
            "doelgroep": "asielmigrant",
            "datumKoppeling": "2022-01-03",
            "contact": {"voornamen": "Amina"},
        },
        headers=tokens.headers(scopes.INBURGERAAR_SCHRIJVEN),
    )
    assert created.status_code == 201
    return uuid.UUID(created.json()["id"])


def officer(tokens: TokenFactory, gemeente: str = "0363") -> dict[str, str]:
    return tokens.headers(*ROLLEN["privacy-officer"], gemeente=gemeente, client_id="client-privacy-officer")


class TestPrivacyZoek:
    async def test_one_search_by_bsn_merges_every_service_in_time_order(
        self, client: httpx.AsyncClient, tokens: TokenFactory, inburgeraar: uuid.UUID, pip: PipStandIn,
        settings: Settings,
    ) -> None:  # fmt: skip
        headers = officer(tokens)
        found = await client.post("/api/v1/privacy/_zoek", json={"bsn": BSN}, headers=headers)
        assert found.status_code == 200, found.text
        body = found.json()
        assert body["nietBereikt"] == []
        records = body["verwerkingen"]
        assert [r["service"] for r in records] == ["pip-api", "inburgeraar-api"]
        assert [r["tijdstip"] for r in records] == sorted(r["tijdstip"] for r in records)
        betrokkene = Verwerkingslog(settings.pseudonym_key.get_secret_value().encode()).betrokkene_van(inburgeraar)
        assert {r["betrokkene"] for r in records} == {betrokkene}
        # pip-api was asked by the pseudonym, with the officer's own token, and never saw the BSN.
        (asked,) = pip.requests
        assert json.loads(asked.content) == {"betrokkenen": [betrokkene]}
        assert asked.headers["authorization"] == headers["Authorization"]
        assert BSN not in asked.content.decode()

    async def test_a_service_away_is_named(
        self, client: httpx.AsyncClient, tokens: TokenFactory, inburgeraar: uuid.UUID, app: FastAPI,
        settings: Settings, monkeypatch: pytest.MonkeyPatch,
    ) -> None:  # fmt: skip
        monkeypatch.setattr(settings, "privacy_bronnen", {"pip-api": "http://pip/api/v1"})
        async with httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(503))) as away:
            app.state.privacy_client = away
            try:
                found = await client.post("/api/v1/privacy/_zoek", json={"bsn": BSN}, headers=officer(tokens))
            finally:
                app.state.privacy_client = None
        assert found.status_code == 200
        assert found.json()["nietBereikt"] == ["pip-api"]
        assert [r["service"] for r in found.json()["verwerkingen"]] == ["inburgeraar-api"]

    async def test_needs_the_privacy_officer(
        self, client: httpx.AsyncClient, tokens: TokenFactory, inburgeraar: uuid.UUID
    ) -> None:
        headers = tokens.headers(*ROLLEN["klantregisseur"])
        assert (await client.post("/api/v1/privacy/_zoek", json={"bsn": BSN}, headers=headers)).status_code == 403


class TestInzageverzoek:
    async def test_one_readable_document_of_every_service_logged(
        self, client: httpx.AsyncClient, tokens: TokenFactory, inburgeraar: uuid.UUID, pip: PipStandIn
    ) -> None:
        response = await client.post("/api/v1/privacy/inzageverzoeken", json={"bsn": BSN}, headers=officer(tokens))
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/html")
        document = response.text
        for expected in ("Inzage in uw persoonsgegevens", "inburgeraar-api", "pip-api", "Amina", "b1-route"):
            assert expected in document
        exported = [r for r in pip.requests if r.url.path == "/api/v1/inzage/_export"]
        assert [json.loads(r.content) for r in exported] == [{"inburgeraarId": str(inburgeraar)}]
        log = await client.post("/api/v1/verwerkingen/_zoek", json={"bsn": BSN}, headers=officer(tokens))
        assert "inzageverzoek" in {r["activiteit"] for r in log.json()["resultaten"]}

    async def test_unknown_person_is_404(self, client: httpx.AsyncClient, tokens: TokenFactory, pip: Any) -> None:
        response = await client.post("/api/v1/privacy/inzageverzoeken", json={"bsn": BSN}, headers=officer(tokens))
        assert response.status_code == 404
