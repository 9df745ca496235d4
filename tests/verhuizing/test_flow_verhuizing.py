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
import uuid
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from aanbieder_api.main import create_app as create_aanbieder_app
from aanbieder_api.settings import Settings as AanbiederSettings
from coa_standin.main import create_app as create_coa_app
from coa_standin.settings import Settings as CoaSettings
from duo_standin.main import create_app as create_duo_app
from duo_standin.settings import Settings as DuoSettings
from handhaving_api.main import create_app as create_handhaving_app
from handhaving_api.scopes import ROLLEN as HANDHAVING_ROLLEN
from handhaving_api.settings import Settings as HandhavingSettings
from inburgeraar_api import scopes as inburgeraar_scopes
from inburgeraar_api.main import create_app as create_inburgeraar_app
from inburgeraar_api.settings import Settings as InburgeraarSettings
from inburgering_kit.audit import Verwerkingslog
from inburgering_kit.db import Database
from inburgering_kit.overdracht import OVERDRAGEN, OVERNEMEN
from inburgering_kit.testing.infra import Infra
from inburgering_kit.testing.keten import dienst_instellingen, partner_instellingen
from inburgering_kit.testing.plugin import TokenFactory, truncate_all
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
    boete,
    bouw_dossier,
    dossier_van_oud_bij_nieuw,
    duo_meldt_verhuizing,
    geimporteerd,
    verwerkingen,
)

STREAM = "INBURGERING_FLOW_VERHUIZING"


def _gemeen(infra: Infra, tokens: TokenFactory, service: str, nats_url: str) -> dict[str, Any]:
    return dienst_instellingen(
        infra, tokens, ROOT, service, database="test_flow_verhuizing", nats_url=nats_url, stream_name=STREAM
    )


def _partner(infra: Infra, tokens: TokenFactory, service: str) -> dict[str, Any]:
    # No one subscribes to a partner here: the exchange reads its feed.
    return partner_instellingen(infra, tokens, ROOT, service, database="test_flow_verhuizing", stream_name=STREAM)


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


class Tweemaal(httpx.AsyncBaseTransport):
    """The exchange's way to one context, handing every part of a dossier in twice, as a worker that died between
    the context's answer and its own record of the step hands it in again: what the second call answered is kept, to
    show it was the first answer again (200), nothing taken in twice."""

    def __init__(self, app: Any) -> None:
        self.asgi = httpx.ASGITransport(app=app)
        self.herhaald: list[tuple[str, int, int, bool]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.asgi.handle_async_request(request)
        if request.method != "PUT" or "/overdrachten/" not in request.url.path:
            return response
        eerste = await response.aread()
        nog_eens = await self.asgi.handle_async_request(request)
        tweede = await nog_eens.aread()
        self.herhaald.append(
            (request.url.path, response.status_code, nog_eens.status_code, json.loads(eerste) == json.loads(tweede))
        )
        return response


class Deployment:
    def __init__(
        self, t: TokenFactory, apps: dict[str, Running], instellingen: Instellingen6, tweemaal: list[Tweemaal]
    ) -> None:
        self.t = t
        self.apps = apps
        self.instellingen = instellingen
        self.tweemaal = tweemaal
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

    def herhaalde_overnames(self) -> list[tuple[str, int, int, bool]]:
        """Each part handed in twice so far: (path, first status, second status, same answer)."""
        return [h for t in self.tweemaal for h in t.herhaald]

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

    tweemaal = {naam: Tweemaal(apps[naam].app) for naam in ("inburgeraar", "pip", "aanbieder", "handhaving")}

    def context(name: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=tweemaal[name], base_url=f"http://{name}/api/v1/")

    verbindingen = Verbindingen(
        duo=asgi("duo"), coa=asgi("coa"), inburgeraar=context("inburgeraar"), handhaving=context("handhaving"),
        pip=context("pip"), aanbieder=context("aanbieder"), tokens=KetenTokens(tokens),
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
        yield Deployment(tokens, apps, instellingen, list(tweemaal.values()))
    finally:
        stop.set()
        await asyncio.wait_for(worker, timeout=15)
        await verbindingen.aclose()
        await database.dispose()
        for app in reversed(apps.values()):
            await app.stop()
        # The module's tests share the databases: each starts from empty ones (the person has one BSN in all).
        for settings in vars(instellingen).values():
            db = Database(settings.database_url, pool_size=1)
            try:
                await truncate_all(db)
            finally:
                await db.dispose()


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

    # Every part was taken in once: handed in again, each context gave its first answer (200), nothing twice.
    herhaald = d.herhaalde_overnames()
    assert len(herhaald) == 4 and all(h[1:] == (201, 200, True) for h in herhaald), herhaald

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


async def test_de_persoon_keert_terug_van_0599_naar_0363(deployment: Deployment, tokens: TokenFactory) -> None:
    """After 0363 → 0599, the person moves back: 0363 takes its own registration up again, active, with the dossier
    of 0599 as imported history — without a second copy of what 0363 had itself and handed over the first time."""
    d = deployment
    ik_oud, ik_nieuw = d.als(inburgeraar_scopes.ROLLEN, OUD), d.als(inburgeraar_scopes.ROLLEN, NIEUW)
    plan_oud, plan_nieuw = d.als(pip_scopes.ROLLEN, OUD), d.als(pip_scopes.ROLLEN, NIEUW)
    oud = await bouw_dossier(d.c, d.client("duo"), OUD)
    oud_id = oud.inburgeraar_id

    # 0363 → 0599; there 0599 vaststelt the agreements it took over and imposes a fine of its own.
    await d.duo_meldt_verhuizing()

    async def eerste_ingevoerd() -> bool:
        return [o["status"] for o in await d.overdrachten(NIEUW, richting="inkomend")] == ["afgerond"]

    await eventually(eerste_ingevoerd, within=60, what="de eerste overdracht ingevoerd bij 0599")
    [heen] = await d.overdrachten(NIEUW, richting="inkomend")
    nieuw_id = heen["inburgeraarId"]
    [concept] = await d.c.pips(NIEUW, nieuw_id)
    datums = {"dagtekening": "2027-02-15", "verzenddatum": "2027-02-15", "ingangsdatum": "2027-02-16"}
    response = await d.client("pip").post(f"/api/v1/pips/{concept['id']}/_vaststellen", json=datums, headers=plan_nieuw)
    assert response.status_code == 200, response.text
    await boete(d.instellingen.handhaving.database_url, NIEUW, nieuw_id, bedrag=150)

    async def pip_oud_beeindigd() -> bool:
        response = await d.client("pip").get(f"/api/v1/pips/{oud.pip['id']}", headers=plan_oud)
        return bool(response.json()["status"] == "beeindigd")

    await eventually(pip_oud_beeindigd, what="het PIP van 0363 beëindigd na de eerste verhuizing")
    begeleiding = {
        "onderdeel": "wonen", "inhoud": "huurcontract doornemen", "doel": "zelfstandig wonen",
        "startdatum": "2027-09-06", "aanbieder": "Welzijn Centrum",
    }  # fmt: skip
    response = await d.client("inburgeraar").post(
        f"/api/v1/inburgeraars/{oud_id}/maatschappelijke-begeleiding", json=begeleiding, headers=ik_oud
    )
    assert response.status_code == 409 and "verhuisd" in response.text, response.text

    # DUO notices the move back into 0363.
    await d.duo_meldt_verhuizing(NIEUW, OUD, "2027-09-01")

    async def terug_ingevoerd() -> bool:
        return [o["status"] for o in await d.overdrachten(OUD, richting="inkomend")] == ["afgerond"]

    await eventually(terug_ingevoerd, within=60, what="de overdracht terug ingevoerd bij 0363")
    [terug] = await d.overdrachten(OUD, richting="inkomend")
    [uit_nieuw] = await d.overdrachten(NIEUW, richting="uitgaand")
    assert terug["id"] == uit_nieuw["id"] != heen["id"]
    assert (terug["vanGemeente"], terug["naarGemeente"], terug["inburgeraarId"]) == (NIEUW, OUD, oud_id)

    # 0363 has its own registration again — the same one, active, coming from 0599 — and no second person.
    [persoon] = await d.c.inburgeraars(OUD)
    assert persoon["id"] == oud_id and persoon["status"] == "geregistreerd"
    assert persoon["herkomst"] == {"soort": "verhuizing", "vanGemeente": NIEUW}
    response = await d.client("inburgeraar").post(
        f"/api/v1/inburgeraars/{oud_id}/maatschappelijke-begeleiding", json=begeleiding, headers=ik_oud
    )
    assert response.status_code == 201, response.text
    # 0599 hands the regie back: its registration `verhuisd`, its PIP ended `verhuisd`.
    response = await d.client("inburgeraar").get(f"/api/v1/inburgeraars/{nieuw_id}", headers=ik_nieuw)
    assert response.json()["status"] == "verhuisd"

    async def pip_nieuw_beeindigd() -> bool:
        [p] = await d.c.pips(NIEUW, nieuw_id)
        return bool(p["status"] == "beeindigd")

    await eventually(pip_nieuw_beeindigd, what="het PIP van 0599 beëindigd")

    # 0363's own first stay is as it was: its brede intake, its PIP (ended `verhuisd`), its opdracht, its fine.
    response = await d.client("inburgeraar").get(f"/api/v1/inburgeraars/{oud_id}/brede-intake", headers=ik_oud)
    assert response.status_code == 200 and response.json()["status"] == "afgerond", response.text
    response = await d.client("aanbieder").get(
        f"/api/v1/opdrachten/{oud.opdracht['id']}", headers=d.c.regisseur_aanbieders(OUD)
    )
    assert response.json()["status"] == "ingetrokken"
    response = await d.client("handhaving").get(
        f"/api/v1/boeteoverzichten/{oud_id}", headers=d.als(HANDHAVING_ROLLEN, OUD)
    )
    assert response.status_code == 200, response.text
    # Only its own fine counts here; 0599's is history.
    assert [b["bedrag"] for b in response.json()["boetes"]] == [250]
    # 0599's agreements become a concept of 0363's own, next to its ended PIP of the first stay.
    pips = {p["id"]: p for p in await d.c.pips(OUD, oud_id)}
    assert pips.pop(oud.pip["id"])["status"] == "beeindigd"
    [nieuw_concept] = pips.values()
    assert nieuw_concept["status"] == "concept" and nieuw_concept["intensiteit"] == "midden"

    # The imported history at 0363: 0599's stay, once per context, without 0363's own first stay inside it again.
    h = await geimporteerd(d.c, OUD, oud_id)
    [dossier] = h.dossiers
    assert dossier["vanGemeente"] == NIEUW and dossier["dossier"]["eerdereDossiers"] == []
    assert {p["vanGemeente"] for p in h.pips} == {NIEUW} and oud.pip["id"] not in {p["id"] for p in h.pips}
    assert [p["id"] for p in h.pips] == [concept["id"]]
    [voortgang] = h.voortgang
    assert voortgang["vanGemeente"] == NIEUW and voortgang["dossier"]["eerderOvergenomen"] == []
    [handhaving] = h.handhaving
    assert handhaving["vanGemeente"] == NIEUW and handhaving["dossier"]["eerdereGemeenten"] == []
    assert [b["bedrag"] for b in handhaving["dossier"]["boetes"]] == [150]
    # 0599 still has 0363's first stay as its history; nothing there was lost or moved.
    await dossier_van_oud_bij_nieuw(d.c, nieuw_id)

    # Each context's log: both transfers, each gemeente providing and taking over once.
    beide = {(OUD, OVERDRAGEN.naam), (NIEUW, OVERNEMEN.naam), (NIEUW, OVERDRAGEN.naam), (OUD, OVERNEMEN.naam)}
    for naam in ("inburgeraar", "pip", "aanbieder", "handhaving"):
        assert await verwerkingen(getattr(d.instellingen, naam).database_url) == beide, naam
    # The other contexts take the person as 0363's again: the move-out date of the first stay is cleared.
    for naam in ("pip", "handhaving"):
        assert await _verhuisd_datum(getattr(d.instellingen, naam).database_url, oud_id) is None, naam

    # Both transfers' parts, handed in twice each, were taken in once.
    herhaald = d.herhaalde_overnames()
    assert len(herhaald) == 8 and all(h[1:] == (201, 200, True) for h in herhaald), herhaald

    # DUO repeats the notice of the move back: nothing changes.
    voor = (await d.overdrachten(OUD), await d.overdrachten(NIEUW), len(await d.meldingen()))
    await d.duo_meldt_verhuizing(NIEUW, OUD, "2027-09-01")

    async def verwerkt() -> bool:
        meldingen = await d.meldingen()
        return len(meldingen) == voor[2] + 2 and all(m["status"] == "verwerkt" for m in meldingen)

    await eventually(verwerkt, within=30, what="de herhaalde melding van DUO verwerkt")
    await asyncio.sleep(1.0)  # a transfer it wrongly started would have its row by now
    assert (await d.overdrachten(OUD), await d.overdrachten(NIEUW)) == voor[:2]
    assert [p["id"] for p in await d.c.inburgeraars(OUD)] == [oud_id]
    assert len(await d.c.pips(OUD, oud_id)) == 2
    assert len((await geimporteerd(d.c, OUD, oud_id)).dossiers) == 1


async def _verhuisd_datum(database_url: str, inburgeraar_id: str) -> date | None:
    database = Database(database_url, pool_size=1)
    try:
        async with database.engine.connect() as conn:
            waarde = (
                await conn.execute(
                    text("SELECT verhuisd_datum FROM inburgeraar_feit WHERE inburgeraar_id = :i"),
                    {"i": uuid.UUID(inburgeraar_id)},
                )
            ).scalar_one()
    finally:
        await database.dispose()
    return waarde  # type: ignore[no-any-return]
