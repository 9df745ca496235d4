"""The stand-in as it runs beside the gemeente: its API over mutual TLS (a caller without a certificate of the CA is
refused) and its notifications over mutual TLS to a receiver that requires DUO's certificate in turn."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request, Response

from duo_standin.main import create_app
from duo_standin.settings import OIN_DUO, Settings
from inburgering_kit.embedded import free_port
from inburgering_kit.keten import Mtls, ontwikkel_ca, partner_client, peer_oin, server_ssl
from inburgering_kit.testing.waiting import eventually

from .conftest import PLICHT, abonneer, speel

OIN_GEMEENTE = "00000001002564440000"


@pytest.fixture(scope="module")
def certificaten(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Mtls]:
    return ontwikkel_ca(tmp_path_factory.mktemp("ca"), {"duo": OIN_DUO, "gemeente": OIN_GEMEENTE})


@contextmanager
def _tls_server(app: FastAPI, mtls: Mtls) -> Iterator[str]:
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on", **server_ssl(mtls))
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("server did not start")
        threading.Event().wait(0.05)
    try:
        yield f"https://localhost:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


@pytest.fixture(scope="module")
def ontvangen() -> list[tuple[dict[str, Any], str | None]]:
    return []


@pytest.fixture(scope="module")
def gemeente_url(certificaten: dict[str, Mtls], ontvangen: list[tuple[dict[str, Any], str | None]]) -> Iterator[str]:
    app = FastAPI()

    @app.post("/meldingen")
    async def meld(request: Request) -> Response:
        ontvangen.append((await request.json(), peer_oin(request.scope)))
        return Response(status_code=202)

    with _tls_server(app, certificaten["gemeente"]) as url:
        yield f"{url}/meldingen"


@pytest.fixture(scope="module")
def duo_url(settings: Settings, certificaten: dict[str, Mtls], gemeente_url: str) -> Iterator[str]:
    tls_settings = settings.model_copy(update={"mtls": certificaten["duo"]})
    with _tls_server(create_app(tls_settings), certificaten["duo"]) as url:
        yield url


class TestMutualTls:
    async def test_without_client_certificate_refused(self, certificaten: dict[str, Mtls], duo_url: str) -> None:
        context = ssl.create_default_context(cafile=str(certificaten["duo"].ca_file))
        async with httpx.AsyncClient(base_url=duo_url, verify=context) as client:
            with pytest.raises(httpx.TransportError):
                await client.get("/health/ready")

    async def test_fact_notified_and_fetched_over_mtls(
        self,
        certificaten: dict[str, Mtls],
        duo_url: str,
        gemeente_url: str,
        ontvangen: list[tuple[dict[str, Any], str | None]],
        keten: dict[str, str],
        beheer: dict[str, str],
    ) -> None:
        async with partner_client(certificaten["gemeente"], base_url=duo_url) as client:
            assert (await client.get("/health/ready")).status_code == 200
            await abonneer(client, keten, gemeente_url)
            feit = await speel(client, beheer, "plicht-vastgesteld", PLICHT)
            await eventually(lambda: len(ontvangen) == 1, within=10, what="de melding over mTLS")
            melding, oin = ontvangen[0]
            assert melding["id"] == feit["id"]
            # The receiver knows who notified it from the certificate: DUO's OIN.
            assert oin == OIN_DUO
            opgehaald = await client.get(f"/api/v1/feiten/{melding['id']}", headers=keten)
            assert opgehaald.status_code == 200
