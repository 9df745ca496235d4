"""Local monitoring of the person context: inflow per doelgroep per month and exam pass rates, small cells
suppressed, another gemeente never counted, only the monitoring role let in."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

import httpx
from sqlalchemy import text

from inburgeraar_api.scopes import ROLLEN
from inburgering_kit.db import Database
from inburgering_kit.testing.plugin import TokenFactory

PAD = "/api/v1/monitoring"
PERIODE = {"van": "2026-01-01", "tot": "2026-06-30"}


async def inburgeraars(
    database: Database, aantal: int, *, doelgroep: str, koppeling: date, gemeente: str = "0363"
) -> list[uuid.UUID]:
    ids = [uuid.uuid4() for _ in range(aantal)]
    async with database.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO inburgeraar (id, gemeente_code, status, doelgroep, nareiziger, datum_koppeling, contact, "
                "versie) VALUES (:id, :g, 'geregistreerd', :d, false, :k, CAST('{}' AS jsonb), 1)"
            ),
            [{"id": i, "g": gemeente, "d": doelgroep, "k": koppeling} for i in ids],
        )
    return ids


async def examens(database: Database, ids: list[uuid.UUID], onderdeel: str, behaald: bool, op: date) -> None:
    async with database.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO plicht_mutatie (id, inburgeraar_id, volgnummer, soort, ingangsdatum, bron, gegevens) "
                "VALUES (:id, :i, "
                "(SELECT COALESCE(max(volgnummer), 0) + 1 FROM plicht_mutatie WHERE inburgeraar_id = :i), "
                "'examenresultaat', :op, 'duo', CAST(:gegevens AS jsonb))"
            ),
            [
                {
                    "id": uuid.uuid4(),
                    "i": i,
                    "op": op,
                    "gegevens": json.dumps(
                        {
                            "soort": "examenresultaat",
                            "onderdeel": onderdeel,
                            "behaald": behaald,
                            "ingangsdatum": str(op),
                        }
                    ),
                }
                for i in ids
            ],
        )


def tabel(body: dict[str, Any], naam: str) -> dict[str, list[Any]]:
    t = next(t for t in body["tabellen"] if t["naam"] == naam)
    return {r["label"]: [c["waarde"] for c in r["cellen"]] for r in t["rijen"]}


class TestMonitoring:
    async def test_instroom_en_examens_per_gemeente_met_onderdrukking(
        self, client: httpx.AsyncClient, tokens: TokenFactory, database: Database
    ) -> None:
        asiel = await inburgeraars(database, 12, doelgroep="asielmigrant", koppeling=date(2026, 2, 10))
        await inburgeraars(database, 2, doelgroep="gezinsmigrant", koppeling=date(2026, 2, 11))
        await inburgeraars(database, 8, doelgroep="gezinsmigrant", koppeling=date(2026, 3, 1))
        await inburgeraars(database, 30, doelgroep="asielmigrant", koppeling=date(2026, 2, 1), gemeente="0599")
        await examens(database, asiel[:9], "lezen", True, date(2026, 5, 1))
        await examens(database, asiel[9:], "lezen", False, date(2026, 5, 1))
        await examens(database, asiel[:6], "pvt", True, date(2026, 5, 2))

        response = await client.get(PAD, params=PERIODE, headers=tokens.headers(*ROLLEN["beleidsmedewerker"]))
        assert response.status_code == 200, response.text
        body = response.json()
        instroom = tabel(body, "instroom")
        assert list(instroom) == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
        # 2 gezinsmigranten in February: suppressed, and with it at least one other cell of its row and column.
        assert instroom["2026-02"][1] is None
        assert sum(v is None for v in instroom["2026-02"]) >= 2
        assert sum(rij[1] is None for rij in instroom.values()) >= 2
        totalen = next(t for t in body["tabellen"] if t["naam"] == "instroom")["kolomtotalen"]
        assert [c["waarde"] for c in totalen] == [12, 10, 0]  # the 30 of gemeente 0599 are not counted
        examen = next(t for t in body["tabellen"] if t["naam"] == "examens")
        lezen = next(r for r in examen["rijen"] if r["label"] == "lezen")
        # 3 failed: suppressed, and the 9 that passed too (the attempts, 12, are shown); so no rate.
        assert ([c["waarde"] for c in lezen["cellen"]], lezen["totaal"]["waarde"]) == ([None, None], 12)
        assert lezen["percentage"] is None
        pvt = next(r for r in examen["rijen"] if r["label"] == "pvt")
        assert ([c["waarde"] for c in pvt["cellen"]], pvt["percentage"]) == ([6, 0], 100.0)

    async def test_andere_rol_geweigerd(self, client: httpx.AsyncClient, tokens: TokenFactory) -> None:
        response = await client.get(PAD, params=PERIODE, headers=tokens.headers(*ROLLEN["klantregisseur"]))
        assert response.status_code == 403
