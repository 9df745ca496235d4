"""Across services, as deployed: the delivery to CBS (Wi art. 35 lid 4) assembled by the gemeente's exchange from the
four contexts that own the data, each over its own `GET /cbs-export` (data at the source, no shared database).

Persons are registered in inburgeraar-api over its API (with brede intake and begeleiding); the PIP in pip-api, the
opdracht in aanbieder-api and the warning and fine in handhaving-api are put in each context's own database directly
(their API paths need the event flows other flow tests cover). The exchange's worker reads the four real exports
(apps with their lifespans, over ASGI) with its own `cbs:export` token; the delivered file is checked field by field
against what each context holds, assembled a second time byte for byte, and a person whom only pip-api knows fails
the whole delivery with the reason. Real PostgreSQL, a NATS server of this module's own.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from aanbieder_api.main import create_app as create_aanbieder_app
from aanbieder_api.settings import Settings as AanbiederSettings
from handhaving_api.main import create_app as create_handhaving_app
from handhaving_api.settings import Settings as HandhavingSettings
from inburgeraar_api import scopes as inburgeraar_scopes
from inburgeraar_api.main import create_app as create_inburgeraar_app
from inburgeraar_api.settings import Settings as InburgeraarSettings
from inburgering_kit.audit import SCOPE_VERWERKINGEN_LEZEN, Verwerkingslog
from inburgering_kit.db import Database
from inburgering_kit.testing.infra import Infra
from inburgering_kit.testing.keten import dienst_instellingen
from inburgering_kit.testing.plugin import TokenFactory
from inburgering_kit.testing.service import Running
from ketenuitwisseling import scopes as keten_scopes
from ketenuitwisseling.domain.cbs import Bron
from ketenuitwisseling.main import create_app as create_keten_app
from ketenuitwisseling.services import cbs_volgen
from ketenuitwisseling.services.cbs_levering import CbsInstellingen, CbsSamensteller, HttpBronnen
from ketenuitwisseling.settings import Settings as KetenSettings
from pip_api.main import create_app as create_pip_app
from pip_api.settings import Settings as PipSettings

ROOT = Path(__file__).resolve().parents[1]
GEMEENTE = "0363"
STREAM = "INBURGERING_FLOW_CBS"
API = "/api/v1/cbs-leveringen"


def _gemeen(infra: Infra, nats_url: str, tokens: TokenFactory, service: str) -> dict[str, Any]:
    return dienst_instellingen(
        infra, tokens, ROOT, service, database="test_flow_cbs", nats_url=nats_url, stream_name=STREAM
    )


@pytest.fixture(scope="module")
def instellingen(infra: Infra, nats_url: str, tokens: TokenFactory) -> dict[str, Any]:
    # Migrated here, outside the test's event loop.
    return {
        "inburgeraar": InburgeraarSettings(**_gemeen(infra, nats_url, tokens, "inburgeraar-api")),
        "pip": PipSettings(**_gemeen(infra, nats_url, tokens, "pip-api")),
        "aanbieder": AanbiederSettings(**_gemeen(infra, nats_url, tokens, "aanbieder-api")),
        "handhaving": HandhavingSettings(**_gemeen(infra, nats_url, tokens, "handhaving-api")),
        "keten": KetenSettings(**_gemeen(infra, nats_url, tokens, "ketenuitwisseling"), run_relay=False),
    }


_MAAK: dict[str, Callable[[Any], FastAPI]] = {
    "inburgeraar": create_inburgeraar_app,
    "pip": create_pip_app,
    "aanbieder": create_aanbieder_app,
    "handhaving": create_handhaving_app,
    "keten": create_keten_app,
}
_BRON = {Bron.INBURGERAAR: "inburgeraar", Bron.PIP: "pip", Bron.AANBIEDER: "aanbieder", Bron.HANDHAVING: "handhaving"}


@pytest.fixture
async def apps(instellingen: dict[str, Any]) -> AsyncIterator[dict[str, Running]]:
    running = {naam: await Running(maak(instellingen[naam])).start() for naam, maak in _MAAK.items()}
    try:
        yield running
    finally:
        for r in running.values():
            await r.stop()


@pytest.fixture
async def samensteller(
    apps: dict[str, Running], instellingen: dict[str, Any], tokens: TokenFactory
) -> AsyncIterator[CbsSamensteller]:
    async def token(gemeente: str) -> str:
        return tokens(*keten_scopes.NAAR_CBS_BRONNEN, gemeente=gemeente, client_id="ketenuitwisseling", user=None)

    clients = {
        b: httpx.AsyncClient(transport=httpx.ASGITransport(app=apps[n].app), base_url=f"http://{n}/api/v1/")
        for b, n in _BRON.items()
    }
    bronnen = HttpBronnen(clients, token)
    keten = instellingen["keten"]
    database = Database(keten.database_url, pool_size=2)
    log = Verwerkingslog(keten.pseudonym_key.get_secret_value().encode())
    try:
        yield CbsSamensteller(database, bronnen, log, CbsInstellingen(deel_bytes=4096, wacht_seconden=0))
    finally:
        await bronnen.aclose()
        await database.dispose()


async def _sql(settings: Any, sql: str, rows: list[dict[str, Any]]) -> None:
    database = Database(settings.database_url, pool_size=1)
    try:
        async with database.engine.begin() as conn:
            await conn.execute(text(sql), rows)
    finally:
        await database.dispose()


async def registreer(client: httpx.AsyncClient, tokens: TokenFactory, bsn: str) -> str:
    h = tokens.headers(inburgeraar_scopes.INBURGERAAR_SCHRIJVEN)
    body = {"bsn": bsn, "doelgroep": "asielmigrant", "datumKoppeling": "2026-02-01"}
    response = await client.post("/api/v1/inburgeraars", json=body, headers=h)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def pip(settings: PipSettings, inburgeraar_id: str) -> None:
    pip_id = uuid.uuid4()
    b1 = {"leerroute": "b1", "taalniveau": "B1", "pvt": {"aanbieder": "Gemeente"}, "map": None}
    z = {"leerroute": "z-route", "taalniveau": "A1", "pvt": {"aanbieder": "Gemeente"}, "map": {"aanbieder": "W"}}
    await _sql(
        settings,
        "INSERT INTO pip (id, gemeente_code, inburgeraar_id, status, versie, inhoud, vastgesteld_datum) "
        "VALUES (:p, :g, :i, 'vastgesteld', 2, CAST(:inhoud AS jsonb), '2026-05-04')",
        [{"p": pip_id, "g": GEMEENTE, "i": uuid.UUID(inburgeraar_id), "inhoud": json.dumps(z)}],
    )
    await _sql(
        settings,
        "INSERT INTO pip_versie (id, pip_id, versie, inhoud, dagtekening, verzend_datum, ingangs_datum, "
        "gewijzigde_velden) VALUES (:id, :p, :n, CAST(:inhoud AS jsonb), :d, :d, :d, CAST(:v AS jsonb))",
        [
            {"id": uuid.uuid4(), "p": pip_id, "n": 1, "inhoud": json.dumps(b1), "d": date(2026, 5, 4), "v": "[]"},
            {"id": uuid.uuid4(), "p": pip_id, "n": 2, "inhoud": json.dumps(z), "d": date(2026, 11, 2),
             "v": json.dumps(["leerroute", "taalniveau", "map"])},
        ],
    )  # fmt: skip


async def opdracht(settings: AanbiederSettings, inburgeraar_id: str) -> None:
    aanbieder_id = uuid.uuid4()
    await _sql(
        settings,
        "INSERT INTO aanbieder (id, gemeente_code, naam, kvk_nummer, diensten, contactpersonen) "
        "VALUES (:id, :g, 'Taalschool Noord', '12345678', '[\"pvt\"]', '[]')",
        [{"id": aanbieder_id, "g": GEMEENTE}],
    )
    stand = {"gerealiseerdeStartdatum": "2026-06-01", "urenAanwezig": 10.5}
    opdracht_id = uuid.uuid4()
    await _sql(
        settings,
        "INSERT INTO opdracht (id, gemeente_code, aanbieder_id, pip_id, inburgeraar_id, deelnemer_referentie, "
        "onderdeel, status, versie, inhoud, pip_versie, stand, created_at) VALUES (:id, :g, :a, NULL, :p, 'ref', "
        "'pvt', 'gestart', 1, '{}', NULL, CAST(:stand AS jsonb), '2026-05-10T09:00:00Z')",
        [
            {
                "id": opdracht_id,
                "g": GEMEENTE,
                "a": aanbieder_id,
                "p": uuid.UUID(inburgeraar_id),
                "stand": json.dumps(stand),
            }
        ],
    )
    # The export folds the reports made before the period's end, not the stand.
    meldingen = [
        ("start", {"soort": "start", "datum": "2026-06-01"}, datetime(2026, 6, 2, 9, tzinfo=UTC)),
        (
            "aanwezigheid",
            {"soort": "aanwezigheid", "periodeVan": "2026-06-01", "periodeTot": "2026-06-30", "urenAanwezig": 10.5},
            datetime(2026, 7, 1, 9, tzinfo=UTC),
        ),
    ]
    await _sql(
        settings,
        "INSERT INTO melding (id, gemeente_code, opdracht_id, aanbieder_id, soort, gegevens, sleutel, kanaal, "
        "actor_client, gemeld_at) VALUES (:id, :g, :o, :a, :soort, CAST(:gegevens AS jsonb), :sleutel, 'api', "
        "'test', :gemeld)",
        [
            {"id": uuid.uuid4(), "g": GEMEENTE, "o": opdracht_id, "a": aanbieder_id, "soort": soort,
             "gegevens": json.dumps(gegevens), "sleutel": uuid.uuid4().hex, "gemeld": gemeld}
            for soort, gegevens, gemeld in meldingen
        ],
    )  # fmt: skip


async def boete(settings: HandhavingSettings, inburgeraar_id: str) -> None:
    overtreding_id = uuid.uuid4()
    await _sql(
        settings,
        "INSERT INTO overtreding (id, gemeente_code, inburgeraar_id, soort, categorie, status, gedraging_van, "
        "gedraging_tot, bron, bewijs, berekening) VALUES (:id, :g, :p, 'brede-intake-niet-verschenen', "
        "'brede-intake', 'beboet', '2026-03-01', '2026-03-01', 'handmatig', '{}', '[]')",
        [{"id": overtreding_id, "g": GEMEENTE, "p": uuid.UUID(inburgeraar_id)}],
    )
    await _sql(
        settings,
        "INSERT INTO procedurestap (id, overtreding_id, handeling, status, datum, door_client) "
        "VALUES (:id, :o, 'waarschuwen', 'gewaarschuwd', '2026-03-05', 'test')",
        [{"id": uuid.uuid4(), "o": overtreding_id}],
    )
    await _sql(
        settings,
        "INSERT INTO boete (id, gemeente_code, overtreding_id, inburgeraar_id, categorie, bedrag, voorgesteld_bedrag, "
        "berekening, besluit_datum, verzend_datum, status) VALUES (:id, :g, :o, :p, 'brede-intake', 250, 250, '[]', "
        "'2026-04-15', '2026-04-15', 'opgelegd')",
        [{"id": uuid.uuid4(), "g": GEMEENTE, "o": overtreding_id, "p": uuid.UUID(inburgeraar_id)}],
    )


async def vraag_aan(keten: Running, tokens: TokenFactory) -> str:
    h = tokens.headers(*keten_scopes.ROLLEN["functioneel-beheerder"], gemeente=GEMEENTE)
    response = await keten.client.post(API, json={"gemeentecode": GEMEENTE, "periode": "2026"}, headers=h)
    assert response.status_code == 202, response.text
    return str(response.json()["id"])


async def stand(keten: Running, tokens: TokenFactory, levering_id: str) -> dict[str, Any]:
    h = tokens.headers(*keten_scopes.ROLLEN["cbs"], gemeente=GEMEENTE)
    response = await keten.client.get(f"{API}/{levering_id}", headers=h)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def bestand(keten: Running, tokens: TokenFactory, levering_id: str) -> bytes:
    h = tokens.headers(*keten_scopes.ROLLEN["cbs"], gemeente=GEMEENTE)
    response = await keten.client.get(f"{API}/{levering_id}/bestand", headers=h)
    assert response.status_code == 200, response.text
    return response.content


async def test_cbs_levering_uit_vier_contexten(
    apps: dict[str, Running], instellingen: dict[str, Any], tokens: TokenFactory, samensteller: CbsSamensteller
) -> None:
    inburgeraar = apps["inburgeraar"].client
    a = await registreer(inburgeraar, tokens, "999993653")
    b = await registreer(inburgeraar, tokens, "999990019")
    h = tokens.headers(inburgeraar_scopes.INTAKE_SCHRIJVEN, inburgeraar_scopes.BEGELEIDING_SCHRIJVEN)
    toets = {"datum": "2026-04-20", "resultaat": "score 72", "geadviseerdeLeerroute": "b1", "instantie": "T"}
    achtergrond = {"opleidingen": [{"niveau": "voortgezet-onderwijs"}], "alfabetisme": "gealfabetiseerd"}
    begeleiding = {"onderdeel": "wonen", "inhoud": "i", "doel": "d", "startdatum": "2026-03-15", "aanbieder": "VWN"}
    for pad, body in (("brede-intake/leerbaarheidstoets", toets), ("brede-intake/achtergrond", achtergrond)):
        assert (await inburgeraar.put(f"/api/v1/inburgeraars/{a}/{pad}", json=body, headers=h)).status_code == 200
    response = await inburgeraar.post(
        f"/api/v1/inburgeraars/{a}/maatschappelijke-begeleiding", json=begeleiding, headers=h
    )
    assert response.status_code == 201, response.text
    await pip(instellingen["pip"], a)
    await opdracht(instellingen["aanbieder"], a)
    await boete(instellingen["handhaving"], a)

    levering_id = await vraag_aan(apps["keten"], tokens)
    assert await samensteller.ronde() == 1

    s = await stand(apps["keten"], tokens, levering_id)
    assert (s["status"], s["percentage"], s["aantalPersonen"]) == ("gereed", 100, 2)
    eerste = await bestand(apps["keten"], tokens, levering_id)
    inhoud = gzip.decompress(eerste)
    assert hashlib.sha256(inhoud).hexdigest() == s["sha256"]
    regels = {r["inburgeraarId"]: r for r in map(json.loads, inhoud.splitlines())}
    assert list(regels) == sorted([a, b])

    r = regels[a]
    assert r["persoon"] == {"bsn": "999993653", "doelgroep": "asielmigrant", "nareiziger": False,
                            "registratiedatum": "2026-02-01"}  # fmt: skip
    assert (r["opleidingsniveau"], r["alfabetisme"]) == ("voortgezet-onderwijs", "gealfabetiseerd")
    assert r["leerbaarheidstoets"] == {"datum": "2026-04-20", "uitslag": "score 72", "geadviseerdeLeerroute": "b1"}
    assert r["maatschappelijkeBegeleiding"] == {"startdatum": "2026-03-15", "onderdelen": 1, "onderdelenInPeriode": 1}
    assert r["bredeIntake"]["status"] == "lopend"
    wijziging = {"versie": 2, "dagtekening": "2026-11-02", "velden": ["leerroute", "taalniveau", "map"]}
    assert r["pip"] == {
        "vaststellingsdatum": "2026-05-04", "versie": 2, "beeindigd": None, "wijzigingenInPeriode": [wijziging]
    }  # fmt: skip
    assert r["leerroute"] == {
        "route": "z-route", "afschaling": None,
        "wisselingenInPeriode": [{"datum": "2026-11-02", "van": "b1", "naar": "z-route"}],
    }  # fmt: skip
    assert (r["pvtAfgesproken"], r["mapAfgesproken"]) == (True, True)
    assert r["cursussen"] == [
        {"soort": "pvt", "aanbieder": "Taalschool Noord", "status": "gestart", "deelname": True,
         "startdatum": "2026-06-01", "urenAanwezig": 10.5, "resultaat": None, "niveauBereikt": None}
    ]  # fmt: skip
    assert r["waarschuwingen"] == {
        "aantal": 1,
        "items": [{"datum": "2026-03-05", "reden": "brede-intake-niet-verschenen"}],
    }
    assert r["boetes"] == {
        "aantal": 1, "totaalBedrag": 250,
        "items": [{"datum": "2026-04-15", "reden": "brede-intake-niet-verschenen", "bedrag": 250}],
    }  # fmt: skip
    leeg = regels[b]
    assert (leeg["pip"], leeg["cursussen"], leeg["boetes"]["aantal"]) == (None, [], 0)

    # every source logged its export with the legal ground; the exchange its assembly and the download
    for naam in ("inburgeraar", "pip", "aanbieder", "handhaving", "keten"):
        database = Database(instellingen[naam].database_url, pool_size=1)
        try:
            async with database.engine.connect() as conn:
                grondslagen = (
                    (
                        await conn.execute(
                            text("SELECT grondslag FROM verwerking WHERE object_type IN ('cbs-export', 'cbs-levering')")
                        )
                    )
                    .scalars()
                    .all()
                )
        finally:
            await database.dispose()
        assert grondslagen and all("art. 35 lid 4" in g for g in grondslagen), naam

    # and per person: the privacy officer's search for a person (by its pseudonym, as the privacy view asks every
    # service) finds the delivery to CBS at each source
    officer = tokens.headers(SCOPE_VERWERKINGEN_LEZEN, gemeente=GEMEENTE, client_id="client-privacy-officer")
    for naam in _BRON.values():
        pseudoniem = Verwerkingslog(instellingen[naam].pseudonym_key.get_secret_value().encode()).betrokkene_van(
            uuid.UUID(a)
        )
        response = await apps[naam].client.post(
            "/api/v1/verwerkingen/_zoek", json={"betrokkenen": [pseudoniem]}, headers=officer
        )
        assert response.status_code == 200, response.text
        cbs = [v for v in response.json()["resultaten"] if v["objectType"] == "cbs-export"]
        assert [(v["objectId"], v["betrokkene"]) for v in cbs] == [(f"{GEMEENTE}:2026-01-01/2027-01-01", pseudoniem)]
        assert "art. 35 lid 4" in cbs[0]["grondslag"], naam

    # assembled again: the same bytes
    await samensteller.maak(uuid.UUID(levering_id))
    assert await bestand(apps["keten"], tokens, levering_id) == eerste

    # a person only pip-api knows (inburgeraar-api has no such registration): nothing is delivered, the reason says who
    onbekend = str(uuid.uuid4())
    await pip(instellingen["pip"], onbekend)
    await _sql(instellingen["keten"], "UPDATE cbs_levering SET status = 'gepland'", [{}])
    assert await samensteller.ronde() == 1
    s = await stand(apps["keten"], tokens, levering_id)
    assert s["status"] == "mislukt"
    assert onbekend in s["reden"] and "persoon" in s["reden"]
    h = tokens.headers(*keten_scopes.ROLLEN["cbs"], gemeente=GEMEENTE)
    assert (await apps["keten"].client.get(f"{API}/{levering_id}/bestand", headers=h)).status_code == 409


async def test_cbs_levering_vanaf_de_opdrachtregel(
    apps: dict[str, Running], instellingen: dict[str, Any], tokens: TokenFactory, samensteller: CbsSamensteller
) -> None:
    """`python -m ketenuitwisseling cbs-levering`: requested through the service's own use case, followed while the
    cbs-worker assembles it, ending with what the recipient checks the file against."""
    # in a gemeente of its own: the other test leaves a person only pip-api knows, which fails a delivery of 0363
    gemeente = "0599"
    body = {"bsn": "999990044", "doelgroep": "asielmigrant", "datumKoppeling": "2026-02-01"}
    h = tokens.headers(inburgeraar_scopes.INBURGERAAR_SCHRIJVEN, gemeente=gemeente)
    assert (await apps["inburgeraar"].client.post("/api/v1/inburgeraars", json=body, headers=h)).status_code == 201
    regels: list[str] = []
    aangevraagd = asyncio.Event()

    def schrijf(regel: str) -> None:
        regels.append(regel)
        aangevraagd.set()

    argv = ["--gemeente", gemeente, "--periode", "2026-Q3", "--interval", "0.01"]
    volgen = asyncio.create_task(cbs_volgen.volg(instellingen["keten"], argv, schrijf))
    await aangevraagd.wait()
    assert regels[0].endswith("(2026-Q3, aangevraagd)"), regels
    assert await samensteller.ronde() == 1
    assert await volgen == 0
    levering_id = regels[0].split()[1]
    h = tokens.headers(*keten_scopes.ROLLEN["cbs"], gemeente=gemeente)
    klaar = (await apps["keten"].client.get(f"{API}/{levering_id}", headers=h)).json()
    # every change of state or percentage once, in order (how many the poll sees depends on timing)
    standen = [(r.split()[0], int(r.split()[1].rstrip("%"))) for r in regels[1:-2]]
    assert standen == sorted(set(standen), key=lambda s: (["gepland", "bezig", "gereed"].index(s[0]), s[1])), regels
    assert standen[-1] == ("gereed", 100)
    assert regels[-2] == f"sha256 {klaar['sha256']}"
    assert regels[-1].startswith(f"{klaar['aantalPersonen']} personen, {klaar['aantalBytes']} bytes in "), regels
    assert klaar["aantalPersonen"] == 1

    # asked again: the same delivery, already done; a period that is none is refused naming the field
    opnieuw: list[str] = []
    assert await cbs_volgen.volg(instellingen["keten"], argv, opnieuw.append) == 0
    assert opnieuw[0] == f"levering {levering_id} (2026-Q3, al eerder aangevraagd)"
    fout: list[str] = []
    assert (
        await cbs_volgen.volg(instellingen["keten"], ["--gemeente", gemeente, "--periode", "2025-Q5"], fout.append) == 2
    )
    assert fout[0].startswith("geweigerd: ") and "periode: geen jaar of kwartaal" in fout[0], fout
