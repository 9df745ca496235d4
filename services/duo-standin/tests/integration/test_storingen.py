"""The fault switches, as the gemeente's exchange meets them, and the delivery that survives a gemeente that is down."""

from __future__ import annotations

import asyncio
import time

import httpx

from inburgering_kit.testing.waiting import eventually

from .conftest import PLICHT, Ontvanger, abonneer, speel, storing

CERTIFICAAT = {"certificaatdatum": "2027-02-01"}


async def _stand(client: httpx.AsyncClient, beheer: dict[str, str]) -> list[dict[str, object]]:
    response = await client.get("/api/v1/beheer/meldingen", headers=beheer)
    assert response.status_code == 200
    return list(response.json())


class TestStoringen:
    async def test_fout_is_500_and_traag_is_slow(
        self, client: httpx.AsyncClient, keten: dict[str, str], beheer: dict[str, str]
    ) -> None:
        feit = await speel(client, beheer, "plicht-vastgesteld", PLICHT)
        await storing(client, beheer, "fout")
        assert (await client.get(f"/api/v1/feiten/{feit['id']}", headers=keten)).status_code == 500
        await storing(client, beheer, "traag")
        begin = time.monotonic()
        assert (await client.get(f"/api/v1/feiten/{feit['id']}", headers=keten)).status_code == 200
        assert time.monotonic() - begin >= 0.3
        await storing(client, beheer, "normaal")
        begin = time.monotonic()
        assert (await client.get(f"/api/v1/feiten/{feit['id']}", headers=keten)).status_code == 200
        assert time.monotonic() - begin < 0.3

    async def test_plat_holds_notifications_until_back(
        self, client: httpx.AsyncClient, keten: dict[str, str], beheer: dict[str, str], ontvanger: Ontvanger
    ) -> None:
        await abonneer(client, keten, ontvanger.url)
        await storing(client, beheer, "plat")
        feit = await speel(client, beheer, "certificaat", CERTIFICAAT)
        assert (await client.get(f"/api/v1/feiten/{feit['id']}", headers=keten)).status_code == 503
        await asyncio.sleep(0.3)
        assert ontvanger.ontvangen() == []
        await storing(client, beheer, "normaal")
        await eventually(lambda: len(ontvanger.ontvangen()) == 1, within=10, what="de melding na de storing")

    async def test_duplicate_notifications(
        self, client: httpx.AsyncClient, keten: dict[str, str], beheer: dict[str, str], ontvanger: Ontvanger
    ) -> None:
        await abonneer(client, keten, ontvanger.url)
        await storing(client, beheer, "normaal", dubbeleMeldingen=True)
        feit = await speel(client, beheer, "certificaat", CERTIFICAAT)
        await eventually(lambda: len(ontvanger.ontvangen()) == 2, within=10, what="twee meldingen")
        assert [m["id"] for m in ontvanger.ontvangen()] == [feit["id"], feit["id"]]

    async def test_reversed_order(
        self, client: httpx.AsyncClient, keten: dict[str, str], beheer: dict[str, str], ontvanger: Ontvanger
    ) -> None:
        await abonneer(client, keten, ontvanger.url)
        # Held back while down, so that one round takes all three.
        await storing(client, beheer, "plat")
        feiten = [await speel(client, beheer, "certificaat", CERTIFICAAT) for _ in range(3)]
        await storing(client, beheer, "normaal", omgekeerdeVolgorde=True)
        await eventually(lambda: len(ontvanger.ontvangen()) == 3, within=10, what="drie meldingen")
        assert [m["volgnummer"] for m in ontvanger.ontvangen()] == [f["volgnummer"] for f in reversed(feiten)]


class TestBezorging:
    async def test_retried_with_back_off_while_the_gemeente_is_down(
        self, client: httpx.AsyncClient, keten: dict[str, str], beheer: dict[str, str], ontvanger: Ontvanger
    ) -> None:
        await abonneer(client, keten, ontvanger.url)
        ontvanger.status = 503
        feiten = [await speel(client, beheer, "certificaat", CERTIFICAAT) for _ in range(3)]

        async def geprobeerd() -> bool:
            return all(int(str(m["pogingen"])) >= 2 for m in await _stand(client, beheer))

        await eventually(geprobeerd, within=10, what="herhaalde pogingen")
        stand = await _stand(client, beheer)
        assert not any(m["afgeleverd"] for m in stand)
        assert all(m["laatsteFout"] == "HTTP 503" for m in stand)

        ontvanger.status = 202
        await eventually(lambda: len(ontvanger.ontvangen()) == 3, within=10, what="alle meldingen na herstel")
        await asyncio.sleep(0.5)
        assert sorted(m["id"] for m in ontvanger.ontvangen()) == sorted(f["id"] for f in feiten)
        assert all(m["afgeleverd"] for m in await _stand(client, beheer))

    async def test_unreachable_subscriber_then_a_new_address(
        self, client: httpx.AsyncClient, keten: dict[str, str], beheer: dict[str, str], ontvanger: Ontvanger
    ) -> None:
        # Port 9 (discard) on loopback: nothing listens, the connection is refused.
        await abonneer(client, keten, "http://127.0.0.1:9/meldingen")
        await speel(client, beheer, "certificaat", CERTIFICAAT)

        async def mislukt() -> bool:
            stand = await _stand(client, beheer)
            return bool(stand) and str(stand[0]["laatsteFout"]).startswith("ConnectError")

        await eventually(mislukt, within=10, what="een mislukte poging")
        await abonneer(client, keten, ontvanger.url)
        await eventually(lambda: len(ontvanger.ontvangen()) == 1, within=10, what="de melding op het nieuwe adres")

    async def test_no_subscription_yet_waits(
        self, client: httpx.AsyncClient, keten: dict[str, str], beheer: dict[str, str], ontvanger: Ontvanger
    ) -> None:
        await speel(client, beheer, "certificaat", CERTIFICAAT)
        await asyncio.sleep(0.3)
        assert (await _stand(client, beheer))[0]["pogingen"] == 0
        await abonneer(client, keten, ontvanger.url)
        await eventually(lambda: len(ontvanger.ontvangen()) == 1, within=10, what="de melding na het abonnement")
