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
from ketenuitwisseling.domain.overdracht import Deel
from ketenuitwisseling.domain.overdracht import bundel as bundel_van
from ketenuitwisseling.main import create_app
from ketenuitwisseling.settings import GemeentePeer, Settings

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


OIN_PEER = "00000001001234567000"


@pytest.fixture
async def server_met_peer(settings: Settings, certs: dict[str, Mtls], tmp_path: Path) -> AsyncIterator[str]:
    peer_certs = ontwikkel_ca(tmp_path / "ca", {"gemeente-0599": OIN_PEER})
    certs.update(peer_certs)
    tls = settings.model_copy(
        update={
            "mtls": certs["gemeente"], "oin_duo": OIN_DUO, "oin_coa": OIN_COA,
            "gemeente_peers": {"0599": GemeentePeer(url="https://localhost", oin=OIN_PEER)},
        }
    )  # fmt: skip
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


class TestUitwisselingVanEenAndereGemeente:
    """The dossier transfer's inbound routes: only the certificate of the exchange configured for the gemeente the
    token speaks for, not DUO's (which the same CA issued), nor one of an exchange of another gemeente."""

    async def test_afleveren_alleen_met_het_certificaat_van_de_vorige_gemeente(
        self, server_met_peer: str, certs: dict[str, Mtls], tokens: TokenFactory
    ) -> None:
        overdracht_id = uuid.uuid4()
        delen: dict[Deel, dict[str, object]] = {d: {"leeg": []} for d in Deel}
        delen[Deel.INBURGERAAR] = {"bsn": "999990019"}
        bundel = bundel_van(overdracht_id, "0599", "0363", None, uuid.uuid4(), delen)
        headers = tokens.headers("overdracht:afleveren", gemeente="0599", client_id="ketenuitwisseling")
        async with partner_client(certs["duo"], base_url=server_met_peer) as duo:
            response = await duo.put(f"/api/v1/overdrachten/{overdracht_id}", json=bundel, headers=headers)
        assert response.status_code == 403, response.text
        async with partner_client(certs["gemeente-0599"], base_url=server_met_peer) as peer:
            response = await peer.put(f"/api/v1/overdrachten/{overdracht_id}", json=bundel, headers=headers)
            assert response.status_code == 201, response.text
            # The right certificate, but a token for a gemeente it is not the exchange of.
            ander = await peer.put(
                f"/api/v1/overdrachten/{overdracht_id}",
                json=bundel | {"vanGemeente": "0014"},
                headers=tokens.headers("overdracht:afleveren", gemeente="0014", client_id="ketenuitwisseling"),
            )
        assert ander.status_code == 403, ander.text

    async def test_verzoek_alleen_met_het_certificaat_van_de_nieuwe_gemeente(
        self, server_met_peer: str, certs: dict[str, Mtls], tokens: TokenFactory
    ) -> None:
        body = {"bsn": "999990019", "vanGemeente": "0363", "naarGemeente": "0599"}
        headers = tokens.headers("overdracht:verzoeken", gemeente="0599", client_id="ketenuitwisseling")
        async with partner_client(certs["coa"], base_url=server_met_peer) as coa:
            response = await coa.post("/api/v1/overdrachtsverzoeken", json=body, headers=headers)
        assert response.status_code == 403, response.text
        async with partner_client(certs["gemeente-0599"], base_url=server_met_peer) as peer:
            response = await peer.post("/api/v1/overdrachtsverzoeken", json=body, headers=headers)
        assert response.status_code == 202, response.text
