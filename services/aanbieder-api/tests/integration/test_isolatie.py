"""A provider reads and writes only its own opdrachten, through a client the gemeente registered for it; gemeenten
are isolated from each other; nothing a provider receives carries the BSN, the inburgeraar's or the PIP's id."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from sqlalchemy import text

from aanbieder_api.scopes import ROLLEN
from inburgering_kit.db import Database
from inburgering_kit.testing.plugin import TokenFactory

if TYPE_CHECKING:
    from .conftest import Omgeving, PipApi

API = "/api/v1"
START = {"soort": "start", "datum": "2026-04-01"}


def sleutel() -> dict[str, str]:
    return {"Idempotency-Key": f"test-{uuid.uuid4()}"}


class TestTussenAanbieders:
    async def test_another_providers_opdracht_is_a_404_for_reading_and_writing(
        self, client: httpx.AsyncClient, omgeving: Omgeving, database: Database
    ) -> None:
        a, b = await omgeving.aanbieder(), await omgeving.aanbieder()
        van_a = await omgeving.opdracht(a)
        for pad in ("", "/versies", "/meldingen"):
            r = await client.get(f"{API}/toegewezen-opdrachten/{van_a['id']}{pad}", headers=b.headers)
            assert r.status_code == 404, (pad, r.text)
        r = await client.post(
            f"{API}/toegewezen-opdrachten/{van_a['id']}/meldingen", json=START, headers={**b.headers, **sleutel()}
        )
        assert r.status_code == 404
        r = await client.get(f"{API}/toegewezen-opdrachten", headers=b.headers)
        assert r.json()["totalItems"] == 0
        async with database.engine.connect() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM melding"))).scalar_one() == 0

    async def test_a_client_not_registered_for_the_aanbieder_in_its_token_is_403(
        self, client: httpx.AsyncClient, omgeving: Omgeving, tokens: TokenFactory
    ) -> None:
        a, b = await omgeving.aanbieder(), await omgeving.aanbieder()
        van_a = await omgeving.opdracht(a)
        # B's registered client claiming to act for A, and a client nobody registered.
        for client_id in (b.client_id, "onbekend-systeem"):
            headers = tokens.headers(*ROLLEN["aanbieder"], client_id=client_id, aanbieder_id=str(a.id))
            r = await client.get(f"{API}/toegewezen-opdrachten/{van_a['id']}", headers=headers)
            assert r.status_code == 403, r.text
            assert r.json()["code"] == "client-niet-geregistreerd"
        geen_aanbieder = tokens.headers(*ROLLEN["aanbieder"], client_id=a.client_id)
        r = await client.get(f"{API}/toegewezen-opdrachten", headers=geen_aanbieder)
        assert r.status_code == 403

    async def test_a_revoked_client_is_refused_at_once(self, client: httpx.AsyncClient, omgeving: Omgeving) -> None:
        a = await omgeving.aanbieder()
        opdracht = await omgeving.opdracht(a)
        r = await client.post(
            f"{API}/aanbieders/{a.id}/api-clients/{a.client_id}/_intrekken", headers=omgeving.contractmanager
        )
        assert r.status_code == 200 and r.json()["ingetrokkenOp"] is not None
        r = await client.post(
            f"{API}/toegewezen-opdrachten/{opdracht['id']}/meldingen", json=START, headers={**a.headers, **sleutel()}
        )
        assert r.status_code == 403

    async def test_the_gemeente_scopes_are_not_a_providers(self, client: httpx.AsyncClient, omgeving: Omgeving) -> None:
        a = await omgeving.aanbieder()
        for pad in ("/opdrachten", "/meldingen", "/aanbieders", "/meldachterstanden"):
            r = await client.get(f"{API}{pad}", headers=a.headers)
            assert r.status_code == 403, pad


class TestTussenGemeenten:
    async def test_another_gemeentes_opdrachten_and_aanbieders_do_not_exist(
        self, client: httpx.AsyncClient, omgeving: Omgeving, tokens: TokenFactory, pip_api: PipApi
    ) -> None:
        a = await omgeving.aanbieder()
        opdracht = await omgeving.opdracht(a)
        utrecht = tokens.headers(*ROLLEN["klantregisseur"], *ROLLEN["contractmanager"], gemeente="0344")
        for pad in (f"/opdrachten/{opdracht['id']}", f"/aanbieders/{a.id}", f"/opdrachten/{opdracht['id']}/meldingen"):
            r = await client.get(f"{API}{pad}", headers=utrecht)
            assert r.status_code == 404, pad
        r = await client.get(f"{API}/opdrachten", headers=utrecht)
        assert r.json()["totalItems"] == 0
        # A's token, but for another gemeente: its client is not registered there.
        elders = tokens.headers(*ROLLEN["aanbieder"], gemeente="0344", client_id=a.client_id, aanbieder_id=str(a.id))
        r = await client.get(f"{API}/toegewezen-opdrachten/{opdracht['id']}", headers=elders)
        assert r.status_code == 403
        # Utrecht cannot give its aanbieder an Amsterdam PIP, nor an Amsterdam aanbieder anything.
        pip_id, _ = await pip_api.vastgesteld(gemeente="0363")
        r = await client.post(
            f"{API}/opdrachten",
            json={
                "pipId": str(pip_id),
                "aanbiederId": str(a.id),
                "onderdeel": "pvt",
                "inhoud": {"geplandeStartdatum": "2026-04-01", "geplandeEinddatum": "2026-06-01"},
            },
            headers=utrecht,
        )
        assert r.status_code == 422 and r.json()["code"] == "pip-onbekend"

    async def test_the_same_kvk_number_registers_separately_in_each_gemeente(
        self, client: httpx.AsyncClient, omgeving: Omgeving, tokens: TokenFactory
    ) -> None:
        await omgeving.aanbieder(kvk="87654321")
        body = {"naam": "Taalschool", "kvkNummer": "87654321", "diensten": ["pvt"]}
        r = await client.post(f"{API}/aanbieders", json=body, headers=omgeving.contractmanager)
        assert r.status_code == 409 and "bestaandeResource" in r.json()
        r = await client.post(
            f"{API}/aanbieders", json=body, headers=tokens.headers(*ROLLEN["contractmanager"], gemeente="0344")
        )
        assert r.status_code == 201


class TestGeenPersoonsnummers:
    @pytest.mark.parametrize("pad", ["", "/versies", "/meldingen"])
    async def test_provider_responses_hold_no_id_of_the_person_or_the_pip(
        self, client: httpx.AsyncClient, omgeving: Omgeving, pad: str
    ) -> None:
        a = await omgeving.aanbieder()
        opdracht = await omgeving.opdracht(a)
        await client.post(
            f"{API}/toegewezen-opdrachten/{opdracht['id']}/meldingen", json=START, headers={**a.headers, **sleutel()}
        )
        antwoorden = [
            await client.get(f"{API}/toegewezen-opdrachten/{opdracht['id']}{pad}", headers=a.headers),
            await client.get(f"{API}/toegewezen-opdrachten", headers=a.headers),
        ]
        for r in antwoorden:
            assert r.status_code == 200
            assert opdracht["inburgeraarId"] not in r.text and opdracht["pipId"] not in r.text
            assert "bsn" not in r.text.lower()

    def test_the_contracts_provider_schemas_have_no_field_for_it(self) -> None:
        document = json.loads(
            (Path(__file__).resolve().parents[4] / "contracts/aanbieder-api/openapi.json").read_text()
        )
        schemas = document["components"]["schemas"]
        for naam in ("ToegewezenOpdrachtRead", "MeldingRead", "MeldingOntvangen", "AanleveringRead"):
            velden = set(schemas[naam]["properties"])
            assert not velden & {"bsn", "inburgeraarId", "pipId"}, naam
