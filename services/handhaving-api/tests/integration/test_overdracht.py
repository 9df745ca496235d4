"""The dossier transfer on a move (issue 15 §3): the old gemeente's enforcement history out, taken in at the new
gemeente as read-only history (201/200/409/422, never in its work list, CBS delivery, monitoring or outbox, but its
warnings count for the step to a voornemen), and `inburgeraar.verhuisd` ending what the old gemeente still ran."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import httpx
from sqlalchemy import text

from handhaving_api.scopes import ROLLEN
from handhaving_api.services.retentie import opruimer
from handhaving_api.settings import Settings
from inburgering_kit.db import Database
from inburgering_kit.overdracht import GRONDSLAG, OVERDRAGEN, OVERNEMEN
from inburgering_kit.retentie import voer_uit
from inburgering_kit.testing.plugin import TokenFactory
from inburgering_kit.testing.waiting import eventually

from .conftest import InburgeraarApi, Procedure, zet_feiten

OUD, NIEUW = "0363", "0518"


def _keten(tokens: TokenFactory, gemeente: str) -> dict[str, str]:
    return tokens.headers(*ROLLEN["ketenuitwisseling"], gemeente=gemeente, client_id="ketenuitwisseling", user=None)


async def _scalar(database: Database, sql: str, **params: Any) -> Any:
    async with database.engine.connect() as conn:
        return (await conn.execute(text(sql), params)).scalar()


async def _geschiedenis(procedure: Procedure, database: Database) -> uuid.UUID:
    """At the old gemeente: a boete in bezwaar (after a warning and a voornemen), a dismissed candidate, a DUO
    boete."""
    persoon = uuid.uuid4()
    await zet_feiten(database, persoon)
    boete = await procedure.boete(persoon)
    bezwaar = await procedure.client.post(
        f"/api/v1/boetes/{boete['id']}/bezwaren", json={"ingediendDatum": "2026-04-01"}, headers=procedure.auth
    )
    assert bezwaar.status_code == 201, bezwaar.text
    afgewezen = await procedure.kandidaat(persoon, "pip-map")
    response = await procedure.stap(afgewezen["id"], "afwijzen", {"datum": "2026-02-10", "reden": "vergissing"})
    assert response.status_code == 200, response.text
    return persoon


async def _export(client: httpx.AsyncClient, tokens: TokenFactory, persoon: uuid.UUID) -> dict[str, Any]:
    response = await client.get(f"/api/v1/overdrachtsdossiers/{persoon}", headers=_keten(tokens, OUD))
    assert response.status_code == 200, response.text
    return dict(response.json())


def _deel(persoon: uuid.UUID, dossier: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "inburgeraarId": str(persoon),
        "vanGemeente": OUD,
        "verhuisdatum": "2026-06-01",
        "dossier": dossier,
        **extra,
    }


async def test_export_geeft_de_hele_handhavingsgeschiedenis(
    client: httpx.AsyncClient, tokens: TokenFactory, procedure: Procedure, database: Database
) -> None:
    persoon = await _geschiedenis(procedure, database)
    duo = tokens.headers(*ROLLEN["duo"], client_id="duo")
    body = {
        "inburgeraarId": str(persoon),
        "kenmerk": "DUO-1",
        "besluitDatum": "2026-05-01",
        "bedrag": 500,
        "reden": "termijn",
    }
    assert (await client.post("/api/v1/duo-boetes", json=body, headers=duo)).status_code == 201

    dossier = await _export(client, tokens, persoon)

    assert dossier["inburgeraarId"] == str(persoon)
    assert [(o["soort"], o["status"]) for o in dossier["overtredingen"]] == [
        ("pip-pvt", "beboet"),
        ("pip-map", "afgewezen"),
    ]
    beboet = dossier["overtredingen"][0]
    assert [s["handeling"] for s in beboet["stappen"]] == ["waarschuwen", "voornemen", "beboeten"]
    assert beboet["voornemenDatum"] == "2026-03-01" and beboet["zienswijzeUitersteDatum"] == "2026-03-15"
    assert [(w["soort"], w["categorie"], w["datum"]) for w in dossier["waarschuwingen"]] == [
        ("pip-pvt", "pip", "2026-02-10")
    ]
    [boete] = dossier["boetes"]
    assert (boete["soort"], boete["bedrag"], boete["besluitDatum"], boete["status"]) == (
        "pip-pvt",
        250,
        "2026-03-16",
        "opgelegd",
    )
    assert boete["rechtsmiddelstatus"] == "bezwaar-aanhangig"
    assert [(z["soort"], z["ingediendDatum"], z["tijdig"]) for z in boete["rechtsmiddelen"]] == [
        ("bezwaar", "2026-04-01", True)
    ]
    assert dossier["duoBoetes"] == [
        {"kenmerk": "DUO-1", "besluitDatum": "2026-05-01", "bedrag": 500, "reden": "termijn"}
    ]
    assert dossier["participatiewetMaatregelen"] == [] and dossier["eerdereGemeenten"] == []
    # The provision is on record with its legal ground and the person's pseudonym.
    betrokkene = await _scalar(
        database,
        "SELECT betrokkene FROM verwerking WHERE activiteit = :a AND grondslag = :g AND actie = 'lezen'",
        a=OVERDRAGEN.naam,
        g=GRONDSLAG,
    )
    assert betrokkene is not None and str(persoon) not in betrokkene


async def test_export_leeg_of_niet_gevonden(
    client: httpx.AsyncClient, tokens: TokenFactory, database: Database
) -> None:
    onbekend = uuid.uuid4()
    dossier = await _export(client, tokens, onbekend)
    assert dossier == {
        "inburgeraarId": str(onbekend),
        "overtredingen": [],
        "waarschuwingen": [],
        "boetes": [],
        "duoBoetes": [],
        "participatiewetMaatregelen": [],
        "eerdereGemeenten": [],
    }
    elders = uuid.uuid4()
    await zet_feiten(database, elders, gemeente="0599")
    response = await client.get(f"/api/v1/overdrachtsdossiers/{elders}", headers=_keten(tokens, OUD))
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_rollen(client: httpx.AsyncClient, tokens: TokenFactory) -> None:
    persoon = uuid.uuid4()
    export, overdracht = f"/api/v1/overdrachtsdossiers/{persoon}", f"/api/v1/overdrachten/{uuid.uuid4()}"
    body = _deel(persoon, {})
    assert (await client.get(export)).status_code == 401
    assert (await client.put(overdracht, json=body)).status_code == 401
    klantregisseur = tokens.headers(*ROLLEN["klantregisseur"])
    assert (await client.get(export, headers=klantregisseur)).status_code == 403
    assert (await client.put(overdracht, json=body, headers=klantregisseur)).status_code == 403
    gelezen = f"/api/v1/inburgeraars/{persoon}/overgenomen-handhaving"
    assert (await client.get(gelezen, headers=_keten(tokens, NIEUW))).status_code == 403
    assert (await client.get(gelezen, headers=klantregisseur)).json() == []


async def test_overnemen_201_200_409_422(
    client: httpx.AsyncClient, tokens: TokenFactory, procedure: Procedure, database: Database
) -> None:
    dossier = await _export(client, tokens, await _geschiedenis(procedure, database))
    nieuw_persoon, overdracht_id = uuid.uuid4(), uuid.uuid4()
    pad = f"/api/v1/overdrachten/{overdracht_id}"
    keten = _keten(tokens, NIEUW)

    eerst = await client.put(pad, json=_deel(nieuw_persoon, dossier), headers=keten)
    assert eerst.status_code == 201, eerst.text
    antwoord = eerst.json()
    assert antwoord["geimporteerd"] is True and antwoord["vanGemeente"] == OUD
    assert antwoord["overdrachtId"] == str(overdracht_id) and antwoord["inburgeraarId"] == str(nieuw_persoon)
    assert antwoord["dossier"] == dossier

    # The same part again (keys in another order): the same answer; another body under the same id: refused.
    opnieuw = await client.put(pad, json=dict(reversed(_deel(nieuw_persoon, dossier).items())), headers=keten)
    assert (opnieuw.status_code, opnieuw.json()) == (200, antwoord)
    ander = await client.put(pad, json=_deel(nieuw_persoon, dossier, verhuisdatum="2026-06-02"), headers=keten)
    assert ander.status_code == 409
    assert ander.headers["content-type"].startswith("application/problem+json")
    # The same id from another gemeente is no retry either.
    elders = await client.put(pad, json=_deel(nieuw_persoon, dossier), headers=_keten(tokens, "0599"))
    assert elders.status_code == 409

    kapot = {**dossier, "boetes": [{**dossier["boetes"][0], "bedrag": "veel"}], "onbekend": 1}
    kapot["overtredingen"] = [{**dossier["overtredingen"][0], "soort": "te-laat"}]
    del kapot["duoBoetes"]
    fout = await client.put(f"/api/v1/overdrachten/{uuid.uuid4()}", json=_deel(nieuw_persoon, kapot), headers=keten)
    assert fout.status_code == 422, fout.text
    assert {p["name"] for p in fout.json()["invalidParams"]} == {
        "dossier.boetes.0.bedrag",
        "dossier.overtredingen.0.soort",
        "dossier.duoBoetes",
        "dossier.onbekend",
    }
    eigen = await client.put(
        f"/api/v1/overdrachten/{uuid.uuid4()}", json=_deel(nieuw_persoon, dossier), headers=_keten(tokens, OUD)
    )
    assert eigen.status_code == 422 and eigen.json()["invalidParams"][0]["name"] == "vanGemeente"

    assert await _scalar(database, "SELECT count(*) FROM overgenomen_handhaving") == 1
    assert await _scalar(database, "SELECT count(*) FROM verwerking WHERE activiteit = :a", a=OVERNEMEN.naam) == 1
    gelezen = await client.get(
        f"/api/v1/inburgeraars/{nieuw_persoon}/overgenomen-handhaving",
        headers=tokens.headers(*ROLLEN["klantregisseur"], gemeente=NIEUW),
    )
    assert gelezen.status_code == 200 and gelezen.json() == [antwoord]
    # Another gemeente's klantregisseur does not see it.
    anders = await client.get(
        f"/api/v1/inburgeraars/{nieuw_persoon}/overgenomen-handhaving",
        headers=tokens.headers(*ROLLEN["klantregisseur"]),
    )
    assert anders.json() == []


async def test_overgenomen_telt_niet_mee_maar_de_waarschuwing_wel(
    client: httpx.AsyncClient, tokens: TokenFactory, procedure: Procedure, database: Database
) -> None:
    dossier = await _export(client, tokens, await _geschiedenis(procedure, database))
    nieuw_persoon = uuid.uuid4()
    outbox = await _scalar(database, "SELECT count(*) FROM outbox")
    response = await client.put(
        f"/api/v1/overdrachten/{uuid.uuid4()}", json=_deel(nieuw_persoon, dossier), headers=_keten(tokens, NIEUW)
    )
    assert response.status_code == 201, response.text
    assert await _scalar(database, "SELECT count(*) FROM outbox") == outbox

    nieuw = tokens.headers(*ROLLEN["klantregisseur"], gemeente=NIEUW)
    for pad in ("/api/v1/overtredingen", "/api/v1/boetes"):
        lijst = await client.get(pad, params={"inburgeraarId": str(nieuw_persoon)}, headers=nieuw)
        assert lijst.status_code == 200 and lijst.json()["resultaten"] == [], pad
    assert (await client.get("/api/v1/overtredingen", headers=nieuw)).json()["resultaten"] == []
    cbs = await client.get(
        "/api/v1/cbs-export",
        params={"gemeentecode": NIEUW, "van": "2026-01-01", "tot": "2027-01-01"},
        headers=tokens.headers(*ROLLEN["ketenuitwisseling"], gemeente=NIEUW),
    )
    assert cbs.status_code == 200 and cbs.text.strip() == ""
    monitoring = await client.get(
        "/api/v1/monitoring",
        params={"van": "2026-01-01", "tot": "2026-12-31"},
        headers=tokens.headers(*ROLLEN["beleidsmedewerker"], gemeente=NIEUW),
    )
    assert monitoring.status_code == 200
    tabellen = {t["naam"]: t for t in monitoring.json()["tabellen"]}
    assert tabellen["handhaving"]["totaal"]["waarde"] == 0 and tabellen["boetes"]["totaal"]["waarde"] == 0
    assert tabellen["boetebedragen"]["rijen"] == []

    # The warning given at the old gemeente counts: a new PIP candidate here goes to the voornemen directly.
    await zet_feiten(database, nieuw_persoon, gemeente=NIEUW)
    hier = Procedure(client, nieuw)
    kandidaat = await hier.kandidaat(nieuw_persoon, "pip-voortgangsgesprek")
    voornemen = await hier.stap(kandidaat["id"], "voornemen", {"datum": "2026-03-01"})
    assert voornemen.status_code == 200, voornemen.text
    # Not so for the brede intake: no warning of that categorie was given.
    intake = await hier.kandidaat(nieuw_persoon, "brede-intake-niet-verschenen")
    assert (await hier.stap(intake["id"], "voornemen", {"datum": "2026-03-01"})).status_code == 422


async def test_verhuisd_beeindigt_open_procedures_eenmaal_en_laat_boetes_staan(
    client: httpx.AsyncClient, procedure: Procedure, database: Database, inburgeraar_api: InburgeraarApi
) -> None:
    persoon = uuid.uuid4()
    await zet_feiten(database, persoon)
    boete = await procedure.boete(persoon)
    kandidaat = await procedure.kandidaat(persoon, "pip-map")
    voorgenomen = await procedure.voorgenomen(persoon, "pip-voortgangsgesprek")
    gewaarschuwd = await procedure.kandidaat(persoon, "pip-ondersteuning")
    assert (await procedure.stap(gewaarschuwd["id"], "waarschuwen", {"datum": "2026-02-10"})).status_code == 200

    verhuisd = {"inburgeraarId": str(persoon), "naarGemeente": NIEUW, "verhuisdatum": "2026-06-01"}
    await inburgeraar_api.publish("verhuisd", persoon, verhuisd)
    await inburgeraar_api.publish("verhuisd", persoon, verhuisd)
    oproep = {"inburgeraarId": str(persoon), "oproepId": str(uuid.uuid4()), "volgnummer": 1, "aantalNietVerschenen": 1}
    await inburgeraar_api.publish("oproep-niet-verschenen", persoon, oproep)
    # A fact after them on the same consumer: once it is in, so is everything before it.
    plicht = {"inburgeraarId": str(persoon), "soort": "plicht-vervallen", "ingangsdatum": "2026-07-01"}
    await inburgeraar_api.publish("plichtgegevens-ontvangen", persoon, plicht)

    async def verwerkt() -> bool:
        sql = "SELECT plicht_einde_datum IS NOT NULL FROM inburgeraar_feit WHERE inburgeraar_id = :i"
        return bool(await _scalar(database, sql, i=persoon))

    await eventually(verwerkt, what="de events na de verhuizing")

    async def lees(overtreding_id: str) -> tuple[str, list[dict[str, Any]]]:
        o = await client.get(f"/api/v1/overtredingen/{overtreding_id}", headers=procedure.auth)
        s = await client.get(f"/api/v1/overtredingen/{overtreding_id}/stappen", headers=procedure.auth)
        return o.json()["status"], s.json()

    for open_ in (kandidaat, voorgenomen, gewaarschuwd):
        status, stappen = await lees(open_["id"])
        assert status == "beeindigd"
        einde = [s for s in stappen if s["handeling"] == "beeindigen"]
        assert [(s["status"], s["reden"]) for s in einde] == [("beeindigd", "verhuisd")]
    status, stappen = await lees(boete["overtredingId"])
    assert status == "beboet" and "beeindigen" not in {s["handeling"] for s in stappen}
    staand = await client.get(f"/api/v1/boetes/{boete['id']}", headers=procedure.auth)
    assert (staand.json()["status"], staand.json()["bedrag"]) == ("opgelegd", boete["bedrag"])
    # No candidate after the move, and nothing left in the work list.
    lijst = await client.get("/api/v1/overtredingen", params={"inburgeraarId": str(persoon)}, headers=procedure.auth)
    assert {o["status"] for o in lijst.json()["resultaten"]} == {"beboet", "beeindigd"}
    werklijst = await client.get("/api/v1/overtredingen", params={"status": "kandidaat"}, headers=procedure.auth)
    assert werklijst.json()["resultaten"] == []


async def test_overgenomen_geschiedenis_in_inzage_en_retentie(
    client: httpx.AsyncClient,
    tokens: TokenFactory,
    procedure: Procedure,
    database: Database,
    settings: Settings,
    inburgeraar_api: InburgeraarApi,
) -> None:
    dossier = await _export(client, tokens, await _geschiedenis(procedure, database))
    persoon, overdracht_id = uuid.uuid4(), uuid.uuid4()
    response = await client.put(
        f"/api/v1/overdrachten/{overdracht_id}", json=_deel(persoon, dossier), headers=_keten(tokens, NIEUW)
    )
    assert response.status_code == 201, response.text

    inzage = await client.post(
        "/api/v1/inzage/_export",
        json={"inburgeraarId": str(persoon)},
        headers=tokens.headers(*ROLLEN["privacy-officer"], gemeente=NIEUW),
    )
    assert inzage.status_code == 200, inzage.text
    onderdelen = {o["soort"]: o["gegevens"] for o in inzage.json()["onderdelen"]}
    assert [o["id"] for o in onderdelen["overgenomen-handhaving"]] == [str(overdracht_id)]

    await inburgeraar_api.publish(
        "einde-plicht-gewijzigd", persoon, {"inburgeraarId": str(persoon), "einddatum": "2028-09-30"}, NIEUW
    )

    async def bekend() -> bool:
        return bool(await _scalar(database, "SELECT count(*) FROM retentie_betrokkene"))

    await eventually(bekend, what="einde plicht in retentie_betrokkene")
    kept = await voer_uit(database, "handhaving-api", opruimer(settings), date(2033, 9, 30))
    assert kept is not None and kept.totaal == 0
    gone = await voer_uit(database, "handhaving-api", opruimer(settings), date(2033, 10, 1))
    assert gone is not None and gone.aantallen["overgenomen-handhaving"] == 1
    assert await _scalar(database, "SELECT count(*) FROM overgenomen_handhaving") == 0


async def test_tweede_verhuizing_neemt_de_eerdere_geschiedenis_mee(
    client: httpx.AsyncClient, tokens: TokenFactory, procedure: Procedure, database: Database
) -> None:
    dossier = await _export(client, tokens, await _geschiedenis(procedure, database))
    tweede, derde = uuid.uuid4(), uuid.uuid4()
    response = await client.put(
        f"/api/v1/overdrachten/{uuid.uuid4()}", json=_deel(tweede, dossier), headers=_keten(tokens, NIEUW)
    )
    assert response.status_code == 201, response.text

    # The person moves on: the new gemeente hands over what it took over, too (it has no history of its own).
    weer = await client.get(f"/api/v1/overdrachtsdossiers/{tweede}", headers=_keten(tokens, NIEUW))
    assert weer.status_code == 200, weer.text
    doorgegeven = weer.json()
    assert (doorgegeven["overtredingen"], doorgegeven["waarschuwingen"], doorgegeven["boetes"]) == ([], [], [])
    assert [(e["vanGemeente"], e["verhuisdatum"], e["dossier"]) for e in doorgegeven["eerdereGemeenten"]] == [
        (OUD, "2026-06-01", dossier)
    ]
    deel = {**_deel(derde, doorgegeven), "vanGemeente": NIEUW}
    response = await client.put(f"/api/v1/overdrachten/{uuid.uuid4()}", json=deel, headers=_keten(tokens, "0599"))
    assert response.status_code == 201, response.text

    # The warning of the first gemeente still counts at the third.
    await zet_feiten(database, derde, gemeente="0599")
    daar = Procedure(client, tokens.headers(*ROLLEN["klantregisseur"], gemeente="0599"))
    kandidaat = await daar.kandidaat(derde, "pip-voortgangsgesprek")
    voornemen = await daar.stap(kandidaat["id"], "voornemen", {"datum": "2026-03-01"})
    assert voornemen.status_code == 200, voornemen.text


async def test_terug_naar_de_oude_gemeente_weer_te_handhaven_en_de_eigen_geschiedenis_eenmaal(
    client: httpx.AsyncClient,
    tokens: TokenFactory,
    procedure: Procedure,
    database: Database,
    inburgeraar_api: InburgeraarApi,
) -> None:
    """OUD → NIEUW → OUD: back at OUD the person is OUD's to enforce again once inburgeraar-api registers them there
    anew, and NIEUW's history is taken in without what OUD had handed over itself (OUD still has it as its own)."""
    persoon = await _geschiedenis(procedure, database)
    dossier = await _export(client, tokens, persoon)
    bij_nieuw = uuid.uuid4()
    response = await client.put(
        f"/api/v1/overdrachten/{uuid.uuid4()}", json=_deel(bij_nieuw, dossier), headers=_keten(tokens, NIEUW)
    )
    assert response.status_code == 201, response.text
    verhuisd = {"inburgeraarId": str(persoon), "naarGemeente": NIEUW, "verhuisdatum": "2026-06-01"}
    await inburgeraar_api.publish("verhuisd", persoon, verhuisd)

    async def verhuisd_gemarkeerd() -> bool:
        sql = "SELECT verhuisd_datum IS NOT NULL FROM inburgeraar_feit WHERE inburgeraar_id = :i"
        return bool(await _scalar(database, sql, i=persoon))

    await eventually(verhuisd_gemarkeerd, what="de verhuizing in de projectie")

    # Back: NIEUW's part (with OUD's history inside it) taken in at OUD for its own person.
    weer = await client.get(f"/api/v1/overdrachtsdossiers/{bij_nieuw}", headers=_keten(tokens, NIEUW))
    assert [e["vanGemeente"] for e in weer.json()["eerdereGemeenten"]] == [OUD]
    terug = {**_deel(persoon, weer.json()), "vanGemeente": NIEUW, "verhuisdatum": "2026-12-01"}
    pad = f"/api/v1/overdrachten/{uuid.uuid4()}"
    response = await client.put(pad, json=terug, headers=_keten(tokens, OUD))
    assert response.status_code == 201, response.text
    assert response.json()["dossier"]["eerdereGemeenten"] == []
    nog_eens = await client.put(pad, json=terug, headers=_keten(tokens, OUD))
    assert (nog_eens.status_code, nog_eens.json()) == (200, response.json())
    overgenomen = await client.get(f"/api/v1/inburgeraars/{persoon}/overgenomen-handhaving", headers=procedure.auth)
    assert [(o["vanGemeente"], o["dossier"]["eerdereGemeenten"]) for o in overgenomen.json()] == [(NIEUW, [])]
    # OUD's own history of the first stay is as it was.
    assert (await _export(client, tokens, persoon))["boetes"] == dossier["boetes"]

    # Registered at OUD again: what the person does from now on is OUD's to enforce.
    geregistreerd = {
        "inburgeraarId": str(persoon), "doelgroep": "asielmigrant", "nareiziger": False, "status": "geregistreerd",
        "datumKoppeling": "2026-01-02", "datumInschrijvingBrp": None,
    }  # fmt: skip
    await inburgeraar_api.publish("inburgeraar-geregistreerd", persoon, geregistreerd)
    oproep = {"inburgeraarId": str(persoon), "oproepId": str(uuid.uuid4()), "volgnummer": 1, "aantalNietVerschenen": 1}
    await inburgeraar_api.publish("oproep-niet-verschenen", persoon, oproep)

    async def kandidaat() -> bool:
        lijst = await client.get(
            "/api/v1/overtredingen",
            params={"inburgeraarId": str(persoon), "status": "kandidaat"},
            headers=procedure.auth,
        )
        return len(lijst.json()["resultaten"]) == 1

    await eventually(kandidaat, what="een kandidaat na de terugkeer")
    assert (
        await _scalar(database, "SELECT verhuisd_datum FROM inburgeraar_feit WHERE inburgeraar_id = :i", i=persoon)
        is None
    )
