"""What every stand-in's suite shares: its settings for a fast delivery worker, a gemeente's exchange as small as it
gets (records every notification), the tokens of both sides, and the tests of the fault switches and of the delivery
with back-off. A stand-in's `tests/conftest.py` makes the service fixtures with `standin_fixtures`, its
`tests/integration/conftest.py` the rest with `keten_fixtures` and a fixture `nieuw_feit` (one fact of its own, for
0363), and a test module imports `TestStoringen` and `TestBezorging`. pytest finds the fixtures by the names they
were made with, whatever the module calls them."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import httpx
import pytest
from fastapi import FastAPI, Request, Response

from inburgering_kit.testing.live import live_server
from inburgering_kit.testing.plugin import TokenFactory
from inburgering_kit.testing.service import S, ServiceFixtures, service_fixtures
from inburgering_kit.testing.waiting import eventually
from ketenpartner_standin import scopes

NieuwFeit = Callable[[], Awaitable[dict[str, Any]]]


def _snel(_: pytest.TempPathFactory) -> dict[str, Any]:
    return {
        "melding_token": "test-token",
        "melding_interval_seconden": 0.05,
        "melding_backoff_basis_seconden": 0.1,
        "melding_backoff_max_seconden": 0.4,
        "melding_timeout_seconden": 2.0,
        "traag_seconden": 0.3,
        "nats_url": "",
    }


def standin_fixtures(
    create_app: Callable[[S], FastAPI], settings_class: type[S], *, database: str, migrations: Path
) -> ServiceFixtures:
    """The kit's service fixtures, with a delivery worker that notifies with a fixed token and retries fast."""
    return service_fixtures(create_app, settings_class, database=database, migrations=migrations, overrides=_snel)


@dataclass
class Ontvanger:
    """A gemeente's exchange as small as it gets: records every notification and answers `status`."""

    url: str = ""
    status: int = 202
    meldingen: list[dict[str, Any]] = field(default_factory=list)
    autorisaties: list[str | None] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ontvangen(self) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.meldingen)


@dataclass
class Speelveld:
    """A stand-in's app with the exchange's and the scenario's headers, the receiver, and one new fact at a time."""

    client: httpx.AsyncClient
    keten: dict[str, str]
    beheer: dict[str, str]
    ontvanger: Ontvanger
    nieuw_feit: NieuwFeit

    async def abonneer(self, url: str | None = None) -> None:
        await abonneer(self.client, self.keten, url or self.ontvanger.url)

    async def storing(self, modus: str = "normaal", **extra: bool) -> None:
        await storing(self.client, self.beheer, modus, **extra)

    async def haal_op(self, feit: dict[str, Any]) -> httpx.Response:
        return await self.client.get(f"/api/v1/feiten/{feit['id']}", headers=self.keten)

    async def stand(self) -> list[dict[str, object]]:
        response = await self.client.get("/api/v1/beheer/meldingen", headers=self.beheer)
        assert response.status_code == 200
        return list(response.json())

    async def ontvangen(self, aantal: int, what: str) -> list[dict[str, Any]]:
        await eventually(lambda: len(self.ontvanger.ontvangen()) == aantal, within=10, what=what)
        return self.ontvanger.ontvangen()


class KetenFixtures(NamedTuple):
    ontvanger_server: Any
    ontvanger: Any
    keten: Any
    keten_0599: Any
    beheer: Any
    speelveld: Any


def keten_fixtures() -> KetenFixtures:
    """`ontvanger` (emptied and answering 202 for each test), the headers `keten` (the exchange of 0363),
    `keten_0599` and `beheer` (whoever plays the partner's side), and all of them with the stand-in's `client` and
    its `nieuw_feit` as a `speelveld`."""

    @pytest.fixture(scope="session", name="_ontvanger_server")
    def ontvanger_server_fixture() -> Iterator[Ontvanger]:
        ontvanger = Ontvanger()
        app = FastAPI()

        @app.post("/meldingen")
        async def meld(request: Request) -> Response:
            body = await request.json()
            with ontvanger.lock:
                if ontvanger.status == 202:
                    ontvanger.meldingen.append(body)
                    ontvanger.autorisaties.append(request.headers.get("authorization"))
            return Response(status_code=ontvanger.status)

        with live_server(app) as url:
            ontvanger.url = f"{url}/meldingen"
            yield ontvanger

    @pytest.fixture(name="ontvanger")
    def ontvanger_fixture(_ontvanger_server: Ontvanger) -> Iterator[Ontvanger]:
        _ontvanger_server.status = 202
        with _ontvanger_server.lock:
            _ontvanger_server.meldingen.clear()
            _ontvanger_server.autorisaties.clear()
        yield _ontvanger_server
        _ontvanger_server.status = 202

    @pytest.fixture(name="keten")
    def keten_fixture(tokens: TokenFactory) -> dict[str, str]:
        return tokens.headers(scopes.KETEN, client_id="ketenuitwisseling")

    @pytest.fixture(name="keten_0599")
    def keten_0599_fixture(tokens: TokenFactory) -> dict[str, str]:
        return tokens.headers(scopes.KETEN, client_id="ketenuitwisseling", gemeente="0599")

    @pytest.fixture(name="beheer")
    def beheer_fixture(tokens: TokenFactory) -> dict[str, str]:
        return tokens.headers(scopes.BEHEER, gemeente=None)

    @pytest.fixture(name="speelveld")
    def speelveld_fixture(
        client: httpx.AsyncClient,
        keten: dict[str, str],
        beheer: dict[str, str],
        ontvanger: Ontvanger,
        nieuw_feit: NieuwFeit,
    ) -> Speelveld:
        return Speelveld(client, keten, beheer, ontvanger, nieuw_feit)

    return KetenFixtures(
        ontvanger_server_fixture,
        ontvanger_fixture,
        keten_fixture,
        keten_0599_fixture,
        beheer_fixture,
        speelveld_fixture,
    )


async def abonneer(client: httpx.AsyncClient, keten: dict[str, str], url: str, gemeente: str = "0363") -> None:
    response = await client.put(f"/api/v1/abonnementen/{gemeente}", json={"callbackUrl": url}, headers=keten)
    assert response.status_code == 200, response.text


async def storing(client: httpx.AsyncClient, beheer: dict[str, str], modus: str = "normaal", **extra: bool) -> None:
    response = await client.put("/api/v1/beheer/storingen", json={"modus": modus, **extra}, headers=beheer)
    assert response.status_code == 200, response.text


class TestStoringen:
    """The fault switches, as the gemeente's exchange meets them."""

    async def test_fout_is_500_and_traag_is_slow(self, speelveld: Speelveld) -> None:
        feit = await speelveld.nieuw_feit()
        await speelveld.storing("fout")
        assert (await speelveld.haal_op(feit)).status_code == 500
        await speelveld.storing("traag")
        begin = time.monotonic()
        assert (await speelveld.haal_op(feit)).status_code == 200
        assert time.monotonic() - begin >= 0.3
        await speelveld.storing("normaal")
        begin = time.monotonic()
        assert (await speelveld.haal_op(feit)).status_code == 200
        assert time.monotonic() - begin < 0.3

    async def test_plat_holds_notifications_until_back(self, speelveld: Speelveld) -> None:
        await speelveld.abonneer()
        await speelveld.storing("plat")
        response = await speelveld.haal_op(await speelveld.nieuw_feit())
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "5"
        await asyncio.sleep(0.3)
        assert speelveld.ontvanger.ontvangen() == []
        await speelveld.storing("normaal")
        await speelveld.ontvangen(1, "de melding na de storing")

    async def test_duplicate_notifications(self, speelveld: Speelveld) -> None:
        await speelveld.abonneer()
        await speelveld.storing("normaal", dubbeleMeldingen=True)
        feit = await speelveld.nieuw_feit()
        assert [m["id"] for m in await speelveld.ontvangen(2, "twee meldingen")] == [feit["id"], feit["id"]]

    async def test_reversed_order(self, speelveld: Speelveld) -> None:
        await speelveld.abonneer()
        # Held back while down, so that one round takes all three.
        await speelveld.storing("plat")
        feiten = [await speelveld.nieuw_feit() for _ in range(3)]
        await speelveld.storing("normaal", omgekeerdeVolgorde=True)
        ontvangen = await speelveld.ontvangen(3, "drie meldingen")
        assert [m["volgnummer"] for m in ontvangen] == [f["volgnummer"] for f in reversed(feiten)]


class TestBezorging:
    """The delivery that survives a gemeente that is down, unreachable or not subscribed yet."""

    async def test_retried_with_back_off_while_the_gemeente_is_down(self, speelveld: Speelveld) -> None:
        await speelveld.abonneer()
        speelveld.ontvanger.status = 503
        feiten = [await speelveld.nieuw_feit() for _ in range(3)]

        async def geprobeerd() -> bool:
            return all(int(str(m["pogingen"])) >= 2 for m in await speelveld.stand())

        await eventually(geprobeerd, within=10, what="herhaalde pogingen")
        stand = await speelveld.stand()
        assert not any(m["afgeleverd"] for m in stand)
        assert all(m["laatsteFout"] == "HTTP 503" for m in stand)

        speelveld.ontvanger.status = 202
        await speelveld.ontvangen(3, "alle meldingen na herstel")
        await asyncio.sleep(0.5)
        assert sorted(m["id"] for m in speelveld.ontvanger.ontvangen()) == sorted(f["id"] for f in feiten)
        assert all(m["afgeleverd"] for m in await speelveld.stand())

    async def test_unreachable_subscriber_then_a_new_address(self, speelveld: Speelveld) -> None:
        # Port 9 (discard) on loopback: nothing listens, the connection is refused.
        await speelveld.abonneer("http://127.0.0.1:9/meldingen")
        await speelveld.nieuw_feit()

        async def mislukt() -> bool:
            stand = await speelveld.stand()
            return bool(stand) and str(stand[0]["laatsteFout"]).startswith("ConnectError")

        await eventually(mislukt, within=10, what="een mislukte poging")
        await speelveld.abonneer()
        await speelveld.ontvangen(1, "de melding op het nieuwe adres")

    async def test_no_subscription_yet_waits(self, speelveld: Speelveld) -> None:
        await speelveld.nieuw_feit()
        await asyncio.sleep(0.3)
        assert (await speelveld.stand())[0]["pogingen"] == 0
        await speelveld.abonneer()
        await speelveld.ontvangen(1, "de melding na het abonnement")
