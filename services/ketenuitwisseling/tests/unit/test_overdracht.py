"""The transfer's state machine with fakes: the four contexts on httpx's mock transport (idempotent on the transfer's
id as their contract says) and the store in memory, which can die between a context's answer and the step's record."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx
import pytest

from ketenuitwisseling.domain import overdracht as domein
from ketenuitwisseling.domain.overdracht import Richting, Status
from ketenuitwisseling.services.overdracht import OverdrachtInstellingen, Overdrager, Stand, StapUitkomst
from ketenuitwisseling.services.partners import Doel, Verbindingen

BSN = "999990019"


class Crash(Exception):  # noqa: N818 - names what happened
    """The worker died: nothing after this point happened."""


@dataclass
class Context:
    """One context at both gemeenten: its export part, and the imports it took in (by transfer id)."""

    naam: str
    deel: dict[str, Any]
    plat: bool = False
    geimporteerd: dict[str, dict[str, Any]] = field(default_factory=dict)
    effecten: int = 0
    aanroepen: list[str] = field(default_factory=list)
    overgedragen: set[str] = field(default_factory=set)

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.aanroepen.append(f"{request.method} {request.url.path}")
        if self.plat:
            return httpx.Response(503, json={"status": 503, "title": "plat"})
        path = request.url.path.split("/api/v1", 1)[-1]
        if request.method == "GET" and path.startswith("/overdrachtsdossiers/"):
            return httpx.Response(200, json=self.deel)
        if request.method == "PUT" and path.startswith("/overdrachten/"):
            overdracht_id = path.rsplit("/", 1)[1]
            body = json.loads(request.content)
            bestaand = self.geimporteerd.get(overdracht_id)
            antwoord = {"inburgeraarId": "7c1f2d0e-0000-4000-8000-000000000599"}
            if bestaand is not None:
                if bestaand != body:
                    return httpx.Response(409, json={"status": 409, "title": "andere overdracht"})
                return httpx.Response(200, json=antwoord)
            self.geimporteerd[overdracht_id] = body
            self.effecten += 1
            return httpx.Response(201, json=antwoord)
        if request.method == "POST" and path.endswith("/overgedragen"):
            nieuw = path not in self.overgedragen
            self.overgedragen.add(path)
            self.effecten += int(nieuw)
            return httpx.Response(201 if nieuw else 200, json={"status": "overgedragen"})
        return httpx.Response(404, json={"status": 404})


class Tokens:
    async def token(self, doel: Doel, gemeente: str) -> str:
        return f"{doel}-{gemeente}"


@dataclass
class Opslag:
    rijen: dict[tuple[uuid.UUID, Richting], Stand] = field(default_factory=dict)
    status: dict[tuple[uuid.UUID, Richting], tuple[Status, str | None]] = field(default_factory=dict)
    wachten: list[str] = field(default_factory=list)
    crash_na: str | None = None

    async def claim(self, n: int, lease: int) -> Sequence[tuple[uuid.UUID, str]]:
        return [(i, r.value) for (i, r) in self.rijen if (i, r) not in self.status][:n]

    async def lees(self, overdracht_id: uuid.UUID, richting: Richting) -> Stand | None:
        s = self.rijen.get((overdracht_id, richting))
        # A copy, as a read from the database: what the worker changes in memory is not the record.
        return None if s is None else Stand(**{**s.__dict__, "stappen": dict(s.stappen)})

    async def stap_gedaan(self, stand: Stand, stap: str, uitkomst: StapUitkomst) -> None:
        if self.crash_na == stap:
            self.crash_na = None
            raise Crash(stap)
        rij = self.rijen[(stand.id, stand.richting)]
        if uitkomst.lokaal is not None:
            self.rijen[(stand.id, Richting.INKOMEND)] = Stand(
                stand.id, Richting.INKOMEND, stand.naar, stand.van, stand.naar, stand.verhuisdatum, None, {},
                dict(uitkomst.lokaal), 0,
            )  # fmt: skip
        rij.stappen[stap] = "2026-12-03T12:00:00+00:00"
        if uitkomst.inburgeraar_id is not None:
            rij.inburgeraar_id = uitkomst.inburgeraar_id
        if uitkomst.inhoud is not None:
            rij.inhoud = uitkomst.inhoud
        if uitkomst.wis_inhoud:
            rij.inhoud = None

    async def later(self, stand: Stand, fout: str, wacht: float) -> None:
        self.wachten.append(fout)

    async def sluit(self, stand: Stand, status: Status, fout: str | None = None) -> None:
        self.status[(stand.id, stand.richting)] = (status, fout)
        if status is Status.AFGEROND:
            self.rijen[(stand.id, stand.richting)].inhoud = None


def _contexten() -> dict[str, Context]:
    return {
        "inburgeraar": Context("inburgeraar", {"bsn": BSN, "bredeIntake": {"afgerond": True}}),
        "pip": Context("pip", {"versies": [{"versie": 1, "status": "vastgesteld"}]}),
        "aanbieder": Context("aanbieder", {"opdrachten": [{"voortgang": 40}]}),
        "handhaving": Context("handhaving", {"boetes": [{"bedrag": 250}]}),
    }


def _overdrager(
    opslag: Opslag, contexten: dict[str, Context], lokaal: tuple[str, ...] = ("0363", "0599")
) -> Overdrager:
    def client(naam: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.MockTransport(contexten[naam].handle), base_url=f"http://{naam}/api/v1/"
        )

    v = Verbindingen(
        duo=client("inburgeraar"), coa=client("inburgeraar"), inburgeraar=client("inburgeraar"),
        handhaving=client("handhaving"), tokens=Tokens(), pip=client("pip"), aanbieder=client("aanbieder"),
    )  # fmt: skip
    return Overdrager(opslag, v, lokaal, OverdrachtInstellingen(max_wachttijd=0.01))


def _uitgaand(opslag: Opslag) -> uuid.UUID:
    overdracht_id = uuid.uuid4()
    opslag.rijen[(overdracht_id, Richting.UITGAAND)] = Stand(
        overdracht_id, Richting.UITGAAND, "0363", "0363", "0599", date(2026, 6, 1), uuid.uuid4(), {}, None, 1
    )
    return overdracht_id


class TestVolgendeStap:
    def test_de_eerste_niet_gedane(self) -> None:
        assert domein.volgende_stap(Richting.INKOMEND, {}) == "inburgeraar"
        assert domein.volgende_stap(Richting.INKOMEND, {"inburgeraar": "t", "pip": "t"}) == "aanbieder"
        assert domein.volgende_stap(Richting.UITGAAND, dict.fromkeys(domein.STAPPEN[Richting.UITGAAND], "t")) is None


class TestBundel:
    def test_noemt_elk_ongeldig_veld(self) -> None:
        bundel = domein.bundel(uuid.uuid4(), "0363", "0599", None, uuid.uuid4(), {d: {} for d in domein.Deel})
        bundel["naarGemeente"] = "599"
        with pytest.raises(domein.BundelOngeldig) as fout:
            domein.controleer(bundel)
        assert {v for v, _ in fout.value.velden} == {"naarGemeente", "inburgeraar.bsn"}

    def test_geldig(self) -> None:
        delen = {d: {"x": [1]} for d in domein.Deel} | {domein.Deel.INBURGERAAR: {"bsn": BSN, "naam": "A"}}
        domein.controleer(domein.bundel(uuid.uuid4(), "0363", "0599", "2026-06-01", uuid.uuid4(), delen))


class TestOverdrager:
    async def test_uitgaand_binnen_de_deployment_tot_en_met_ingevoerd(self) -> None:
        opslag, contexten = Opslag(), _contexten()
        overdracht_id = _uitgaand(opslag)
        overdrager = _overdrager(opslag, contexten)
        while await overdrager.ronde():
            pass
        assert opslag.status[(overdracht_id, Richting.UITGAAND)] == (Status.AFGEROND, None)
        assert opslag.status[(overdracht_id, Richting.INKOMEND)] == (Status.AFGEROND, None)
        # Each context exported once, took its part in once; O's inburgeraar-api heard of the hand-over once.
        for naam, c in contexten.items():
            assert c.aanroepen.count(f"GET /api/v1/overdrachtsdossiers/{_persoon(opslag, overdracht_id)}") == 1
            assert c.geimporteerd[str(overdracht_id)]["dossier"] == c.deel, naam
        assert contexten["inburgeraar"].effecten == 2  # the import and `overgedragen`
        ingevoerd = contexten["pip"].geimporteerd[str(overdracht_id)]
        assert ingevoerd["inburgeraarId"] == "7c1f2d0e-0000-4000-8000-000000000599"
        assert ingevoerd["vanGemeente"] == "0363" and ingevoerd["verhuisdatum"] == "2026-06-01"
        # Nothing of the dossier (the BSN) stays with the exchange.
        assert all(s.inhoud is None for s in opslag.rijen.values())

    @pytest.mark.parametrize("stap", ["inburgeraar", "pip", "aanbieder", "handhaving"])
    async def test_crash_na_een_stap_hervat_bij_de_volgende_nooit_tweemaal(self, stap: str) -> None:
        opslag, contexten = Opslag(), _contexten()
        overdracht_id = uuid.uuid4()
        bundel = domein.bundel(
            overdracht_id, "0363", "0599", None, uuid.uuid4(), {domein.Deel(n): c.deel for n, c in contexten.items()}
        )
        opslag.rijen[(overdracht_id, Richting.INKOMEND)] = Stand(
            overdracht_id, Richting.INKOMEND, "0599", "0363", "0599", None, None, {}, bundel, 1
        )
        opslag.crash_na = stap
        with pytest.raises(Crash):
            await _overdrager(opslag, contexten).ronde()
        # Restarted: a new worker resumes where the record says.
        while await _overdrager(opslag, contexten).ronde():
            pass
        assert opslag.status[(overdracht_id, Richting.INKOMEND)] == (Status.AFGEROND, None)
        for naam, c in contexten.items():
            puts = c.aanroepen.count(f"PUT /api/v1/overdrachten/{overdracht_id}")
            # The step whose record was lost is asked again (and answered 200); every other step once.
            assert puts == (2 if naam == stap else 1), naam
            assert c.effecten == 1, naam

    async def test_context_plat_wacht_en_houdt_de_gedane_stappen(self) -> None:
        opslag, contexten = Opslag(), _contexten()
        overdracht_id = _uitgaand(opslag)
        opslag.rijen[(overdracht_id, Richting.UITGAAND)].naar = "0999"  # elsewhere, and no peer configured
        await _overdrager(opslag, contexten, lokaal=("0363",)).ronde()
        rij = opslag.rijen[(overdracht_id, Richting.UITGAAND)]
        assert list(rij.stappen) == ["opgehaald"]
        assert rij.inhoud is not None and rij.inhoud["inburgeraar"]["bsn"] == BSN
        assert opslag.wachten and "gemeente_peers" in opslag.wachten[-1]
        assert (overdracht_id, Richting.UITGAAND) not in opslag.status

        contexten["pip"].plat = True
        ander = _uitgaand(opslag)
        await _overdrager(opslag, contexten).verwerk(ander, Richting.UITGAAND)
        assert opslag.rijen[(ander, Richting.UITGAAND)].stappen == {}
        assert "opgehaald" in opslag.wachten[-1]

    async def test_andere_bundel_onder_hetzelfde_id_mislukt(self) -> None:
        opslag, contexten = Opslag(), _contexten()
        overdracht_id = uuid.uuid4()
        contexten["pip"].geimporteerd[str(overdracht_id)] = {"iets": "anders"}
        bundel = domein.bundel(
            overdracht_id, "0363", "0599", None, uuid.uuid4(), {domein.Deel(n): c.deel for n, c in contexten.items()}
        )
        opslag.rijen[(overdracht_id, Richting.INKOMEND)] = Stand(
            overdracht_id, Richting.INKOMEND, "0599", "0363", "0599", None, None, {}, bundel, 1
        )
        await _overdrager(opslag, contexten).ronde()
        status, fout = opslag.status[(overdracht_id, Richting.INKOMEND)]
        assert status is Status.MISLUKT and fout is not None and fout.startswith("pip: 409")
        assert contexten["aanbieder"].effecten == 0

    async def test_bundel_zonder_bsn_gaat_niet_weg(self) -> None:
        opslag, contexten = Opslag(), _contexten()
        contexten["inburgeraar"].deel = {"bredeIntake": {}}
        overdracht_id = _uitgaand(opslag)
        await _overdrager(opslag, contexten).ronde()
        status, fout = opslag.status[(overdracht_id, Richting.UITGAAND)]
        assert status is Status.MISLUKT and fout is not None and "inburgeraar.bsn" in fout
        assert (overdracht_id, Richting.INKOMEND) not in opslag.rijen


def _persoon(opslag: Opslag, overdracht_id: uuid.UUID) -> uuid.UUID:
    persoon = opslag.rijen[(overdracht_id, Richting.UITGAAND)].inburgeraar_id
    assert persoon is not None
    return persoon


class TestOnverwachtAntwoord:
    async def test_wacht_met_de_reden_in_plaats_van_de_lus_te_laten_vallen(self) -> None:
        opslag, contexten = Opslag(), _contexten()
        overdracht_id = uuid.uuid4()
        bundel = domein.bundel(
            overdracht_id, "0363", "0599", None, uuid.uuid4(), {domein.Deel(n): c.deel for n, c in contexten.items()}
        )
        opslag.rijen[(overdracht_id, Richting.INKOMEND)] = Stand(
            overdracht_id, Richting.INKOMEND, "0599", "0363", "0599", None, None, {}, bundel, 1
        )

        async def zonder_id(request: httpx.Request) -> httpx.Response:
            return httpx.Response(201, json={"iets": "anders"})

        overdrager = _overdrager(opslag, contexten)
        overdrager.v.inburgeraar = httpx.AsyncClient(
            transport=httpx.MockTransport(zonder_id), base_url="http://inburgeraar/api/v1/"
        )
        await overdrager.ronde()
        assert opslag.wachten and "inburgeraar: onverwacht antwoord: KeyError" in opslag.wachten[-1]
        assert opslag.rijen[(overdracht_id, Richting.INKOMEND)].stappen == {}
