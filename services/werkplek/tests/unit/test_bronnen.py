"""The werkplek's calls to the APIs after an overload: a slot of the connection pool that a call timed out on must
come back, or after one busy minute every later call waits out its timeout and each page says "niet beschikbaar"
until the werkplek is restarted (found by bench/werkplek_overzicht.py: all 600 caseload pages after the overview's
overload)."""

from __future__ import annotations

import asyncio

from werkplek.bronnen import Bronnen


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
