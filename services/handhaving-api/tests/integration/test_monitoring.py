"""Local monitoring of the enforcement context: procedure steps and fines per gemeente, small cells suppressed,
amounts only over 5 fines or more, another gemeente never counted, only the monitoring role let in."""

from __future__ import annotations

import uuid
from datetime import date

import httpx
from sqlalchemy import text

from handhaving_api.scopes import ROLLEN
from inburgering_kit.db import Database
from inburgering_kit.testing.plugin import TokenFactory

PAD = "/api/v1/monitoring"
PERIODE = {"van": "2026-01-01", "tot": "2026-12-31"}


async def beboet(
    database: Database, aantal: int, *, soort: str, categorie: str, bedrag: int, gemeente: str = "0363"
) -> None:
    async with database.engine.begin() as conn:
        for _ in range(aantal):
            overtreding, inburgeraar = uuid.uuid4(), uuid.uuid4()
            await conn.execute(
                text(
                    "INSERT INTO overtreding (id, gemeente_code, inburgeraar_id, soort, categorie, status, "
                    "gedraging_van, gedraging_tot, bron, bewijs, berekening) VALUES (:id, :g, :i, :s, :c, 'beboet', "
                    "'2026-02-01', '2026-02-01', 'handmatig', CAST('{}' AS jsonb), CAST('[]' AS jsonb))"
                ),
                {"id": overtreding, "g": gemeente, "i": inburgeraar, "s": soort, "c": categorie},
            )
            for handeling, status, op in (
                ("waarschuwen", "gewaarschuwd", date(2026, 3, 1)),
                ("beboeten", "beboet", date(2026, 5, 1)),
            ):
                await conn.execute(
                    text(
                        "INSERT INTO procedurestap (id, overtreding_id, handeling, status, datum, door_client) "
                        "VALUES (:id, :o, :h, :s, :d, 'test')"
                    ),
                    {"id": uuid.uuid4(), "o": overtreding, "h": handeling, "s": status, "d": op},
                )
            await conn.execute(
                text(
                    "INSERT INTO boete (id, gemeente_code, overtreding_id, inburgeraar_id, categorie, bedrag, "
                    "voorgesteld_bedrag, berekening, besluit_datum, verzend_datum, status) VALUES (:id, :g, :o, :i, "
                    ":c, :b, :b, CAST('[]' AS jsonb), '2026-05-01', '2026-05-02', 'opgelegd')"
                ),
                {"id": uuid.uuid4(), "g": gemeente, "o": overtreding, "i": inburgeraar, "c": categorie, "b": bedrag},
            )


class TestMonitoring:
    async def test_stappen_en_boetes_met_onderdrukking(
        self, client: httpx.AsyncClient, tokens: TokenFactory, database: Database
    ) -> None:
        await beboet(database, 6, soort="pip-leerroute", categorie="pip", bedrag=250)
        await beboet(database, 2, soort="brede-intake-niet-verschenen", categorie="brede-intake", bedrag=340)
        await beboet(database, 9, soort="pip-leerroute", categorie="pip", bedrag=500, gemeente="0599")

        response = await client.get(PAD, params=PERIODE, headers=tokens.headers(*ROLLEN["beleidsmedewerker"]))
        assert response.status_code == 200, response.text
        tabellen = {t["naam"]: t for t in response.json()["tabellen"]}
        stappen = {r["label"]: r for r in tabellen["handhaving"]["rijen"]}
        kolommen = tabellen["handhaving"]["kolommen"]
        leerroute = dict(zip(kolommen, [c["waarde"] for c in stappen["pip-leerroute"]["cellen"]], strict=True))
        intake = stappen["brede-intake-niet-verschenen"]
        assert intake["totaal"]["onderdrukt"] and all(c["onderdrukt"] for c in intake["cellen"] if c["waarde"] != 0)
        # The 2 warnings and 2 fines of the intake row are hidden; so is the leerroute row's, in each column with it.
        assert leerroute["waarschuwen"] is None and leerroute["beboeten"] is None
        assert tabellen["handhaving"]["totaal"]["waarde"] == 16  # 0599's 18 steps are not counted
        bedragen = {r["label"]: [c["waarde"] for c in r["cellen"]] for r in tabellen["boetebedragen"]["rijen"]}
        assert bedragen == {"brede-intake": [None, None], "pip": [1500, 250]}

    async def test_andere_rol_geweigerd(self, client: httpx.AsyncClient, tokens: TokenFactory) -> None:
        response = await client.get(PAD, params=PERIODE, headers=tokens.headers(*ROLLEN["klantregisseur"]))
        assert response.status_code == 403
