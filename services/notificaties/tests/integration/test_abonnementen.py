"""The abonnementen API: tenancy, scopes, secrets that are never returned, and the address checks."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from inburgering_kit.db import Database
from inburgering_kit.testing.plugin import TokenFactory
from inburgering_kit.testing.waiting import eventually
from notificaties import scopes
from notificaties.main import create_app
from notificaties.settings import Settings

from .conftest import Abonnee, Bezorging, Ontvanger, Publisher


class TestLifecycle:
    async def test_create_read_list_update_pause_resume_delete(
        self, abonnee: Abonnee, client: httpx.AsyncClient
    ) -> None:
        created = await abonnee.abonneer("https://zaaksysteem.example/hook", typePrefix="nl.inburgering.")
        assert created["geheim"].startswith("whsec_")
        assert created["status"] == "actief"
        assert created["formaat"] == "cloudevents"
        assert created["afleverstand"] == {"wachtend": 0, "afgeleverd": 0, "deadLetter": 0, "laatstAfgeleverdOp": None}
        pad = f"/{created['id']}"

        read = (await abonnee.get(pad)).json()
        assert "geheim" not in read
        assert (await abonnee.get("")).json()["totalItems"] == 1

        patched = await client.patch(
            f"/api/v1/abonnementen{pad}",
            json={"typePrefix": None, "formaat": "vng-notificaties", "authorizationHeader": "Basic eA=="},
            headers=abonnee.headers,
        )
        assert patched.status_code == 200, patched.text
        assert patched.json()["typePrefix"] is None
        assert patched.json()["formaat"] == "vng-notificaties"
        assert patched.json()["heeftAuthorizationHeader"] is True

        assert (await abonnee.post(f"{pad}/_pauzeren")).json()["status"] == "gepauzeerd"
        assert (await abonnee.get("", status="gepauzeerd")).json()["totalItems"] == 1
        assert (await abonnee.post(f"{pad}/_hervatten")).json()["status"] == "actief"

        deleted = await client.delete(f"/api/v1/abonnementen{pad}", headers=abonnee.headers)
        assert deleted.status_code == 204
        assert (await abonnee.get(pad)).status_code == 404

    async def test_retry_window_defaults_to_24_hours_within_1_to_168(
        self, abonnee: Abonnee, client: httpx.AsyncClient
    ) -> None:
        created = await abonnee.abonneer("https://zaaksysteem.example/hook")
        assert created["herhaaltermijnUren"] == 24
        for buiten in (0, 169):
            refused = await client.post(
                "/api/v1/abonnementen",
                json={"callbackUrl": "https://zaaksysteem.example/hook", "herhaaltermijnUren": buiten},
                headers=abonnee.headers,
            )
            assert refused.status_code == 400, buiten
        pad = f"/api/v1/abonnementen/{created['id']}"
        patched = await client.patch(pad, json={"herhaaltermijnUren": 72}, headers=abonnee.headers)
        assert patched.status_code == 200, patched.text
        assert patched.json()["herhaaltermijnUren"] == 72
        # Left out or null: unchanged.
        patched = await client.patch(pad, json={"herhaaltermijnUren": None, "source": "x"}, headers=abonnee.headers)
        assert patched.json()["herhaaltermijnUren"] == 72

    async def test_authorization_header_is_encrypted_at_rest_and_never_returned(
        self, abonnee: Abonnee, database: Database
    ) -> None:
        created = await abonnee.abonneer("https://x.example/hook", authorizationHeader="Bearer topgeheim-42")
        responses = [json.dumps(created), (await abonnee.get(f"/{created['id']}")).text, (await abonnee.get("")).text]
        assert all("topgeheim-42" not in r for r in responses)
        async with database.engine.connect() as conn:
            row = (await conn.execute(text("SELECT * FROM abonnement"))).mappings().one()
        assert "topgeheim-42" not in json.dumps(dict(row), default=str)
        assert created["geheim"] not in json.dumps(dict(row), default=str)


class TestTenancyAndScopes:
    async def test_another_gemeentes_subscription_is_not_found(
        self, abonnee: Abonnee, andere_gemeente: Abonnee, client: httpx.AsyncClient
    ) -> None:
        created = await abonnee.abonneer("https://x.example/hook")
        pad = f"/{created['id']}"
        assert (await andere_gemeente.get(pad)).status_code == 404
        assert (await andere_gemeente.get(f"{pad}/afleveringen")).status_code == 404
        assert (await andere_gemeente.post(f"{pad}/_pauzeren")).status_code == 404
        assert (
            await andere_gemeente.post(
                f"{pad}/afleveringen/_opnieuw", {"vanaf": "2026-01-01T00:00:00Z", "tot": "2026-02-01T00:00:00Z"}
            )
        ).status_code == 404
        assert (await client.delete(f"/api/v1/abonnementen{pad}", headers=andere_gemeente.headers)).status_code == 404
        assert (await andere_gemeente.get("")).json()["totalItems"] == 0
        assert (await abonnee.get(pad)).status_code == 200

    async def test_scopes(self, client: httpx.AsyncClient, tokens: TokenFactory) -> None:
        lezer = tokens.headers(scopes.ABONNEMENTEN_LEZEN)
        assert (await client.get("/api/v1/abonnementen", headers=lezer)).status_code == 200
        body = {"callbackUrl": "https://x.example/hook"}
        assert (await client.post("/api/v1/abonnementen", json=body, headers=lezer)).status_code == 403
        assert (await client.get("/api/v1/abonnementen")).status_code == 401


@pytest.fixture(scope="module")
async def strikt(settings: Settings) -> AsyncIterator[FastAPI]:
    """The production address rules: https only, no internal addresses."""
    application = create_app(settings.model_copy(update={"allow_http": False, "allow_private_addresses": False}))
    async with application.router.lifespan_context(application):
        yield application


class TestServerSideRequestForgery:
    @pytest.mark.parametrize(
        "url",
        [
            "http://93.184.215.14/hook",
            "https://127.0.0.1/hook",
            "https://localhost:8101/api/v1/inburgeraars",
            "https://10.0.0.8/hook",
            "https://169.254.169.254/latest/meta-data",
            "https://[::1]/hook",
            "https://0.0.0.0/hook",
        ],
    )
    async def test_internal_or_plain_http_callbacks_are_refused(
        self, strikt: FastAPI, tokens: TokenFactory, url: str
    ) -> None:
        headers = tokens.headers(*scopes.ROLLEN["abonnee"])
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=strikt), base_url="http://test") as client:
            response = await client.post("/api/v1/abonnementen", json={"callbackUrl": url}, headers=headers)
            assert response.status_code == 422, response.text
            assert response.json()["code"] == "ongeldige-callback"
            assert response.json()["invalidParams"][0]["name"] == "callbackUrl"
            assert (await client.get("/api/v1/abonnementen", headers=headers)).json()["totalItems"] == 0

    async def test_address_is_checked_again_at_delivery_time(
        self,
        abonnee: Abonnee,
        ontvanger: Ontvanger,
        publish: Publisher,
        bezorging: Bezorging,
        settings: Settings,
    ) -> None:
        # Accepted while loopback was allowed (think: the name resolved elsewhere then); the worker checks again.
        created = await abonnee.abonneer(ontvanger.hook("intern"))
        await bezorging.start(settings.model_copy(update={"allow_private_addresses": False, "max_attempts": 1}))
        await publish()

        async def refused() -> bool:
            log = (await abonnee.get(f"/{created['id']}/afleveringen", status="dead-letter")).json()
            return bool(log["totalItems"] == 1)

        await eventually(refused)
        [aflevering] = (await abonnee.get(f"/{created['id']}/afleveringen")).json()["resultaten"]
        assert "intern" in aflevering["laatsteFout"]
        assert aflevering["laatsteStatuscode"] is None
        assert ontvanger.van("intern") == []


class TestMetrics:
    async def test_prometheus_exposition_without_token(
        self,
        abonnee: Abonnee,
        ontvanger: Ontvanger,
        publish: Publisher,
        bezorging: Bezorging,
        client: httpx.AsyncClient,
    ) -> None:
        await abonnee.abonneer(ontvanger.hook("m"))
        await bezorging.start()
        await publish()
        await eventually(lambda: len(ontvanger.van("m")) == 1)

        async def counted() -> bool:
            body = (await client.get("/metrics")).text
            return 'notificaties_afleveringen{status="afgeleverd",abonnement="actief"} 1' in body

        await eventually(counted)
        response = await client.get("/metrics")
        assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
        assert "# TYPE notificaties_pogingen_total counter" in response.text
        assert "notificaties_achterstand_seconden 0.000" in response.text
        assert "/metrics" not in json.dumps((await client.get("/openapi.json")).json()["paths"])
