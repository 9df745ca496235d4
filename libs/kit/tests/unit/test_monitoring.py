import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from types import SimpleNamespace
from typing import Any, get_args

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import given
from hypothesis import strategies as st
from starlette.requests import Request

from inburgering_kit.monitoring import (
    Aandeel,
    Kengetallen,
    Monitoring,
    OngeldigePeriode,
    Periode,
    Resultaatcache,
    Tabel,
    Telling,
    _Lezer,
    als_csv,
    kengetallen,
    maanden,
    monitoring_router,
    onderdruk,
    periode,
    wil_csv,
)
from inburgering_kit.testing.waiting import eventually


def _telling(cellen: dict[tuple[str, str], int], rijen: list[str], kolommen: list[str], **kw: object) -> Telling:
    return Telling("t", "T", "rij", rijen, kolommen, cellen, **kw)  # type: ignore[arg-type]


def _waarden(tabel: Tabel) -> list[list[float | None]]:
    return [[c.waarde for c in rij.cellen] for rij in tabel.rijen]


def _lijnen(tabel: Tabel) -> list[tuple[list[bool], bool]]:
    """Every row and column with its total: (which parts are suppressed, whether the total is)."""
    uit = []
    for rij in tabel.rijen:
        if rij.totaal is not None:
            uit.append(([c.onderdrukt for c in rij.cellen], rij.totaal.onderdrukt))
    assert tabel.kolomtotalen is not None and tabel.totaal is not None
    for i, kolomtotaal in enumerate(tabel.kolomtotalen):
        uit.append(([rij.cellen[i].onderdrukt for rij in tabel.rijen], kolomtotaal.onderdrukt))
    if tabel.rijen and tabel.rijen[0].totaal is not None:
        totalen = [rij.totaal for rij in tabel.rijen]
        uit.append(([t.onderdrukt for t in totalen if t is not None], tabel.totaal.onderdrukt))
        uit.append(([c.onderdrukt for c in tabel.kolomtotalen], tabel.totaal.onderdrukt))
    return uit


class TestOnderdruk:
    def test_grote_cellen_blijven_staan(self) -> None:
        tabel = onderdruk(_telling({("a", "x"): 10, ("a", "y"): 7, ("b", "x"): 5}, ["a", "b"], ["x", "y"]))
        assert _waarden(tabel) == [[10, 7], [5, 0]]
        assert tabel.totaal is not None and tabel.totaal.waarde == 22

    def test_een_kleine_cel_en_haar_buur_in_rij_en_kolom(self) -> None:
        # a/y = 3 alone in its row would follow from the row total 23 - 20: a second cell goes too.
        tabel = onderdruk(
            _telling(
                {("a", "x"): 20, ("a", "y"): 3, ("b", "x"): 30, ("b", "y"): 40},
                ["a", "b"],
                ["x", "y"],
            )
        )
        onderdrukt = [[c.onderdrukt for c in rij.cellen] for rij in tabel.rijen]
        assert onderdrukt == [[True, True], [True, True]]
        assert tabel.totaal is not None and tabel.totaal.waarde == 93

    def test_nul_wordt_getoond(self) -> None:
        tabel = onderdruk(_telling({("a", "x"): 0}, ["a"], ["x"]))
        assert _waarden(tabel) == [[0]]

    def test_klein_totaal_onderdrukt_alles_wat_het_verraadt(self) -> None:
        tabel = onderdruk(_telling({("a", "x"): 2, ("b", "x"): 1, ("c", "x"): 50}, ["a", "b", "c"], ["x"]))
        assert _waarden(tabel) == [[None], [None], [50]]
        assert tabel.totaal is not None and tabel.totaal.waarde == 53

    def test_enige_kleine_cel_in_een_kolom_neemt_de_kleinste_andere_mee(self) -> None:
        tabel = onderdruk(_telling({("a", "x"): 4, ("b", "x"): 9, ("c", "x"): 50}, ["a", "b", "c"], ["x"]))
        assert _waarden(tabel) == [[None], [None], [50]]

    def test_percentage_alleen_naast_getoonde_getallen(self) -> None:
        tabel = onderdruk(
            _telling(
                {("examen", "ja"): 30, ("examen", "nee"): 10, ("pvt", "ja"): 2, ("pvt", "nee"): 20},
                ["examen", "pvt"],
                ["ja", "nee"],
                aandeel="rij",
                aandeel_kolom="ja",
                kolomtotalen=False,
            )
        )
        assert [r.percentage for r in tabel.rijen] == [75.0, None]

    def test_mix_tegen_verwachting(self) -> None:
        tabel = onderdruk(
            _telling(
                {("b1", "n"): 65, ("onderwijsroute", "n"): 20, ("z-route", "n"): 15},
                ["b1", "onderwijsroute", "z-route"],
                ["n"],
                aandeel="totaal",
                verwacht={"b1": 65.0, "onderwijsroute": 20.0, "z-route": 15.0},
            )
        )
        assert [(r.percentage, r.verwacht_percentage) for r in tabel.rijen] == [
            (65.0, 65.0),
            (20.0, 20.0),
            (15.0, 15.0),
        ]

    @given(
        st.lists(
            st.lists(st.integers(0, 30), min_size=1, max_size=4).map(lambda r: r + [0] * (4 - len(r))), max_size=6
        ),
        st.integers(1, 4),
    )
    def test_geen_lijn_verraadt_een_onderdrukte_cel(self, matrix: list[list[int]], breedte: int) -> None:
        rijen = [f"r{i}" for i in range(len(matrix))]
        kolommen = [f"k{j}" for j in range(breedte)]
        cellen = {(rijen[i], kolommen[j]): matrix[i][j] for i in range(len(matrix)) for j in range(breedte)}
        tabel = onderdruk(_telling(cellen, rijen, kolommen))
        for i, rij in enumerate(tabel.rijen):
            for j, c in enumerate(rij.cellen):
                if 0 < matrix[i][j] < 5:
                    assert c.onderdrukt
                if not c.onderdrukt:
                    assert c.waarde == matrix[i][j]
        for delen, totaal_weg in _lijnen(tabel):
            if not totaal_weg:
                assert sum(delen) != 1
            else:
                assert any(delen) or not delen


class TestKengetallen:
    def test_aandeel_verraadt_geen_kleine_telling(self) -> None:
        tabel = kengetallen(
            Kengetallen(
                "k",
                "K",
                "aanbieder",
                ["behaald"],
                [("A", 20, {"behaald": Aandeel(8, 10)}), ("B", 20, {"behaald": Aandeel(10, 10)})],
            )
        )
        assert [[c.waarde for c in r.cellen] for r in tabel.rijen] == [[None], [100.0]]

    def test_onder_de_drempel_onderdrukt(self) -> None:
        tabel = kengetallen(
            Kengetallen(
                "k", "K", "aanbieder", ["aanwezig"], [("A", 4, {"aanwezig": 90.0}), ("B", 5, {"aanwezig": 80.04})]
            )
        )
        assert [[c.waarde for c in r.cellen] for r in tabel.rijen] == [[None], [80.0]]


class TestPeriode:
    def test_standaard_twaalf_maanden(self) -> None:
        p = periode(None, date(2026, 3, 15))
        assert p == Periode(date(2025, 4, 1), date(2026, 3, 15))
        assert len(maanden(p)) == 12

    def test_van_na_tot(self) -> None:
        with pytest.raises(OngeldigePeriode) as fout:
            periode(date(2026, 2, 1), date(2026, 1, 1))
        assert [p.name for p in fout.value.invalid_params or []] == ["van"]

    def test_te_lang(self) -> None:
        with pytest.raises(OngeldigePeriode):
            periode(date(2000, 1, 1), date(2026, 1, 1))


class TestWeergave:
    def _request(self, accept: str) -> Request:
        return Request({"type": "http", "headers": [(b"accept", accept.encode())]})

    @pytest.mark.parametrize(
        ("accept", "csv"),
        [
            ("text/csv", True),
            ("application/json", False),
            ("*/*", False),
            ("", False),
            ("application/json;q=0.5, text/csv", True),
            ("text/csv;q=0.2, application/json", False),
        ],
    )
    def test_accept(self, accept: str, csv: bool) -> None:
        assert wil_csv(self._request(accept)) is csv

    def test_csv_toont_onderdrukte_cellen_als_kleiner_dan_vijf(self) -> None:
        tabel = onderdruk(_telling({("a", "x"): 2, ("b", "x"): 9, ("c", "x"): 50}, ["a", "b", "c"], ["x"]))
        tekst = als_csv(Monitoring(gemeentecode="0363", van=date(2026, 1, 1), tot=date(2026, 12, 31), tabellen=[tabel]))
        regels = tekst.splitlines()
        assert regels[0] == "gemeentecode,van,tot,tabel,rij,kolom,waarde"
        assert "0363,2026-01-01,2026-12-31,t,a,x,<5" in regels
        assert "0363,2026-01-01,2026-12-31,t,c,x,50" in regels
        assert "0363,2026-01-01,2026-12-31,t,totaal,x,61" in regels


class Klok:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


class Teller:
    """A computation that counts its runs and, when told to, waits for the test before it answers."""

    def __init__(self) -> None:
        self.runs = 0
        self.los = asyncio.Event()
        self.los.set()

    async def __call__(self) -> int:
        self.runs += 1
        await self.los.wait()
        return self.runs


class TestResultaatcache:
    async def test_hergebruikt_binnen_de_maximale_leeftijd(self) -> None:
        klok, teller = Klok(), Teller()
        cache: Resultaatcache[int] = Resultaatcache(60, klok=klok)
        assert await cache.haal("a", teller) == 1
        klok.t += 59.9
        assert await cache.haal("a", teller) == 1
        assert teller.runs == 1

    async def test_berekent_opnieuw_na_de_maximale_leeftijd(self) -> None:
        klok, teller = Klok(), Teller()
        cache: Resultaatcache[int] = Resultaatcache(60, klok=klok)
        await cache.haal("a", teller)
        klok.t += 60
        assert await cache.haal("a", teller) == 2

    async def test_de_leeftijd_telt_vanaf_het_begin_van_de_berekening(self) -> None:
        klok = Klok()

        async def traag() -> str:
            klok.t += 30  # the computation itself takes half the max age
            return "x"

        cache: Resultaatcache[str] = Resultaatcache(60, klok=klok)
        await cache.haal("a", traag)
        klok.t += 30
        calls = 0

        async def opnieuw() -> str:
            nonlocal calls
            calls += 1
            return "y"

        assert await cache.haal("a", opnieuw) == "y"
        assert calls == 1

    async def test_nul_berekent_elke_vraag(self) -> None:
        teller = Teller()
        cache: Resultaatcache[int] = Resultaatcache(0, klok=Klok())
        assert [await cache.haal("a", teller) for _ in range(3)] == [1, 2, 3]

    async def test_sleutels_apart(self) -> None:
        teller = Teller()
        cache: Resultaatcache[int] = Resultaatcache(60, klok=Klok())
        assert [await cache.haal(k, teller) for k in ("a", "b", "a")] == [1, 2, 1]

    async def test_gelijktijdige_vragen_delen_een_berekening(self) -> None:
        teller = Teller()
        teller.los.clear()
        cache: Resultaatcache[int] = Resultaatcache(60, klok=Klok())
        taken = [asyncio.create_task(cache.haal("a", teller)) for _ in range(5)]
        await asyncio.sleep(0)
        teller.los.set()
        assert await asyncio.gather(*taken) == [1] * 5
        assert teller.runs == 1

    async def test_ook_zonder_hergebruik_gedeeld_terwijl_ze_loopt(self) -> None:
        teller = Teller()
        teller.los.clear()
        cache: Resultaatcache[int] = Resultaatcache(0, klok=Klok())
        taken = [asyncio.create_task(cache.haal("a", teller)) for _ in range(3)]
        await asyncio.sleep(0)
        teller.los.set()
        assert await asyncio.gather(*taken) == [1, 1, 1]
        assert await cache.haal("a", teller) == 2

    async def test_een_fout_wordt_gedeeld_en_niet_bewaard(self) -> None:
        los = asyncio.Event()
        runs = 0

        async def faalt() -> int:
            nonlocal runs
            runs += 1
            await los.wait()
            if runs == 1:
                raise RuntimeError("database weg")
            return runs

        cache: Resultaatcache[int] = Resultaatcache(60, klok=Klok())
        taken = [asyncio.create_task(cache.haal("a", faalt)) for _ in range(3)]
        await asyncio.sleep(0)
        los.set()
        uitkomsten = await asyncio.gather(*taken, return_exceptions=True)
        assert all(isinstance(u, RuntimeError) for u in uitkomsten)
        assert await cache.haal("a", faalt) == 2

    async def test_een_wachtende_neemt_het_over_als_de_eerste_wegvalt(self) -> None:
        teller = Teller()
        teller.los.clear()
        cache: Resultaatcache[int] = Resultaatcache(60, klok=Klok())
        eerste = asyncio.create_task(cache.haal("a", teller))
        await asyncio.sleep(0)
        tweede = asyncio.create_task(cache.haal("a", teller))
        await asyncio.sleep(0)
        eerste.cancel()
        await asyncio.sleep(0)
        teller.los.set()
        assert await tweede == 2
        assert eerste.cancelled()

    async def test_na_de_maximale_leeftijd_het_oude_antwoord_en_het_nieuwe_op_de_achtergrond(self) -> None:
        klok, teller = Klok(), Teller()
        cache: Resultaatcache[int] = Resultaatcache(60, klok=klok)
        await cache.haal("a", teller)
        klok.t += 61
        teller.los.clear()
        # Three requests past the max age: each answered at once with what is kept, one computation behind them.
        antwoorden = [await cache.haal("a", teller, ververs=teller) for _ in range(3)]
        assert antwoorden == [1, 1, 1]
        await asyncio.sleep(0)
        assert teller.runs == 2
        teller.los.set()
        for _ in range(5):
            await asyncio.sleep(0)
        assert await cache.haal("a", teller, ververs=teller) == 2
        assert teller.runs == 2

    async def test_te_oud_voor_verversen_wacht_de_vraag_op_de_berekening(self) -> None:
        klok, teller = Klok(), Teller()
        cache: Resultaatcache[int] = Resultaatcache(60, klok=klok)
        await cache.haal("a", teller)
        klok.t += 120
        assert await cache.haal("a", teller, ververs=teller) == 2

    async def test_een_mislukte_verversing_laat_het_oude_antwoord_staan(self) -> None:
        klok, teller = Klok(), Teller()
        cache: Resultaatcache[int] = Resultaatcache(60, klok=klok)
        await cache.haal("a", teller)
        klok.t += 61

        async def kapot() -> int:
            raise RuntimeError("database weg")

        assert await cache.haal("a", teller, ververs=kapot) == 1
        for _ in range(5):
            await asyncio.sleep(0)
        assert await cache.haal("a", teller, ververs=kapot) == 1
        klok.t += 60
        assert await cache.haal("a", teller, ververs=kapot) == 2  # too old: the request computes it itself

    async def test_begrensd_aantal_sleutels(self) -> None:
        teller = Teller()
        cache: Resultaatcache[int] = Resultaatcache(60, max_sleutels=2, klok=Klok())
        for k in ("a", "b", "c"):
            await cache.haal(k, teller)
        assert await cache.haal("c", teller) == 3
        assert await cache.haal("a", teller) == 4  # the oldest went first


class TestRoute:
    """The route as a client sees it: the cache per app, `peilmoment` and `Last-Modified`, OpenAPI."""

    @staticmethod
    def _app(max_leeftijd_s: float) -> tuple[FastAPI, list[int]]:
        runs: list[int] = []

        async def bereken(ctx: Any, p: Periode, request: Any) -> Monitoring:
            runs.append(1)
            tabel = onderdruk(_telling({("a", "x"): len(runs) * 10}, ["a"], ["x"]))
            return Monitoring(gemeentecode=ctx.gemeente, van=p.van, tot=p.tot, tabellen=[tabel])

        app = FastAPI()
        app.include_router(monitoring_router("test", "Test", bereken))
        app.state.settings = SimpleNamespace(monitoring_max_leeftijd_s=max_leeftijd_s)
        lezer = get_args(_Lezer)[1].dependency
        app.dependency_overrides[lezer] = lambda: SimpleNamespace(gemeente="0363")
        return app, runs

    async def _get(self, app: FastAPI, accept: str = "application/json") -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            params = {"van": "2026-01-01", "tot": "2026-06-30"}
            return await client.get("/monitoring", params=params, headers={"Accept": accept})

    async def test_peilmoment_in_json_en_last_modified(self) -> None:
        app, _ = self._app(60)
        voor = datetime.now(UTC).replace(microsecond=0)
        antwoord = await self._get(app)
        assert antwoord.status_code == 200
        peilmoment = datetime.fromisoformat(antwoord.json()["peilmoment"])
        assert voor <= peilmoment <= datetime.now(UTC)
        assert parsedate_to_datetime(antwoord.headers["last-modified"]) == peilmoment
        csv_antwoord = await self._get(app, "text/csv")
        assert csv_antwoord.headers["content-type"].startswith("text/csv")
        assert "last-modified" in csv_antwoord.headers

    async def test_hergebruik_per_formaat_binnen_de_maximale_leeftijd(self) -> None:
        app, runs = self._app(60)
        eerste, tweede = await self._get(app), await self._get(app)
        assert eerste.content == tweede.content
        await self._get(app, "text/csv")
        assert len(runs) == 2

    async def test_nul_berekent_opnieuw(self) -> None:
        app, runs = self._app(0)
        eerste, tweede = await self._get(app), await self._get(app)
        assert len(runs) == 2
        assert eerste.json()["tabellen"][0]["rijen"][0]["cellen"][0]["waarde"] == 10
        assert tweede.json()["tabellen"][0]["rijen"][0]["cellen"][0]["waarde"] == 20

    async def test_verversen_buiten_het_verzoek_op_een_eigen_sessie(self) -> None:
        @dataclass
        class Ctx:
            gemeente: str
            session: Any

        sessies: list[Any] = []

        async def bereken(ctx: Any, p: Periode, request: Any) -> Monitoring:
            sessies.append(ctx.session)
            tabel = onderdruk(_telling({("a", "x"): len(sessies) * 10}, ["a"], ["x"]))
            return Monitoring(gemeentecode=ctx.gemeente, van=p.van, tot=p.tot, tabellen=[tabel])

        @contextlib.asynccontextmanager
        async def sessionmaker() -> AsyncIterator[str]:
            yield "eigen sessie"

        app = FastAPI()
        app.include_router(monitoring_router("test", "Test", bereken))
        app.state.settings = SimpleNamespace(monitoring_max_leeftijd_s=0.2)
        app.state.database = SimpleNamespace(sessionmaker=sessionmaker)
        app.dependency_overrides[get_args(_Lezer)[1].dependency] = lambda: Ctx("0363", "sessie van het verzoek")

        def waarde(r: httpx.Response) -> int:
            return int(r.json()["tabellen"][0]["rijen"][0]["cellen"][0]["waarde"])

        assert waarde(await self._get(app)) == 10
        await asyncio.sleep(0.25)
        assert waarde(await self._get(app)) == 10  # past the max age: the kept answer, at once
        await eventually(lambda: len(sessies) == 2, within=5, what="de verversing")
        assert waarde(await self._get(app)) == 20
        assert sessies == ["sessie van het verzoek", "eigen sessie"]

    def test_openapi_noemt_peilmoment_en_last_modified(self) -> None:
        app, _ = self._app(60)
        schema = app.openapi()
        ok = schema["paths"]["/monitoring"]["get"]["responses"]["200"]
        assert "Last-Modified" in ok["headers"]
        monitoring = schema["components"]["schemas"]["Monitoring"]
        assert "peilmoment" in monitoring["properties"]
        assert "peilmoment" in monitoring.get("required", [])
