"""Across services, as deployed: a person moves from 0363 to 0599, both served by one deployment, and the dossier
follows (Besluit inburgering 2021 art. 9.4 lid 4; issue 15 §3, issue 13 point 1).

At 0363 the person has a brede intake (inburgeraar-api), a vastgesteld PIP (pip-api), an opdracht with the provider's
progress (aanbieder-api) and a fine (handhaving-api). DUO notices the move (its stand-in, read by the exchange's
catch-up of DUO's feed); the exchange registers the person at 0599 and the move at 0363; inburgeraar-api's event starts
the transfer; the exchange's worker fetches the four parts at 0363, builds and checks the bundle, takes the parts in at
0599 step by step and tells 0363 it was handed over; the contexts of 0363 end what they ran (PIP `verhuisd`, the
opdracht), 0599 holds the imported history and a concept PIP of its own. A repeat of DUO's notice changes nothing.
Every service's app runs in-process on its own database; real PostgreSQL, a NATS server of this module's own.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

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
from inburgering_kit.overdracht import OVERDRAGEN, OVERNEMEN
from inburgering_kit.testing.infra import Infra
from inburgering_kit.testing.keten import dienst_instellingen
from inburgering_kit.testing.plugin import TEST_AUDIENCE, TEST_ISSUER, TokenFactory
from inburgering_kit.testing.service import Running
from inburgering_kit.testing.waiting import eventually
from ketenuitwisseling.main import create_app as create_keten_app
from ketenuitwisseling.services.ophalen import Instellingen
from ketenuitwisseling.services.partners import Verbindingen
from ketenuitwisseling.services.werker import draai
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

STREAM = "INBURGERING_FLOW_VERHUIZING"


def _gemeen(infra: Infra, tokens: TokenFactory, service: str, nats_url: str) -> dict[str, Any]:
    return dienst_instellingen(
        infra, tokens, ROOT, service, database="test_flow_verhuizing", nats_url=nats_url, stream_name=STREAM
    )


def _partner(infra: Infra, tokens: TokenFactory, service: str) -> dict[str, Any]:
    # A partner outside the deployment: no event bus. No one subscribes here: the exchange reads its feed.
    return {
        **_gemeen(infra, tokens, service, ""),
        "melding_sleutel_bestand": tokens.private_key,
        "melding_issuer": TEST_ISSUER,
        "melding_audience": TEST_AUDIENCE,
        "melding_interval_seconden": 0.1,
    }


class Instellingen6:
    def __init__(self, infra: Infra, nats_url: str, tokens: TokenFactory, uploads: Path) -> None:
        self.inburgeraar = InburgeraarSettings(**_gemeen(infra, tokens, "inburgeraar-api", nats_url))
        self.pip = PipSettings(**_gemeen(infra, tokens, "pip-api", nats_url))
        self.aanbieder = AanbiederSettings(**_gemeen(infra, tokens, "aanbieder-api", nats_url), upload_dir=uploads)
        self.handhaving = HandhavingSettings(**_gemeen(infra, tokens, "handhaving-api", nats_url))
        self.keten = KetenSettings(
            **_gemeen(infra, tokens, "ketenuitwisseling", nats_url), run_relay=False, gemeenten=(OUD, NIEUW)
        )
        self.duo = DuoSettings(**_partner(infra, tokens, "duo-standin"))
        self.coa = CoaSettings(**_partner(infra, tokens, "coa-standin"))


@pytest.fixture(scope="module")
def instellingen(
    infra: Infra, nats_url: str, tokens: TokenFactory, tmp_path_factory: pytest.TempPathFactory
) -> Instellingen6:
    return Instellingen6(infra, nats_url, tokens, tmp_path_factory.mktemp("aanleveringen"))


class Deployment:
    def __init__(self, t: TokenFactory, apps: dict[str, Running], instellingen: Instellingen6) -> None:
        self.t = t
        self.apps = apps
        self.instellingen = instellingen
        self.c = Contexten(
            t, apps["inburgeraar"].client, apps["pip"].client, apps["aanbieder"].client, apps["handhaving"].client,
            apps["keten"].client, instellingen.handhaving.database_url,
        )  # fmt: skip

    def client(self, naam: str) -> httpx.AsyncClient:
        return self.apps[naam].client

    def als(self, rollen: dict[str, set[str]], gemeente: str, rol: str = "klantregisseur") -> dict[str, str]:
        return self.t.headers(*rollen[rol], gemeente=gemeente)

    async def duo_meldt_verhuizing(self, van: str = OUD, naar: str = NIEUW, verhuisdatum: str = "2027-02-01") -> None:
        await duo_meldt_verhuizing(self.client("duo"), self.t, van, naar, verhuisdatum)

    async def overdrachten(self, gemeente: str, **params: str) -> list[dict[str, Any]]:
        return await self.c.overdrachten(gemeente, **params)

    async def meldingen(self) -> list[dict[str, Any]]:
        alle = []
        for gemeente in (OUD, NIEUW):
            response = await self.client("keten").get(
                "/api/v1/meldingen", params={"pageSize": 100}, headers=self.t.headers("keten:lezen", gemeente=gemeente)
            )
            assert response.status_code == 200, response.text
            alle += response.json()["resultaten"]
        return alle


@pytest.fixture
async def deployment(instellingen: Instellingen6, tokens: TokenFactory) -> AsyncIterator[Deployment]:
    apps = {
        "inburgeraar": await Running(create_inburgeraar_app(instellingen.inburgeraar)).start(),
        "pip": await Running(create_pip_app(instellingen.pip)).start(),
        "aanbieder": await Running(create_aanbieder_app(instellingen.aanbieder)).start(),
        "handhaving": await Running(create_handhaving_app(instellingen.handhaving)).start(),
        "keten": await Running(create_keten_app(instellingen.keten)).start(),
        "duo": await Running(create_duo_app(instellingen.duo)).start(),
        "coa": await Running(create_coa_app(instellingen.coa)).start(),
    }

    def asgi(name: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=apps[name].app), base_url=f"http://{name}/api/v1/")

    verbindingen = Verbindingen(
        duo=asgi("duo"), coa=asgi("coa"), inburgeraar=asgi("inburgeraar"), handhaving=asgi("handhaving"),
        pip=asgi("pip"), aanbieder=asgi("aanbieder"), tokens=KetenTokens(tokens),
    )  # fmt: skip
    database = Database(instellingen.keten.database_url, pool_size=4)
    stop = asyncio.Event()
    worker = asyncio.create_task(
        draai(
            database,
            verbindingen,
            Verwerkingslog(instellingen.keten.pseudonym_key.get_secret_value().encode()),
            Instellingen(max_wachttijd=0.5, gemeenten=(OUD, NIEUW)),
            stop,
            interval=0.1,
            # No notifications: the worker finds DUO's facts by reading its feed for both gemeenten.
            gemeenten=(OUD, NIEUW),
            inhalen_interval=0.3,
        )
    )
    try:
        yield Deployment(tokens, apps, instellingen)
    finally:
        stop.set()
        await asyncio.wait_for(worker, timeout=15)
        await verbindingen.aclose()
        await database.dispose()
        for app in reversed(apps.values()):
            await app.stop()


async def test_dossier_volgt_de_persoon_van_0363_naar_0599(deployment: Deployment, tokens: TokenFactory) -> None:
    d = deployment
    inburgeraar = d.client("inburgeraar")
    ik_oud = d.als(inburgeraar_scopes.ROLLEN, OUD)

    # At 0363: registered, DUO's plicht, brede intake, a vastgesteld PIP, an opdracht with progress, a fine.
    oud = await bouw_dossier(d.c, d.client("duo"), OUD)
    oud_id, pip, opdracht, aanbieder = oud.inburgeraar_id, oud.pip, oud.opdracht, oud.aanbieder

    # DUO notices the move into 0599.
    await d.duo_meldt_verhuizing()

    async def ingevoerd() -> bool:
        return [o["status"] for o in await d.overdrachten(NIEUW, richting="inkomend")] == ["afgerond"]

    await eventually(ingevoerd, within=60, what="de overdracht ingevoerd bij 0599")
    [uitgaand] = await d.overdrachten(OUD, richting="uitgaand")
    [inkomend] = await d.overdrachten(NIEUW, richting="inkomend")
    assert uitgaand["id"] == inkomend["id"] and uitgaand["inburgeraarId"] == oud_id
    assert (uitgaand["vanGemeente"], uitgaand["naarGemeente"]) == (inkomend["vanGemeente"], inkomend["naarGemeente"])
    assert (uitgaand["vanGemeente"], uitgaand["naarGemeente"]) == (OUD, NIEUW)
    assert all(s["gedaanOp"] for o in (uitgaand, inkomend) for s in o["stappen"])
    assert uitgaand["inhoudVerwijderd"] and inkomend["inhoudVerwijderd"]
    overdracht_id = inkomend["id"]

    # The person registered at 0599 (DUO's notice, issue 13 point 1), with the dossier of 0363 as imported history.
    [nieuw] = await d.c.inburgeraars(NIEUW)
    nieuw_id = nieuw["id"]
    assert nieuw_id == inkomend["inburgeraarId"] and nieuw_id != oud_id
    assert nieuw["bsn"] == BSN and nieuw["herkomst"] == {"soort": "verhuizing", "vanGemeente": OUD}
    await dossier_van_oud_bij_nieuw(d.c, nieuw_id)

    # 0599 takes the agreements over as a concept PIP in its own name.
    [nieuw_pip] = await d.c.pips(NIEUW, nieuw_id)
    assert nieuw_pip["status"] == "concept" and nieuw_pip["leerroute"] == "b1"

    # 0363 ended what it ran: the regie, the PIP (`verhuisd`) and the opdracht (the provider is told).
    plan_oud = d.als(pip_scopes.ROLLEN, OUD)
    regisseur_oud = d.c.regisseur_aanbieders(OUD)

    async def beeindigd() -> bool:
        p = (await d.client("pip").get(f"/api/v1/pips/{pip['id']}", headers=plan_oud)).json()
        o = (await d.client("aanbieder").get(f"/api/v1/opdrachten/{opdracht['id']}", headers=regisseur_oud)).json()
        return p["status"] == "beeindigd" and o["status"] not in {"verstrekt", "aanvaard", "gestart"}

    await eventually(beeindigd, what="het PIP en de opdracht van 0363 beëindigd")
    p = (await d.client("pip").get(f"/api/v1/pips/{pip['id']}", headers=plan_oud)).json()
    assert "verhuisd" in json.dumps(p)
    o = (await d.client("aanbieder").get(f"/api/v1/opdrachten/{opdracht['id']}", headers=regisseur_oud)).json()
    assert o["status"] == "ingetrokken" and o["stand"]["gerealiseerdeStartdatum"] == "2027-01-11"
    # The provider is told, through the opdracht as it sees it.
    response = await d.client("aanbieder").get(f"/api/v1/toegewezen-opdrachten/{opdracht['id']}", headers=aanbieder)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "ingetrokken"
    response = await inburgeraar.get(f"/api/v1/inburgeraars/{oud_id}", headers=ik_oud)
    assert response.json()["status"] == "verhuisd"
    response = await inburgeraar.get(f"/api/v1/inburgeraars/{oud_id}/verhuizingen", headers=ik_oud)
    [verhuizing] = response.json()
    assert (verhuizing["id"], verhuizing["status"], verhuizing["bron"]) == (overdracht_id, "overgedragen", "duo")

    # Both processing logs record the transfer with its legal ground: 0363's provision, 0599's taking over.
    assert {(OUD, OVERDRAGEN.naam), (NIEUW, OVERNEMEN.naam)} <= await verwerkingen(
        d.instellingen.keten.database_url, overdracht_id
    )
    # And each context's own log: its part provided by 0363, taken in by 0599.
    for naam in ("inburgeraar", "pip", "aanbieder", "handhaving"):
        settings = getattr(d.instellingen, naam)
        assert await verwerkingen(settings.database_url) == {(OUD, OVERDRAGEN.naam), (NIEUW, OVERNEMEN.naam)}, naam

    # DUO repeats its notice: nothing changes.
    voor = (await d.overdrachten(OUD), await d.overdrachten(NIEUW), len(await d.meldingen()))
    await d.duo_meldt_verhuizing()

    async def verwerkt() -> bool:
        meldingen = await d.meldingen()
        verhuisd = [m for m in meldingen if m["soort"] == "verhuisd"]
        return len(meldingen) == voor[2] + 2 and all(m["status"] == "verwerkt" for m in verhuisd)

    await eventually(verwerkt, within=30, what="de herhaalde melding van DUO verwerkt")
    await asyncio.sleep(1.0)  # a transfer it wrongly started would have its row by now
    assert (await d.overdrachten(OUD), await d.overdrachten(NIEUW)) == voor[:2]
    assert len(await d.c.inburgeraars(NIEUW)) == 1
    assert len(await d.c.pips(NIEUW, nieuw_id)) == 1
    response = await inburgeraar.get(f"/api/v1/inburgeraars/{oud_id}/verhuizingen", headers=ik_oud)
    assert len(response.json()) == 1
    assert date.fromisoformat(inkomend["verhuisdatum"]) == date(2027, 2, 1)
