"""In: a partner's notification is stored once and answered 202; the worker fetches the fact and hands it to its
owner exactly once, whatever repeats, arrives out of order or was fetched before."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import text

from inburgering_kit.db import Database
from inburgering_kit.testing.plugin import TokenFactory
from ketenuitwisseling.services import inhalen
from ketenuitwisseling.services.inhalen import Inhaler

from .conftest import Keten

BSN = "999990019"
VASTGESTELD = {
    "doelgroep": "asielmigrant", "startdatum": "2026-11-01", "termijnInburgering": "2029-11-01",
    "termijnPvt": "2027-11-01", "termijnMap": "2027-11-01",
}  # fmt: skip


def _notificatie(feit: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": feit["id"], "soort": feit["soort"], "bron": feit["bron"], "gemeentecode": feit["gemeentecode"],
        "volgnummer": feit["volgnummer"], "tijdstip": "2026-12-03T12:00:00+01:00",
    }  # fmt: skip


async def _meld(client: httpx.AsyncClient, tokens: TokenFactory, feit: dict[str, Any]) -> httpx.Response:
    bron = feit["bron"]
    return await client.post(
        f"/api/v1/notificaties/{bron}", json=_notificatie(feit), headers=tokens.headers(bron, client_id=bron)
    )


async def _status(database: Database) -> dict[str, str]:
    async with database.engine.connect() as conn:
        rows = (await conn.execute(text("SELECT feit_id, status FROM melding"))).all()
    return {str(r.feit_id): r.status for r in rows}


class TestNotificatie:
    async def test_herhaald_is_een_rij_en_steeds_202(
        self, client: httpx.AsyncClient, tokens: TokenFactory, keten: Keten, database: Database
    ) -> None:
        feit = keten.duo.feit("plicht-vastgesteld", {"bsn": BSN, "duoId": "d1"}, VASTGESTELD)
        for _ in range(3):
            response = await _meld(client, tokens, feit)
            assert response.status_code == 202, response.text
            assert response.json()["id"] == feit["id"]
        assert len(await _status(database)) == 1

    async def test_alleen_de_eigen_bron_en_gemeente(
        self, client: httpx.AsyncClient, tokens: TokenFactory, keten: Keten
    ) -> None:
        feit = keten.duo.feit("plicht-vastgesteld", {"bsn": BSN}, VASTGESTELD)
        # COA may not announce a DUO fact, nor a partner one for another gemeente.
        response = await client.post("/api/v1/notificaties/duo", json=_notificatie(feit), headers=tokens.headers("coa"))
        assert response.status_code == 403
        andere = await client.post(
            "/api/v1/notificaties/duo", json=_notificatie(feit), headers=tokens.headers("duo", gemeente="0599")
        )
        assert andere.status_code == 422
        assert andere.json()["invalidParams"][0]["name"] == "gemeentecode"

    async def test_ongeldige_notificatie_noemt_elk_veld(self, client: httpx.AsyncClient, tokens: TokenFactory) -> None:
        response = await client.post(
            "/api/v1/notificaties/duo", json={"id": "x", "soort": "A B"}, headers=tokens.headers("duo")
        )
        assert response.status_code == 400
        namen = {p["name"] for p in response.json()["invalidParams"]}
        assert {"id", "soort", "bron", "gemeentecode", "volgnummer", "tijdstip"} <= namen


class TestEenmaalToegepast:
    async def test_dubbel_omgekeerd_en_al_opgehaald(
        self, client: httpx.AsyncClient, tokens: TokenFactory, keten: Keten, database: Database
    ) -> None:
        inburgeraar_id = keten.inburgeraars.registreer(BSN)
        persoon = {"bsn": BSN, "duoId": "d1"}
        vastgesteld = keten.duo.feit("plicht-vastgesteld", persoon, VASTGESTELD)
        termijn = keten.duo.feit("termijnen-gewijzigd", persoon, {"reden": "correctie", "termijnPvt": "2028-01-01"})
        examen = keten.duo.feit(
            "examenresultaat",
            persoon,
            {"onderdeel": "lezen", "examendatum": "2027-01-10", "poging": 1, "resultaat": "behaald"},
        )
        # Out of order, and twice each.
        for feit in (examen, termijn, examen, vastgesteld, termijn, vastgesteld):
            assert (await _meld(client, tokens, feit)).status_code == 202
        await keten.leeg()
        mutaties = keten.inburgeraars.mutaties[inburgeraar_id]
        assert [m["soort"] for m in mutaties] == [
            "plicht-vastgesteld", "termijn-vastgesteld", "termijn-vastgesteld", "termijn-vastgesteld",
            "termijn-gewijzigd", "examenresultaat",
        ]  # fmt: skip
        assert mutaties[-1]["behaald"] is True and mutaties[-2]["nieuweEinddatum"] == "2028-01-01"
        assert all(m["bron"] == "DUO" and m["kenmerk"] for m in mutaties)
        assert set((await _status(database)).values()) == {"verwerkt"}
        # Announced again after it was fetched and handed over: nothing happens.
        assert (await _meld(client, tokens, examen)).status_code == 202
        await keten.leeg()
        assert len(keten.inburgeraars.mutaties[inburgeraar_id]) == 6

    async def test_eigenaar_even_weg_dan_eenmaal(
        self, client: httpx.AsyncClient, tokens: TokenFactory, keten: Keten, database: Database
    ) -> None:
        inburgeraar_id = keten.inburgeraars.registreer(BSN)
        feit = keten.duo.feit("plicht-vastgesteld", {"bsn": BSN, "duoId": "d1"}, VASTGESTELD)
        await _meld(client, tokens, feit)
        keten.inburgeraars.plat = True
        keten.duo.plat = True
        await keten.ophaler.ronde()
        assert (await _status(database))[feit["id"]] == "opnieuw"
        keten.inburgeraars.plat = keten.duo.plat = False
        await keten.leeg()
        assert len(keten.inburgeraars.mutaties[inburgeraar_id]) == 4
        assert (await _status(database))[feit["id"]] == "verwerkt"

    async def test_coa_koppeling_zonder_bsn_dan_bsn_dan_profielen(
        self, client: httpx.AsyncClient, tokens: TokenFactory, keten: Keten, database: Database
    ) -> None:
        persoon = {"coaId": "c1"}
        koppeling = keten.coa.feit("koppeling", persoon, {"datumKoppeling": "2026-11-01", "doelgroep": "asielmigrant"})
        bsn = keten.coa.feit("bsn-bekend", {**persoon, "bsn": BSN}, {"datum": "2026-11-20"})
        naam = {"contactgegevens": {"achternaam": "Haddad"}}
        profiel_1 = keten.coa.feit("klantprofiel", persoon, {**naam, "taalvaardigheid": "A1"})
        profiel_2 = keten.coa.feit("klantprofiel", persoon, {**naam, "taalvaardigheid": "A2"})
        # The newest profile first, then the rest reversed and repeated.
        for feit in (profiel_2, bsn, koppeling, koppeling, bsn):
            await _meld(client, tokens, feit)
        await keten.leeg()
        await _meld(client, tokens, profiel_1)  # older than one already applied: never overwrites it
        await keten.leeg()
        [inburgeraar_id] = list(keten.inburgeraars.personen)
        assert keten.inburgeraars.personen[inburgeraar_id]["bsn"] == BSN
        [profiel] = keten.inburgeraars.profielen[inburgeraar_id]
        assert profiel["persoonsgegevens"] == {"geslachtsnaam": "Haddad"}
        assert profiel["taalvaardigheid"]["spreken"] == "a2"
        status = await _status(database)
        assert status[profiel_1["id"]] == "verouderd"
        assert status[koppeling["id"]] == status[bsn["id"]] == status[profiel_2["id"]] == "verwerkt"

    async def test_boete_naar_handhaving_en_verhuizing_bij_de_vorige_gemeente(
        self, client: httpx.AsyncClient, tokens: TokenFactory, keten: Keten
    ) -> None:
        inburgeraar_id = keten.inburgeraars.registreer(BSN)
        persoon = {"bsn": BSN, "duoId": "d1"}
        boete = keten.duo.feit(
            "boete-opgelegd",
            persoon,
            {"kenmerk": "K1", "besluitdatum": "2026-10-01", "bedrag": 500, "reden": "te-laat"},
        )
        verhuisd = keten.duo.feit(
            "verhuisd",
            persoon,
            {"vorigeGemeentecode": "0363", "nieuweGemeentecode": "0599", "verhuisdatum": "2026-12-01"},
        )
        for feit in (boete, verhuisd, boete):
            await _meld(client, tokens, feit)
        await keten.leeg()
        assert list(keten.handhaving.boetes) == ["K1"]
        # At O (0363): the move registered at O's inburgeraar-api, which starts the transfer by its event.
        [verhuizing] = keten.inburgeraars.verhuizingen[inburgeraar_id]
        assert verhuizing | {"id": "-"} == {
            "id": "-", "inburgeraarId": inburgeraar_id, "naarGemeente": "0599", "verhuisdatum": "2026-12-01",
            "bron": "duo", "status": "aangemeld",
        }  # fmt: skip
        meldingen = await client.get("/api/v1/meldingen", params={"bron": "duo"}, headers=tokens.headers("keten:lezen"))
        assert meldingen.status_code == 200
        [item] = [m for m in meldingen.json()["resultaten"] if m["soort"] == "verhuisd"]
        assert item["status"] == "verwerkt"
        assert item["uitkomst"] == "verhuizing naar 0599 per 2026-12-01 geregistreerd"

    async def test_verwerkingen_met_grondslag(
        self, client: httpx.AsyncClient, tokens: TokenFactory, keten: Keten
    ) -> None:
        keten.inburgeraars.registreer(BSN)
        feit = keten.duo.feit("plicht-vastgesteld", {"bsn": BSN, "duoId": "d1"}, VASTGESTELD)
        await _meld(client, tokens, feit)
        await keten.leeg()
        response = await client.post(
            "/api/v1/verwerkingen/_zoek", json={"bsn": BSN}, headers=tokens.headers("verwerkingen:lezen")
        )
        assert response.status_code == 200
        records = response.json()["resultaten"]
        assert {r["actie"] for r in records if r["objectId"] == feit["id"]} == {"lezen", "aanmaken"}
        assert all("art. 35" in r["grondslag"] for r in records if r["objectId"] == feit["id"])
        assert uuid.UUID(feit["id"])


class TestInhalen:
    async def test_feed_haalt_gemiste_meldingen_eenmaal_in(self, keten: Keten, database: Database) -> None:
        inburgeraar_id = keten.inburgeraars.registreer(BSN)
        persoon = {"bsn": BSN, "duoId": "d1"}
        feiten = [keten.duo.feit("plicht-vastgesteld", persoon, VASTGESTELD)]
        examen = {"examendatum": "2027-01-10", "resultaat": "behaald"}
        feiten += [keten.duo.feit("examenresultaat", persoon, {"onderdeel": o, **examen}) for o in ("lezen", "knm")]
        # Never notified (the exchange was away longer than DUO retried): the feed has them, in pages of two.
        inhaler = Inhaler(keten.database, keten.verbindingen, ("0363",))
        inhalen.PAGINA, oud = 2, inhalen.PAGINA
        try:
            assert await inhaler.ronde() == 3
            assert await inhaler.ronde() == 0
        finally:
            inhalen.PAGINA = oud
        await keten.leeg()
        assert set((await _status(database)).values()) == {"verwerkt"}
        assert len(keten.inburgeraars.mutaties[inburgeraar_id]) == 4 + 2
        assert {f["id"] for f in feiten} == set(await _status(database))

    async def test_partner_weg_is_geen_fout_van_de_worker(self, keten: Keten, database: Database) -> None:
        keten.duo.feit("plicht-vastgesteld", {"bsn": BSN, "duoId": "d1"}, VASTGESTELD)
        keten.duo.plat = True
        inhaler = Inhaler(keten.database, keten.verbindingen, ("0363",))
        assert await inhaler.ronde() == 0
        keten.duo.plat = False
        assert await inhaler.ronde() == 1
