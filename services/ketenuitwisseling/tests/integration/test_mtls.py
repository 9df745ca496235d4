"""Served over mutual TLS (Digikoppeling REST profile): without a certificate of the partners' CA a partner is not
even heard; with one, the certificate must be the partner's own (its OIN) for the endpoint it notifies."""

from __future__ import annotations

import asyncio
import ssl
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from inburgering_kit.keten import Mtls, ontwikkel_ca, partner_client, server_ssl
from inburgering_kit.testing.plugin import TokenFactory
from ketenuitwisseling.main import create_app
from ketenuitwisseling.settings import Settings

OIN_GEMEENTE = "00000001002564440000"
OIN_DUO = "00000001800866472000"
OIN_COA = "00000001003214345000"


@pytest.fixture
def certs(tmp_path: Path) -> dict[str, Mtls]:
    return ontwikkel_ca(tmp_path / "ca", {"gemeente": OIN_GEMEENTE, "duo": OIN_DUO, "coa": OIN_COA})


@pytest.fixture
async def server(settings: Settings, certs: dict[str, Mtls]) -> AsyncIterator[str]:
    tls = settings.model_copy(update={"mtls": certs["gemeente"], "oin_duo": OIN_DUO, "oin_coa": OIN_COA})
    config = uvicorn.Config(
        create_app(tls), host="127.0.0.1", port=0, log_level="warning", lifespan="on", **server_ssl(certs["gemeente"])
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"https://localhost:{port}"
    finally:
        server.should_exit = True
        await task


def _notificatie() -> dict[str, object]:
    return {
        "id": str(uuid.uuid4()), "soort": "plicht-vastgesteld", "bron": "duo", "gemeentecode": "0363",
        "volgnummer": 1, "tijdstip": "2026-12-03T12:00:00+01:00",
    }  # fmt: skip


class TestMutualTls:
    async def test_zonder_certificaat_geweigerd(
        self, server: str, certs: dict[str, Mtls], tokens: TokenFactory
    ) -> None:
        context = ssl.create_default_context(cafile=str(certs["duo"].ca_file))
        async with httpx.AsyncClient(base_url=server, verify=context) as client:
            with pytest.raises(httpx.TransportError):
                await client.post("/api/v1/notificaties/duo", json=_notificatie(), headers=tokens.headers("duo"))

    async def test_alleen_het_eigen_certificaat_van_de_partner(
        self, server: str, certs: dict[str, Mtls], tokens: TokenFactory
    ) -> None:
        headers = tokens.headers("duo", client_id="duo")
        async with partner_client(certs["coa"], base_url=server) as coa:
            response = await coa.post("/api/v1/notificaties/duo", json=_notificatie(), headers=headers)
        assert response.status_code == 403, response.text
        async with partner_client(certs["duo"], base_url=server) as duo:
            response = await duo.post("/api/v1/notificaties/duo", json=_notificatie(), headers=headers)
        assert response.status_code == 202, response.text
