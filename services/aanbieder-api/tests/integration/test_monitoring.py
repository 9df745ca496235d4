"""Local monitoring of the provider context: performance per aanbieder (shown only over 5 persons or more) and final
results per service, another gemeente never counted, only the monitoring role let in."""

from __future__ import annotations

import json
import uuid

import httpx
from sqlalchemy import text

from aanbieder_api.scopes import ROLLEN
from inburgering_kit.db import Database
from inburgering_kit.testing.plugin import TokenFactory

PAD = "/api/v1/monitoring"
PERIODE = {"van": "2026-01-01", "tot": "2026-06-30"}


async def aanbieder(database: Database, naam: str, kvk: str, gemeente: str = "0363") -> uuid.UUID:
    aanbieder_id = uuid.uuid4()
    async with database.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO aanbieder (id, gemeente_code, naam, kvk_nummer, diensten, contactpersonen) "
                "VALUES (:id, :g, :n, :k, CAST('[\"b1-route\"]' AS jsonb), CAST('[]' AS jsonb))"
            ),
            {"id": aanbieder_id, "g": gemeente, "n": naam, "k": kvk},
        )
    return aanbieder_id


async def opdrachten(
    database: Database,
    aanbieder_id: uuid.UUID,
    aantal: int,
    *,
    aanwezig: float = 0,
    afwezig: float = 0,
    resultaat: str | None = None,
    gemeente: str = "0363",
) -> None:
    stand = {
        "urenAanwezig": aanwezig,
        "urenAfwezigGeoorloofd": 0,
        "urenAfwezigOngeoorloofd": afwezig,
        "gerealiseerdeStartdatum": "2026-01-05",
        "laatstePeriodeTot": "2026-12-31",
    }
    if resultaat:
        stand |= {"eindresultaat": resultaat, "einddatum": "2026-05-01"}
    async with database.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO opdracht (id, gemeente_code, aanbieder_id, inburgeraar_id, deelnemer_referentie, "
                "onderdeel, status, versie, inhoud, stand, created_at) VALUES (:id, :g, :a, :i, :ref, 'b1-route', "
                ":status, 1, CAST(:inhoud AS jsonb), CAST(:stand AS jsonb), '2026-01-02T10:00:00+01:00')"
            ),
            [
                {
                    "id": uuid.uuid4(),
                    "g": gemeente,
                    "a": aanbieder_id,
                    "i": uuid.uuid4(),
                    "ref": uuid.uuid4().hex,
                    "status": "afgerond" if resultaat else "gestart",
                    "inhoud": json.dumps({"geplandeStartdatum": "2026-01-05", "uren": 600}),
                    "stand": json.dumps(stand),
                }
                for _ in range(aantal)
            ],
        )


class TestMonitoring:
    async def test_prestaties_per_aanbieder_en_resultaten(
        self, client: httpx.AsyncClient, tokens: TokenFactory, database: Database
    ) -> None:
        groot = await aanbieder(database, "Taalschool Groot", "11111111")
        klein = await aanbieder(database, "Taalschool Klein", "22222222")
        elders = await aanbieder(database, "Taalschool Elders", "33333333", gemeente="0599")
        await opdrachten(database, groot, 6, aanwezig=90, afwezig=10)
        await opdrachten(database, groot, 8, aanwezig=50, afwezig=50, resultaat="behaald")
        await opdrachten(database, groot, 2, aanwezig=50, afwezig=50, resultaat="niet-behaald")
        await opdrachten(database, groot, 5, aanwezig=100, afwezig=0, resultaat="niet-behaald")
        await opdrachten(database, klein, 3, aanwezig=10, afwezig=0)
        await opdrachten(database, elders, 20, aanwezig=10, afwezig=0, gemeente="0599")

        response = await client.get(PAD, params=PERIODE, headers=tokens.headers(*ROLLEN["beleidsmedewerker"]))
        assert response.status_code == 200, response.text
        tabellen = {t["naam"]: t for t in response.json()["tabellen"]}
        prestaties = {r["label"]: [c["waarde"] for c in r["cellen"]] for r in tabellen["aanbieders"]["rijen"]}
        # 3 persons at Klein: nothing of it shown; Elders is another gemeente's.
        assert set(prestaties) == {"Taalschool Groot", "Taalschool Klein"}
        assert prestaties["Taalschool Klein"] == [None, None, None]
        aanwezigheid, _op_tijd, behaald = prestaties["Taalschool Groot"]
        assert aanwezigheid == round(100 * (6 * 90 + 10 * 50 + 5 * 100) / (6 * 100 + 10 * 100 + 5 * 100), 1)
        assert behaald == round(100 * 8 / 15, 1)
        b1 = next(r for r in tabellen["resultaten"]["rijen"] if r["label"] == "b1-route")
        assert ([c["waarde"] for c in b1["cellen"]], b1["totaal"]["waarde"]) == ([8, 7], 15)
        assert b1["percentage"] == round(100 * 8 / 15, 1)

    async def test_een_aandeel_dat_een_kleine_telling_verraadt_wordt_onderdrukt(
        self, client: httpx.AsyncClient, tokens: TokenFactory, database: Database
    ) -> None:
        groot = await aanbieder(database, "Taalschool Groot", "11111111")
        await opdrachten(database, groot, 8, aanwezig=50, afwezig=50, resultaat="behaald")
        await opdrachten(database, groot, 2, aanwezig=50, afwezig=50, resultaat="niet-behaald")
        response = await client.get(PAD, params=PERIODE, headers=tokens.headers(*ROLLEN["beleidsmedewerker"]))
        tabellen = {t["naam"]: t for t in response.json()["tabellen"]}
        rij = tabellen["aanbieders"]["rijen"][0]
        assert rij["cellen"][2] == {"waarde": None, "onderdrukt": True}  # 8 of 10 would give the 2 away
        b1 = next(r for r in tabellen["resultaten"]["rijen"] if r["label"] == "b1-route")
        assert ([c["waarde"] for c in b1["cellen"]], b1["totaal"]["waarde"]) == ([None, None], 10)

    async def test_andere_rol_geweigerd(self, client: httpx.AsyncClient, tokens: TokenFactory) -> None:
        response = await client.get(PAD, params=PERIODE, headers=tokens.headers(*ROLLEN["contractmanager"]))
        assert response.status_code == 403
