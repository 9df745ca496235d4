"""Every event this service writes matches its published JSON Schema, carries ids, codes, dates and amounts only,
and reaches NATS through the relay."""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema_rs
from fastapi import FastAPI
from sqlalchemy import text

from handhaving_api.events import EVENTS
from handhaving_api.services.signalen import signaleer
from handhaving_api.settings import Settings
from inburgering_kit.db import Database
from inburgering_kit.testing.events import Recorder, recorder_fixture

from .conftest import Procedure, zet_feiten

EVENTS_DIR = Path(__file__).resolve().parents[4] / "contracts" / "events"

ontvanger = recorder_fixture(durable="test-handhaving-ontvanger", filter_subject="nl.inburgering.handhaving.>")


async def _outbox(database: Database) -> list[dict[str, Any]]:
    async with database.engine.connect() as conn:
        rows = await conn.execute(text("SELECT event FROM outbox ORDER BY created_at"))
        return [row[0] if isinstance(row[0], dict) else json.loads(row[0]) for row in rows]


async def _alle_soorten(procedure: Procedure, database: Database) -> uuid.UUID:
    persoon = uuid.uuid4()
    await zet_feiten(database, persoon)
    afgewezen = await procedure.kandidaat(persoon)
    await procedure.stap(afgewezen["id"], "afwijzen", {"datum": "2026-02-10", "reden": "vergissing"})
    boete = await procedure.boete(persoon)
    bezwaar = await procedure.client.post(
        f"/api/v1/boetes/{boete['id']}/bezwaren", json={"ingediendDatum": "2026-04-01"}, headers=procedure.auth
    )
    assert bezwaar.status_code == 201, bezwaar.text
    return persoon


async def test_elk_event_volgt_zijn_schema(
    procedure: Procedure, database: Database, app: FastAPI, settings: Settings
) -> None:
    await _alle_soorten(procedure, database)
    # The zienswijze signal comes from the job, not from a request.
    persoon = uuid.uuid4()
    await zet_feiten(database, persoon)
    await procedure.voorgenomen(persoon)
    await signaleer(database, app.state.publisher, app.state.api_prefix, settings, dag=date(2026, 3, 16))
    events = await _outbox(database)
    assert {e["type"] for e in events} == {model.full_type() for model in EVENTS}
    for event in events:
        schema = json.loads((EVENTS_DIR / f"{event['type']}.json").read_text())
        jsonschema_rs.validator_for(schema, validate_formats=True).validate(event)
        assert not {"bsn", "naam", "reden", "omschrijving"} & {k.lower() for k in event["data"]}
        assert event["gemeentecode"] == "0363"


async def test_events_bereiken_nats(procedure: Procedure, database: Database, ontvanger: Recorder) -> None:
    persoon = await _alle_soorten(procedure, database)
    ontvangen = await ontvanger.wacht_op(5)
    assert [e.type.rsplit(".", 1)[1] for e in ontvangen] == [
        "overtreding-afgewezen",
        "waarschuwing-gegeven",
        "boete-voorgenomen",
        "boete-opgelegd",
        "boete-gewijzigd",
    ]
    opgelegd = ontvangen[3]
    assert opgelegd.source.endswith(":systeem:handhaving-api")
    assert opgelegd.data["inburgeraarId"] == str(persoon)
    assert (opgelegd.data["bedrag"], opgelegd.data["categorie"]) == (250, "pip")
    assert opgelegd.dataref is not None and opgelegd.dataref.endswith(f"/api/v1/boetes/{opgelegd.data['boeteId']}")
    assert ontvangen[4].data["rechtsmiddelstatus"] == "bezwaar-aanhangig"
