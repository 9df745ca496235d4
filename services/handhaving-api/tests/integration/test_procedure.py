"""The Awb procedure through the API: every step in order, each refusal a 422 naming its rule and source."""

from __future__ import annotations

import uuid
from datetime import date

import httpx

from handhaving_api.scopes import ROLLEN
from inburgering_kit.db import Database
from inburgering_kit.testing.plugin import TokenFactory

from .conftest import Procedure, zet_feiten


def _weigering(response: httpx.Response, regel: str) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert (body["code"], body["regel"]) == (regel, regel)
    assert body["bron"]


async def test_van_kandidaat_tot_boetebesluit(procedure: Procedure, database: Database) -> None:
    persoon = uuid.uuid4()
    await zet_feiten(database, persoon)
    kandidaat = await procedure.kandidaat(persoon)
    assert kandidaat["status"] == "kandidaat"
    assert kandidaat["bron"] == "handmatig"

    waarschuwing = await procedure.stap(kandidaat["id"], "waarschuwen", {"datum": "2026-02-10", "reden": "eerste"})
    assert waarschuwing.json()["status"] == "gewaarschuwd"
    voornemen = (await procedure.stap(kandidaat["id"], "voornemen", {"datum": "2026-03-01"})).json()
    assert voornemen["status"] == "voorgenomen"
    assert voornemen["zienswijzeUitersteDatum"] == "2026-03-15"
    assert voornemen["voorgesteldBedrag"] == 250  # the default ladder's first PIP step
    assert any("trede 1" in regel for regel in voornemen["berekening"])

    # On the last day of the zienswijzetermijn the besluit still waits; the day after it may be taken.
    _weigering(await procedure.beboet(kandidaat["id"], datum="2026-03-15"), "zienswijzetermijn-loopt")
    response = await procedure.beboet(kandidaat["id"])
    assert response.status_code == 201, response.text
    boete = response.json()
    assert (boete["bedrag"], boete["status"], boete["openstaandBedrag"]) == (250, "opgelegd", 250)
    assert response.headers["Location"].endswith(f"/api/v1/boetes/{boete['id']}")

    stappen = (
        await procedure.client.get(f"/api/v1/overtredingen/{kandidaat['id']}/stappen", headers=procedure.auth)
    ).json()
    assert [s["handeling"] for s in stappen] == ["waarschuwen", "voornemen", "beboeten"]
    assert all(s["doorClient"] == "test-client" for s in stappen)
    # A decision taken stays taken.
    _weigering(await procedure.beboet(kandidaat["id"]), "procedure-volgorde")


async def test_stappen_overslaan_geweigerd(procedure: Procedure, database: Database) -> None:
    persoon = uuid.uuid4()
    await zet_feiten(database, persoon)
    kandidaat = await procedure.kandidaat(persoon)
    _weigering(await procedure.stap(kandidaat["id"], "voornemen", {"datum": "2026-03-01"}), "procedure-volgorde")
    _weigering(await procedure.beboet(kandidaat["id"]), "procedure-volgorde")
    await procedure.stap(kandidaat["id"], "waarschuwen", {"datum": "2026-02-10"})
    _weigering(await procedure.stap(kandidaat["id"], "zienswijze", {"datum": "2026-03-01"}), "procedure-volgorde")


async def test_eerdere_waarschuwing_telt_voor_volgende_overtreding(procedure: Procedure, database: Database) -> None:
    persoon = uuid.uuid4()
    await zet_feiten(database, persoon)
    await procedure.voorgenomen(persoon)
    tweede = await procedure.kandidaat(persoon, van="2026-02-20")
    response = await procedure.stap(tweede["id"], "voornemen", {"datum": "2026-03-01"})
    assert response.status_code == 200, response.text


async def test_zienswijze_en_afzien(procedure: Procedure, database: Database) -> None:
    persoon = uuid.uuid4()
    await zet_feiten(database, persoon)
    overtreding = await procedure.voorgenomen(persoon)
    zienswijze = (await procedure.stap(overtreding["id"], "zienswijze", {"datum": "2026-03-15"})).json()
    assert (zienswijze["status"], zienswijze["zienswijzeTijdig"]) == ("zienswijze-ontvangen", True)
    afgezien = await procedure.stap(overtreding["id"], "afzien", {"datum": "2026-03-16", "reden": "ziek"})
    assert afgezien.json()["status"] == "geen-boete"


async def test_zienswijzetermijn_eigen_aantal_dagen(procedure: Procedure, database: Database) -> None:
    persoon = uuid.uuid4()
    await zet_feiten(database, persoon)
    kandidaat = await procedure.kandidaat(persoon)
    await procedure.stap(kandidaat["id"], "waarschuwen", {"datum": "2026-02-10"})
    body = {"datum": "2026-03-01", "zienswijzetermijnDagen": 7}
    assert (await procedure.stap(kandidaat["id"], "voornemen", body)).json()["zienswijzeUitersteDatum"] == "2026-03-08"
    assert (await procedure.beboet(kandidaat["id"], datum="2026-03-09", verzenddatum="2026-03-09")).status_code == 201


async def test_afwijzen_met_reden(procedure: Procedure, database: Database) -> None:
    persoon = uuid.uuid4()
    kandidaat = await procedure.kandidaat(persoon, soort="brede-intake-niet-verschenen")
    response = await procedure.stap(
        kandidaat["id"], "afwijzen", {"datum": "2026-02-10", "reden": "bericht kwam niet aan"}
    )
    assert response.json()["status"] == "afgewezen"
    _weigering(await procedure.stap(kandidaat["id"], "waarschuwen", {"datum": "2026-02-11"}), "procedure-volgorde")


async def test_brede_intake_boete_stelt_nieuwe_termijn(procedure: Procedure, database: Database) -> None:
    persoon = uuid.uuid4()
    overtreding = await procedure.voorgenomen(persoon, soort="brede-intake-niet-verschenen")
    assert overtreding["voorgesteldBedrag"] == 100
    _weigering(await procedure.beboet(overtreding["id"]), "nieuwe-termijn-verplicht")
    response = await procedure.beboet(overtreding["id"], nieuweVerschijndatum="2026-04-01")
    assert response.status_code == 201, response.text
    assert response.json()["nieuweVerschijndatum"] == "2026-04-01"


async def test_maatwerk_lager_met_reden_nooit_hoger(procedure: Procedure, database: Database) -> None:
    persoon = uuid.uuid4()
    await zet_feiten(database, persoon)
    overtreding = await procedure.voorgenomen(persoon)
    _weigering(await procedure.beboet(overtreding["id"], bedrag=251, maatwerkReden="meer"), "maatwerk-alleen-lager")
    _weigering(await procedure.beboet(overtreding["id"], bedrag=200), "maatwerk-alleen-lager")
    response = await procedure.beboet(overtreding["id"], bedrag=200, maatwerkReden="draagkracht")
    assert (response.json()["bedrag"], response.json()["maatwerkReden"]) == (200, "draagkracht")


async def test_participatiewet_maatregel_sluit_boete_uit(
    procedure: Procedure, database: Database, client: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    persoon = uuid.uuid4()
    await zet_feiten(database, persoon)
    kandidaat = await procedure.kandidaat(persoon, van="2026-02-02", tot="2026-02-06")
    await procedure.stap(kandidaat["id"], "waarschuwen", {"datum": "2026-02-10"})
    specialist = tokens.headers(*ROLLEN["specialist-inkomen"])
    maatregel = {
        "inburgeraarId": str(persoon),
        "periodeVan": "2026-02-06",
        "periodeTot": "2026-02-28",
        "gedragingReferentie": "PW-2026-17",
        "besluitDatum": "2026-02-09",
    }
    response = await client.post("/api/v1/participatiewet-maatregelen", json=maatregel, headers=specialist)
    assert response.status_code == 201, response.text
    # The klantregisseur cannot register one; the specialist cannot fine.
    assert (
        await client.post("/api/v1/participatiewet-maatregelen", json=maatregel, headers=procedure.auth)
    ).status_code == 403
    assert (
        await client.post(
            f"/api/v1/overtredingen/{kandidaat['id']}/_voornemen", json={"datum": "2026-03-01"}, headers=specialist
        )
    ).status_code == 403
    _weigering(await procedure.stap(kandidaat["id"], "voornemen", {"datum": "2026-03-01"}), "participatiewet-maatregel")

    # A maatregel that ends the day before the gedraging does not overlap.
    ander = uuid.uuid4()
    await zet_feiten(database, ander)
    kandidaat = await procedure.kandidaat(ander, van="2026-02-02", tot="2026-02-06")
    await procedure.stap(kandidaat["id"], "waarschuwen", {"datum": "2026-02-10"})
    eerder = {**maatregel, "inburgeraarId": str(ander), "periodeVan": "2026-01-01", "periodeTot": "2026-02-01"}
    assert (
        await client.post("/api/v1/participatiewet-maatregelen", json=eerder, headers=specialist)
    ).status_code == 201
    assert (await procedure.stap(kandidaat["id"], "voornemen", {"datum": "2026-03-01"})).status_code == 200


async def test_doelgroep_zelfgekozen_leerroute(procedure: Procedure, database: Database) -> None:
    persoon = uuid.uuid4()
    await zet_feiten(database, persoon, doelgroep="gezinsmigrant")
    body = {"inburgeraarId": str(persoon), "soort": "pip-leerroute", "gedragingVan": "2026-02-02", "omschrijving": "x"}
    _weigering(
        await procedure.client.post("/api/v1/overtredingen", json=body, headers=procedure.auth),
        "doelgroep-geen-inspanningstoezicht",
    )
    assert (await procedure.voorgenomen(persoon, soort="pip-map"))["status"] == "voorgenomen"


async def test_geen_pip_boete_zonder_vastgesteld_pip_of_na_einde_plicht(
    procedure: Procedure, database: Database
) -> None:
    zonder_pip = uuid.uuid4()
    await zet_feiten(database, zonder_pip, pip_vastgesteld=None)
    kandidaat = await procedure.kandidaat(zonder_pip)
    await procedure.stap(kandidaat["id"], "waarschuwen", {"datum": "2026-02-10"})
    _weigering(await procedure.stap(kandidaat["id"], "voornemen", {"datum": "2026-03-01"}), "pip-niet-vastgesteld")

    geeindigd = uuid.uuid4()
    await zet_feiten(database, geeindigd, plicht_einde=date(2026, 3, 16))
    overtreding = await procedure.voorgenomen(geeindigd)
    _weigering(await procedure.beboet(overtreding["id"]), "plicht-beeindigd")
    assert (await procedure.beboet(overtreding["id"], datum="2026-03-15")).status_code == 422  # term still running


async def test_boetebesluit_herhaald_met_dezelfde_idempotency_key(procedure: Procedure, database: Database) -> None:
    persoon = uuid.uuid4()
    await zet_feiten(database, persoon)
    overtreding = await procedure.voorgenomen(persoon)
    headers = {**procedure.auth, "Idempotency-Key": str(uuid.uuid4())}
    body = {"datum": "2026-03-16", "verzenddatum": "2026-03-16"}
    pad = f"/api/v1/overtredingen/{overtreding['id']}/_beboeten"
    eerste = await procedure.client.post(pad, json=body, headers=headers)
    herhaald = await procedure.client.post(pad, json=body, headers=headers)
    assert (eerste.status_code, herhaald.status_code) == (201, 201)
    assert herhaald.json() == eerste.json()
    boetes = await procedure.client.get(
        "/api/v1/boetes", params={"inburgeraarId": str(persoon)}, headers=procedure.auth
    )
    assert boetes.json()["totalItems"] == 1
