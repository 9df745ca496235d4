"""The projection of provider progress per PIP part, from aanbieder-api's events: what it keeps, that a replay
changes nothing, and that an event it cannot apply is dead-lettered at once without blocking the rest."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import httpx
from sqlalchemy import text

from inburgering_kit.db import Database
from inburgering_kit.testing.plugin import TokenFactory
from inburgering_kit.testing.waiting import eventually
from pip_api.scopes import ROLLEN
from pip_api.services.aanbiedervoortgang import DURABLE

if TYPE_CHECKING:
    from .conftest import AanbiederApi, InburgeraarApi


class TestProjectie:
    async def test_start_uren_aanwezigheid_resultaten_en_advies(self, aanbieder_api: AanbiederApi) -> None:
        o = aanbieder_api.opdracht(uuid.uuid4(), uuid.uuid4())
        await aanbieder_api.pas_toe(
            [
                *o.verstrekt(date(2026, 5, 1), date(2027, 5, 1)),
                *o.start(date(2026, 5, 4)),
                *o.aanwezigheid(date(2026, 5, 1), date(2026, 5, 31), aanwezig=40, ongeoorloofd=20, geoorloofd=4),
                *o.aanwezigheid(date(2026, 6, 1), date(2026, 6, 30), aanwezig=50),
                *o.tussenresultaat(date(2026, 7, 1)),
                *o.resultaat("examenresultaat", behaald=True, op=date(2026, 7, 2), niveau="A2"),
                *o.routeadvies("afschalen", date(2026, 7, 3)),
            ]
        )
        [rij] = await aanbieder_api.rij("opdracht_voortgang", opdracht_id=o.id)
        assert rij["status"] == "gestart"
        assert (rij["geplande_startdatum"], rij["geplande_einddatum"]) == (date(2026, 5, 1), date(2027, 5, 1))
        assert rij["start_gemeld_datum"] == date(2026, 5, 4)
        assert rij["laatste_melding_datum"] == date(2026, 7, 3)
        assert rij["uren_aanwezig"] == Decimal(90)
        assert rij["niveau"] == "A2"
        # ids, codes, dates and hours only: no column for a BSN or a name
        assert not {k for k in rij if "bsn" in k or "naam" in k}

        perioden = sorted(
            await aanbieder_api.rij("aanwezigheidsperiode", opdracht_id=o.id), key=lambda p: p["volgnummer"]
        )
        assert [(p["periode_van"], p["uren_aanwezig"], p["uren_afwezig_ongeoorloofd"]) for p in perioden] == [
            (date(2026, 5, 1), Decimal(40), Decimal(20)),
            # a report without unauthorised absence carries no period on the wire
            (None, Decimal(50), Decimal(0)),
        ]
        resultaten = await aanbieder_api.rij("aanbiederresultaat", opdracht_id=o.id)
        assert sorted((r["soort"], r["uitslag"]) for r in resultaten) == [
            ("examenresultaat", "behaald"),
            ("tussenresultaat", None),
        ]
        [advies] = await aanbieder_api.rij("routeadvies", opdracht_id=o.id)
        assert (advies["advies"], advies["ontvangen_datum"], advies["pip_id"]) == (
            "afschalen",
            date(2026, 7, 3),
            o.pip_id,
        )

    async def test_z_route_uren_en_eindresultaat(self, aanbieder_api: AanbiederApi) -> None:
        o = aanbieder_api.opdracht(uuid.uuid4(), uuid.uuid4(), onderdeel="z-route")
        await aanbieder_api.pas_toe(
            [
                *o.z_route_uren(400, 300, op=date(2026, 6, 1)),
                *o.z_route_uren(400.5, 500, op=date(2026, 9, 1)),
                *o.resultaat("eindresultaat", behaald=True, op=date(2026, 9, 2), niveau="A1"),
            ]
        )
        [rij] = await aanbieder_api.rij("opdracht_voortgang", opdracht_id=o.id)
        assert (rij["uren_taal"], rij["uren_participatie"]) == (Decimal("800.5"), Decimal(800))
        assert (rij["status"], rij["eindresultaat"], rij["eindresultaat_datum"], rij["niveau"]) == (
            "afgerond",
            "behaald",
            date(2026, 9, 2),
            "A1",
        )

    async def test_een_gecorrigeerde_periode_vervangt_de_eerdere(self, aanbieder_api: AanbiederApi) -> None:
        o = aanbieder_api.opdracht(uuid.uuid4(), uuid.uuid4())
        mei = (date(2026, 5, 1), date(2026, 5, 31))
        await aanbieder_api.pas_toe(
            [*o.aanwezigheid(*mei, aanwezig=30, ongeoorloofd=30), *o.aanwezigheid(*mei, aanwezig=55, ongeoorloofd=5)]
        )
        [periode] = await aanbieder_api.rij("aanwezigheidsperiode", opdracht_id=o.id)
        assert (periode["uren_aanwezig"], periode["uren_afwezig_ongeoorloofd"]) == (Decimal(55), Decimal(5))

    async def test_ingetrokken(self, aanbieder_api: AanbiederApi) -> None:
        o = aanbieder_api.opdracht(uuid.uuid4(), uuid.uuid4())
        await aanbieder_api.pas_toe(
            [*o.verstrekt(date(2026, 5, 1), date(2027, 5, 1)), *o.ingetrokken(date(2026, 5, 2))]
        )
        [rij] = await aanbieder_api.rij("opdracht_voortgang", opdracht_id=o.id)
        assert rij["status"] == "ingetrokken"


class TestIdempotent:
    async def test_een_herhaald_event_verandert_niets(self, aanbieder_api: AanbiederApi) -> None:
        o = aanbieder_api.opdracht(uuid.uuid4(), uuid.uuid4())
        events = [
            *o.verstrekt(date(2026, 5, 1), date(2027, 5, 1)),
            *o.aanwezigheid(date(2026, 5, 1), date(2026, 5, 31), aanwezig=40, ongeoorloofd=20),
            *o.routeadvies("routewissel", date(2026, 6, 1)),
        ]
        await aanbieder_api.pas_toe(events)
        voor = await aanbieder_api.rij("opdracht_voortgang", opdracht_id=o.id)
        await aanbieder_api.pas_toe(events)
        na = await aanbieder_api.rij("opdracht_voortgang", opdracht_id=o.id)
        assert [{**r, "updated_at": None} for r in na] == [{**r, "updated_at": None} for r in voor]
        assert len(await aanbieder_api.rij("aanwezigheidsperiode", opdracht_id=o.id)) == 1
        assert len(await aanbieder_api.rij("routeadvies", opdracht_id=o.id)) == 1
        assert na[0]["uren_aanwezig"] == Decimal(40)


class TestViaDeBus:
    async def test_de_consumer_past_toe_en_zet_een_kapot_event_meteen_opzij(
        self, aanbieder_api: AanbiederApi, database: Database
    ) -> None:
        o = aanbieder_api.opdracht(uuid.uuid4(), uuid.uuid4())
        kapot = o.event("uren-bijgewerkt", {"meldingId": "geen-uuid"})
        await aanbieder_api.publiceer(
            [kapot, *o.verstrekt(date(2026, 5, 1), date(2027, 5, 1)), *o.start(date(2026, 5, 2))]
        )

        async def gestart() -> bool:
            rijen = await aanbieder_api.rij("opdracht_voortgang", opdracht_id=o.id)
            return bool(rijen) and rijen[0]["status"] == "gestart"

        await eventually(gestart, what="projectie van de opdracht")
        async with database.engine.connect() as conn:
            dood = (
                await conn.execute(
                    text("SELECT attempts, reason FROM dead_letter WHERE consumer = :c AND event_id = :e"),
                    {"c": DURABLE, "e": kapot.id},
                )
            ).one()
        # dead-lettered on its first delivery: a contract breach does not mend by retrying
        assert dood.attempts == 1
        assert "contract" in dood.reason


class TestVoortgangVanHetPip:
    async def test_per_onderdeel_uren_aanwezigheid_resultaten_en_adviezen(
        self,
        client: httpx.AsyncClient,
        auth: dict[str, str],
        tokens: TokenFactory,
        inburgeraar_api: InburgeraarApi,
        aanbieder_api: AanbiederApi,
        database: Database,
    ) -> None:
        inburgeraar_id = await inburgeraar_api.registreer()
        body = {"inburgeraarId": str(inburgeraar_id), "leerroute": "b1", "taalniveau": "B1", "intensiteit": "hoog"}
        response = await client.post("/api/v1/pips", json=body, headers=auth)
        assert response.status_code == 201, response.text
        pip_id = uuid.UUID(response.json()["id"])
        o = aanbieder_api.opdracht(pip_id, inburgeraar_id)
        await aanbieder_api.pas_toe(
            [
                *o.verstrekt(date(2026, 5, 1), date(2027, 5, 1)),
                *o.start(date(2026, 5, 4)),
                *o.aanwezigheid(date(2026, 5, 1), date(2026, 5, 31), aanwezig=45, ongeoorloofd=15, geoorloofd=4),
                *o.resultaat("examenresultaat", behaald=False, op=date(2026, 6, 2)),
                *o.routeadvies("routewissel", date(2026, 6, 3)),
            ]
        )
        response = await client.get(f"/api/v1/pips/{pip_id}/voortgang", headers=auth)
        assert response.status_code == 200, response.text
        voortgang = response.json()
        assert voortgang["gemeldeTaaluren"] == 45
        [opdracht] = voortgang["opdrachten"]
        assert (opdracht["opdrachtId"], opdracht["status"], opdracht["startGemeldDatum"]) == (
            str(o.id),
            "gestart",
            "2026-05-04",
        )
        assert opdracht["aanwezigheid"] == [
            {
                "periodeVan": "2026-05-01",
                "periodeTot": "2026-05-31",
                "urenAanwezig": 45.0,
                "urenAfwezigGeoorloofd": 4.0,
                "urenAfwezigOngeoorloofd": 15.0,
                "aanwezigheidspercentage": 75,
            }
        ]
        assert opdracht["resultaten"] == [
            {"soort": "examenresultaat", "uitslag": "niet-behaald", "datum": "2026-06-02", "niveau": None}
        ]
        assert voortgang["routeadviezen"] == [
            {"opdrachtId": str(o.id), "advies": "routewissel", "ontvangenDatum": "2026-06-03"}
        ]
        # another gemeente does not see it; the read is in the processing log
        andere = tokens.headers(*ROLLEN["klantregisseur"], gemeente="0599")
        assert (await client.get(f"/api/v1/pips/{pip_id}/voortgang", headers=andere)).status_code == 404
        async with database.engine.connect() as conn:
            gelogd = (
                await conn.execute(
                    text(
                        "SELECT count(*) FROM verwerking WHERE object_id = :p AND activiteit LIKE 'volgen voortgang%'"
                    ),
                    {"p": str(pip_id)},
                )
            ).scalar_one()
        assert gelogd == 1
