"""Local monitoring of the plan context: counts per gemeente, small cells suppressed, another gemeente never counted,
only the monitoring role let in, JSON or CSV by Accept."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

import httpx
from sqlalchemy import text

from inburgering_kit.db import Database
from inburgering_kit.testing.plugin import TokenFactory
from pip_api.scopes import ROLLEN

PAD = "/api/v1/monitoring"
PERIODE = {"van": "2026-01-01", "tot": "2026-12-31"}


async def pips(
    database: Database,
    aantal: int,
    *,
    route: str,
    gemeente: str = "0363",
    vastgesteld: date = date(2026, 3, 1),
    beeindigd: date | None = None,
    reden: str | None = None,
) -> None:
    rows = [
        {
            "id": uuid.uuid4(),
            "i": uuid.uuid4(),
            "g": gemeente,
            "s": "beeindigd" if beeindigd else "vastgesteld",
            "inhoud": json.dumps({"leerroute": route}),
            "v": vastgesteld,
            "b": beeindigd,
            "r": reden,
        }
        for _ in range(aantal)
    ]
    async with database.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO pip (id, gemeente_code, inburgeraar_id, status, versie, inhoud, vastgesteld_datum, "
                "beeindigd_datum, beeindigd_reden) VALUES (:id, :g, :i, :s, 1, CAST(:inhoud AS jsonb), :v, :b, :r)"
            ),
            rows,
        )


def tabel(body: dict[str, Any], naam: str) -> dict[str, Any]:
    return next(t for t in body["tabellen"] if t["naam"] == naam)


def waarden(t: dict[str, Any]) -> dict[str, list[Any]]:
    return {r["label"]: [c["waarde"] for c in r["cellen"]] for r in t["rijen"]}


class TestMonitoring:
    async def test_routemix_tegen_verwachting_met_kleine_cellen_onderdrukt(
        self, client: httpx.AsyncClient, tokens: TokenFactory, database: Database
    ) -> None:
        await pips(database, 13, route="b1")
        await pips(database, 4, route="onderwijsroute")
        await pips(database, 6, route="z-route")
        await pips(database, 40, route="b1", gemeente="0599")  # another gemeente: never counted
        await pips(database, 7, route="b1", vastgesteld=date(2025, 6, 1))  # before the period
        await pips(
            database, 5, route="b1", vastgesteld=date(2025, 1, 1), beeindigd=date(2026, 2, 1), reden="plicht-voldaan"
        )
        headers = tokens.headers(*ROLLEN["beleidsmedewerker"])
        response = await client.get(PAD, params=PERIODE, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["gemeentecode"] == "0363"
        mix = tabel(body, "routemix")
        # 4 is below the threshold, and the smallest other route (6) goes with it, or 23 - 13 would give it back.
        assert waarden(mix) == {"b1": [13], "onderwijsroute": [None], "z-route": [None]}
        assert mix["totaal"]["waarde"] == 23
        assert [(r["percentage"], r["verwachtPercentage"]) for r in mix["rijen"]] == [
            (56.5, 65.0),
            (None, 20.0),
            (None, 15.0),
        ]
        uitstroom = tabel(body, "uitstroom")
        assert waarden(uitstroom)["b1"][0] == 5
        maanden = tabel(body, "maanden-tot-uitstroom")
        assert waarden(maanden)["b1"] == [0, 5, 0, 0]  # 13 months

    async def test_csv_met_onderdrukte_cel(
        self, client: httpx.AsyncClient, tokens: TokenFactory, database: Database
    ) -> None:
        await pips(database, 3, route="z-route")
        await pips(database, 30, route="b1")
        await pips(database, 9, route="onderwijsroute")
        headers = {**tokens.headers(*ROLLEN["beleidsmedewerker"]), "Accept": "text/csv"}
        response = await client.get(PAD, params=PERIODE, headers=headers)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/csv")
        regels = response.text.splitlines()
        assert "0363,2026-01-01,2026-12-31,routemix,z-route,aantal,<5" in regels
        assert "0363,2026-01-01,2026-12-31,routemix,onderwijsroute,aantal,<5" in regels
        assert "0363,2026-01-01,2026-12-31,routemix,b1,aantal,30" in regels

    async def test_alleen_de_monitoringrol_en_geen_onbekend_formaat(
        self, client: httpx.AsyncClient, tokens: TokenFactory
    ) -> None:
        klantregisseur = tokens.headers(*ROLLEN["klantregisseur"])
        assert (await client.get(PAD, params=PERIODE, headers=klantregisseur)).status_code == 403
        headers = {**tokens.headers(*ROLLEN["beleidsmedewerker"]), "Accept": "application/xml"}
        assert (await client.get(PAD, params=PERIODE, headers=headers)).status_code == 406

    async def test_periode_andersom_noemt_het_veld(self, client: httpx.AsyncClient, tokens: TokenFactory) -> None:
        headers = tokens.headers(*ROLLEN["beleidsmedewerker"])
        response = await client.get(PAD, params={"van": "2026-12-01", "tot": "2026-01-01"}, headers=headers)
        assert response.status_code == 422
        assert response.headers["content-type"].startswith("application/problem+json")
        assert [p["name"] for p in response.json()["invalidParams"]] == ["van"]
