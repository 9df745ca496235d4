"""Fakes of the counterparts (DUO, COA, inburgeraar-api, handhaving-api) on httpx's mock transport, so the worker's
whole path runs in the test process: they keep what they were sent and behave as their contracts say (DUO
de-duplicates on the report id; inburgeraar-api replays an Idempotency-Key; a plicht fact needs the plicht first)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from inburgering_kit.audit import Verwerkingslog
from inburgering_kit.db import Database
from inburgering_kit.testing.service import isolation
from ketenuitwisseling.services.bezorging import Bezorger
from ketenuitwisseling.services.ophalen import Instellingen, Ophaler
from ketenuitwisseling.services.partners import Doel, Verbindingen
from ketenuitwisseling.settings import Settings

_isolated = isolation()


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


@dataclass
class Partner:
    """DUO or COA: facts by id for their gemeente; DUO also receives reports."""

    bron: str
    feiten: dict[str, dict[str, Any]] = field(default_factory=dict)
    rapportages: dict[str, dict[str, Any]] = field(default_factory=dict)
    ontvangen_puts: int = 0
    plat: bool = False
    afwijzen_items: set[str] = field(default_factory=set)
    volgnummer: int = 0

    def feit(
        self, soort: str, persoon: dict[str, Any], gegevens: dict[str, Any], gemeente: str = "0363"
    ) -> dict[str, Any]:
        self.volgnummer += 1
        feit: dict[str, Any] = {
            "id": str(uuid.uuid4()), "soort": soort, "bron": self.bron, "gemeentecode": gemeente,
            "volgnummer": self.volgnummer, "persoon": persoon, "registratiedatum": date.today().isoformat(),
            "gegevens": gegevens,
        }  # fmt: skip
        self.feiten[str(feit["id"])] = feit
        return feit

    async def handle(self, request: httpx.Request) -> httpx.Response:
        if self.plat:
            return _json(503, {"status": 503, "title": "plat"}, {"Retry-After": "0"})
        path = request.url.path
        if request.method == "GET" and path.endswith("/feiten"):
            vanaf = int(request.url.params["vanafVolgnummer"])
            grootte = int(request.url.params.get("pageSize", "100"))
            gemeente = request.url.params["gemeentecode"]
            alle = sorted(
                (f for f in self.feiten.values() if f["volgnummer"] >= vanaf and f["gemeentecode"] == gemeente),
                key=lambda f: f["volgnummer"],
            )
            pagina = alle[:grootte]
            meldingen = [
                {k: f[k] for k in ("id", "soort", "bron", "gemeentecode", "volgnummer")}
                | {"tijdstip": "2026-12-03T12:00:00Z"}
                for f in pagina
            ]
            volgende = alle[grootte]["volgnummer"] if len(alle) > grootte else None
            return _json(200, {"meldingen": meldingen, "volgendeVolgnummer": volgende})
        if request.method == "GET" and "/feiten/" in path:
            feit = self.feiten.get(path.rsplit("/", 1)[1])
            return _json(200, feit) if feit else _json(404, {"status": 404, "title": "niet gevonden"})
        if request.method == "PUT" and "/rapportages/" in path:
            self.ontvangen_puts += 1
            rapport_id = path.rsplit("/", 1)[1]
            body = json.loads(request.content)
            if body["item"] in self.afwijzen_items:
                return _json(
                    422,
                    {"status": 422, "title": "Ongeldige rapportage",
                     "invalidParams": [{"name": "gegevens.datum", "reason": "ontbreekt", "code": "verplicht"}]},
                )  # fmt: skip
            bestaand = self.rapportages.get(rapport_id)
            if bestaand is not None:
                if bestaand["body"] != body:
                    return _json(409, {"status": 409, "title": "ander rapport met dit id"})
                return _json(200, bestaand["antwoord"])
            antwoord = {"rapportId": rapport_id, "status": "ontvangen", "ontvangenOp": datetime.now(UTC).isoformat()}
            self.rapportages[rapport_id] = {"body": body, "antwoord": antwoord}
            return _json(201, antwoord)
        return _json(404, {"status": 404})


@dataclass
class Inburgeraars:
    """inburgeraar-api as far as the exchange uses it."""

    personen: dict[str, dict[str, Any]] = field(default_factory=dict)
    mutaties: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    profielen: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    verhuizingen: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    sleutels: dict[str, httpx.Response] = field(default_factory=dict)
    identificatievragen: list[list[str]] = field(default_factory=list)
    plat: bool = False

    def registreer(self, bsn: str | None, **extra: Any) -> str:
        inburgeraar_id = str(uuid.uuid4())
        self.personen[inburgeraar_id] = {"id": inburgeraar_id, "bsn": bsn, **extra}
        return inburgeraar_id

    async def handle(self, request: httpx.Request) -> httpx.Response:
        if self.plat:
            return _json(503, {"status": 503})
        path = request.url.path.split("/api/v1", 1)[-1]
        body: dict[str, Any] = json.loads(request.content) if request.content else {}
        key = request.headers.get("Idempotency-Key")
        if key and key in self.sleutels:
            return self.sleutels[key]
        parts = path.strip("/").split("/")
        if path == "/inburgeraars/_zoek":
            items = [p for p in self.personen.values() if p["bsn"] == body["bsn"]]
            return _json(200, {"resultaten": items[:1], "totalItems": len(items)})
        if path == "/inburgeraars/duo-identificaties/_zoek":
            self.identificatievragen.append(list(body["ids"]))
            gevonden = [{"bsn": None, **self.personen[i]} for i in body["ids"] if i in self.personen]
            return _json(200, {"items": gevonden})
        if path == "/inburgeraars" and request.method == "POST":
            if body.get("bsn") and any(p["bsn"] == body["bsn"] for p in self.personen.values()):
                return _json(409, {"status": 409, "title": "bsn-al-geregistreerd"})
            inburgeraar_id = self.registreer(body.get("bsn"), doelgroep=body.get("doelgroep"))
            antwoord = _json(201, self.personen[inburgeraar_id])
        elif len(parts) == 3 and parts[2] == "bsn":
            persoon = self.personen[parts[1]]
            if persoon["bsn"]:
                return _json(409, {"status": 409, "code": "bsn-al-bekend", "title": "bsn-al-bekend"})
            persoon["bsn"] = body["bsn"]
            return _json(200, persoon)
        elif len(parts) == 3 and parts[2] == "plicht-mutaties":
            lijst = self.mutaties.setdefault(parts[1], [])
            if body["soort"] != "plicht-vastgesteld" and not any(m["soort"] == "plicht-vastgesteld" for m in lijst):
                return _json(422, {"status": 422, "title": "plicht-niet-vastgesteld"})
            lijst.append(body)
            antwoord = _json(201, {"mutaties": lijst})
        elif len(parts) == 3 and parts[2] == "verhuizingen":
            # An open move to the same gemeente is the same move (200), as inburgeraar-api's contract says.
            lijst = self.verhuizingen.setdefault(parts[1], [])
            if open_ := [v for v in lijst if v["naarGemeente"] == body["naarGemeente"]]:
                return _json(200, open_[0])
            lijst.append({"id": str(uuid.uuid4()), "inburgeraarId": parts[1], **body, "status": "aangemeld"})
            return _json(201, lijst[-1])
        elif len(parts) == 3 and parts[2] == "klantprofielen":
            versies = self.profielen.setdefault(parts[1], [])
            versies.append(body["profiel"])
            return _json(201, {"versie": len(versies)})
        else:
            return _json(404, {"status": 404})
        if key:
            self.sleutels[key] = antwoord
        return antwoord


@dataclass
class Handhaving:
    boetes: dict[str, dict[str, Any]] = field(default_factory=dict)

    async def handle(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        if body["kenmerk"] in self.boetes:
            return _json(200, self.boetes[body["kenmerk"]])
        self.boetes[body["kenmerk"]] = body
        return _json(201, body)


class Tokens:
    def __init__(self) -> None:
        self.gevraagd: set[tuple[Doel, str]] = set()

    async def token(self, doel: Doel, gemeente: str) -> str:
        self.gevraagd.add((doel, gemeente))
        return f"{doel}-{gemeente}"


@dataclass
class Keten:
    duo: Partner
    coa: Partner
    inburgeraars: Inburgeraars
    handhaving: Handhaving
    verbindingen: Verbindingen
    ophaler: Ophaler
    bezorger: Bezorger

    database: Database

    async def leeg(self, within: float = 20.0) -> None:
        """Passes until nothing of this test waits any more (what the worker does in its loop). The session's consumers
        also turn other suites' events on the shared test stream into reports about persons this test's inburgeraar-api
        does not know; those are retried without end (the exchange never drops a report), so they are not waited for,
        and every pass is bounded by the deadline."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while loop.time() < deadline:
            await self.ophaler.ronde()
            await self.bezorger.ronde()
            async with self.database.engine.connect() as conn:
                wachtend = (
                    await conn.execute(
                        text(
                            "SELECT (SELECT count(*) FROM melding WHERE status IN ('nieuw', 'opnieuw'))"
                            " + (SELECT count(*) FROM rapportage WHERE status = 'wachtrij'"
                            " AND inburgeraar_id::text = ANY(:bekend))"
                        ),
                        {"bekend": list(self.inburgeraars.personen)},
                    )
                ).scalar_one()
            if not wachtend:
                return
            await asyncio.sleep(0.01)
        raise AssertionError("the exchange did not run dry")


def _client(handler: Any, base: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url=base)


@pytest.fixture
async def keten(database: Database, settings: Settings) -> AsyncIterator[Keten]:
    duo, coa, inb, hh = Partner("duo"), Partner("coa"), Inburgeraars(), Handhaving()
    v = Verbindingen(
        duo=_client(duo.handle, "http://duo/api/v1/"),
        coa=_client(coa.handle, "http://coa/api/v1/"),
        inburgeraar=_client(inb.handle, "http://inburgeraar/api/v1/"),
        handhaving=_client(hh.handle, "http://handhaving/api/v1/"),
        tokens=Tokens(),
    )
    log = Verwerkingslog(settings.pseudonym_key.get_secret_value().encode())
    # No back-off worth waiting for in a test: a retry is due at once.
    instellingen = Instellingen(max_wachttijd=0.01, max_pogingen=4)
    yield Keten(
        duo,
        coa,
        inb,
        hh,
        v,
        Ophaler(database, v, log, instellingen),
        Bezorger(database, v, log, instellingen),
        database,
    )
    await v.aclose()
