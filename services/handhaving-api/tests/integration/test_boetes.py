"""Amounts, the cap, bezwaar and beroep, the verordening, DUO's boetes and the overview per person."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import text

from handhaving_api.scopes import ROLLEN
from inburgering_kit.db import Database
from inburgering_kit.testing.plugin import TokenFactory

from .conftest import Procedure, zet_feiten


def _regel(response: httpx.Response) -> str:
    assert response.status_code == 422, response.text
    return str(response.json()["regel"])


async def _alleen_800(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    body = {"ingangsdatum": "2026-01-01", "bredeIntake": [250], "pip": [800]}
    response = await client.post("/api/v1/verordeningen", json=body, headers=auth)
    assert response.status_code == 201, response.text


async def test_verordening_boven_het_maximum_geweigerd_en_versies(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    teveel = {"ingangsdatum": "2026-01-01", "bredeIntake": [100, 250], "pip": [400, 801]}
    assert _regel(await client.post("/api/v1/verordeningen", json=teveel, headers=auth)) == "maximum-pip"
    niet_oplopend = {"ingangsdatum": "2026-01-01", "bredeIntake": [250, 100], "pip": [800]}
    assert (
        _regel(await client.post("/api/v1/verordeningen", json=niet_oplopend, headers=auth))
        == "verordening-boven-maximum"
    )
    goed = {"ingangsdatum": "2026-01-01", "bredeIntake": [100, 250], "pip": [300, 600, 800]}
    assert (await client.post("/api/v1/verordeningen", json=goed, headers=auth)).status_code == 201
    assert (await client.post("/api/v1/verordeningen", json=goed, headers=auth)).status_code == 409
    versies = (await client.get("/api/v1/verordeningen", headers=auth)).json()
    assert [v["pip"] for v in versies] == [[300, 600, 800]]


async def test_ladder_trapsgewijs_volgens_de_geldende_versie(procedure: Procedure, database: Database) -> None:
    oud = {"ingangsdatum": "2025-01-01", "bredeIntake": [50], "pip": [100, 200]}
    nieuw = {"ingangsdatum": "2026-02-01", "bredeIntake": [100], "pip": [300, 600, 800]}
    for body in (oud, nieuw):
        assert (
            await procedure.client.post("/api/v1/verordeningen", json=body, headers=procedure.auth)
        ).status_code == 201
    persoon = uuid.uuid4()
    await zet_feiten(database, persoon)
    assert (await procedure.boete(persoon))["bedrag"] == 300
    assert (await procedure.boete(persoon))["bedrag"] == 600
    # A gedraging before the new version's ingangsdatum falls under the old one (its second step).
    eerder = await procedure.kandidaat(persoon, van="2026-01-20")
    voornemen = await procedure.stap(eerder["id"], "voornemen", {"datum": "2026-03-01"})
    assert voornemen.json()["voorgesteldBedrag"] == 200


async def test_plafond_precies_bereikt_en_een_euro_erover(procedure: Procedure, database: Database) -> None:
    await _alleen_800(procedure.client, procedure.auth)
    persoon = uuid.uuid4()
    await zet_feiten(database, persoon)
    await procedure.boete(persoon)
    # Three voornemens while € 800 stands: each proposes € 800 (room € 1.600).
    a, b, c = [await procedure.voorgenomen(persoon) for _ in range(3)]
    assert {a["voorgesteldBedrag"], b["voorgesteldBedrag"], c["voorgesteldBedrag"]} == {800}
    assert (await procedure.beboet(a["id"])).status_code == 201
    assert (await procedure.beboet(b["id"])).status_code == 201  # € 2.400 exactly
    # € 1 more is over the cap, even lowered with a reason.
    assert _regel(await procedure.beboet(c["id"], bedrag=1, maatwerkReden="symbolisch")) == "plafond-pip"
    overzicht = (await procedure.client.get(f"/api/v1/boeteoverzichten/{persoon}", headers=procedure.auth)).json()
    assert (overzicht["opgelegdPip"], overzicht["ruimteOnderPlafond"]) == (2400, 0)
    # A new voornemen has no room left at all.
    d = await procedure.kandidaat(persoon)
    assert _regel(await procedure.stap(d["id"], "voornemen", {"datum": "2026-03-01"})) == "plafond-pip"


async def test_voorstel_begrensd_door_de_ruimte(procedure: Procedure, database: Database) -> None:
    await _alleen_800(procedure.client, procedure.auth)
    persoon = uuid.uuid4()
    await zet_feiten(database, persoon)
    await procedure.boete(persoon)
    await procedure.boete(persoon, bedrag=700, maatwerkReden="draagkracht")
    overtreding = await procedure.voorgenomen(persoon)
    assert overtreding["voorgesteldBedrag"] == 800  # room € 900, so the ladder's € 800
    derde = await procedure.beboet(overtreding["id"])
    assert derde.json()["bedrag"] == 800
    vierde = await procedure.voorgenomen(persoon)
    assert vierde["voorgesteldBedrag"] == 100


async def test_brede_intake_telt_niet_voor_het_plafond(procedure: Procedure, database: Database) -> None:
    await _alleen_800(procedure.client, procedure.auth)
    persoon = uuid.uuid4()
    await zet_feiten(database, persoon)
    for _ in range(3):
        await procedure.boete(persoon)
    boete = await procedure.boete(persoon, "brede-intake-niet-verschenen", nieuweVerschijndatum="2026-04-01")
    assert boete["bedrag"] == 250


async def test_bezwaar_gegrond_geeft_ruimte_terug(procedure: Procedure, database: Database) -> None:
    await _alleen_800(procedure.client, procedure.auth)
    persoon = uuid.uuid4()
    await zet_feiten(database, persoon)
    boetes = [await procedure.boete(persoon) for _ in range(3)]
    client, auth = procedure.client, procedure.auth
    response = await client.post(
        f"/api/v1/boetes/{boetes[0]['id']}/bezwaren", json={"ingediendDatum": "2026-04-27"}, headers=auth
    )
    assert response.status_code == 201, response.text
    zaak = response.json()
    assert zaak["tijdig"] is True
    assert (await client.get(f"/api/v1/boetes/{boetes[0]['id']}", headers=auth)).json()[
        "rechtsmiddelstatus"
    ] == "bezwaar-aanhangig"
    response = await client.post(
        f"/api/v1/boetes/{boetes[0]['id']}/bezwaren/{zaak['id']}/_beslissen",
        json={"datum": "2026-05-10", "beslissing": "gegrond"},
        headers=auth,
    )
    assert response.status_code == 200, response.text
    vernietigd = (await client.get(f"/api/v1/boetes/{boetes[0]['id']}", headers=auth)).json()
    assert (vernietigd["status"], vernietigd["openstaandBedrag"]) == ("vernietigd", 0)
    overzicht = (await client.get(f"/api/v1/boeteoverzichten/{persoon}", headers=auth)).json()
    assert (overzicht["opgelegdPip"], overzicht["ruimteOnderPlafond"]) == (1600, 800)
    assert (await procedure.voorgenomen(persoon))["voorgesteldBedrag"] == 800


async def test_bezwaar_deels_gegrond_en_beroep(procedure: Procedure, database: Database) -> None:
    persoon = uuid.uuid4()
    await zet_feiten(database, persoon)
    boete = await procedure.boete(persoon)  # € 250, verzonden 2026-03-16
    client, auth = procedure.client, procedure.auth
    # Six weeks after the bekendmaking: 27 April is the last day; the 28th needs a reason.
    te_laat = await client.post(
        f"/api/v1/boetes/{boete['id']}/bezwaren", json={"ingediendDatum": "2026-04-28"}, headers=auth
    )
    assert _regel(te_laat) == "bezwaartermijn"
    # Beroep before bezwaar is refused.
    assert (
        _regel(
            await client.post(
                f"/api/v1/boetes/{boete['id']}/beroepen", json={"ingediendDatum": "2026-04-01"}, headers=auth
            )
        )
        == "beroep-na-bezwaar"
    )
    body = {"ingediendDatum": "2026-04-28", "redenTeLaat": "in het ziekenhuis"}
    zaak = (await client.post(f"/api/v1/boetes/{boete['id']}/bezwaren", json=body, headers=auth)).json()
    assert (zaak["tijdig"], zaak["redenTeLaat"]) == (False, "in het ziekenhuis")
    pad = f"/api/v1/boetes/{boete['id']}/bezwaren/{zaak['id']}/_beslissen"
    assert (
        _regel(
            await client.post(
                pad, json={"datum": "2026-05-10", "beslissing": "deels-gegrond", "nieuwBedrag": 250}, headers=auth
            )
        )
        == "rechtsmiddel-beslissing"
    )
    beslist = (
        await client.post(
            pad, json={"datum": "2026-05-10", "beslissing": "deels-gegrond", "nieuwBedrag": 150}, headers=auth
        )
    ).json()
    assert (
        await client.post(pad, json={"datum": "2026-05-10", "beslissing": "ongegrond"}, headers=auth)
    ).status_code == 409
    nieuw = (await client.get(f"/api/v1/boetes/{beslist['nieuweBoeteId']}", headers=auth)).json()
    assert (nieuw["bedrag"], nieuw["vervangtId"], nieuw["grond"]) == (150, boete["id"], "bezwaar")
    oud = (await client.get(f"/api/v1/boetes/{boete['id']}", headers=auth)).json()
    assert (oud["status"], oud["bedrag"]) == ("vervangen", 250)  # the old besluit itself is unchanged

    beroep = await client.post(
        f"/api/v1/boetes/{nieuw['id']}/beroepen", json={"ingediendDatum": "2026-06-01"}, headers=auth
    )
    assert beroep.status_code == 201, beroep.text
    pad = f"/api/v1/boetes/{nieuw['id']}/beroepen/{beroep.json()['id']}/_beslissen"
    assert (
        await client.post(pad, json={"datum": "2026-09-01", "beslissing": "ongegrond"}, headers=auth)
    ).status_code == 200
    staand = (await client.get(f"/api/v1/boetes/{nieuw['id']}", headers=auth)).json()
    assert (staand["status"], staand["rechtsmiddelstatus"]) == ("opgelegd", "beroep-beslist")


async def test_correctie_is_een_nieuw_besluit(procedure: Procedure, database: Database) -> None:
    persoon = uuid.uuid4()
    await zet_feiten(database, persoon)
    boete = await procedure.boete(persoon)
    client, auth = procedure.client, procedure.auth
    pad = f"/api/v1/boetes/{boete['id']}/_corrigeren"
    body = {"datum": "2026-03-20", "verzenddatum": "2026-03-20", "bedrag": 251, "reden": "typfout"}
    assert _regel(await client.post(pad, json=body, headers=auth)) == "maatwerk-alleen-lager"
    response = await client.post(pad, json={**body, "bedrag": 200}, headers=auth)
    assert response.status_code == 201, response.text
    assert (response.json()["vervangtId"], response.json()["grond"]) == (boete["id"], "correctie")
    assert _regel(await client.post(pad, json={**body, "bedrag": 100}, headers=auth)) == "besluit-onveranderlijk"


async def test_duo_boetes_en_overzicht(
    procedure: Procedure, database: Database, client: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    persoon = uuid.uuid4()
    await zet_feiten(database, persoon)
    boete = await procedure.boete(persoon)
    betaald = await client.post(f"/api/v1/boetes/{boete['id']}/_betalen", json={"bedrag": 100}, headers=procedure.auth)
    assert betaald.json()["openstaandBedrag"] == 150
    assert (
        await client.post(f"/api/v1/boetes/{boete['id']}/_betalen", json={"bedrag": 151}, headers=procedure.auth)
    ).status_code == 422

    duo = tokens.headers(*ROLLEN["duo"], client_id="duo")
    body = {
        "inburgeraarId": str(persoon),
        "kenmerk": "DUO-1",
        "besluitDatum": "2026-05-01",
        "bedrag": 500,
        "reden": "termijn",
    }
    headers = {**duo, "Idempotency-Key": str(uuid.uuid4())}
    first = await client.post("/api/v1/duo-boetes", json=body, headers=headers)
    assert first.status_code == 201, first.text
    again = await client.post("/api/v1/duo-boetes", json=body, headers=headers)
    assert again.json() == first.json()
    assert (await client.post("/api/v1/duo-boetes", json=body, headers=duo)).json()["id"] == first.json()["id"]
    assert (await client.get(f"/api/v1/boeteoverzichten/{persoon}", headers=duo)).status_code == 403
    assert (await client.post("/api/v1/duo-boetes", json=body, headers=procedure.auth)).status_code == 403

    overzicht = (await client.get(f"/api/v1/boeteoverzichten/{persoon}", headers=procedure.auth)).json()
    assert (overzicht["opgelegdPip"], overzicht["betaald"], overzicht["openstaand"]) == (250, 100, 150)
    assert (overzicht["ruimteOnderPlafond"], overzicht["duoTotaal"]) == (2150, 500)
    assert [d["kenmerk"] for d in overzicht["duoBoetes"]] == ["DUO-1"]
    # Another gemeente sees nothing of it.
    ander = tokens.headers(*ROLLEN["klantregisseur"], gemeente="0599")
    elders = (await client.get(f"/api/v1/boeteoverzichten/{persoon}", headers=ander)).json()
    assert (elders["boetes"], elders["duoBoetes"]) == ([], [])
    assert (await client.get(f"/api/v1/boetes/{boete['id']}", headers=ander)).status_code == 404


async def test_verwerkingenlog(
    procedure: Procedure, database: Database, client: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    persoon = uuid.uuid4()
    await zet_feiten(database, persoon)
    boete = await procedure.boete(persoon)
    await client.get(f"/api/v1/boetes/{boete['id']}", headers=procedure.auth)
    async with database.engine.connect() as conn:
        rows = (await conn.execute(text("SELECT activiteit, grondslag, actie, object_type FROM verwerking"))).all()
    activiteiten = {(r.activiteit, r.actie) for r in rows}
    assert ("waarschuwen en beboeten", "wijzigen") in activiteiten
    assert ("raadplegen handhavingsdossier", "lezen") in activiteiten
    assert all("Wi art." in r.grondslag or "Awb" in r.grondslag for r in rows)
    privacy = tokens.headers(*ROLLEN["privacy-officer"])
    assert (await client.get(f"/api/v1/boetes/{boete['id']}", headers=privacy)).status_code == 403
