"""The werkplek's calls to the APIs after an overload: a slot of the connection pool that a call timed out on must
come back, or after one busy minute every later call waits out its timeout and each page says "niet beschikbaar"
until the werkplek is restarted (found by bench/werkplek_overzicht.py: all 600 caseload pages after the overview's
overload)."""

from __future__ import annotations

import asyncio
import ssl
from pathlib import Path

from inburgering_kit.keten import ontwikkel_ca
from werkplek.bronnen import Bronnen
from werkplek.main import _tls
from werkplek.settings import Settings


async def test_na_een_overbelasting_antwoordt_de_bron_weer() -> None:
    traag = True

    async def antwoord(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while await reader.readuntil(b"\r\n\r\n"):
                if traag:
                    await asyncio.sleep(0.5)
                body = b'{"resultaten": [], "totalPages": 1}'
                writer.write(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                    + f"content-length: {len(body)}\r\n\r\n".encode()
                    + body
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(antwoord, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    bronnen = Bronnen({"api": f"http://127.0.0.1:{port}"}, timeout=0.2)
    try:
        # Six times the pool's 50 connections at once, every one past its timeout.
        overbelast = await asyncio.gather(*(bronnen.get("api", "/x", "token") for _ in range(300)))
        assert not any(a.ok for a in overbelast)

        traag = False
        await asyncio.sleep(1.0)  # the calls the pages stopped waiting for end by httpx's own timeouts
        daarna = await asyncio.gather(*(bronnen.get("api", "/x", "token") for _ in range(20)))
        assert all(a.ok for a in daarna), sum(not a.ok for a in daarna)
    finally:
        await bronnen.sluit()
        server.close()
        await server.wait_closed()


async def test_een_bron_onder_mutual_tls_krijgt_het_certificaat_van_de_gemeente(tmp_path: Path) -> None:
    """`make run` serves the exchange under mutual TLS: the werkplek presents the gemeente's certificate to it (and
    to no other API), and trusts only the development CA."""
    certificaten = ontwikkel_ca(tmp_path, {"keten": "00000001000000000001", "gemeente": "00000001000000000002"})
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=str(certificaten["keten"].ca_file))
    server_ctx.load_cert_chain(str(certificaten["keten"].cert_file), str(certificaten["keten"].key_file))
    server_ctx.verify_mode = ssl.CERT_REQUIRED

    async def antwoord(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.readuntil(b"\r\n\r\n")
            body = b'{"resultaten": []}'
            writer.write(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                + f"content-length: {len(body)}\r\nconnection: close\r\n\r\n".encode()
                + body
            )
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(antwoord, "127.0.0.1", 0, ssl=server_ctx)
    port = server.sockets[0].getsockname()[1]
    gemeente = certificaten["gemeente"]
    settings = Settings.model_validate(
        {
            "auth": {"issuers": ["https://x"], "audience": "werkplek", "public_key_file": str(tmp_path / "geen")},
            "ontwikkelaanmelding": {
                "private_key_file": str(tmp_path / "geen"),
                "issuer": "https://x",
                "audience": "werkplek",
                "rollen": {},
            },
            "bronnen_mtls": {
                "ketenuitwisseling": {
                    "cert_file": str(gemeente.cert_file),
                    "key_file": str(gemeente.key_file),
                    "ca_file": str(gemeente.ca_file),
                }
            },
        }
    )
    url = f"https://127.0.0.1:{port}"
    bronnen = Bronnen({"ketenuitwisseling": url, "pip": url}, timeout=2, tls=_tls(settings))
    try:
        assert (await bronnen.get("ketenuitwisseling", "/overdrachten", "token")).ok
        # Without the certificate (and without trust in the development CA) there is no connection.
        assert (await bronnen.get("pip", "/pips", "token")).status is None
    finally:
        await bronnen.sluit()
        server.close()
        await server.wait_closed()
