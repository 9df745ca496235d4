"""The zienswijze signal: raised once per voornemen whose term passed without a zienswijze, from the day after its
last day, whatever runs the pass (again, after a restart, two replicas at once)."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import date
from typing import Any

from fastapi import FastAPI
from sqlalchemy import text

from handhaving_api.events import ZienswijzetermijnVerstreken
from handhaving_api.services.signalen import signaleer
from handhaving_api.settings import Settings
from inburgering_kit.db import Database
from inburgering_kit.events import CloudEvent

from .conftest import Procedure, zet_feiten

# A voornemen of 1 March with the default 14 days: a zienswijze is in time through 15 March.
LAATSTE_DAG = date(2026, 3, 15)
DAG_ERNA = date(2026, 3, 16)
SUBJECT = "nl.inburgering.handhaving.zienswijzetermijn-verstreken"


async def _events(database: Database) -> list[dict[str, Any]]:
    async with database.engine.connect() as conn:
        rows = await conn.execute(text("SELECT event FROM outbox WHERE subject = :s"), {"s": SUBJECT})
        return [row[0] if isinstance(row[0], dict) else json.loads(row[0]) for row in rows]


async def _voornemen(procedure: Procedure, database: Database) -> dict[str, Any]:
    persoon = uuid.uuid4()
    await zet_feiten(database, persoon)
    return await procedure.voorgenomen(persoon)


async def test_eenmaal_vanaf_de_dag_na_de_laatste_dag(
    procedure: Procedure, database: Database, app: FastAPI, settings: Settings
) -> None:
    voornemen = await _voornemen(procedure, database)
    assert voornemen["zienswijzeUitersteDatum"] == LAATSTE_DAG.isoformat()

    assert (await signaleer(database, app.state.publisher, app.state.api_prefix, settings, dag=LAATSTE_DAG)).nieuw == 0
    assert await _events(database) == []

    assert (await signaleer(database, app.state.publisher, app.state.api_prefix, settings, dag=DAG_ERNA)).nieuw == 1
    [event] = await _events(database)
    assert event["data"]["overtredingId"] == voornemen["id"]
    assert event["data"]["zienswijzeUitersteDatum"] == "2026-03-15"
    assert event["gemeentecode"] == "0363"
    assert event["dataref"].endswith(f"/api/v1/overtredingen/{voornemen['id']}")
    assert "bsn" not in {k.lower() for k in event["data"]}
    # The statement fills in the envelope the publisher makes: the same fields, the data its model reads.
    envelope = CloudEvent.model_validate(event)
    verwacht = app.state.publisher.build(
        ZienswijzetermijnVerstreken.model_validate(event["data"]),
        subject=uuid.UUID(voornemen["id"]),
        resource_path=f"{app.state.api_prefix}/overtredingen/{voornemen['id']}",
        gemeentecode="0363",
    )
    assert envelope.model_dump(exclude={"id", "time"}) == verwacht.model_dump(exclude={"id", "time"})
    async with database.engine.connect() as conn:
        assert (
            await conn.execute(text("SELECT id::text FROM outbox WHERE subject = :s"), {"s": SUBJECT})
        ).scalar() == (envelope.id)

    # A second pass, a later day and a restarted job find the signal raised and write nothing.
    assert (await signaleer(database, app.state.publisher, app.state.api_prefix, settings, dag=DAG_ERNA)).nieuw == 0
    assert (
        await signaleer(database, app.state.publisher, app.state.api_prefix, settings, dag=date(2026, 6, 1))
    ).nieuw == 0
    assert len(await _events(database)) == 1


async def test_twee_replicas_tegelijk(
    procedure: Procedure, database: Database, app: FastAPI, settings: Settings
) -> None:
    for _ in range(5):
        await _voornemen(procedure, database)
    klein = settings.model_copy(update={"signalen_batch": 2})
    verslagen = await asyncio.gather(
        *(signaleer(database, app.state.publisher, app.state.api_prefix, klein, dag=DAG_ERNA) for _ in range(3))
    )
    assert sum(v.nieuw for v in verslagen) == 5
    events = await _events(database)
    assert len(events) == 5
    assert len({e["data"]["overtredingId"] for e in events}) == 5


async def test_geen_signaal_na_een_zienswijze_of_een_besluit(
    procedure: Procedure, database: Database, app: FastAPI, settings: Settings
) -> None:
    met_zienswijze = await _voornemen(procedure, database)
    response = await procedure.stap(
        met_zienswijze["id"], "zienswijze", {"datum": "2026-03-10", "samenvatting": "ik was ziek"}
    )
    assert response.status_code == 200, response.text
    afgezien = await _voornemen(procedure, database)
    response = await procedure.stap(afgezien["id"], "afzien", {"datum": "2026-03-16", "reden": "maatwerk"})
    assert response.status_code == 200, response.text

    assert (await signaleer(database, app.state.publisher, app.state.api_prefix, settings, dag=DAG_ERNA)).nieuw == 0
    assert await _events(database) == []
