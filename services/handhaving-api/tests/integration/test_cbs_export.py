"""The CBS export (Wi art. 35 lid 4, items f and g): warnings and fines in the period with count, reason and amount;
NDJSON ordered by inburgeraarId; only for `cbs:export`; logged with its legal ground."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

import httpx
from sqlalchemy import text

from handhaving_api import scopes
from inburgering_kit.db import Database
from inburgering_kit.testing.plugin import TokenFactory

PERIODE = {"gemeentecode": "0363", "van": "2026-01-01", "tot": "2027-01-01"}


async def overtreding(
    database: Database,
    persoon: uuid.UUID,
    soort: str,
    *,
    waarschuwing: date | None = None,
    boetes: tuple[tuple[date, int, str], ...] = (),
    gemeente: str = "0363",
) -> None:
    overtreding_id = uuid.uuid4()
    categorie = "brede-intake" if soort.startswith("brede-intake") else "pip"
    async with database.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO overtreding (id, gemeente_code, inburgeraar_id, soort, categorie, status, gedraging_van, "
                "gedraging_tot, bron, bewijs, berekening) VALUES (:id, :g, :p, :s, :c, 'beboet', '2026-01-05', "
                "'2026-01-05', 'handmatig', '{}', '[]')"
            ),
            {"id": overtreding_id, "g": gemeente, "p": persoon, "s": soort, "c": categorie},
        )
        if waarschuwing:
            await conn.execute(
                text(
                    "INSERT INTO procedurestap (id, overtreding_id, handeling, status, datum, door_client) "
                    "VALUES (:id, :o, 'waarschuwen', 'gewaarschuwd', :d, 'test')"
                ),
                {"id": uuid.uuid4(), "o": overtreding_id, "d": waarschuwing},
            )
        for datum, bedrag, status in boetes:
            await conn.execute(
                text(
                    "INSERT INTO boete (id, gemeente_code, overtreding_id, inburgeraar_id, categorie, bedrag, "
                    "voorgesteld_bedrag, berekening, besluit_datum, verzend_datum, status) VALUES (:id, :g, :o, :p, "
                    ":c, :b, :b, '[]', :d, :d, :s)"
                ),
                {"id": uuid.uuid4(), "g": gemeente, "o": overtreding_id, "p": persoon, "c": categorie, "b": bedrag,
                 "d": datum, "s": status},
            )  # fmt: skip


async def export(client: httpx.AsyncClient, tokens: TokenFactory) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/cbs-export", params=PERIODE, headers=tokens.headers(scopes.CBS_EXPORT))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    regels = [json.loads(r) for r in response.text.splitlines()]
    assert int(response.headers["x-total-count"]) == len(regels)
    return regels


class TestCbsExport:
    async def test_warnings_and_fines_with_count_reason_amount(
        self, client: httpx.AsyncClient, tokens: TokenFactory, database: Database
    ) -> None:
        a, b = sorted([uuid.uuid4(), uuid.uuid4()])
        await overtreding(database, a, "brede-intake-niet-verschenen", waarschuwing=date(2026, 2, 1))
        await overtreding(
            database, a, "pip-leerroute",
            boetes=((date(2026, 3, 1), 250, "vervangen"), (date(2026, 4, 1), 200, "opgelegd")),
        )  # fmt: skip
        await overtreding(database, b, "pip-pvt", boetes=((date(2026, 5, 1), 340, "vernietigd"),))
        await overtreding(
            database, b, "pip-map", waarschuwing=date(2025, 12, 1), boetes=((date(2026, 6, 1), 500, "opgelegd"),)
        )
        await overtreding(database, uuid.uuid4(), "pip-map", waarschuwing=date(2027, 1, 1))
        await overtreding(database, uuid.uuid4(), "pip-map", waarschuwing=date(2026, 2, 1), gemeente="0599")

        regels = await export(client, tokens)

        assert [r["inburgeraarId"] for r in regels] == [str(a), str(b)]
        assert regels[0]["waarschuwingen"] == {
            "aantal": 1, "items": [{"datum": "2026-02-01", "reden": "brede-intake-niet-verschenen"}]
        }  # fmt: skip
        assert regels[0]["boetes"] == {
            "aantal": 1,
            "totaalBedrag": 200,
            "items": [{"datum": "2026-04-01", "reden": "pip-leerroute", "bedrag": 200}],
        }
        assert regels[1]["waarschuwingen"] == {"aantal": 0, "items": []}
        assert (regels[1]["boetes"]["aantal"], regels[1]["boetes"]["totaalBedrag"]) == (1, 500)

    async def test_logged_and_refused_without_the_scope(
        self, client: httpx.AsyncClient, tokens: TokenFactory, database: Database
    ) -> None:
        await export(client, tokens)
        async with database.engine.connect() as conn:
            grondslag = (
                await conn.execute(
                    text("SELECT grondslag FROM verwerking WHERE object_type = 'cbs-export' AND betrokkene IS NULL")
                )
            ).scalar_one()
        assert "art. 35 lid 4" in grondslag
        response = await client.get(
            "/api/v1/cbs-export", params=PERIODE, headers=tokens.headers(*scopes.ROLLEN["klantregisseur"])
        )
        assert response.status_code == 403
