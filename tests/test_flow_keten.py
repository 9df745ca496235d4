"""Across services, as deployed, with both chain partners: the COA stand-in links a statushouder without a BSN and
later its BSN; the DUO stand-in determines the plicht; the gemeente's exchange fetches each fact at its partner and
hands it to inburgeraar-api; the brede intake is done; the PIP is vastgesteld in pip-api; aanbieder-api gets the
B1 course and the MAP as opdrachten (the gemeente moves the MAP's planned end), the providers report their start
and the MAP's result, the gemeente judges the MAP not achieved and records the circumstances of a verlenging
request; the owning contexts' events (NATS) become reports to DUO, delivered once each; DUO goes down while exam
results and the certificate arrive (twice and in reverse order), and every fact is applied once and every report
arrives once when it comes back; the plicht ends.

Every report DUO received is checked field by field against what the gemeente holds. The exchange's API (which the
partners notify over HTTP, and whose consumers turn events into reports) runs under a real uvicorn; its worker runs in
the test's loop against the partners' and inburgeraar-api's apps. Real PostgreSQL, a NATS server of this module's own.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from aanbieder_api.main import create_app as create_aanbieder_app
from aanbieder_api.scopes import ROLLEN as AANBIEDER_ROLLEN
from aanbieder_api.settings import Settings as AanbiederSettings
from coa_standin.main import create_app as create_coa_app
from coa_standin.settings import Settings as CoaSettings
from duo_standin.main import create_app as create_duo_app
from duo_standin.settings import Settings as DuoSettings
from inburgeraar_api import scopes as inburgeraar_scopes
from inburgeraar_api.domain.brede_intake import GEZONDHEID_ONDERWERPEN, VERPLICHTE_ONDERWERPEN
from inburgeraar_api.main import create_app as create_inburgeraar_app
from inburgeraar_api.settings import Settings as InburgeraarSettings
from inburgering_kit.audit import Verwerkingslog
from inburgering_kit.db import Database, plain_url
from inburgering_kit.testing.infra import Infra
from inburgering_kit.testing.keten import dienst_instellingen, partner_instellingen, rond_brede_intake_af
from inburgering_kit.testing.live import live_server
from inburgering_kit.testing.plugin import TokenFactory
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
BSN = "999990020"
GEMEENTE = "0363"
STREAM = "INBURGERING_FLOW_KETEN"


def _gemeen(infra: Infra, tokens: TokenFactory, service: str, nats_url: str) -> dict[str, Any]:
    return dienst_instellingen(
        infra, tokens, ROOT, service, database="test_flow_keten", nats_url=nats_url, stream_name=STREAM
    )


def _partner(infra: Infra, tokens: TokenFactory, service: str) -> dict[str, Any]:
    return partner_instellingen(
        infra,
        tokens,
        ROOT,
        service,
        database="test_flow_keten",
        stream_name=STREAM,
        melding_backoff_basis_seconden=0.1,
        melding_backoff_max_seconden=0.5,
    )


class Instellingen4:
    def __init__(self, infra: Infra, nats_url: str, tokens: TokenFactory, uploads: Path) -> None:
        self.inburgeraar = InburgeraarSettings(**_gemeen(infra, tokens, "inburgeraar-api", nats_url))
        self.pip = PipSettings(**_gemeen(infra, tokens, "pip-api", nats_url))
        self.aanbieder = AanbiederSettings(**_gemeen(infra, tokens, "aanbieder-api", nats_url), upload_dir=uploads)
        self.keten = KetenSettings(**_gemeen(infra, tokens, "ketenuitwisseling", nats_url), run_relay=False)
        self.duo = DuoSettings(**_partner(infra, tokens, "duo-standin"))
        self.coa = CoaSettings(**_partner(infra, tokens, "coa-standin"))


@pytest.fixture(scope="module")
def instellingen(
    infra: Infra, nats_url: str, tokens: TokenFactory, tmp_path_factory: pytest.TempPathFactory
) -> Instellingen4:
    return Instellingen4(infra, nats_url, tokens, tmp_path_factory.mktemp("aanleveringen"))


class Tokens:
    """The exchange's own tokens, per purpose and gemeente, as its identity provider would issue them."""

    def __init__(self, factory: TokenFactory) -> None:
        self.factory = factory

    async def token(self, doel: Doel, gemeente: str) -> str:
        return self.factory(*SCOPES_PER_DOEL[doel], gemeente=gemeente, client_id="ketenuitwisseling", user=None)


@pytest.fixture
def keten_url(instellingen: Instellingen4) -> Iterator[str]:
    with live_server(create_keten_app(instellingen.keten)) as url:
        yield url


class Keten:
    def __init__(self, factory: TokenFactory, keten_url: str, apps: dict[str, Running]) -> None:
        self.t = factory
        self.url = keten_url
        self.apps = apps

    def beheer(self) -> dict[str, str]:
        return self.t.headers("beheer", gemeente=None, client_id="scenario")

    async def feit(self, partner: str, soort: str, persoon: dict[str, Any], gegevens: dict[str, Any]) -> dict[str, Any]:
        response = await self.apps[partner].client.post(
            "/api/v1/beheer/feiten",
            json={"soort": soort, "gemeentecode": GEMEENTE, "persoon": persoon, "gegevens": gegevens},
            headers=self.beheer(),
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def storing(self, partner: str, **storing: Any) -> None:
        body = {"modus": "normaal", "dubbeleMeldingen": False, "omgekeerdeVolgorde": False, **storing}
        response = await self.apps[partner].client.put("/api/v1/beheer/storingen", json=body, headers=self.beheer())
        assert response.status_code == 200, response.text

    async def bij_duo(self) -> list[dict[str, Any]]:
        response = await self.apps["duo"].client.get(
            "/api/v1/beheer/rapportages", params={"gemeentecode": GEMEENTE, "pageSize": 100}, headers=self.beheer()
        )
        assert response.status_code == 200, response.text
        return list(response.json()["resultaten"])

    async def exchange(self, path: str, **params: str) -> Any:
        async with httpx.AsyncClient(base_url=self.url) as client:
            response = await client.get(
                f"/api/v1{path}", params=params, headers=self.t.headers("keten:lezen", gemeente=GEMEENTE)
            )
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
async def keten(
    instellingen: Instellingen4, tokens: TokenFactory, keten_url: str
) -> AsyncIterator[tuple[Keten, asyncio.Event]]:
    apps = {
        "inburgeraar": await Running(create_inburgeraar_app(instellingen.inburgeraar)).start(),
        "pip": await Running(create_pip_app(instellingen.pip)).start(),
        "aanbieder": await Running(create_aanbieder_app(instellingen.aanbieder)).start(),
        "duo": await Running(create_duo_app(instellingen.duo)).start(),
        "coa": await Running(create_coa_app(instellingen.coa)).start(),
    }

    def asgi(name: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=apps[name].app), base_url=f"http://{name}/api/v1/")

    verbindingen = Verbindingen(
        duo=asgi("duo"), coa=asgi("coa"), inburgeraar=asgi("inburgeraar"), handhaving=asgi("inburgeraar"),
        tokens=Tokens(tokens), aanbieder=asgi("aanbieder"),
    )  # fmt: skip
    database = Database(instellingen.keten.database_url, pool_size=4)
    stop = asyncio.Event()
    worker = asyncio.create_task(
        draai(
            database,
            verbindingen,
            Verwerkingslog(instellingen.keten.pseudonym_key.get_secret_value().encode()),
            Instellingen(max_wachttijd=0.5),
            stop,
            interval=0.1,
            # The worker subscribes itself and reads the feeds besides the notifications: each fact still once.
            gemeenten=(GEMEENTE,),
            inhalen_interval=2.0,
            abonneer_op=keten_url,
        )
    )
    try:
        yield Keten(tokens, keten_url, apps), stop
    finally:
        stop.set()
        await asyncio.wait_for(worker, timeout=15)
        await verbindingen.aclose()
        await database.dispose()
        for app in reversed(apps.values()):
            await app.stop()


async def _text_of_every_table(database_url: str) -> str:
    conn = await asyncpg.connect(plain_url(database_url))
    try:
        tables = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        rows = [
            row[0]
            for table in tables
            for row in await conn.fetch(f'SELECT CAST(t AS text) FROM "{table["tablename"]}" t')
        ]
        return "\n".join(rows)
    finally:
        await conn.close()


def _per_item(rapportages: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    items: dict[str, list[dict[str, Any]]] = {}
    for r in rapportages:
        items.setdefault(r["item"], []).append(r)
    return items


async def test_keten_van_koppeling_tot_einde_plicht(
    keten: tuple[Keten, asyncio.Event], instellingen: Instellingen4, tokens: TokenFactory
) -> None:
    k, _ = keten
    inburgeraar = k.apps["inburgeraar"].client
    ik = tokens.headers(*inburgeraar_scopes.ROLLEN["klantregisseur"], gemeente=GEMEENTE)
    for partner in ("duo", "coa"):
        response = await k.apps[partner].client.put(
            f"/api/v1/abonnementen/{GEMEENTE}",
            json={"callbackUrl": f"{k.url}/api/v1/notificaties/{partner}"},
            headers=tokens.headers("keten", gemeente=GEMEENTE, client_id="ketenuitwisseling"),
        )
        assert response.status_code in {200, 201}, response.text

    # 1. COA links a statushouder without a BSN: registered, visibly on `bsn-ontbreekt`.
    koppeling = await k.feit("coa", "koppeling", {}, {"datumKoppeling": "2026-11-02", "doelgroep": "asielmigrant"})
    coa_id = koppeling["persoon"]["coaId"]
    personen: list[dict[str, Any]] = []

    async def geregistreerd(status: str) -> bool:
        response = await inburgeraar.get("/api/v1/inburgeraars", params={"status": status}, headers=ik)
        personen[:] = response.json()["resultaten"]
        return len(personen) == 1

    await eventually(lambda: geregistreerd("bsn-ontbreekt"), what="COA's koppeling als inburgeraar zonder BSN")
    inburgeraar_id = personen[0]["id"]
    assert personen[0]["datumKoppeling"] == "2026-11-02"

    # 2. COA learns the BSN; a profile follows (COA's TVS profile carries no name, which the gemeente's requires).
    await k.feit("coa", "bsn-bekend", {"coaId": coa_id, "bsn": BSN}, {"datum": "2026-11-20"})
    await eventually(lambda: geregistreerd("geregistreerd"), what="het BSN van COA vastgelegd")
    assert personen[0]["bsn"] == BSN and personen[0]["id"] == inburgeraar_id
    await k.feit("coa", "klantprofiel", {"coaId": coa_id}, {"taalvaardigheid": "A1", "trainingen": ["NT2"]})

    async def geweigerd_profiel() -> bool:
        lijst = await k.exchange("/meldingen", status="geweigerd")
        return [m["soort"] for m in lijst["resultaten"]] == ["klantprofiel"]

    await eventually(geweigerd_profiel, what="het klantprofiel zonder naam op de werklijst")

    # 3. DUO determines the plicht with its three termijnen.
    plicht = {
        "doelgroep": "asielmigrant", "startdatum": "2026-12-01", "termijnInburgering": "2029-12-01",
        "termijnPvt": "2028-12-01", "termijnMap": "2028-12-01",
    }  # fmt: skip
    await k.feit("duo", "plicht-vastgesteld", {"bsn": BSN}, plicht)
    stand: dict[str, Any] = {}

    async def plicht_lees() -> dict[str, Any]:
        response = await inburgeraar.get(f"/api/v1/inburgeraars/{inburgeraar_id}/plicht", headers=ik)
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def plichtig() -> bool:
        stand.update(await plicht_lees())
        return bool(stand["stand"]["plichtig"]) and len(stand["stand"]["termijnen"]) == 3

    await eventually(plichtig, what="DUO's plicht in inburgeraar-api")
    assert {t: v["einddatum"] for t, v in stand["stand"]["termijnen"].items()} == {
        "ibp": "2029-12-01", "pvt": "2028-12-01", "map": "2028-12-01",
    }  # fmt: skip

    # 4. Item a went to DUO when the BSN was recorded: without a name and address DUO rejects it, with its reasons.
    async def afgewezen() -> list[dict[str, Any]]:
        return list((await k.exchange("/rapportages", status="afgewezen"))["resultaten"])

    await eventually(lambda: _niet_leeg(afgewezen), what="item a afgewezen door DUO")
    [a_afgewezen] = await afgewezen()
    assert a_afgewezen["item"] == "a"
    assert {r["name"] for r in a_afgewezen["redenen"]} >= {"gegevens.voornamen", "gegevens.achternaam"}
    # The klantregisseur completes the person in inburgeraar-api and resends from the work list.
    adres = {"straat": "Dorpsstraat", "huisnummer": 12, "postcode": "1234 AB", "woonplaats": "Amsterdam"}
    response = await inburgeraar.patch(
        f"/api/v1/inburgeraars/{inburgeraar_id}",
        json={"contact": {"voornamen": "Amal", "achternaam": "Haddad", "adres": adres}},
        headers=ik,
    )
    assert response.status_code == 200, response.text
    async with httpx.AsyncClient(base_url=k.url) as client:
        response = await client.post(
            f"/api/v1/rapportages/{a_afgewezen['id']}/_corrigeren",
            json={"gegevens": {}},
            headers=tokens.headers("keten:schrijven", gemeente=GEMEENTE),
        )
    assert response.status_code == 201, response.text

    # 5. The brede intake in inburgeraar-api: summoned, appeared, every topic, the test, afgerond. Nothing for DUO.
    await rond_brede_intake_af(
        inburgeraar,
        f"/api/v1/inburgeraars/{inburgeraar_id}/brede-intake",
        ik,
        onderwerpen=VERPLICHTE_ONDERWERPEN,
        gezondheid=GEZONDHEID_ONDERWERPEN,
    )

    # 6. The PIP with its MAP is vastgesteld in pip-api: reports b, k and n.
    plan = tokens.headers(*pip_scopes.ROLLEN["klantregisseur"], gemeente=GEMEENTE)
    concept = {
        "inburgeraarId": inburgeraar_id, "leerroute": "b1", "taalniveau": "B1", "intensiteit": "hoog",
        "map": {"aanbieder": "Werkplaats Noord", "geplandeStart": "2027-01-04", "uitersteDatum": "2027-06-30"},
    }  # fmt: skip
    pip: dict[str, Any] = {}

    async def concept_opgesteld() -> bool:
        response = await k.apps["pip"].client.post("/api/v1/pips", json=concept, headers=plan)
        if response.status_code == 422:
            return False
        assert response.status_code == 201, response.text
        pip.update(response.json())
        return True

    await eventually(concept_opgesteld, what="de inburgeraar in de projectie van pip-api")
    datums = {"dagtekening": "2026-12-04", "verzenddatum": "2026-12-04", "ingangsdatum": "2026-12-07"}
    response = await k.apps["pip"].client.post(f"/api/v1/pips/{pip['id']}/_vaststellen", json=datums, headers=plan)
    assert response.status_code == 200, response.text

    # 7. The B1 course and the MAP as opdrachten (reports l; e and f as planned); the providers report their start
    #    (o; e realised, f adjusted) and the MAP not achieved (g).
    aanbieder = await _aanbieder(k.apps["aanbieder"].client, tokens)
    b1 = await _opdracht(k, tokens, aanbieder, pip["id"], "b1-route", "2027-01-11", "2027-12-17")
    map_ = await _opdracht(k, tokens, aanbieder, pip["id"], "map", "2027-01-04", "2027-06-30")
    # The gemeente moves the MAP's planned end: `opdracht-gewijzigd` names the field, the exchange fetches the
    # version and reports f, bijgesteld.
    response = await k.apps["aanbieder"].client.post(
        f"/api/v1/opdrachten/{map_['id']}/_wijzigen",
        json={"wijzigingen": {"geplandeEinddatum": "2027-07-15"}, "reden": "later begonnen dan gepland"},
        headers=tokens.headers(*AANBIEDER_ROLLEN["klantregisseur"], gemeente=GEMEENTE, client_id="portaal"),
    )
    assert response.status_code == 200, response.text
    await _meld(k, aanbieder, b1["id"], {"soort": "start", "datum": "2027-01-11"})
    await _meld(k, aanbieder, map_["id"], {"soort": "start", "datum": "2027-01-04", "geplandeEinddatum": "2027-07-30"})
    await _meld(
        k, aanbieder, map_["id"],
        {"soort": "eindresultaat", "datum": "2027-07-30", "resultaat": "niet-behaald", "reden": "lang ziek"},
    )  # fmt: skip

    # 8. The gemeente judges the MAP not achieved (i, j) and records why a verlenging is asked for (q).
    oordeel = {"onderdeel": "map", "datum": "2027-08-02", "redenen": ["ziekte"], "verwijtbaar": False}
    response = await k.apps["pip"].client.post(f"/api/v1/pips/{pip['id']}/uitkomsten", json=oordeel, headers=plan)
    assert response.status_code == 201, response.text
    verzoek = {"verzoekdatum": "2027-08-09", "omstandigheden": ["gezondheid"], "gevraagdeEinddatum": "2030-06-01"}
    response = await inburgeraar.post(
        f"/api/v1/inburgeraars/{inburgeraar_id}/verlengingsverzoeken", json=verzoek, headers=ik
    )
    assert response.status_code == 201, response.text

    # 9. DUO is down while the exam results and the certificate are recorded; back, it notifies twice and in
    #    reverse order.
    await k.storing("duo", modus="plat")
    for onderdeel in ("lezen", "knm"):
        await k.feit(
            "duo", "examenresultaat", {"bsn": BSN},
            {"onderdeel": onderdeel, "examendatum": "2027-06-01", "poging": 1, "resultaat": "behaald"},
        )  # fmt: skip
    await k.feit("duo", "certificaat", {"bsn": BSN}, {"certificaatdatum": "2027-09-01"})
    await asyncio.sleep(1.0)
    await k.storing("duo", dubbeleMeldingen=True, omgekeerdeVolgorde=True)

    async def certificaat() -> bool:
        stand.update(await plicht_lees())
        return bool(stand["stand"]["certificaatDatum"] == "2027-09-01")

    await eventually(certificaat, within=60, what="examens en certificaat in inburgeraar-api")
    await k.storing("duo")

    # 10. The plicht ends.
    await k.feit(
        "duo",
        "plicht-gewijzigd",
        {"bsn": BSN},
        {"ingangsdatum": "2027-09-15", "reden": "certificaat", "plichtBeeindigd": True},
    )

    async def beeindigd() -> bool:
        stand.update(await plicht_lees())
        return not stand["stand"]["plichtig"] and stand["stand"]["vervallenOp"] == "2027-09-15"

    await eventually(beeindigd, what="het einde van de plicht")

    # Every fact applied once: each mutation once in the plicht history, whatever came twice or reversed.
    soorten = [m["mutatie"]["soort"] for m in stand["mutaties"]]
    assert sorted(soorten) == sorted(
        ["plicht-vastgesteld", "termijn-vastgesteld", "termijn-vastgesteld", "termijn-vastgesteld",
         "examenresultaat", "examenresultaat", "certificaat", "plicht-vervallen"]
    )  # fmt: skip
    assert len({m["mutatie"]["kenmerk"] for m in stand["mutaties"] if m["mutatie"]["soort"] == "examenresultaat"}) == 2

    # Every report arrived once, and says what the gemeente holds.
    verwacht = {
        "a": 2, "b": 1, "k": 1, "n": 1, "p": 1, "l": 1, "o": 1, "e": 2, "f": 3, "g": 1, "i": 1, "j": 1, "q": 1,
    }  # fmt: skip

    async def alles_bij_duo() -> bool:
        items = _per_item(await k.bij_duo())
        return {i: len(items.get(i, [])) for i in verwacht} == verwacht

    await eventually(alles_bij_duo, within=60, what="de rapportages a–q bij DUO")
    ontvangen = await k.bij_duo()
    items = _per_item(ontvangen)
    assert set(items) == set(verwacht), sorted(items)
    assert len({r["rapportId"] for r in ontvangen}) == len(ontvangen)
    assert all(r["bsn"] == BSN and r["gemeentecode"] == GEMEENTE for r in ontvangen)
    naw = {"voornamen": "Amal", "achternaam": "Haddad", "straat": "Dorpsstraat", "huisnummer": "12",
           "postcode": "1234 AB", "woonplaats": "Amsterdam"}  # fmt: skip
    assert all(r["gegevens"] == naw for r in items["a"])
    assert items["b"][0]["gegevens"] == {"pipId": pip["id"], "vastgesteldOp": "2026-12-04"}
    assert items["k"][0]["gegevens"] == {
        "pipId": pip["id"], "leerroute": "b1-route", "taalniveau": "B1", "ingangsdatum": "2026-12-07",
        "eerstePip": True,
    }  # fmt: skip
    assert items["n"][0]["gegevens"] == {"pipId": pip["id"], "leerroute": "b1-route", "wijzigingsdatum": "2026-12-07"}
    assert items["p"][0]["gegevens"] == {"ontvangen": True, "datum": "2027-09-01"}
    await _zoals_de_gemeente_het_heeft(k, tokens, items, pip["id"], inburgeraar_id, b1["id"], map_["id"])

    # The exchange's record per person, and nothing of the person's file in it.
    uitwisselingen = await k.exchange(f"/inburgeraars/{inburgeraar_id}/uitwisselingen")
    assert {m["soort"] for m in uitwisselingen["ontvangen"]} >= {"koppeling", "bsn-bekend", "plicht-vastgesteld"}
    assert {r["status"] for r in uitwisselingen["gerapporteerd"]} == {"ontvangen", "vervangen"}
    overzicht = await k.exchange("/overzicht")
    assert (overzicht["rapportagesWachtrij"], overzicht["rapportagesAfgewezen"]) == (0, 0)
    opgeslagen = await _text_of_every_table(instellingen.keten.database_url)
    assert BSN not in opgeslagen and "Haddad" not in opgeslagen
    assert uuid.UUID(inburgeraar_id)


async def _niet_leeg(lijst: Any) -> bool:
    return bool(await lijst())


class Aanbieder:
    def __init__(self, aanbieder_id: str, headers: dict[str, str]) -> None:
        self.id = aanbieder_id
        self.headers = headers


async def _aanbieder(client: httpx.AsyncClient, tokens: TokenFactory) -> Aanbieder:
    beheer = tokens.headers(*AANBIEDER_ROLLEN["contractmanager"], gemeente=GEMEENTE, client_id="portaal")
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
        "kenmerk": "INK-2026-KETEN", "begindatum": "2026-01-01", "einddatum": "2028-12-31",
        "diensten": [{"dienst": "b1-route", "uren": 10_000}, {"dienst": "map", "uren": 10_000}],
    }  # fmt: skip
    response = await client.post(f"/api/v1/aanbieders/{aanbieder_id}/contracten", json=contract, headers=beheer)
    assert response.status_code == 201, response.text
    client_id = "taal-en-werk-systeem"
    response = await client.post(
        f"/api/v1/aanbieders/{aanbieder_id}/api-clients",
        json={"clientId": client_id, "omschrijving": "Leerlingvolgsysteem"},
        headers=beheer,
    )
    assert response.status_code == 201, response.text
    return Aanbieder(
        aanbieder_id,
        tokens.headers(
            *AANBIEDER_ROLLEN["aanbieder"], gemeente=GEMEENTE, client_id=client_id, aanbieder_id=aanbieder_id
        ),
    )


async def _opdracht(
    k: Keten, tokens: TokenFactory, aanbieder: Aanbieder, pip_id: str, onderdeel: str, start: str, einde: str
) -> dict[str, Any]:
    regisseur = tokens.headers(*AANBIEDER_ROLLEN["klantregisseur"], gemeente=GEMEENTE, client_id="portaal")
    body = {
        "pipId": pip_id,
        "aanbiederId": aanbieder.id,
        "onderdeel": onderdeel,
        "inhoud": {
            "deelnemer": {"roepnaam": "Amal", "achternaam": "Haddad"},
            "geplandeStartdatum": start,
            "geplandeEinddatum": einde,
            "uren": 600,
        },
    }
    opdracht: dict[str, Any] = {}

    async def verstrekt() -> bool:
        response = await k.apps["aanbieder"].client.post(
            "/api/v1/opdrachten", json=body, headers={**regisseur, "Idempotency-Key": f"keten-{onderdeel}"}
        )
        if response.status_code == 422 and response.json()["code"] in {"pip-onbekend", "inburgeraar-onbekend"}:
            return False
        assert response.status_code == 201, response.text
        opdracht.update(response.json())
        return True

    await eventually(verstrekt, what=f"het PIP in de projectie van aanbieder-api ({onderdeel})")
    return opdracht


async def _meld(k: Keten, aanbieder: Aanbieder, opdracht_id: str, melding: dict[str, Any]) -> None:
    response = await k.apps["aanbieder"].client.post(
        f"/api/v1/toegewezen-opdrachten/{opdracht_id}/meldingen",
        json=melding,
        headers={**aanbieder.headers, "Idempotency-Key": f"keten-{opdracht_id}-{melding['soort']}"},
    )
    assert response.status_code in {200, 201}, response.text


async def _zoals_de_gemeente_het_heeft(
    k: Keten,
    tokens: TokenFactory,
    items: dict[str, list[dict[str, Any]]],
    pip_id: str,
    inburgeraar_id: str,
    b1_id: str,
    map_id: str,
) -> None:
    """Reports e–j, l, o and q against what aanbieder-api, pip-api and inburgeraar-api hold now (f: per version)."""
    regisseur = tokens.headers(*AANBIEDER_ROLLEN["klantregisseur"], gemeente=GEMEENTE, client_id="portaal")
    opdrachten = {}
    for opdracht_id in (b1_id, map_id):
        response = await k.apps["aanbieder"].client.get(f"/api/v1/opdrachten/{opdracht_id}", headers=regisseur)
        assert response.status_code == 200, response.text
        opdrachten[opdracht_id] = response.json()
    b1, map_ = opdrachten[b1_id], opdrachten[map_id]
    assert items["l"][0]["gegevens"] == {
        "soort": "cursus",
        "startdatum": b1["inhoud"]["geplandeStartdatum"],
        "beoogdeEinddatum": b1["inhoud"]["geplandeEinddatum"],
    }
    assert items["o"][0]["gegevens"] == {"leerroute": "b1-route", "startdatum": b1["stand"]["gerealiseerdeStartdatum"]}
    gepland = map_["inhoud"]["geplandeStartdatum"]
    assert sorted((r["gegevens"] for r in items["e"]), key=len) == [
        {"onderdeel": "map", "startGepland": gepland},
        {"onderdeel": "map", "startGepland": gepland, "startGerealiseerd": map_["stand"]["gerealiseerdeStartdatum"]},
    ]
    response = await k.apps["aanbieder"].client.get(f"/api/v1/opdrachten/{map_id}/versies", headers=regisseur)
    assert response.status_code == 200, response.text
    eerste, gewijzigd = (v["inhoud"]["geplandeEinddatum"] for v in response.json()["resultaten"])
    assert gewijzigd == map_["inhoud"]["geplandeEinddatum"] != eerste
    assert sorted((r["gegevens"] for r in items["f"]), key=lambda g: (g["bijgesteld"], g["uitersteDatum"])) == [
        {"onderdeel": "map", "uitersteDatum": eerste, "bijgesteld": False},
        # The gemeente's change, then the provider's adjusted date.
        {"onderdeel": "map", "uitersteDatum": gewijzigd, "bijgesteld": True},
        {"onderdeel": "map", "uitersteDatum": map_["stand"]["aangepasteEinddatum"], "bijgesteld": True},
    ]
    assert map_["stand"]["eindresultaat"] == "niet-behaald"
    assert items["g"][0]["gegevens"] == {"onderdeel": "map", "gehaald": False}
    assert "h" not in items
    plan = tokens.headers(*pip_scopes.ROLLEN["klantregisseur"], gemeente=GEMEENTE)
    response = await k.apps["pip"].client.get(f"/api/v1/pips/{pip_id}/uitkomsten", headers=plan)
    assert response.status_code == 200, response.text
    [uitkomst] = response.json()
    assert items["i"][0]["gegevens"] == {"onderdeel": uitkomst["onderdeel"], "redenen": uitkomst["redenen"]}
    assert items["j"][0]["gegevens"] == {"onderdeel": uitkomst["onderdeel"], "verwijtbaar": uitkomst["verwijtbaar"]}
    ik = tokens.headers(*inburgeraar_scopes.ROLLEN["klantregisseur"], gemeente=GEMEENTE)
    response = await k.apps["inburgeraar"].client.get(
        f"/api/v1/inburgeraars/{inburgeraar_id}/verlengingsverzoeken", headers=ik
    )
    assert response.status_code == 200, response.text
    [verzoek] = response.json()
    assert items["q"][0]["gegevens"] == {
        "verzoekdatum": verzoek["verzoekdatum"],
        "omstandigheden": verzoek["omstandigheden"],
        "gevraagdeEinddatum": verzoek["gevraagdeEinddatum"],
    }
