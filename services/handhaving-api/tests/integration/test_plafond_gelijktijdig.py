"""The cap under concurrency: besluiten for one person taken at the same moment never exceed € 2.400 together.
Without the per-person lock both would read the same standing total and both be taken."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import text

from inburgering_kit.db import Database

from .conftest import Procedure, zet_feiten


async def test_gelijktijdige_besluiten_blijven_onder_het_plafond(procedure: Procedure, database: Database) -> None:
    body = {"ingangsdatum": "2026-01-01", "bredeIntake": [250], "pip": [800]}
    assert (await procedure.client.post("/api/v1/verordeningen", json=body, headers=procedure.auth)).status_code == 201
    personen = [uuid.uuid4() for _ in range(4)]
    voornemens: list[tuple[str, str, str]] = []
    for persoon in personen:
        await zet_feiten(database, persoon)
        await procedure.boete(persoon)
        await procedure.boete(persoon)
        # € 1.600 stands; both voornemens propose € 800, each fitting the room alone.
        a, b = await procedure.voorgenomen(persoon), await procedure.voorgenomen(persoon)
        voornemens.append((str(persoon), a["id"], b["id"]))

    responses = await asyncio.gather(*(procedure.beboet(o) for _, a, b in voornemens for o in (a, b)))

    statussen = sorted(r.status_code for r in responses)
    assert statussen == [201] * len(personen) + [422] * len(personen), [r.text for r in responses]
    assert {r.json()["regel"] for r in responses if r.status_code == 422} == {"plafond-pip"}
    async with database.engine.connect() as conn:
        totalen = (
            await conn.execute(
                text("SELECT inburgeraar_id, sum(bedrag) FROM boete WHERE status = 'opgelegd' GROUP BY inburgeraar_id")
            )
        ).all()
    assert sorted(int(som) for _, som in totalen) == [2400] * len(personen)
