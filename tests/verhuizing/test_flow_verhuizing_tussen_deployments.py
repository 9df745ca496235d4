"""Across deployments, as deployed: a person moves from 0363 to 0599, each served by a deployment of its own, and the
dossier follows over the API with the trust of the chain exchange (Besluit inburgering 2021 art. 9.4 lid 4; issue 15
§3): mutual TLS with the development CA's certificates, each exchange knowing the other as a `gemeente_peers` entry
with the OIN its certificate must carry.

Deployment A serves 0363, B serves 0599: each its own NATS, its own four contexts and exchange on databases of its
own (one PostgreSQL server); the exchanges serve their API over HTTPS (uvicorn, client certificate required) and their
workers call the other's. DUO (its stand-in, outside both) tells both gemeenten of the move: A registers it and starts
the transfer, B asks A for it (`/overdrachtsverzoeken`) — one transfer. B's exchange is away when A delivers: A keeps
the bundle and tries again, and delivers once B is back. B takes the parts in as imported history and a concept PIP of
its own; A ends its PIP `verhuisd`. The same bundle delivered again and DUO's notice repeated change nothing; a caller
without a certificate of the trusted CA is not heard at all, one with another organisation's certificate is refused.
"""

from __future__ import annotations

import asyncio
import json
import ssl
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import text

from aanbieder_api.main import create_app as create_aanbieder_app
from aanbieder_api.settings import Settings as AanbiederSettings
from coa_standin.main import create_app as create_coa_app
from coa_standin.settings import Settings as CoaSettings
from duo_standin.main import create_app as create_duo_app
from duo_standin.settings import Settings as DuoSettings
from handhaving_api.main import create_app as create_handhaving_app
from handhaving_api.settings import Settings as HandhavingSettings
from inburgeraar_api import scopes as inburgeraar_scopes
from inburgeraar_api.main import create_app as create_inburgeraar_app
from inburgeraar_api.settings import Settings as InburgeraarSettings
from inburgering_kit.audit import Verwerkingslog
from inburgering_kit.db import Database
from inburgering_kit.embedded import EmbeddedNats, free_port
from inburgering_kit.keten import Mtls, ontwikkel_ca, partner_client, server_ssl
from inburgering_kit.nats_access import NatsAccess
from inburgering_kit.overdracht import OVERDRAGEN, OVERNEMEN
from inburgering_kit.testing.infra import Infra
from inburgering_kit.testing.keten import dienst_instellingen, partner_instellingen
from inburgering_kit.testing.plugin import TokenFactory
from inburgering_kit.testing.service import Running
from inburgering_kit.testing.waiting import eventually
from ketenuitwisseling.main import create_app as create_keten_app
from ketenuitwisseling.services.ophalen import Instellingen
from ketenuitwisseling.services.partners import Doel, Verbindingen
from ketenuitwisseling.services.werker import SCOPES_PER_DOEL, draai
from ketenuitwisseling.settings import GemeentePeer
from ketenuitwisseling.settings import Settings as KetenSettings
from pip_api import scopes as pip_scopes
from pip_api.main import create_app as create_pip_app
from pip_api.settings import Settings as PipSettings

from .gedeeld import (
    BSN,
    NIEUW,
    OUD,
    ROOT,
    Contexten,
    KetenTokens,
    bouw_dossier,
    dossier_van_oud_bij_nieuw,
    duo_meldt_verhuizing,
    verwerkingen,
)

STREAM = "INBURGERING_FLOW_VERHUIZING_TWEE"
OIN = {OUD: "00000001002564440000", NIEUW: "00000001001234567000"}
OIN_DUO = "00000001800866472000"
ANDERE = {OUD: NIEUW, NIEUW: OUD}
CONTEXTEN = ("inburgeraar", "pip", "aanbieder", "handhaving")


def _uitwisseling(gemeente: str) -> str:
    return f"uitwisseling-{gemeente}"


@pytest.fixture(scope="module")
def certificaten(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Mtls]:
    """The development CA both deployments trust, a certificate per exchange (its OIN) and one of DUO's."""
    return ontwikkel_ca(
        tmp_path_factory.mktemp("ca"), {_uitwisseling(OUD): OIN[OUD], _uitwisseling(NIEUW): OIN[NIEUW], "duo": OIN_DUO}
    )


@pytest.fixture(scope="module")
def nats_b(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """B's own NATS (A has the module's `nats_url`): no event of one deployment reaches the other."""
    server = EmbeddedNats(tmp_path_factory.mktemp("nats-b"), free_port(), access=NatsAccess.generate())
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


@dataclass
class Instellingen1:
    """One deployment's settings: the four contexts and the exchange, on databases `test_flow_verhuizing_<a|b>_*`."""

    gemeente: str
    inburgeraar: InburgeraarSettings
    pip: PipSettings
    aanbieder: AanbiederSettings
    handhaving: HandhavingSettings
    keten: KetenSettings
    poort: int


def _deployment(
    infra: Infra,
    tokens: TokenFactory,
    nats_url: str,
    gemeente: str,
    naam: str,
    poorten: dict[str, int],
    certificaten: dict[str, Mtls],
    uploads: Path,
) -> Instellingen1:
    def gemeen(service: str) -> dict[str, Any]:
        return dienst_instellingen(
            infra, tokens, ROOT, service, database=f"test_flow_verhuizing_{naam}", nats_url=nats_url,
            stream_name=STREAM,
        )  # fmt: skip

    andere = ANDERE[gemeente]
    return Instellingen1(
        gemeente=gemeente,
        inburgeraar=InburgeraarSettings(**gemeen("inburgeraar-api")),
        pip=PipSettings(**gemeen("pip-api")),
        aanbieder=AanbiederSettings(**gemeen("aanbieder-api"), upload_dir=uploads),
        handhaving=HandhavingSettings(**gemeen("handhaving-api")),
        keten=KetenSettings(
            **gemeen("ketenuitwisseling"),
            run_relay=False,
            gemeenten=(gemeente,),
            mtls=certificaten[_uitwisseling(gemeente)],
            oin_duo=OIN_DUO,
            gemeente_peers={andere: GemeentePeer(url=f"https://127.0.0.1:{poorten[andere]}", oin=OIN[andere])},
        ),
        poort=poorten[gemeente],
    )


def _partner(infra: Infra, tokens: TokenFactory, service: str) -> dict[str, Any]:
    # Outside both deployments: each exchange reads its feed for its own gemeente.
    return partner_instellingen(infra, tokens, ROOT, service, database="test_flow_verhuizing_twee")


@dataclass
class Alle:
    a: Instellingen1
    b: Instellingen1
    duo: DuoSettings
    coa: CoaSettings


@pytest.fixture(scope="module")
def instellingen(
    infra: Infra,
    nats_url: str,
    nats_b: str,
    tokens: TokenFactory,
    certificaten: dict[str, Mtls],
    tmp_path_factory: pytest.TempPathFactory,
) -> Alle:
    poorten = {OUD: free_port(), NIEUW: free_port()}
    return Alle(
        a=_deployment(infra, tokens, nats_url, OUD, "a", poorten, certificaten, tmp_path_factory.mktemp("a")),
        b=_deployment(infra, tokens, nats_b, NIEUW, "b", poorten, certificaten, tmp_path_factory.mktemp("b")),
        duo=DuoSettings(**_partner(infra, tokens, "duo-standin")),
        coa=CoaSettings(**_partner(infra, tokens, "coa-standin")),
    )


class Deployment:
    """One gemeente's deployment: its four contexts (in-process), its exchange's API served over mTLS by uvicorn
    (`serveer`), and its exchange's worker, which calls the contexts, the partners and the other deployment."""

    def __init__(
        self,
        s: Instellingen1,
        t: TokenFactory,
        certificaten: dict[str, Mtls],
        partners: tuple[httpx.AsyncClient, httpx.AsyncClient],
    ) -> None:
        self.s = s
        self.t = t
        self.mtls = certificaten[_uitwisseling(s.gemeente)]
        self.partners = partners
        self.apps: dict[str, Running] = {}
        self.keten_app = create_keten_app(s.keten)
        self.server: uvicorn.Server | None = None
        self.server_taak: asyncio.Task[None] | None = None
        self.stop = asyncio.Event()
        self.worker: asyncio.Task[None] | None = None
        self.verbindingen: Verbindingen | None = None
        self.database = Database(s.keten.database_url, pool_size=4)
        self.keten = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.keten_app), base_url="http://keten")

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.s.poort}"

    @property
    def c(self) -> Contexten:
        a = self.apps
        return Contexten(
            self.t, a["inburgeraar"].client, a["pip"].client, a["aanbieder"].client, a["handhaving"].client,
            self.keten, self.s.handhaving.database_url,
        )  # fmt: skip

    async def start(self) -> None:
        self.apps = {
            "inburgeraar": await Running(create_inburgeraar_app(self.s.inburgeraar)).start(),
            "pip": await Running(create_pip_app(self.s.pip)).start(),
            "aanbieder": await Running(create_aanbieder_app(self.s.aanbieder)).start(),
            "handhaving": await Running(create_handhaving_app(self.s.handhaving)).start(),
        }

        def asgi(naam: str) -> httpx.AsyncClient:
            app = self.apps[naam].app
            return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"http://{naam}/api/v1/")

        peer = self.s.keten.gemeente_peers[ANDERE[self.s.gemeente]]
        self.verbindingen = Verbindingen(
            duo=self.partners[0], coa=self.partners[1], inburgeraar=asgi("inburgeraar"),
            handhaving=asgi("handhaving"), pip=asgi("pip"), aanbieder=asgi("aanbieder"),
            tokens=KetenTokens(self.t),
            # As the worker of `make run` makes it (`werker.verbindingen`): our certificate, only the CA trusted.
            peers={ANDERE[self.s.gemeente]: partner_client(self.mtls, base_url=f"{peer.url}/api/v1/")},
        )  # fmt: skip
        self.worker = asyncio.create_task(
            draai(
                self.database,
                self.verbindingen,
                Verwerkingslog(self.s.keten.pseudonym_key.get_secret_value().encode()),
                Instellingen(max_wachttijd=0.5, gemeenten=(self.s.gemeente,)),
                self.stop,
                interval=0.1,
                gemeenten=(self.s.gemeente,),
                inhalen_interval=0.3,
            )
        )

    async def serveer(self) -> None:
        """The exchange's API over HTTPS, a client certificate of the trusted CA required (`server_ssl`)."""
        config = uvicorn.Config(
            self.keten_app, host="127.0.0.1", port=self.s.poort, log_level="warning", lifespan="on",
            **server_ssl(self.mtls),
        )  # fmt: skip
        self.server = uvicorn.Server(config)
        self.server_taak = asyncio.create_task(self.server.serve())
        while not self.server.started:
            if self.server_taak.done():
                self.server_taak.result()
            await asyncio.sleep(0.02)

    async def stop_werker(self) -> None:
        """The worker and its connections first: a kept-alive connection to the other exchange would hold that
        server's shutdown until it times out."""
        self.stop.set()
        if self.worker is not None:
            await asyncio.wait_for(self.worker, timeout=15)
        if self.verbindingen is not None:
            v = self.verbindingen
            eigen = (v.inburgeraar, v.handhaving, v.pip, v.aanbieder, *v.peers.values())
            await asyncio.gather(*(c.aclose() for c in eigen if c is not None))

    async def sluit(self) -> None:
        if self.server is not None and self.server_taak is not None:
            self.server.should_exit = True
            await self.server_taak
        await self.keten.aclose()
        await self.database.dispose()
        for app in reversed(self.apps.values()):
            await app.stop()

    async def verwerkingen(self, naam: str, object_id: str | None = None) -> set[tuple[str, str]]:
        return await verwerkingen(getattr(self.s, naam).database_url, object_id)


@dataclass
class Twee:
    a: Deployment
    b: Deployment
    duo: httpx.AsyncClient
    t: TokenFactory


@pytest.fixture
async def twee(instellingen: Alle, tokens: TokenFactory, certificaten: dict[str, Mtls]) -> AsyncIterator[Twee]:
    duo = await Running(create_duo_app(instellingen.duo)).start()
    coa = await Running(create_coa_app(instellingen.coa)).start()

    def asgi(app: Running, naam: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app.app), base_url=f"http://{naam}/api/v1/")

    # DUO and COA as both exchanges reach them (their mutual TLS is another test's: `test_mtls`).
    partners = (asgi(duo, "duo"), asgi(coa, "coa"))
    a = Deployment(instellingen.a, tokens, certificaten, partners)
    b = Deployment(instellingen.b, tokens, certificaten, partners)
    try:
        await a.start()
        await b.start()
        await a.serveer()
        # B's exchange is served by the test once A has tried to deliver to it in vain.
        yield Twee(a, b, duo.client, tokens)
    finally:
        for d in (b, a):
            await d.stop_werker()
        for d in (b, a):
            await d.sluit()
        for client in partners:
            await client.aclose()
        await coa.stop()
        await duo.stop()


async def _bundel_bij(database_url: str, overdracht_id: str) -> dict[str, Any] | None:
    """The bundle A keeps on its outgoing transfer until it is delivered (the test's copy, to deliver it again)."""
    database = Database(database_url, pool_size=1)
    try:
        async with database.engine.connect() as conn:
            row = (
                await conn.execute(
                    text("SELECT inhoud FROM overdracht WHERE id = :i AND richting = 'uitgaand'"),
                    {"i": uuid.UUID(overdracht_id)},
                )
            ).first()
    finally:
        await database.dispose()
    return dict(row.inhoud) if row is not None and row.inhoud is not None else None


def _peer_headers(t: TokenFactory, gemeente: str) -> dict[str, str]:
    # The token an exchange presents for `gemeente` to the other deployment's exchange.
    token = t(*SCOPES_PER_DOEL[Doel.PEER], gemeente=gemeente, client_id="ketenuitwisseling", user=None)
    return {"Authorization": f"Bearer {token}"}


async def test_dossier_volgt_de_persoon_naar_een_andere_deployment(
    twee: Twee, certificaten: dict[str, Mtls], tmp_path: Path
) -> None:
    a, b, t = twee.a, twee.b, twee.t

    # At 0363, served by A: brede intake, a PIP in two versions, an opdracht with progress, a warning and a fine.
    oud = await bouw_dossier(a.c, twee.duo, OUD)

    # DUO notices the move into 0599. A registers it and fetches the dossier; B's exchange is not up yet.
    await duo_meldt_verhuizing(twee.duo, t)
    bewaard: dict[str, Any] = {}

    async def wacht_op_b() -> bool:
        uitgaand = await a.c.overdrachten(OUD, richting="uitgaand")
        if len(uitgaand) != 1 or "afgeleverd" not in (uitgaand[0]["laatsteFout"] or ""):
            return False
        bundel = await _bundel_bij(a.s.keten.database_url, uitgaand[0]["id"])
        if bundel is not None:
            bewaard.update(bundel)
        return bundel is not None

    await eventually(wacht_op_b, within=30, what="A wacht met de bundel op de uitwisseling van B")
    [uitgaand] = await a.c.overdrachten(OUD, richting="uitgaand")
    assert uitgaand["status"] == "bezig" and uitgaand["inburgeraarId"] == oud.inburgeraar_id
    stappen = {s["stap"]: s["gedaanOp"] for s in uitgaand["stappen"]}
    assert stappen["opgehaald"] and not stappen["afgeleverd"], uitgaand
    overdracht_id = uitgaand["id"]
    assert bewaard["overdrachtId"] == overdracht_id and bewaard["inburgeraar"]["bsn"] == BSN

    # B comes up: A's next try delivers over mTLS, B takes the four parts in.
    await b.serveer()

    async def ingevoerd() -> bool:
        inkomend = await b.c.overdrachten(NIEUW, richting="inkomend")
        return [o["status"] for o in inkomend] == ["afgerond"]

    await eventually(ingevoerd, within=30, what="de overdracht ingevoerd bij B")

    async def overgedragen() -> bool:
        return [o["status"] for o in await a.c.overdrachten(OUD, richting="uitgaand")] == ["afgerond"]

    await eventually(overgedragen, within=15, what="de overdracht afgerond bij A")
    [uitgaand] = await a.c.overdrachten(OUD, richting="uitgaand")
    [inkomend] = await b.c.overdrachten(NIEUW, richting="inkomend")
    assert inkomend["id"] == overdracht_id and (inkomend["vanGemeente"], inkomend["naarGemeente"]) == (OUD, NIEUW)
    assert all(s["gedaanOp"] for o in (uitgaand, inkomend) for s in o["stappen"])
    assert uitgaand["inhoudVerwijderd"] and inkomend["inhoudVerwijderd"]
    # B's request for the move (it heard of it from DUO too) was the same move at A: one transfer, not two.
    assert [o["status"] for o in await a.c.overdrachten(OUD, richting="verzoek")] in ([], ["afgerond"])
    assert await b.c.overdrachten(NIEUW, richting="uitgaand") == []

    # At 0599, in B: the person registered from the bundle, the dossier of 0363 as imported history.
    [nieuw] = await b.c.inburgeraars(NIEUW)
    nieuw_id = nieuw["id"]
    assert nieuw_id == inkomend["inburgeraarId"]
    assert nieuw["bsn"] == BSN and nieuw["herkomst"] == {"soort": "verhuizing", "vanGemeente": OUD}
    await dossier_van_oud_bij_nieuw(b.c, nieuw_id)
    # B takes the agreements of the last version over as a PIP in its own name, to vaststellen itself.
    [nieuw_pip] = await b.c.pips(NIEUW, nieuw_id)
    assert (nieuw_pip["status"], nieuw_pip["leerroute"], nieuw_pip["intensiteit"]) == ("concept", "b1", "midden")
    assert nieuw_pip["id"] != oud.pip["id"]
    # Nothing of the person is in A's contexts under 0599, nor in B's under 0363.
    assert await a.c.inburgeraars(NIEUW) == [] and await b.c.inburgeraars(OUD) == []

    # At 0363, in A: the regie ended, the PIP `verhuisd`, the opdracht withdrawn.
    plan = a.c.als(pip_scopes.ROLLEN, OUD)

    async def beeindigd() -> bool:
        response = await a.c.pip.get(f"/api/v1/pips/{oud.pip['id']}", headers=plan)
        return bool(response.json()["status"] == "beeindigd")

    await eventually(beeindigd, what="het PIP van 0363 beëindigd")
    pip = (await a.c.pip.get(f"/api/v1/pips/{oud.pip['id']}", headers=plan)).json()
    assert "verhuisd" in json.dumps(pip)
    ik = a.c.als(inburgeraar_scopes.ROLLEN, OUD)
    response = await a.c.inburgeraar.get(f"/api/v1/inburgeraars/{oud.inburgeraar_id}", headers=ik)
    assert response.json()["status"] == "verhuisd"
    response = await a.c.inburgeraar.get(f"/api/v1/inburgeraars/{oud.inburgeraar_id}/verhuizingen", headers=ik)
    [verhuizing] = response.json()
    assert (verhuizing["id"], verhuizing["status"], verhuizing["naarGemeente"]) == (
        overdracht_id,
        "overgedragen",
        NIEUW,
    )

    async def ingetrokken() -> bool:
        response = await a.c.aanbieder.get(
            f"/api/v1/opdrachten/{oud.opdracht['id']}", headers=a.c.regisseur_aanbieders(OUD)
        )
        return bool(response.json()["status"] == "ingetrokken")

    await eventually(ingetrokken, what="de opdracht van 0363 ingetrokken")

    # Each deployment's processing logs: A's exchange and contexts provided, B's took over — each only its own.
    assert (OUD, OVERDRAGEN.naam) in await a.verwerkingen("keten", overdracht_id)
    assert (NIEUW, OVERNEMEN.naam) in await b.verwerkingen("keten", overdracht_id)
    for naam in CONTEXTEN:
        assert await a.verwerkingen(naam) == {(OUD, OVERDRAGEN.naam)}, naam
        assert await b.verwerkingen(naam) == {(NIEUW, OVERNEMEN.naam)}, naam

    # Again: A delivers the same bundle once more (a worker that died before it recorded B's answer) — the same
    # transfer, nothing new; DUO repeats its notice — no second transfer on either side.
    voor = (
        await a.c.overdrachten(OUD), await b.c.overdrachten(NIEUW), await b.c.inburgeraars(NIEUW),
        await b.c.pips(NIEUW, nieuw_id),
    )  # fmt: skip
    async with partner_client(a.mtls, base_url=b.url) as als_a:
        response = await als_a.put(f"/api/v1/overdrachten/{overdracht_id}", json=bewaard, headers=_peer_headers(t, OUD))
    assert response.status_code == 200, response.text
    assert response.json()["id"] == overdracht_id
    await duo_meldt_verhuizing(twee.duo, t)
    await asyncio.sleep(2.0)  # both exchanges read DUO's feed every 0.3 s; a wrongly started transfer shows by now
    na = (
        await a.c.overdrachten(OUD), await b.c.overdrachten(NIEUW), await b.c.inburgeraars(NIEUW),
        await b.c.pips(NIEUW, nieuw_id),
    )  # fmt: skip
    assert [[{k: o[k] for k in ("id", "richting", "status")} for o in deel] for deel in na[:2]] == [
        [{k: o[k] for k in ("id", "richting", "status")} for o in deel] for deel in voor[:2]
    ]
    assert [p["id"] for p in na[2]] == [p["id"] for p in voor[2]]
    assert [p["id"] for p in na[3]] == [p["id"] for p in voor[3]]
    await dossier_van_oud_bij_nieuw(b.c, nieuw_id)  # still one of each

    # Trust: without a client certificate, or with one of a CA B does not trust, B does not even hear the caller;
    # with a certificate of the trusted CA that is not the one configured for 0363 (DUO's), B refuses.
    vreemd = ontwikkel_ca(tmp_path / "vreemde-ca", {_uitwisseling(OUD): OIN[OUD]})[_uitwisseling(OUD)]
    zonder = ssl.create_default_context(cafile=str(a.mtls.ca_file))
    met_vreemd = ssl.create_default_context(cafile=str(a.mtls.ca_file))
    met_vreemd.load_cert_chain(str(vreemd.cert_file), str(vreemd.key_file))
    for verify in (zonder, met_vreemd):
        async with httpx.AsyncClient(base_url=b.url, verify=verify) as client:
            with pytest.raises(httpx.TransportError):
                await client.put(f"/api/v1/overdrachten/{overdracht_id}", json=bewaard, headers=_peer_headers(t, OUD))
    async with partner_client(certificaten["duo"], base_url=b.url) as als_duo:
        response = await als_duo.put(
            f"/api/v1/overdrachten/{overdracht_id}", json=bewaard, headers=_peer_headers(t, OUD)
        )
    assert response.status_code == 403, response.text
