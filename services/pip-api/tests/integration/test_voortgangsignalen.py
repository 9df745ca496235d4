"""The signals provider progress and registration call for, raised by the signal job like the termijn signals: once
per key (a second pass, or a replay of the events, raises nothing new), lapsing when their cause is gone, each with
its event; attendance below the norm also as `aanwezigheid-onder-norm` for enforcement."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from inburgering_kit.db import Database
from inburgering_kit.events import CloudEvent
from inburgering_kit.testing.waiting import eventually
from pip_api.main import DEFINITION
from pip_api.services.projectie import verwerk_event as verwerk_inburgeraar_event
from pip_api.services.signalen import API_PREFIX, signaleer
from pip_api.settings import Settings

if TYPE_CHECKING:
    from .conftest import AanbiederApi, InburgeraarApi, Opdracht

INBURGERAAR_SOURCE = "urn:nld:oin:00000001234567890000:systeem:inburgeraar-api"

API = "/api/v1/pips"
VASTSTELLEN = {"dagtekening": "2026-05-04", "verzenddatum": "2026-05-05", "ingangsdatum": "2026-05-04"}


async def vastgesteld_pip(client: httpx.AsyncClient, auth: dict[str, str], inburgeraar_id: uuid.UUID) -> uuid.UUID:
    body = {
        "inburgeraarId": str(inburgeraar_id),
        "leerroute": "b1",
        "taalniveau": "B1",
        "intensiteit": "hoog",
        "klantregisseur": "k.de.vries",
    }
    response = await client.post(API, json=body, headers=auth)
    assert response.status_code == 201, response.text
    pip_id = response.json()["id"]
    response = await client.post(f"{API}/{pip_id}/_vaststellen", json=VASTSTELLEN, headers=auth)
    assert response.status_code == 200, response.text
    return uuid.UUID(pip_id)


async def signalen(
    database: Database, termijnsoort: str, inburgeraar_id: uuid.UUID | None = None
) -> list[dict[str, Any]]:
    # Other services' tests share the event stream: a registration of theirs may land in the projection meanwhile,
    # so a test about registration signals looks at its own inburgeraar only.
    async with database.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT * FROM signaal WHERE termijnsoort = :t AND (CAST(:i AS uuid) IS NULL OR inburgeraar_id = :i) "
                "ORDER BY einddatum, soort"
            ),
            {"t": termijnsoort, "i": inburgeraar_id},
        )
        return [dict(r) for r in rows.mappings()]


async def events(database: Database, type_: str) -> list[dict[str, Any]]:
    async with database.engine.connect() as conn:
        rows = await conn.execute(text("SELECT event FROM outbox WHERE subject = :s ORDER BY id"), {"s": type_})
        return [r[0] if isinstance(r[0], dict) else json.loads(r[0]) for r in rows]


class Opzet:
    """What every test of a PIP part's signals starts from: a registered inburgeraar with a vastgesteld PIP and an
    opdracht under it, verstrekt for 2026-06-01 to 2027-06-01; and the pass, the outbox's events, and the signals
    of this test's own inburgeraar (other suites share the event stream)."""

    def __init__(self, app: FastAPI, settings: Settings, database: Database, aanbieder_api: AanbiederApi) -> None:
        self.app, self.settings, self.database, self.aanbieder_api = app, settings, database, aanbieder_api
        self.o: Opdracht

    async def pas(self, dag: date, settings: Settings | None = None) -> None:
        await signaleer(self.database, self.app.state.publisher, settings or self.settings, dag=dag)

    async def pas_toe(self, events: list[CloudEvent]) -> None:
        await self.aanbieder_api.pas_toe(events)

    async def signalen(self, termijnsoort: str) -> list[dict[str, Any]]:
        return await signalen(self.database, termijnsoort, self.o.inburgeraar_id)

    async def events(self, type_: str) -> list[dict[str, Any]]:
        return await events(self.database, type_)


@pytest.fixture(name="t")
async def opzet(
    app: FastAPI,
    client: httpx.AsyncClient,
    auth: dict[str, str],
    settings: Settings,
    database: Database,
    inburgeraar_api: InburgeraarApi,
    aanbieder_api: AanbiederApi,
) -> Opzet:
    t = Opzet(app, settings, database, aanbieder_api)
    inburgeraar_id = await inburgeraar_api.registreer()
    pip_id = await vastgesteld_pip(client, auth, inburgeraar_id)
    t.o = aanbieder_api.opdracht(pip_id, inburgeraar_id)
    await t.pas_toe(t.o.verstrekt(date(2026, 6, 1), date(2027, 6, 1)))
    return t


def test_api_prefix_is_die_van_de_dienst() -> None:
    assert DEFINITION.prefix == API_PREFIX


class TestStart:
    async def test_geen_start_gemeld_op_de_geplande_startdatum(
        self, t: Opzet, client: httpx.AsyncClient, auth: dict[str, str]
    ) -> None:
        await t.pas(date(2026, 6, 1))
        assert await t.signalen("start-opdracht") == []
        await t.pas(date(2026, 6, 2))
        await t.pas(date(2026, 6, 3))
        [signaal] = await t.signalen("start-opdracht")
        assert (signaal["opdracht_id"], signaal["pip_id"], signaal["soort"], signaal["einddatum"]) == (
            t.o.id,
            t.o.pip_id,
            "verstreken",
            date(2026, 6, 1),
        )
        assert signaal["klantregisseur"] == "k.de.vries"
        [event] = [
            e
            for e in await t.events("nl.inburgering.pip.termijn-verstreken")
            if e["data"]["termijnsoort"] == "start-opdracht"
        ]
        assert event["data"]["signaalId"] == str(signaal["id"])
        assert (event["subject"], event["gemeentecode"]) == (str(t.o.pip_id), "0363")
        assert event["dataref"] == f"{t.settings.public_base_url}/api/v1/signalen/{signaal['id']}"

        # the worklist shows it, with the opdracht it is about
        response = await client.get("/api/v1/signalen", params={"termijnsoort": "start-opdracht"}, headers=auth)
        assert response.status_code == 200, response.text
        [op_lijst] = response.json()["resultaten"]
        assert (op_lijst["opdrachtId"], op_lijst["soort"]) == (str(t.o.id), "verstreken")

        # the start comes: the signal lapses, once
        await t.pas_toe(t.o.start(date(2026, 6, 4)))
        await t.pas(date(2026, 6, 5))
        await t.pas(date(2026, 6, 6))
        [signaal] = await t.signalen("start-opdracht")
        assert signaal["status"] == "vervallen"
        vervallen = await t.events("nl.inburgering.pip.signaal-vervallen")
        assert [e["data"]["signaalId"] for e in vervallen] == [str(signaal["id"])]


class TestAanwezigheid:
    async def test_onder_de_norm_twee_perioden_op_rij_eenmaal_per_reeks(self, t: Opzet) -> None:
        o = t.o

        def maand(m: int) -> tuple[date, date]:
            van = date(2026, m, 1)
            return van, (van + timedelta(days=32)).replace(day=1) - timedelta(days=1)

        await t.pas_toe([*o.start(date(2026, 6, 1)), *o.aanwezigheid(*maand(6), aanwezig=50, ongeoorloofd=50)])
        await t.pas(date(2026, 7, 5))
        assert await t.signalen("aanwezigheid") == []

        await t.pas_toe(o.aanwezigheid(*maand(7), aanwezig=60, ongeoorloofd=40, geoorloofd=10))
        # N is configurable: with three periods two are not enough
        await t.pas(date(2026, 8, 5), t.settings.model_copy(update={"aanwezigheid_onder_norm_perioden": 3}))
        assert await t.signalen("aanwezigheid") == []
        await t.pas(date(2026, 8, 5))
        await t.pas(date(2026, 8, 6))
        [signaal] = await t.signalen("aanwezigheid")
        assert (signaal["soort"], signaal["einddatum"], signaal["opdracht_id"]) == ("gemeld", date(2026, 7, 31), o.id)
        [event] = await t.events("nl.inburgering.pip.aanwezigheid-onder-norm")
        assert (event["subject"], event["gemeentecode"]) == (str(o.pip_id), "0363")
        assert event["dataref"] == f"{t.settings.public_base_url}/api/v1/signalen/{signaal['id']}"
        assert event["data"] == {
            "pipId": str(o.pip_id),
            "inburgeraarId": str(o.inburgeraar_id),
            "opdrachtId": str(o.id),
            "onderdeel": "b1-route",
            "periodeVan": "2026-06-01",
            "periodeTot": "2026-07-31",
            "aanwezigheidspercentage": 55,
            "norm": 80,
            "aantalPerioden": 2,
        }

        # the run grows: still the same signal; a good month ends it; a new run is a new signal
        await t.pas_toe(o.aanwezigheid(*maand(8), aanwezig=10, ongeoorloofd=90))
        await t.pas(date(2026, 9, 5))
        assert len(await t.signalen("aanwezigheid")) == 1
        await t.pas_toe(
            [
                *o.aanwezigheid(*maand(9), aanwezig=100),
                *o.aanwezigheid(*maand(10), aanwezig=70, ongeoorloofd=30),
                *o.aanwezigheid(*maand(11), aanwezig=70, ongeoorloofd=30),
            ]
        )
        await t.pas(date(2026, 12, 5))
        assert [s["einddatum"] for s in await t.signalen("aanwezigheid")] == [
            date(2026, 7, 31),
            date(2026, 11, 30),
        ]
        assert [e["data"]["aantalPerioden"] for e in await t.events("nl.inburgering.pip.aanwezigheid-onder-norm")] == [
            2,
            2,
        ]

    async def test_een_herhaald_event_geeft_geen_tweede_signaal(self, t: Opzet) -> None:
        reeks = [
            *t.o.aanwezigheid(date(2026, 6, 1), date(2026, 6, 30), aanwezig=10, ongeoorloofd=90),
            *t.o.aanwezigheid(date(2026, 7, 1), date(2026, 7, 31), aanwezig=10, ongeoorloofd=90),
        ]
        await t.pas_toe(reeks)
        await t.pas(date(2026, 8, 5))
        await t.pas_toe(reeks)
        await t.pas(date(2026, 8, 6))
        assert len(await t.signalen("aanwezigheid")) == 1
        assert len(await t.events("nl.inburgering.pip.aanwezigheid-onder-norm")) == 1


class TestMeldnorm:
    async def test_geen_melding_langer_dan_de_norm(self, t: Opzet) -> None:
        await t.pas_toe(t.o.start(date(2026, 6, 1)))
        await t.pas(date(2026, 7, 16))
        assert await t.signalen("voortgangsmelding") == []
        await t.pas(date(2026, 7, 17))
        [signaal] = await t.signalen("voortgangsmelding")
        assert (signaal["einddatum"], signaal["status"]) == (date(2026, 7, 16), "open")
        await t.pas_toe(t.o.aanwezigheid(date(2026, 6, 1), date(2026, 6, 30), aanwezig=40, op=date(2026, 7, 20)))
        await t.pas(date(2026, 7, 21))
        [signaal] = await t.signalen("voortgangsmelding")
        assert signaal["status"] == "vervallen"


class TestRouteadvies:
    async def test_advies_wacht_op_een_besluit_tot_het_pip_wijzigt(
        self, t: Opzet, client: httpx.AsyncClient, auth: dict[str, str]
    ) -> None:
        await t.pas_toe([*t.o.start(date(2026, 6, 1)), *t.o.routeadvies("opschalen", date(2026, 9, 1))])
        await t.pas(date(2026, 9, 2))
        await t.pas(date(2026, 9, 3))
        [signaal] = await t.signalen("routeadvies")
        assert (signaal["soort"], signaal["einddatum"], signaal["regel"]) == (
            "gemeld",
            date(2026, 9, 1),
            "routeadvies-opschalen",
        )
        [event] = await t.events("nl.inburgering.pip.routeadvies-gesignaleerd")
        assert event["data"]["advies"] == "opschalen"
        assert event["data"]["signaalId"] == str(signaal["id"])

        body = {**VASTSTELLEN, "reden": "advies aanbieder gevolgd", "wijzigingen": {"taalniveau": "B2"}}
        response = await client.post(f"{API}/{t.o.pip_id}/_wijzigen", json=body, headers=auth)
        assert response.status_code == 200, response.text
        await t.pas(date(2026, 9, 10))
        [signaal] = await t.signalen("routeadvies")
        assert signaal["status"] == "vervallen"


class TestRegistratie:
    async def test_huisvesting_bsn_en_oproep(
        self,
        app: FastAPI,
        settings: Settings,
        database: Database,
        inburgeraar_api: InburgeraarApi,
    ) -> None:
        # a statushouder, gekoppeld on 2026-02-01, not yet housed (no BRP inschrijving), BSN still unknown
        inburgeraar_id = uuid.uuid4()
        registratie = CloudEvent(
            id=str(uuid.uuid4()),
            source=INBURGERAAR_SOURCE,
            type="nl.inburgering.inburgeraar.inburgeraar-geregistreerd",
            # registered on 2026-02-02, so the BSN has been missing for four weeks on 2026-03-02
            time=datetime(2026, 2, 2, 10, tzinfo=UTC),
            subject=str(inburgeraar_id),
            gemeentecode="0363",
            data={
                "inburgeraarId": str(inburgeraar_id),
                "doelgroep": "asielmigrant",
                "nareiziger": False,
                "status": "bsn-ontbreekt",
                "datumKoppeling": "2026-02-01",
                "datumInschrijvingBrp": None,
            },
        )
        async with database.sessionmaker() as session:
            await verwerk_inburgeraar_event(session, registratie)
            await session.commit()
        oproep = {"inburgeraarId": str(inburgeraar_id), "oproepId": str(uuid.uuid4()), "volgnummer": 1}
        await inburgeraar_api.publish(
            "oproep-verstuurd", inburgeraar_id, {**oproep, "afspraakOp": "2026-03-02T09:00:00+01:00"}
        )

        async def oproep_geprojecteerd() -> bool:
            async with database.engine.connect() as conn:
                query = text("SELECT 1 FROM brede_intake_oproep WHERE inburgeraar_id = :i")
                return bool((await conn.execute(query, {"i": inburgeraar_id})).first())

        await eventually(oproep_geprojecteerd, what="oproep")

        async def pas(dag: date) -> None:
            await signaleer(database, app.state.publisher, settings, dag=dag)

        await pas(date(2026, 3, 2))
        assert await signalen(database, "bsn-ontbreekt", inburgeraar_id) == []
        assert await signalen(database, "brede-intake-oproep", inburgeraar_id) == []
        # one week after the appointment without an outcome; four weeks without BSN
        await pas(date(2026, 3, 10))
        assert [s["einddatum"] for s in await signalen(database, "brede-intake-oproep", inburgeraar_id)] == [
            date(2026, 3, 9)
        ]
        assert [s["einddatum"] for s in await signalen(database, "bsn-ontbreekt", inburgeraar_id)] == [date(2026, 3, 2)]
        # 12 weeks after koppeling: 2026-04-26; nadert 30 days before, verstreken the day after
        assert await signalen(database, "huisvesting", inburgeraar_id) == []
        await pas(date(2026, 3, 27))
        await pas(date(2026, 4, 26))
        await pas(date(2026, 4, 27))
        await pas(date(2026, 4, 28))
        huisvesting = await signalen(database, "huisvesting", inburgeraar_id)
        assert [(s["soort"], s["einddatum"], s["pip_id"]) for s in huisvesting] == [
            ("nadert", date(2026, 4, 26), None),
            ("verstreken", date(2026, 4, 26), None),
        ]
        assert len(await signalen(database, "brede-intake-oproep", inburgeraar_id)) == 1
        assert len(await signalen(database, "bsn-ontbreekt", inburgeraar_id)) == 1
        termijnen = [
            e
            for e in await events(database, "nl.inburgering.pip.termijn-verstreken")
            if e["data"]["inburgeraarId"] == str(inburgeraar_id)
        ]
        assert sorted(e["data"]["termijnsoort"] for e in termijnen) == [
            "brede-intake-oproep",
            "bsn-ontbreekt",
            "huisvesting",
        ]
        assert {e["subject"] for e in termijnen} == {str(inburgeraar_id)}

        # the outcome of the oproep, the BSN and the housing (BRP inschrijving) come: the signals lapse
        await inburgeraar_api.publish("oproep-niet-verschenen", inburgeraar_id, {**oproep, "aantalNietVerschenen": 1})
        await inburgeraar_api.publish("bsn-vastgelegd", inburgeraar_id, {"inburgeraarId": str(inburgeraar_id)})
        await inburgeraar_api.publish(
            "inburgeraar-gewijzigd",
            inburgeraar_id,
            {
                "inburgeraarId": str(inburgeraar_id),
                "gewijzigdeVelden": ["datumInschrijvingBrp"],
                "doelgroep": "asielmigrant",
                "datumKoppeling": "2026-02-01",
                "datumInschrijvingBrp": "2026-05-01",
            },
        )
        await inburgeraar_api.wacht_op(
            inburgeraar_id, lambda f: f["brp_inschrijving_datum"] is not None and f["bsn_ontbreekt_sinds"] is None
        )

        async def uitkomst() -> bool:
            async with database.engine.connect() as conn:
                query = text("SELECT 1 FROM brede_intake_oproep WHERE inburgeraar_id = :i AND uitkomst IS NOT NULL")
                return bool((await conn.execute(query, {"i": inburgeraar_id})).first())

        await eventually(uitkomst, what="uitkomst van de oproep")
        await pas(date(2026, 5, 2))
        for soort in ("huisvesting", "brede-intake-oproep", "bsn-ontbreekt"):
            assert {s["status"] for s in await signalen(database, soort, inburgeraar_id)} <= {"vervallen"}, soort
