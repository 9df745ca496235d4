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
from aanbieder_api.scopes import ROLLEN as AANBIEDER_ROLLEN
from aanbieder_api.settings import Settings as AanbiederSettings
from coa_standin.main import create_app as create_coa_app
from coa_standin.settings import Settings as CoaSettings
from duo_standin.main import create_app as create_duo_app
from duo_standin.settings import Settings as DuoSettings
from handhaving_api.main import create_app as create_handhaving_app
from handhaving_api.scopes import ROLLEN as HANDHAVING_ROLLEN
from handhaving_api.settings import Settings as HandhavingSettings
from inburgeraar_api import scopes as inburgeraar_scopes
from inburgeraar_api.domain.brede_intake import GEZONDHEID_ONDERWERPEN, VERPLICHTE_ONDERWERPEN
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
from ketenuitwisseling.services.partners import Doel, Verbindingen
from ketenuitwisseling.services.werker import SCOPES_PER_DOEL, draai
from ketenuitwisseling.settings import Settings as KetenSettings
from pip_api import scopes as pip_scopes
from pip_api.main import create_app as create_pip_app
from pip_api.settings import Settings as PipSettings

ROOT = Path(__file__).resolve().parents[1]
BSN = "999990032"
OUD, NIEUW = "0363", "0599"
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


class Tokens:
    """The exchange's own tokens, per purpose and gemeente, as its identity provider would issue them."""

    def __init__(self, factory: TokenFactory) -> None:
        self.factory = factory

    async def token(self, doel: Doel, gemeente: str) -> str:
        return self.factory(*SCOPES_PER_DOEL[doel], gemeente=gemeente, client_id="ketenuitwisseling", user=None)


class Deployment:
    def __init__(self, t: TokenFactory, apps: dict[str, Running], instellingen: Instellingen6) -> None:
        self.t = t
        self.apps = apps
        self.instellingen = instellingen

    def client(self, naam: str) -> httpx.AsyncClient:
        return self.apps[naam].client

    def als(self, rollen: dict[str, set[str]], gemeente: str, rol: str = "klantregisseur") -> dict[str, str]:
        return self.t.headers(*rollen[rol], gemeente=gemeente)

    async def duo_meldt_verhuizing(self) -> None:
        response = await self.client("duo").post(
            "/api/v1/beheer/feiten",
            json={
                "soort": "verhuisd", "gemeentecode": NIEUW, "persoon": {"bsn": BSN},
                "gegevens": {"vorigeGemeentecode": OUD, "nieuweGemeentecode": NIEUW, "verhuisdatum": "2027-02-01"},
            },
            headers=self.t.headers("beheer", gemeente=None, client_id="scenario"),
        )  # fmt: skip
        assert response.status_code == 201, response.text

    async def duo_plicht(self) -> None:
        plicht = {
            "doelgroep": "asielmigrant", "startdatum": "2026-12-01", "termijnInburgering": "2029-12-01",
            "termijnPvt": "2028-12-01", "termijnMap": "2028-12-01",
        }  # fmt: skip
        response = await self.client("duo").post(
            "/api/v1/beheer/feiten",
            json={"soort": "plicht-vastgesteld", "gemeentecode": OUD, "persoon": {"bsn": BSN}, "gegevens": plicht},
            headers=self.t.headers("beheer", gemeente=None, client_id="scenario"),
        )
        assert response.status_code == 201, response.text

    async def overdrachten(self, gemeente: str, **params: str) -> list[dict[str, Any]]:
        response = await self.client("keten").get(
            "/api/v1/overdrachten", params=params, headers=self.t.headers("keten:lezen", gemeente=gemeente)
        )
        assert response.status_code == 200, response.text
        return list(response.json()["resultaten"])

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
        pip=asgi("pip"), aanbieder=asgi("aanbieder"), tokens=Tokens(tokens),
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


async def _brede_intake(client: httpx.AsyncClient, intake: str, ik: dict[str, str]) -> None:
    oproep = {"verzondenDatum": "2026-11-23", "afspraakOp": "2026-11-30T10:00:00+01:00"}
    response = await client.post(f"{intake}/oproepen", json=oproep, headers=ik)
    assert response.status_code == 201, response.text
    response = await client.put(
        f"{intake}/oproepen/{response.json()['id']}/uitkomst", json={"uitkomst": "verschenen"}, headers=ik
    )
    assert response.status_code == 200, response.text
    for onderwerp in sorted(VERPLICHTE_ONDERWERPEN):
        resultaat = (
            {"onderwerp": onderwerp, "omstandigheden": "geen bijzonderheden"}
            if onderwerp in GEZONDHEID_ONDERWERPEN
            else {"onderwerp": onderwerp, "bevindingen": f"besproken: {onderwerp}"}
        )
        response = await client.put(f"{intake}/resultaten/{onderwerp}", json=resultaat, headers=ik)
        assert response.status_code == 200, (onderwerp, response.text)
    toets = {"datum": "2026-11-30", "resultaat": "advies B1", "geadviseerdeLeerroute": "b1", "instantie": "Toets Noord"}
    response = await client.put(f"{intake}/leerbaarheidstoets", json=toets, headers=ik)
    assert response.status_code == 200, response.text
    response = await client.post(f"{intake}/_afronden", json={"datum": "2026-11-30"}, headers=ik)
    assert response.status_code == 200, response.text


async def _pip(d: Deployment, inburgeraar_id: str) -> dict[str, Any]:
    plan = d.als(pip_scopes.ROLLEN, OUD)
    concept = {
        "inburgeraarId": inburgeraar_id, "leerroute": "b1", "taalniveau": "B1", "intensiteit": "hoog",
        "map": {"aanbieder": "Werkplaats Noord", "geplandeStart": "2027-01-04", "uitersteDatum": "2027-06-30"},
    }  # fmt: skip
    pip: dict[str, Any] = {}

    async def opgesteld() -> bool:
        response = await d.client("pip").post("/api/v1/pips", json=concept, headers=plan)
        if response.status_code == 422:
            return False
        assert response.status_code == 201, response.text
        pip.update(response.json())
        return True

    await eventually(opgesteld, what="de inburgeraar in de projectie van pip-api")
    datums = {"dagtekening": "2026-12-04", "verzenddatum": "2026-12-04", "ingangsdatum": "2026-12-07"}
    response = await d.client("pip").post(f"/api/v1/pips/{pip['id']}/_vaststellen", json=datums, headers=plan)
    assert response.status_code == 200, response.text
    return pip


async def _opdracht_met_voortgang(d: Deployment, pip_id: str) -> tuple[dict[str, Any], dict[str, str]]:
    client = d.client("aanbieder")
    beheer = d.t.headers(*AANBIEDER_ROLLEN["contractmanager"], gemeente=OUD, client_id="portaal")
    response = await client.post(
        "/api/v1/aanbieders",
        json={
            "naam": "Taal en Werk Noord", "kvkNummer": "87654322", "diensten": ["b1-route", "map"],
            "keurmerk": {"nummer": "BOW-4321", "geldigTot": "2030-12-31"},
        },
        headers=beheer,
    )  # fmt: skip
    assert response.status_code == 201, response.text
    aanbieder_id = response.json()["id"]
    contract = {
        "kenmerk": "INK-2026-VERHUIS", "begindatum": "2026-01-01", "einddatum": "2028-12-31",
        "diensten": [{"dienst": "b1-route", "uren": 10_000}, {"dienst": "map", "uren": 10_000}],
    }  # fmt: skip
    response = await client.post(f"/api/v1/aanbieders/{aanbieder_id}/contracten", json=contract, headers=beheer)
    assert response.status_code == 201, response.text
    response = await client.post(
        f"/api/v1/aanbieders/{aanbieder_id}/api-clients",
        json={"clientId": "taal-en-werk-systeem", "omschrijving": "Leerlingvolgsysteem"},
        headers=beheer,
    )
    assert response.status_code == 201, response.text
    aanbieder = d.t.headers(
        *AANBIEDER_ROLLEN["aanbieder"], gemeente=OUD, client_id="taal-en-werk-systeem", aanbieder_id=aanbieder_id
    )
    regisseur = d.t.headers(*AANBIEDER_ROLLEN["klantregisseur"], gemeente=OUD, client_id="portaal")
    body = {
        "pipId": pip_id, "aanbiederId": aanbieder_id, "onderdeel": "b1-route",
        "inhoud": {
            "deelnemer": {"roepnaam": "Amal", "achternaam": "Haddad"}, "geplandeStartdatum": "2027-01-11",
            "geplandeEinddatum": "2027-12-17", "uren": 600,
        },
    }  # fmt: skip
    opdracht: dict[str, Any] = {}

    async def verstrekt() -> bool:
        response = await client.post(
            "/api/v1/opdrachten", json=body, headers={**regisseur, "Idempotency-Key": "verhuizing-b1"}
        )
        if response.status_code == 422 and response.json()["code"] in {"pip-onbekend", "inburgeraar-onbekend"}:
            return False
        assert response.status_code == 201, response.text
        opdracht.update(response.json())
        return True

    await eventually(verstrekt, what="het PIP in de projectie van aanbieder-api")
    response = await client.post(
        f"/api/v1/toegewezen-opdrachten/{opdracht['id']}/meldingen",
        json={"soort": "start", "datum": "2027-01-11"},
        headers={**aanbieder, "Idempotency-Key": "verhuizing-start"},
    )
    assert response.status_code in {200, 201}, response.text
    return opdracht, aanbieder


async def _boete(settings: HandhavingSettings, inburgeraar_id: str) -> None:
    """A warning and an imposed fine, put in handhaving-api's own database (its enforcement path needs the signal
    flows other tests cover), as the CBS flow test does."""
    database = Database(settings.database_url, pool_size=1)
    overtreding_id = uuid.uuid4()
    try:
        async with database.engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO overtreding (id, gemeente_code, inburgeraar_id, soort, categorie, status, "
                    "gedraging_van, gedraging_tot, bron, bewijs, berekening) VALUES (:id, :g, :p, "
                    "'brede-intake-niet-verschenen', 'brede-intake', 'beboet', '2026-03-01', '2026-03-01', "
                    "'handmatig', '{}', '[]')"
                ),
                {"id": overtreding_id, "g": OUD, "p": uuid.UUID(inburgeraar_id)},
            )
            await conn.execute(
                text(
                    "INSERT INTO procedurestap (id, overtreding_id, handeling, status, datum, door_client) "
                    "VALUES (:id, :o, 'waarschuwen', 'gewaarschuwd', '2026-03-05', 'test')"
                ),
                {"id": uuid.uuid4(), "o": overtreding_id},
            )
            await conn.execute(
                text(
                    "INSERT INTO boete (id, gemeente_code, overtreding_id, inburgeraar_id, categorie, bedrag, "
                    "voorgesteld_bedrag, berekening, besluit_datum, verzend_datum, status) VALUES (:id, :g, :o, :p, "
                    "'brede-intake', 250, 250, '[]', '2026-04-15', '2026-04-15', 'opgelegd')"
                ),
                {"id": uuid.uuid4(), "g": OUD, "o": overtreding_id, "p": uuid.UUID(inburgeraar_id)},
            )
    finally:
        await database.dispose()


async def _verwerkingen(database_url: str, object_id: str | None = None) -> set[tuple[str, str]]:
    """(gemeente, activity) of a service's processing log: of one object, or of the transfer's two activities."""
    database = Database(database_url, pool_size=1)
    voorwaarde = "object_id = :i" if object_id else "activiteit IN (:a, :b)"
    try:
        async with database.engine.connect() as conn:
            rows = (
                await conn.execute(
                    text(f"SELECT gemeente_code, activiteit FROM verwerking WHERE {voorwaarde}"),
                    {"i": object_id, "a": OVERDRAGEN.naam, "b": OVERNEMEN.naam},
                )
            ).all()
    finally:
        await database.dispose()
    return {(r.gemeente_code, r.activiteit) for r in rows}


async def test_dossier_volgt_de_persoon_van_0363_naar_0599(deployment: Deployment, tokens: TokenFactory) -> None:
    d = deployment
    inburgeraar = d.client("inburgeraar")
    ik_oud, ik_nieuw = d.als(inburgeraar_scopes.ROLLEN, OUD), d.als(inburgeraar_scopes.ROLLEN, NIEUW)

    # At 0363: registered, DUO's plicht, brede intake, a vastgesteld PIP, an opdracht with progress, a fine.
    body = {"bsn": BSN, "doelgroep": "asielmigrant", "datumKoppeling": "2026-11-02"}
    response = await inburgeraar.post("/api/v1/inburgeraars", json=body, headers=ik_oud)
    assert response.status_code == 201, response.text
    oud_id = response.json()["id"]
    await d.duo_plicht()

    async def plichtig() -> bool:
        response = await inburgeraar.get(f"/api/v1/inburgeraars/{oud_id}/plicht", headers=ik_oud)
        return response.status_code == 200 and bool(response.json()["stand"]["plichtig"])

    await eventually(plichtig, what="DUO's plicht in inburgeraar-api van 0363")
    await _brede_intake(inburgeraar, f"/api/v1/inburgeraars/{oud_id}/brede-intake", ik_oud)
    pip = await _pip(d, oud_id)
    opdracht, aanbieder = await _opdracht_met_voortgang(d, pip["id"])
    await _boete(d.instellingen.handhaving, oud_id)

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
    response = await inburgeraar.get("/api/v1/inburgeraars", headers=ik_nieuw)
    [nieuw] = response.json()["resultaten"]
    nieuw_id = nieuw["id"]
    assert nieuw_id == inkomend["inburgeraarId"] and nieuw_id != oud_id
    assert nieuw["bsn"] == BSN and nieuw["herkomst"] == {"soort": "verhuizing", "vanGemeente": OUD}
    response = await inburgeraar.get(f"/api/v1/inburgeraars/{nieuw_id}/overgenomen-dossiers", headers=ik_nieuw)
    assert response.status_code == 200, response.text
    [dossier] = response.json()
    assert dossier["vanGemeente"] == OUD and dossier["geimporteerd"] is True
    assert dossier["dossier"]["bredeIntake"]["status"] == "afgerond"

    plan_nieuw = d.als(pip_scopes.ROLLEN, NIEUW)
    response = await d.client("pip").get(
        "/api/v1/geimporteerde-pips", params={"inburgeraarId": nieuw_id}, headers=plan_nieuw
    )
    assert response.status_code == 200, response.text
    [oud_pip] = response.json()
    assert oud_pip["vanGemeente"] == OUD and oud_pip["geimporteerd"] is True
    response = await d.client("aanbieder").get(
        f"/api/v1/inburgeraars/{nieuw_id}/overgenomen-voortgang",
        headers=d.t.headers(*AANBIEDER_ROLLEN["klantregisseur"], gemeente=NIEUW, client_id="portaal"),
    )
    assert response.status_code == 200, response.text
    [voortgang] = response.json()["resultaten"]
    assert voortgang["vanGemeente"] == OUD and voortgang["geimporteerd"] is True
    response = await d.client("handhaving").get(
        f"/api/v1/inburgeraars/{nieuw_id}/overgenomen-handhaving", headers=d.als(HANDHAVING_ROLLEN, NIEUW)
    )
    assert response.status_code == 200, response.text
    [handhaving] = response.json()
    assert handhaving["vanGemeente"] == OUD and handhaving["geimporteerd"] is True
    assert "250" in json.dumps(handhaving)

    # 0599 takes the agreements over as a concept PIP in its own name.
    response = await d.client("pip").get("/api/v1/pips", params={"inburgeraarId": nieuw_id}, headers=plan_nieuw)
    assert response.status_code == 200, response.text
    [nieuw_pip] = response.json()["resultaten"]
    assert nieuw_pip["status"] == "concept" and nieuw_pip["leerroute"] == "b1"

    # 0363 ended what it ran: the regie, the PIP (`verhuisd`) and the opdracht (the provider is told).
    plan_oud = d.als(pip_scopes.ROLLEN, OUD)
    regisseur_oud = d.t.headers(*AANBIEDER_ROLLEN["klantregisseur"], gemeente=OUD, client_id="portaal")

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
    verwerkingen = await _verwerkingen(d.instellingen.keten.database_url, overdracht_id)
    assert {(OUD, OVERDRAGEN.naam), (NIEUW, OVERNEMEN.naam)} <= verwerkingen
    # And each context's own log: its part provided by 0363, taken in by 0599.
    for naam in ("inburgeraar", "pip", "aanbieder", "handhaving"):
        settings = getattr(d.instellingen, naam)
        assert await _verwerkingen(settings.database_url) == {(OUD, OVERDRAGEN.naam), (NIEUW, OVERNEMEN.naam)}, naam

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
    response = await inburgeraar.get("/api/v1/inburgeraars", headers=ik_nieuw)
    assert len(response.json()["resultaten"]) == 1
    response = await d.client("pip").get("/api/v1/pips", params={"inburgeraarId": nieuw_id}, headers=plan_nieuw)
    assert len(response.json()["resultaten"]) == 1
    response = await inburgeraar.get(f"/api/v1/inburgeraars/{oud_id}/verhuizingen", headers=ik_oud)
    assert len(response.json()) == 1
    assert date.fromisoformat(inkomend["verhuisdatum"]) == date(2027, 2, 1)
