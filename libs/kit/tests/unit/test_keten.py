import asyncio
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import jwt
import pytest
import uvicorn
from cryptography import x509
from cryptography.x509.oid import NameOID
from fastapi import FastAPI, Request

from inburgering_kit.auth import generate_dev_keypair
from inburgering_kit.keten import (
    DevTokenSource,
    Mtls,
    StaticTokenSource,
    ontwikkel_ca,
    partner_client,
    peer_oin,
    server_ssl,
)

OIN_DUO = "00000001800866472000"
OIN_GEMEENTE = "00000001002564440000"


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Mtls]:
    return ontwikkel_ca(tmp_path_factory.mktemp("ca"), {"duo": OIN_DUO, "gemeente-0363": OIN_GEMEENTE})


@pytest.fixture(scope="module")
def vreemde_certs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Mtls]:
    return ontwikkel_ca(tmp_path_factory.mktemp("andere-ca"), {"gemeente-0363": OIN_GEMEENTE})


class TestOntwikkelCa:
    def test_certificate_carries_the_oin_and_local_names(self, certs: dict[str, Mtls]) -> None:
        cert = x509.load_pem_x509_certificate(certs["duo"].cert_file.read_bytes())
        assert cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value == OIN_DUO
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        assert san.get_values_for_type(x509.DNSName) == ["localhost"]
        assert [str(a) for a in san.get_values_for_type(x509.IPAddress)] == ["127.0.0.1"]
        ca = x509.load_pem_x509_certificate(certs["duo"].ca_file.read_bytes())
        cert.verify_directly_issued_by(ca)

    def test_is_idempotent(self, tmp_path: Path) -> None:
        first = ontwikkel_ca(tmp_path, {"coa": "00000001003214345000"})
        before = first["coa"].cert_file.read_bytes(), (tmp_path / "ca.pem").read_bytes()
        second = ontwikkel_ca(tmp_path, {"coa": "00000001003214345000", "duo": OIN_DUO})
        assert second["coa"] == first["coa"]
        assert (second["coa"].cert_file.read_bytes(), (tmp_path / "ca.pem").read_bytes()) == before
        assert second["duo"].ca_file == first["coa"].ca_file

    def test_keys_are_private(self, certs: dict[str, Mtls]) -> None:
        assert certs["duo"].key_file.stat().st_mode & 0o077 == 0

    def test_rejects_a_name_that_is_not_a_file_name(self, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match="organisatienaam"):
            ontwikkel_ca(tmp_path, {"../x": OIN_DUO})


class TestTokenSources:
    async def test_static(self) -> None:
        assert await StaticTokenSource("abc").token() == "abc"

    async def test_dev_token_is_cached_and_carries_the_claims(self, tmp_path: Path) -> None:
        private, _ = generate_dev_keypair(tmp_path)
        source = DevTokenSource(
            private.read_bytes(),
            issuer="https://idp.test",
            audience="ketenuitwisseling",
            client_id="duo",
            scopes=["duo"],
            gemeente_code="0363",
        )
        first = await source.token()
        assert await source.token() == first
        claims = jwt.decode(first, options={"verify_signature": False})
        assert (claims["client_id"], claims["scope"], claims["gemeente"], claims["aud"]) == (
            "duo",
            "duo",
            "0363",
            "ketenuitwisseling",
        )

    async def test_dev_token_is_renewed_before_it_expires(self, tmp_path: Path) -> None:
        private, _ = generate_dev_keypair(tmp_path)
        source = DevTokenSource(
            private.read_bytes(),
            issuer="https://idp.test",
            audience="x",
            client_id="duo",
            scopes=["duo"],
            gemeente_code=None,
            ttl_seconds=61,
        )
        first = await source.token()
        await asyncio.sleep(1.1)
        assert await source.token() != first


def _app() -> FastAPI:
    app = FastAPI()

    @app.get("/wie")
    async def wie(request: Request) -> dict[str, str | None]:
        return {"oin": peer_oin(request.scope)}

    return app


@pytest.fixture
async def tls_server(certs: dict[str, Mtls]) -> AsyncIterator[str]:
    config = uvicorn.Config(
        _app(), host="127.0.0.1", port=0, log_level="warning", lifespan="off", **server_ssl(certs["duo"])
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


class TestMutualTls:
    async def test_partner_with_certificate_of_the_ca_is_served_and_its_oin_is_known(
        self, certs: dict[str, Mtls], tls_server: str
    ) -> None:
        async with partner_client(certs["gemeente-0363"], base_url=tls_server) as client:
            response = await client.get("/wie")
        assert response.status_code == 200
        assert response.json() == {"oin": OIN_GEMEENTE}

    async def test_call_without_client_certificate_is_refused(self, certs: dict[str, Mtls], tls_server: str) -> None:
        # The server is trusted, so only the missing client certificate can make this fail.
        context = ssl.create_default_context(cafile=str(certs["duo"].ca_file))
        async with httpx.AsyncClient(base_url=tls_server, verify=context) as client:
            with pytest.raises(httpx.TransportError):
                await client.get("/wie")

    async def test_call_with_certificate_of_another_ca_is_refused(
        self, certs: dict[str, Mtls], vreemde_certs: dict[str, Mtls], tls_server: str
    ) -> None:
        vreemd = vreemde_certs["gemeente-0363"]
        context = ssl.create_default_context(cafile=str(certs["duo"].ca_file))
        context.load_cert_chain(str(vreemd.cert_file), str(vreemd.key_file))
        async with httpx.AsyncClient(base_url=tls_server, verify=context) as client:
            with pytest.raises(httpx.TransportError):
                await client.get("/wie")

    async def test_client_refuses_a_server_of_another_ca(self, vreemde_certs: dict[str, Mtls], tls_server: str) -> None:
        async with partner_client(vreemde_certs["gemeente-0363"], base_url=tls_server) as client:
            with pytest.raises(httpx.ConnectError):
                await client.get("/wie")

    async def test_plain_http_client_without_mtls(self) -> None:
        async with partner_client(None, base_url="http://localhost:1") as client:
            assert str(client.base_url) == "http://localhost:1"
