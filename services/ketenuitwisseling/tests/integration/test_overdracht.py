"""The dossier transfer on a move, on real PostgreSQL and NATS with the four contexts faked over httpx: the event
that starts it, the worker's steps with their record and processing log, the bundle gone once delivered, the routes
another deployment's exchange calls and the klantregisseur's reading."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from inburgering_kit.audit import Verwerkingslog
from inburgering_kit.db import Database
from inburgering_kit.overdracht import OVERDRAGEN, OVERNEMEN
from inburgering_kit.testing.events import StandIn
from inburgering_kit.testing.plugin import TokenFactory
from inburgering_kit.testing.waiting import eventually
from ketenuitwisseling.domain import overdracht as domein
from ketenuitwisseling.repository import OverdrachtRepository
from ketenuitwisseling.services.ophalen import Instellingen, Ophaler
from ketenuitwisseling.services.overdracht import DbOpslag, OverdrachtInstellingen, Overdrager
from ketenuitwisseling.services.partners import Doel, Verbindingen
from ketenuitwisseling.settings import Settings

from .conftest import Keten

OIN = "00000001002564440000"
BSN = "999990019"
OUD, NIEUW = "0363", "0599"


class InburgeraarApi(StandIn):
    source = f"urn:nld:oin:{OIN}:systeem:inburgeraar-api"
    context = "inburgeraar"


def _json(status: int, body: Any) -> httpx.Response:
    return httpx.Response(status, json=body)


@dataclass
class Context:
    """One context of the deployment (both gemeenten): its export per person, the parts it took in per transfer;
    inburgeraar-api also finds by BSN, registers, and keeps the moves."""

    naam: str
    delen: dict[str, dict[str, Any]] = field(default_factory=dict)
    geimporteerd: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    personen: dict[str, dict[str, Any]] = field(default_factory=dict)
    verhuizingen: list[dict[str, Any]] = field(default_factory=list)
    overgedragen: list[str] = field(default_factory=list)

    async def handle(self, request: httpx.Request) -> httpx.Response:
        gemeente = request.headers["Authorization"].rsplit("-", 1)[1]
        assert request.headers["Authorization"].startswith(f"Bearer {Doel.OVERDRACHT}-")
        path = request.url.path.split("/api/v1", 1)[-1]
        body: dict[str, Any] = json.loads(request.content) if request.content else {}
        parts = path.strip("/").split("/")
        if request.method == "GET" and parts[0] == "overdrachtsdossiers":
            return _json(200, self.delen.get(parts[1], {"leeg": []}))
        if request.method == "PUT" and parts[0] == "overdrachten":
            sleutel = (gemeente, parts[1])
            if sleutel in self.geimporteerd:
                return _json(200 if self.geimporteerd[sleutel] == body else 409, self._antwoord(gemeente, body))
            self.geimporteerd[sleutel] = body
            return _json(201, self._antwoord(gemeente, body))
        if path == "/inburgeraars/_zoek":
            gevonden = [p for p in self.personen.values() if p["bsn"] == body["bsn"] and p["gemeente"] == gemeente]
            return _json(200, {"resultaten": gevonden})
        if path == "/inburgeraars" and request.method == "POST":
            persoon = {"id": str(uuid.uuid4()), "gemeente": gemeente} | {
                k: body[k] for k in ("bsn", "doelgroep", "herkomst", "datumInschrijvingBrp")
            }
            self.personen[persoon["id"]] = persoon
            return _json(201, persoon)
        if len(parts) == 3 and parts[2] == "verhuizingen" and self.personen.get(parts[1], {}).get("verhuisd"):
            return _json(409, {"status": 409, "code": "inburgeraar-verhuisd", "title": "verhuisd"})
        if len(parts) == 3 and parts[2] == "verhuizingen":
            verhuizing = {"id": str(uuid.uuid4()), "inburgeraarId": parts[1], "gemeente": gemeente, **body}
            if any(
                v["inburgeraarId"] == parts[1] and v["naarGemeente"] == body["naarGemeente"] for v in self.verhuizingen
            ):
                return _json(200, verhuizing)
            self.verhuizingen.append(verhuizing)
            return _json(201, verhuizing)
        if len(parts) == 5 and parts[4] == "overgedragen":
            self.overgedragen.append(f"{gemeente}:{parts[3]}")
            return _json(200, {"status": "overgedragen"})
        return _json(404, {"status": 404})

    def _antwoord(self, gemeente: str, body: dict[str, Any]) -> dict[str, Any]:
        if self.naam != "inburgeraar":
            return {"status": "geimporteerd"}
        bsn = body["dossier"]["bsn"]
        bestaand = [p for p in self.personen.values() if p["bsn"] == bsn and p["gemeente"] == gemeente]
        if not bestaand:
            bestaand = [{"id": str(uuid.uuid4()), "bsn": bsn, "gemeente": gemeente}]
            self.personen[bestaand[0]["id"]] = bestaand[0]
        return {"inburgeraarId": bestaand[0]["id"]}


class Tokens:
    async def token(self, doel: Doel, gemeente: str) -> str:
        return f"{doel}-{gemeente}"


@dataclass
class Deployment:
    contexten: dict[str, Context]
    v: Verbindingen
    overdrager: Overdrager
    peer: list[httpx.Request]

    async def leeg(self) -> None:
        for _ in range(20):
            if not await self.overdrager.ronde():
                return
        raise AssertionError("de overdrachten liepen niet leeg")


@pytest.fixture
async def deployment(database: Database, settings: Settings) -> AsyncIterator[Deployment]:
    contexten = {n: Context(n) for n in ("inburgeraar", "pip", "aanbieder", "handhaving")}
    peer: list[httpx.Request] = []

    async def peer_handle(request: httpx.Request) -> httpx.Response:
        peer.append(request)
        return _json(202 if request.url.path.endswith("/overdrachtsverzoeken") else 201, {"status": "bezig"})

    def client(handler: Any, base: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url=base)

    v = Verbindingen(
        duo=client(contexten["inburgeraar"].handle, "http://duo/api/v1/"),
        coa=client(contexten["inburgeraar"].handle, "http://coa/api/v1/"),
        inburgeraar=client(contexten["inburgeraar"].handle, "http://inburgeraar/api/v1/"),
        handhaving=client(contexten["handhaving"].handle, "http://handhaving/api/v1/"),
        pip=client(contexten["pip"].handle, "http://pip/api/v1/"),
        aanbieder=client(contexten["aanbieder"].handle, "http://aanbieder/api/v1/"),
        peers={"0999": client(peer_handle, "https://elders/api/v1/")},
        tokens=Tokens(),
    )
    log = Verwerkingslog(settings.pseudonym_key.get_secret_value().encode())
    overdrager = Overdrager(DbOpslag(database, log), v, (OUD, NIEUW), OverdrachtInstellingen(max_wachttijd=0.01))
    yield Deployment(contexten, v, overdrager, peer)
    await v.aclose()


@pytest.fixture
def beide(app: FastAPI, settings: Settings) -> Iterator[None]:
    """This deployment serves both gemeenten."""
    app.state.settings = settings.model_copy(update={"gemeenten": (OUD, NIEUW)})
    try:
        yield
    finally:
        app.state.settings = settings


async def _rijen(database: Database) -> list[dict[str, Any]]:
    async with database.engine.connect() as conn:
        rows = (await conn.execute(text("SELECT * FROM overdracht ORDER BY richting"))).mappings().all()
    return [dict(r) for r in rows]


async def _verwerkingen(database: Database, object_id: uuid.UUID) -> set[tuple[str, str, str, str]]:
    async with database.engine.connect() as conn:
        rows = (
            await conn.execute(
                text("SELECT gemeente_code, activiteit, actie, object_type FROM verwerking WHERE object_id = :i"),
                {"i": str(object_id)},
            )
        ).all()
    return {(r.gemeente_code, r.activiteit, r.actie, r.object_type) for r in rows}


def _delen(inburgeraar_id: str) -> dict[str, dict[str, Any]]:
    return {
        "inburgeraar": {"bsn": BSN, "bredeIntake": {"status": "afgerond"}},
        "pip": {"pipVersies": [{"versie": 1, "status": "vastgesteld"}]},
        "aanbieder": {"opdrachten": [{"voortgang": 40}]},
        "handhaving": {"boetes": [{"bedrag": 250}]},
    }


class TestUitgaandBinnenDeDeployment:
    async def test_van_verhuizing_aangemeld_tot_ingevoerd_bij_de_nieuwe_gemeente(
        self, settings: Settings, database: Database, deployment: Deployment, client: httpx.AsyncClient,
        tokens: TokenFactory, beide: None,
    ) -> None:  # fmt: skip
        inburgeraar_id, verhuizing_id = str(uuid.uuid4()), uuid.uuid4()
        for naam, deel in _delen(inburgeraar_id).items():
            deployment.contexten[naam].delen[inburgeraar_id] = deel
        data = {"inburgeraarId": inburgeraar_id, "verhuizingId": str(verhuizing_id), "naarGemeente": NIEUW,
                "verhuisdatum": "2026-12-01"}  # fmt: skip
        inburgeraar_api = InburgeraarApi(settings, database)
        # Twice (a redelivery, or a second event for the same move): one transfer.
        ids = [
            await inburgeraar_api.publish("verhuizing-aangemeld", uuid.UUID(inburgeraar_id), data, gemeente=OUD)
            for _ in range(2)
        ]

        async def beide_verwerkt() -> bool:
            async with database.engine.connect() as conn:
                gezien = (
                    await conn.execute(
                        text("SELECT count(*) FROM inbox WHERE consumer = 'ketenuitwisseling-verhuizing' "
                             "AND event_id = ANY(:ids)"),
                        {"ids": ids},
                    )
                ).scalar_one()  # fmt: skip
            return bool(gezien == 2)

        await eventually(beide_verwerkt, what="beide events verwerkt")
        assert len(await _rijen(database)) == 1
        await deployment.leeg()

        uitgaand, inkomend = sorted(await _rijen(database), key=lambda r: r["richting"], reverse=True)
        assert (uitgaand["richting"], uitgaand["gemeente_code"], uitgaand["status"]) == ("uitgaand", OUD, "afgerond")
        assert (inkomend["richting"], inkomend["gemeente_code"], inkomend["status"]) == ("inkomend", NIEUW, "afgerond")
        assert list(uitgaand["stappen"]) == ["opgehaald", "afgeleverd", "overgedragen"]
        assert set(inkomend["stappen"]) == {"inburgeraar", "pip", "aanbieder", "handhaving"}
        # The bundle (with the BSN) is gone from the exchange; the record stays.
        assert uitgaand["inhoud"] is None and inkomend["inhoud"] is None
        assert uitgaand["inhoud_verwijderd_at"] and inkomend["inhoud_verwijderd_at"]
        # N's contexts took each part in once, for N's person; O heard it was handed over.
        nieuw_id = inkomend["inburgeraar_id"]
        assert nieuw_id is not None and str(nieuw_id) != inburgeraar_id
        for naam, c in deployment.contexten.items():
            [(sleutel, body)] = c.geimporteerd.items()
            assert sleutel == (NIEUW, str(verhuizing_id))
            assert body["dossier"] == _delen(inburgeraar_id)[naam]
            assert body["vanGemeente"] == OUD and body["verhuisdatum"] == "2026-12-01"
            if naam != "inburgeraar":
                assert body["inburgeraarId"] == str(nieuw_id)
        assert deployment.contexten["inburgeraar"].overgedragen == [f"{OUD}:{verhuizing_id}"]
        # Both processing logs record it, with the legal ground's activity.
        verwerkingen = await _verwerkingen(database, verhuizing_id)
        assert (OUD, OVERDRAGEN.naam, "lezen", "overdracht-opgehaald") in verwerkingen
        assert (OUD, OVERDRAGEN.naam, "aanmaken", "overdracht-afgeleverd") in verwerkingen
        assert (NIEUW, OVERNEMEN.naam, "aanmaken", "overdracht-ontvangen") in verwerkingen
        assert {(NIEUW, OVERNEMEN.naam, "aanmaken", f"overdracht-{d}") for d in domein.Deel} <= verwerkingen

        # The klantregisseur of each gemeente reads its own direction: state and steps, never the dossier.
        response = await client.get(
            "/api/v1/overdrachten", params={"inburgeraarId": inburgeraar_id},
            headers=tokens.headers("keten:lezen", gemeente=OUD),
        )  # fmt: skip
        assert response.status_code == 200, response.text
        [gelezen] = response.json()["resultaten"]
        assert gelezen["richting"] == "uitgaand" and gelezen["status"] == "afgerond"
        assert [s["stap"] for s in gelezen["stappen"]] == ["opgehaald", "afgeleverd", "overgedragen"]
        assert all(s["gedaanOp"] for s in gelezen["stappen"]) and gelezen["inhoudVerwijderd"]
        response = await client.get(
            f"/api/v1/overdrachten/{verhuizing_id}", headers=tokens.headers("keten:lezen", gemeente=NIEUW)
        )
        assert response.status_code == 200, response.text
        assert response.json()["richting"] == "inkomend" and response.json()["inburgeraarId"] == str(nieuw_id)
        assert BSN not in response.text and "bredeIntake" not in response.text
        elders = await client.get(
            f"/api/v1/overdrachten/{verhuizing_id}", headers=tokens.headers("keten:lezen", gemeente="0014")
        )
        assert elders.status_code == 404

    async def test_nieuwe_gemeente_elders_krijgt_de_bundel_over_de_uitwisseling(
        self, database: Database, deployment: Deployment
    ) -> None:
        inburgeraar_id, verhuizing_id = str(uuid.uuid4()), uuid.uuid4()
        for naam, deel in _delen(inburgeraar_id).items():
            deployment.contexten[naam].delen[inburgeraar_id] = deel
        async with database.unit_of_work() as uow:
            await OverdrachtRepository(uow.session).voeg_toe(
                id=verhuizing_id, richting="uitgaand", gemeente_code=OUD, van_gemeente=OUD, naar_gemeente="0999",
                inburgeraar_id=uuid.UUID(inburgeraar_id),
            )  # fmt: skip
            await uow.commit()
        await deployment.leeg()
        [put] = deployment.peer
        assert put.method == "PUT" and put.url.path == f"/api/v1/overdrachten/{verhuizing_id}"
        bundel = json.loads(put.content)
        domein.controleer(bundel)
        assert bundel["inburgeraar"]["bsn"] == BSN and bundel["naarGemeente"] == "0999"
        assert put.headers["Authorization"] == f"Bearer {Doel.PEER}-{OUD}"
        [rij] = await _rijen(database)
        assert rij["status"] == "afgerond" and rij["inhoud"] is None


def _bundel(overdracht_id: uuid.UUID, van: str = "0999", naar: str = OUD) -> dict[str, Any]:
    return domein.bundel(overdracht_id, van, naar, "2026-12-01", uuid.uuid4(), {
        domein.Deel(n): d for n, d in _delen("x").items()
    })  # fmt: skip


class TestAfleveren:
    async def test_201_dan_200_dan_409_en_ingevoerd(
        self, client: httpx.AsyncClient, tokens: TokenFactory, database: Database, deployment: Deployment
    ) -> None:
        overdracht_id = uuid.uuid4()
        headers = tokens.headers("overdracht:afleveren", gemeente="0999", client_id="ketenuitwisseling")
        bundel = _bundel(overdracht_id)
        eerste = await client.put(f"/api/v1/overdrachten/{overdracht_id}", json=bundel, headers=headers)
        assert eerste.status_code == 201, eerste.text
        tweede = await client.put(f"/api/v1/overdrachten/{overdracht_id}", json=bundel, headers=headers)
        assert tweede.status_code == 200 and tweede.json() == eerste.json()
        ander = await client.put(
            f"/api/v1/overdrachten/{overdracht_id}", json=bundel | {"verhuisdatum": "2026-12-02"}, headers=headers
        )
        assert ander.status_code == 409 and ander.headers["content-type"] == "application/problem+json"
        await deployment.leeg()
        [rij] = await _rijen(database)
        assert (rij["richting"], rij["gemeente_code"], rij["status"], rij["inhoud"]) == (
            "inkomend",
            OUD,
            "afgerond",
            None,
        )
        assert len(deployment.contexten["handhaving"].geimporteerd) == 1

    async def test_ongeldig_noemt_elk_veld(
        self, client: httpx.AsyncClient, tokens: TokenFactory, database: Database
    ) -> None:
        overdracht_id = uuid.uuid4()
        headers = tokens.headers("overdracht:afleveren", gemeente="0999", client_id="ketenuitwisseling")
        bundel = _bundel(overdracht_id)
        bundel["inburgeraar"] = {"naam": "zonder bsn"}
        del bundel["pip"]
        response = await client.put(f"/api/v1/overdrachten/{overdracht_id}", json=bundel, headers=headers)
        assert response.status_code == 400, response.text
        assert {p["name"] for p in response.json()["invalidParams"]} == {"inburgeraar.bsn", "pip"}
        # Not for this deployment, not from the caller's gemeente, another id than the path's.
        response = await client.put(
            f"/api/v1/overdrachten/{uuid.uuid4()}", json=_bundel(overdracht_id, van="0014", naar="0014"),
            headers=headers,
        )  # fmt: skip
        assert response.status_code == 422, response.text
        assert {p["name"] for p in response.json()["invalidParams"]} == {"overdrachtId", "vanGemeente", "naarGemeente"}
        assert await _rijen(database) == []
        # Without the scope: a klantregisseur cannot deliver a dossier.
        response = await client.put(
            f"/api/v1/overdrachten/{overdracht_id}", json=_bundel(overdracht_id),
            headers=tokens.headers("keten:lezen", "keten:schrijven", gemeente="0999"),
        )  # fmt: skip
        assert response.status_code == 403


class TestVerzoek:
    async def test_herhaald_een_verzoek_en_de_verhuizing_bij_de_vorige_gemeente(
        self, client: httpx.AsyncClient, tokens: TokenFactory, database: Database, deployment: Deployment
    ) -> None:
        oud = deployment.contexten["inburgeraar"]
        oud.personen["p1"] = {"id": str(uuid.uuid4()), "bsn": BSN, "gemeente": OUD}
        headers = tokens.headers("overdracht:verzoeken", gemeente="0999", client_id="ketenuitwisseling")
        body = {"bsn": BSN, "vanGemeente": OUD, "naarGemeente": "0999", "verhuisdatum": "2026-12-01"}
        antwoorden = [await client.post("/api/v1/overdrachtsverzoeken", json=body, headers=headers) for _ in range(2)]
        assert [a.status_code for a in antwoorden] == [202, 202], antwoorden[0].text
        assert antwoorden[0].json() == antwoorden[1].json()
        await deployment.leeg()
        [verhuizing] = oud.verhuizingen
        assert (verhuizing["gemeente"], verhuizing["naarGemeente"], verhuizing["bron"]) == (OUD, "0999", "duo")
        [rij] = await _rijen(database)
        assert (rij["richting"], rij["status"], rij["inhoud"]) == ("verzoek", "afgerond", None)
        assert str(rij["inburgeraar_id"]) == oud.personen["p1"]["id"]
        anders = await client.post(
            "/api/v1/overdrachtsverzoeken", json=body | {"naarGemeente": "0014"}, headers=headers
        )
        assert anders.status_code == 422


class TestDuoMeldtVerhuizing:
    async def test_bij_de_nieuwe_gemeente_ingeschreven_en_de_verhuizing_bij_de_oude(
        self, client: httpx.AsyncClient, tokens: TokenFactory, database: Database, keten: Keten,
        deployment: Deployment, settings: Settings,
    ) -> None:  # fmt: skip
        oud = deployment.contexten["inburgeraar"]
        oud_id = str(uuid.uuid4())
        oud.personen[oud_id] = {"id": oud_id, "bsn": BSN, "gemeente": OUD, "doelgroep": "gezinsmigrant"}
        log = Verwerkingslog(settings.pseudonym_key.get_secret_value().encode())
        ophaler = Ophaler(database, _met_duo(deployment.v, keten), log, Instellingen(gemeenten=(OUD, NIEUW)))
        gegevens = {"vorigeGemeentecode": OUD, "nieuweGemeentecode": NIEUW, "verhuisdatum": "2026-12-01"}
        feiten = [keten.duo.feit("verhuisd", {"bsn": BSN}, gegevens, gemeente=g) for g in (NIEUW, OUD)]
        for feit in feiten:
            response = await client.post(
                "/api/v1/notificaties/duo", json=_notificatie(feit),
                headers=tokens.headers("duo", client_id="duo", gemeente=feit["gemeentecode"]),
            )  # fmt: skip
            assert response.status_code == 202, response.text
        while await ophaler.ronde():
            pass
        [nieuw] = [p for p in oud.personen.values() if p["gemeente"] == NIEUW]
        assert nieuw["herkomst"] == {"soort": "verhuizing", "vanGemeente": OUD}
        assert (nieuw["doelgroep"], nieuw["datumInschrijvingBrp"]) == ("gezinsmigrant", "2026-12-01")
        # Both notices, one move at O.
        [verhuizing] = oud.verhuizingen
        assert (verhuizing["gemeente"], verhuizing["inburgeraarId"], verhuizing["naarGemeente"]) == (OUD, oud_id, NIEUW)
        async with database.engine.connect() as conn:
            rows = (await conn.execute(text("SELECT gemeente_code, status, uitkomst FROM melding"))).all()
        assert {r.gemeente_code: r.status for r in rows} == {OUD: "verwerkt", NIEUW: "verwerkt"}

        # Handed over; DUO repeats its notice: nothing new at either gemeente, nothing on the work list.
        oud.personen[oud_id]["verhuisd"] = True
        for g in (NIEUW, OUD):
            feit = keten.duo.feit("verhuisd", {"bsn": BSN}, gegevens, gemeente=g)
            response = await client.post(
                "/api/v1/notificaties/duo", json=_notificatie(feit),
                headers=tokens.headers("duo", client_id="duo", gemeente=g),
            )  # fmt: skip
            assert response.status_code == 202
        while await ophaler.ronde():
            pass
        assert len(oud.verhuizingen) == 1
        assert len([p for p in oud.personen.values() if p["gemeente"] == NIEUW]) == 1
        async with database.engine.connect() as conn:
            statussen = (await conn.execute(text("SELECT status FROM melding"))).scalars().all()
        assert statussen == ["verwerkt"] * 4

    async def test_vorige_gemeente_elders_gevraagd_of_op_de_werklijst(
        self, client: httpx.AsyncClient, tokens: TokenFactory, database: Database, keten: Keten,
        deployment: Deployment, settings: Settings,
    ) -> None:  # fmt: skip
        log = Verwerkingslog(settings.pseudonym_key.get_secret_value().encode())
        ophaler = Ophaler(database, _met_duo(deployment.v, keten), log, Instellingen(gemeenten=(NIEUW,)))
        for vorige in ("0999", "0014"):
            gegevens = {"vorigeGemeentecode": vorige, "nieuweGemeentecode": NIEUW, "verhuisdatum": "2026-12-01"}
            feit = keten.duo.feit("verhuisd", {"bsn": BSN}, gegevens, gemeente=NIEUW)
            response = await client.post(
                "/api/v1/notificaties/duo", json=_notificatie(feit),
                headers=tokens.headers("duo", client_id="duo", gemeente=NIEUW),
            )  # fmt: skip
            assert response.status_code == 202
        while await ophaler.ronde():
            pass
        [verzoek] = deployment.peer
        assert verzoek.url.path == "/api/v1/overdrachtsverzoeken"
        assert json.loads(verzoek.content) == {
            "bsn": BSN, "vanGemeente": "0999", "naarGemeente": NIEUW, "verhuisdatum": "2026-12-01"
        }  # fmt: skip
        async with database.engine.connect() as conn:
            rows = (await conn.execute(text("SELECT status, uitkomst FROM melding ORDER BY volgnummer"))).all()
        assert [r.status for r in rows] == ["verwerkt", "werklijst"]
        assert "gemeente 0014" in rows[1].uitkomst and "gemeente_peers" in rows[1].uitkomst


def _met_duo(v: Verbindingen, keten: Keten) -> Verbindingen:
    return Verbindingen(
        duo=keten.verbindingen.duo, coa=v.coa, inburgeraar=v.inburgeraar, handhaving=v.handhaving, tokens=v.tokens,
        pip=v.pip, aanbieder=v.aanbieder, peers=v.peers,
    )  # fmt: skip


def _notificatie(feit: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": feit["id"], "soort": feit["soort"], "bron": feit["bron"], "gemeentecode": feit["gemeentecode"],
        "volgnummer": feit["volgnummer"], "tijdstip": "2026-12-03T12:00:00+01:00",
    }  # fmt: skip
