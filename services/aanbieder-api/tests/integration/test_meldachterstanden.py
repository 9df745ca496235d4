"""Which running opdrachten are behind on their reports, and each aanbieder's reporting: the norms' boundaries,
opdrachten never reported on or no longer running, pages and totals, tenants and aanbieders kept apart, the
processing log, and the answers held equal to the domain rule, applied one opdracht at a time, over a grid of cases."""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import httpx
from sqlalchemy import text

from aanbieder_api import activiteiten
from aanbieder_api.domain.enums import Dienst, OpdrachtStatus
from aanbieder_api.domain.meldnorm import Achterstand, Meldnormen, achterstanden
from aanbieder_api.repository.meldgedrag import MeldgedragRepository
from inburgering_kit.db import Database
from inburgering_kit.pagination import PageParams

if TYPE_CHECKING:
    from .conftest import Aanbieder, Omgeving

API = "/api/v1"
START = "start"
AANWEZIGHEID = "aanwezigheid-per-maand"


async def meld(client: httpx.AsyncClient, aanbieder: Aanbieder, opdracht: dict[str, Any], body: dict[str, Any]) -> None:
    r = await client.post(
        f"{API}/toegewezen-opdrachten/{opdracht['id']}/meldingen",
        json=body,
        headers={**aanbieder.headers, "Idempotency-Key": f"t-{uuid.uuid4()}"},
    )
    assert r.status_code == 201, r.text


def april(uren: float = 40) -> dict[str, Any]:
    return {"soort": "aanwezigheid", "periodeVan": "2026-04-01", "periodeTot": "2026-04-30", "urenAanwezig": uren}


async def lijst(omgeving: Omgeving, peildatum: str, **params: Any) -> dict[str, Any]:
    r = await omgeving.client.get(
        f"{API}/meldachterstanden", params={"peildatum": peildatum, **params}, headers=omgeving.regisseur
    )
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


async def gevonden(omgeving: Omgeving, peildatum: str, **params: Any) -> list[tuple[str, str, int]]:
    return [
        (a["opdrachtId"], a["norm"], a["dagenTeLaat"])
        for a in (await lijst(omgeving, peildatum, **params))["resultaten"]
    ]


async def meldgedrag(omgeving: Omgeving, aanbieder: Aanbieder, peildatum: str) -> dict[str, Any]:
    r = await omgeving.client.get(
        f"{API}/aanbieders/{aanbieder.id}/meldgedrag", params={"peildatum": peildatum}, headers=omgeving.regisseur
    )
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


class TestGrenzen:
    async def test_due_on_the_norms_last_day_and_late_from_the_day_after(
        self, client: httpx.AsyncClient, omgeving: Omgeving
    ) -> None:
        a = await omgeving.aanbieder()
        gestart = await omgeving.opdracht(a)
        await meld(client, a, gestart, {"soort": "start", "datum": "2026-04-01"})
        # Planned 1 April, never reported on: the start is due on 11 April, April's attendance on 10 May.
        nooit = await omgeving.opdracht(a)
        assert await gevonden(omgeving, "2026-04-11") == []
        assert await gevonden(omgeving, "2026-04-12") == [(nooit["id"], START, 1)]
        assert await gevonden(omgeving, "2026-05-10") == [(nooit["id"], START, 29)]
        assert await gevonden(omgeving, "2026-05-11") == [
            (nooit["id"], START, 30),
            *sorted([(nooit["id"], AANWEZIGHEID, 1), (gestart["id"], AANWEZIGHEID, 1)]),
        ]
        [behind] = (await lijst(omgeving, "2026-04-12"))["resultaten"]
        assert behind == {
            "opdrachtId": nooit["id"],
            "aanbiederId": str(a.id),
            "onderdeel": "b1-route",
            "norm": START,
            "bron": behind["bron"],
            "verwachtUiterlijk": "2026-04-11",
            "laatstGemeldTot": None,
            "dagenTeLaat": 1,
        }
        assert behind["bron"].startswith("Gemeentelijk beleid") and "gerealiseerde start" in behind["bron"]

    async def test_a_reported_month_moves_the_norm_to_the_next(
        self, client: httpx.AsyncClient, omgeving: Omgeving
    ) -> None:
        a = await omgeving.aanbieder()
        opdracht = await omgeving.opdracht(a)
        await meld(client, a, opdracht, {"soort": "start", "datum": "2026-04-01"})
        await meld(client, a, opdracht, april())
        assert await gevonden(omgeving, "2026-06-10") == []
        [behind] = (await lijst(omgeving, "2026-06-11"))["resultaten"]
        assert (behind["norm"], behind["verwachtUiterlijk"], behind["laatstGemeldTot"], behind["dagenTeLaat"]) == (
            AANWEZIGHEID,
            "2026-06-10",
            "2026-04-30",
            1,
        )

    async def test_never_reported_on_both_norms_on_one_day_the_start_first(
        self, client: httpx.AsyncClient, omgeving: Omgeving
    ) -> None:
        a = await omgeving.aanbieder(diensten=("b1-route", "leerbaarheidstoets"))
        # Planned on the last day of April: its start and April's attendance are both due on 10 May.
        eind_april = await omgeving.opdracht(a, start=date(2026, 4, 30))
        # A leerbaarheidstoets has a start but no monthly attendance; a start still to come has nothing due.
        toets = await omgeving.opdracht(a, onderdeel="leerbaarheidstoets", start=date(2026, 4, 30))
        await omgeving.opdracht(a, start=date(2026, 5, 13))
        # Equally late: by opdracht id, and of one opdracht's two norms the start first (a stable sort keeps it so).
        start_eerst = [(eind_april["id"], START, 2), (eind_april["id"], AANWEZIGHEID, 2)]
        verwacht = sorted([*start_eerst, (toets["id"], START, 2)], key=lambda g: g[0])
        assert await gevonden(omgeving, "2026-05-12") == verwacht

    async def test_finished_and_withdrawn_opdrachten_are_not_behind_and_not_running(
        self, client: httpx.AsyncClient, omgeving: Omgeving
    ) -> None:
        a = await omgeving.aanbieder()
        afgerond = await omgeving.opdracht(a)
        await meld(client, a, afgerond, april(25))
        await meld(client, a, afgerond, {"soort": "eindresultaat", "datum": "2026-04-30", "resultaat": "behaald"})
        ingetrokken = await omgeving.opdracht(a)
        r = await client.post(
            f"{API}/opdrachten/{ingetrokken['id']}/_intrekken", json={"reden": "verhuisd"}, headers=omgeving.regisseur
        )
        assert r.json()["status"] == "ingetrokken"
        lopend = await omgeving.opdracht(a)
        await meld(client, a, lopend, april(10))
        assert await gevonden(omgeving, "2027-01-01") == [(lopend["id"], AANWEZIGHEID, 205)]
        gedrag = await meldgedrag(omgeving, a, "2027-01-01")
        # Hours and contracted hours of running opdrachten only; the reports of every opdracht of the aanbieder.
        assert (gedrag["opdrachtenLopend"], gedrag["achterstanden"], gedrag["urenAanwezig"]) == (1, 1, 10)
        assert (gedrag["urenGecontracteerd"], gedrag["meldingen"]) == (600, 3)
        r = await client.get(f"{API}/meldingen", params={"pageSize": 1}, headers=omgeving.regisseur)
        laatste = datetime.fromisoformat(r.json()["resultaten"][0]["gemeldOp"])
        assert datetime.fromisoformat(gedrag["laatsteMeldingOp"]) == laatste

    async def test_an_aanbieder_with_nothing_running_or_reported(self, omgeving: Omgeving) -> None:
        a = await omgeving.aanbieder()
        assert await meldgedrag(omgeving, a, "2026-05-12") == {
            "aanbiederId": str(a.id),
            "opdrachtenLopend": 0,
            "meldingen": 0,
            "laatsteMeldingOp": None,
            "achterstanden": 0,
            "urenAanwezig": 0,
            "urenGecontracteerd": 0,
        }


class TestPaginas:
    async def test_pages_of_one_order_with_the_total_of_all(self, omgeving: Omgeving) -> None:
        a = await omgeving.aanbieder()
        for start in (date(2026, 4, 1), date(2026, 4, 1), date(2026, 3, 2)):
            await omgeving.opdracht(a, start=start)
        alles = await lijst(omgeving, "2026-05-12")
        assert (alles["totalItems"], alles["totalPages"]) == (6, 1)
        dagen = [g["dagenTeLaat"] for g in alles["resultaten"]]
        assert dagen == sorted(dagen, reverse=True) and dagen[0] == 61
        paginas = [await lijst(omgeving, "2026-05-12", pageSize=4, page=p) for p in (1, 2, 3)]
        assert [(p["page"], p["pageSize"], p["totalItems"], p["totalPages"]) for p in paginas] == [
            (1, 4, 6, 2),
            (2, 4, 6, 2),
            (3, 4, 6, 2),
        ]
        assert paginas[0]["resultaten"] + paginas[1]["resultaten"] == alles["resultaten"]
        assert [len(p["resultaten"]) for p in paginas] == [4, 2, 0]

    async def test_nothing_behind_is_an_empty_first_page(self, omgeving: Omgeving) -> None:
        a = await omgeving.aanbieder()
        await omgeving.opdracht(a)
        assert (await lijst(omgeving, "2026-04-01")) == {
            "page": 1,
            "pageSize": 20,
            "totalItems": 0,
            "totalPages": 0,
            "resultaten": [],
        }


class TestScheiding:
    async def test_another_gemeentes_and_another_aanbieders_opdrachten_stay_apart(
        self, client: httpx.AsyncClient, omgeving: Omgeving
    ) -> None:
        a, b = await omgeving.aanbieder(), await omgeving.aanbieder()
        van_a, van_b = await omgeving.opdracht(a), await omgeving.opdracht(b, start=date(2026, 3, 2))
        utrecht = dataclasses.replace(omgeving, gemeente="0344")
        u = await utrecht.aanbieder()
        van_u = await utrecht.opdracht(u)
        ids = {g[0] for g in await gevonden(omgeving, "2026-05-12")}
        assert ids == {van_a["id"], van_b["id"]}
        assert {g[0] for g in await gevonden(omgeving, "2026-05-12", aanbiederId=str(a.id))} == {van_a["id"]}
        assert {g[0] for g in await gevonden(utrecht, "2026-05-12")} == {van_u["id"]}
        # Amsterdam's aanbieder does not exist for Utrecht: nothing behind, and no reporting to show.
        assert (await lijst(utrecht, "2026-05-12", aanbiederId=str(a.id)))["totalItems"] == 0
        r = await client.get(
            f"{API}/aanbieders/{a.id}/meldgedrag", params={"peildatum": "2026-05-12"}, headers=utrecht.regisseur
        )
        assert r.status_code == 404
        assert (await meldgedrag(omgeving, a, "2026-05-12"))["opdrachtenLopend"] == 1
        assert (await meldgedrag(utrecht, u, "2026-05-12"))["achterstanden"] == 2


class TestVerwerkingenlog:
    async def test_the_search_is_logged_once_for_every_opdracht_behind_on_any_page(
        self, client: httpx.AsyncClient, omgeving: Omgeving, database: Database
    ) -> None:
        a = await omgeving.aanbieder()
        twee_normen = await omgeving.opdracht(a)
        gestart = await omgeving.opdracht(a)
        await meld(client, a, gestart, {"soort": "start", "datum": "2026-04-01"})
        op_tijd = await omgeving.opdracht(a, start=date(2026, 5, 5))

        async def zoekingen() -> list[tuple[Any, ...]]:
            async with database.engine.connect() as conn:
                rows = await conn.execute(
                    text(
                        "SELECT object_id, object_type, activiteit, grondslag, resultaat, gemeente_code, betrokkene, "
                        "actor_client FROM verwerking WHERE actie = 'zoeken' ORDER BY object_id"
                    )
                )
                return [tuple(r) for r in rows]

        assert (await lijst(omgeving, "2026-05-12", pageSize=1))["totalItems"] == 3
        activiteit = activiteiten.VOORTGANG_RAADPLEGEN
        assert await zoekingen() == [
            (o, "opdracht", activiteit.naam, activiteit.grondslag, "geslaagd", "0363", None, "gemeente-portaal")
            for o in sorted([twee_normen["id"], gestart["id"]])
        ]
        assert op_tijd["id"] not in {r[0] for r in await zoekingen()}
        await lijst(omgeving, "2026-04-01")
        assert len(await zoekingen()) == 2


def _grid(aanbieders: list[uuid.UUID]) -> list[dict[str, Any]]:
    """Opdrachten in every combination the rule distinguishes: status, onderdeel, planned start (mid-month, the last
    day of a month, February's), realised start, and the end of the last reported period (none, before the start,
    a month's end, mid-month)."""
    rows = []
    combinaties = itertools.product(
        OpdrachtStatus,
        (Dienst.B1_ROUTE, Dienst.LEERBAARHEIDSTOETS),
        (date(2026, 1, 31), date(2026, 2, 15), date(2026, 2, 28)),
        (None, "gepland", date(2026, 3, 5)),
        (None, date(2026, 1, 15), date(2026, 2, 28), date(2026, 3, 20)),
    )
    for n, (status, onderdeel, gepland, gestart, tot) in enumerate(combinaties):
        realised = gepland if gestart == "gepland" else gestart
        rows.append(
            {
                "id": uuid.uuid4(),
                "aanbieder_id": aanbieders[n % len(aanbieders)],
                "onderdeel": onderdeel,
                "status": status,
                "gepland": gepland,
                "gestart": realised,
                "tot": tot,
                "uren": [600, None, 12][n % 3],
                "uren_aanwezig": Decimal(n % 7) + Decimal("0.25"),
                # Some opdrachten have a report (of any status: the aanbieder's reports all count).
                "gemeld": datetime(2026, 3, 1, tzinfo=UTC) + timedelta(hours=n) if n % 3 == 0 else None,
            }
        )
    return rows


async def _voeg_in(database: Database, gemeente: str, rows: list[dict[str, Any]]) -> None:
    async with database.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO opdracht (id, gemeente_code, aanbieder_id, pip_id, inburgeraar_id, deelnemer_referentie, "
                "onderdeel, status, versie, inhoud, pip_versie, stand) VALUES (:id, :g, :aanbieder_id, :pip, :persoon, "
                "'ref', :onderdeel, :status, 1, CAST(:inhoud AS jsonb), 1, CAST(:stand AS jsonb))"
            ),
            [
                {
                    "id": r["id"],
                    "g": gemeente,
                    "aanbieder_id": r["aanbieder_id"],
                    "pip": uuid.uuid4(),
                    "persoon": uuid.uuid4(),
                    "onderdeel": r["onderdeel"].value,
                    "status": r["status"].value,
                    "inhoud": json.dumps({"geplandeStartdatum": r["gepland"].isoformat(), "uren": r["uren"]}),
                    "stand": json.dumps(
                        {
                            "gerealiseerdeStartdatum": r["gestart"] and r["gestart"].isoformat(),
                            "laatstePeriodeTot": r["tot"] and r["tot"].isoformat(),
                            "urenAanwezig": float(r["uren_aanwezig"]),
                        }
                    ),
                }
                for r in rows
            ],
        )
        await conn.execute(
            text(
                "INSERT INTO melding (gemeente_code, opdracht_id, aanbieder_id, soort, gegevens, sleutel, kanaal, "
                "actor_client, gemeld_at, id) VALUES (:g, :o, :a, 'start', '{}', 'k', 'api', 'systeem', :at, :id)"
            ),
            [
                {"g": gemeente, "o": r["id"], "a": r["aanbieder_id"], "at": r["gemeld"], "id": uuid.uuid4()}
                for r in rows
                if r["gemeld"] is not None
            ],
        )


def _verwacht(
    rows: list[dict[str, Any]], peildatum: date, start_dagen: int, aanwezigheid_dagen: int
) -> list[tuple[uuid.UUID, Achterstand]]:
    """The rule applied one opdracht at a time, in the order the gemeente has always seen: most days late first,
    then by opdracht id, an opdracht's norms as the rule lists them."""
    gevonden = [
        (r["id"], a)
        for r in rows
        for a in achterstanden(
            onderdeel=r["onderdeel"],
            status=r["status"],
            geplande_startdatum=r["gepland"],
            gerealiseerde_startdatum=r["gestart"],
            laatste_periode_tot=r["tot"],
            peildatum=peildatum,
            start_dagen=start_dagen,
            aanwezigheid_dagen=aanwezigheid_dagen,
        )
    ]
    return sorted(gevonden, key=lambda g: (-g[1].dagen_te_laat, str(g[0])))


PEILDATA = [date(2026, 2, 10), date(2026, 2, 11), date(2026, 3, 10), date(2026, 3, 11), date(2026, 3, 31),
            date(2026, 4, 10), date(2026, 4, 11), date(2026, 12, 31)]  # fmt: skip


class TestDeRegelInDeDatabase:
    async def test_the_query_finds_what_the_rule_finds_for_every_case_norm_and_peildatum(
        self, omgeving: Omgeving, database: Database
    ) -> None:
        aanbieders = [(await omgeving.aanbieder()).id for _ in range(2)]
        rows = _grid(aanbieders)
        await _voeg_in(database, "0363", rows)
        # The same aanbieder ids in another gemeente, reporting later: none of it may count here.
        elders = _grid(aanbieders)
        await _voeg_in(
            database, "0344", [{**r, "gemeld": r["gemeld"] and r["gemeld"] + timedelta(days=300)} for r in elders]
        )
        per_id = {r["id"]: r for r in rows}
        async with database.sessionmaker() as session:
            repo = MeldgedragRepository(session, "0363")
            for (start_dagen, aanwezigheid_dagen), peildatum in itertools.product(
                ((10, 10), (0, 0), (3, 31)), PEILDATA
            ):
                normen = Meldnormen.met_dagen(start_dagen=start_dagen, aanwezigheid_dagen=aanwezigheid_dagen)
                verwacht = _verwacht(rows, peildatum, start_dagen, aanwezigheid_dagen)
                result = await repo.meldachterstanden(normen, peildatum, None, PageParams(page=1, page_size=10_000))
                assert [(g.opdracht_id, g.achterstand) for g in result.pagina] == verwacht, (peildatum, normen)
                assert result.totaal == len(verwacht)
                assert result.opdrachten == list(dict.fromkeys(o for o, _ in verwacht))
                for g in result.pagina:
                    r = per_id[g.opdracht_id]
                    assert (g.aanbieder_id, g.onderdeel, g.laatst_gemeld_tot) == (
                        r["aanbieder_id"],
                        r["onderdeel"],
                        r["tot"],
                    )
                    assert g.bron == normen.bron(g.achterstand.norm)
                for aanbieder_id in aanbieders:
                    eigen = [r for r in rows if r["aanbieder_id"] == aanbieder_id]
                    lopend = [r for r in eigen if r["status"] in normen.lopend]
                    gedrag = await repo.meldgedrag(normen, peildatum, aanbieder_id)
                    assert (gedrag.opdrachten_lopend, gedrag.achterstanden) == (
                        len(lopend),
                        len(_verwacht(eigen, peildatum, start_dagen, aanwezigheid_dagen)),
                    )
                    assert gedrag.uren_aanwezig == sum(r["uren_aanwezig"] for r in lopend)
                    assert gedrag.uren_gecontracteerd == sum(r["uren"] or 0 for r in lopend)
                    gemeld = [r["gemeld"] for r in eigen if r["gemeld"] is not None]
                    assert (gedrag.meldingen, gedrag.laatste_melding_op) == (len(gemeld), max(gemeld))
                    eigen_pagina = await repo.meldachterstanden(
                        normen, peildatum, aanbieder_id, PageParams(page=2, page_size=7)
                    )
                    assert [(g.opdracht_id, g.achterstand) for g in eigen_pagina.pagina] == (
                        _verwacht(eigen, peildatum, start_dagen, aanwezigheid_dagen)[7:14]
                    )

    async def test_the_api_pages_through_what_the_rule_finds(self, omgeving: Omgeving, database: Database) -> None:
        rows = _grid([(await omgeving.aanbieder()).id])
        await _voeg_in(database, "0363", rows)
        verwacht = [
            (str(o), a.norm, a.verwacht_uiterlijk.isoformat(), a.dagen_te_laat)
            for o, a in _verwacht(rows, date(2026, 12, 31), 10, 10)
        ]
        assert len(verwacht) > 3 * 20
        opgehaald = []
        # Up to one page past the last: empty, with the same total.
        for pagina in range(1, math.ceil(len(verwacht) / 20) + 2):
            result = await lijst(omgeving, "2026-12-31", pageSize=20, page=pagina)
            assert (result["totalItems"], result["totalPages"]) == (len(verwacht), math.ceil(len(verwacht) / 20))
            opgehaald += [
                (g["opdrachtId"], g["norm"], g["verwachtUiterlijk"], g["dagenTeLaat"]) for g in result["resultaten"]
            ]
        assert opgehaald == verwacht
