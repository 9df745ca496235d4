"""Retention of the processing log in the delivery context, by time travel (the stored events have their own, much
shorter retention: test_bewaartermijn), and the inzage export of the stored events that name a person."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

import httpx
from sqlalchemy import text

from inburgering_kit.db import Database
from inburgering_kit.retentie import voer_uit
from inburgering_kit.testing.plugin import TokenFactory
from notificaties.scopes import ROLLEN
from notificaties.services.retentie import opruimer
from notificaties.settings import Settings


async def execute(database: Database, sql: str, **params: Any) -> list[Any]:
    async with database.engine.begin() as conn:
        result = await conn.execute(text(sql), params)
        return list(result.all()) if result.returns_rows else []


async def test_log_records_without_betrokkene_go_five_years_later(database: Database, settings: Settings) -> None:
    await execute(
        database,
        "INSERT INTO verwerking (id, at, trace_id, span_id, activiteit, grondslag, actie, resultaat, gemeente_code, "
        "object_type, actor_client) VALUES (gen_random_uuid(), '2020-03-10T12:00:00Z', :t, :s, 'abonneren', 'x', "
        "'aanmaken', 'geslaagd', '0363', 'abonnement', 'abonnee')",
        t="a" * 32,
        s="b" * 16,
    )
    kept = await voer_uit(database, "notificaties", opruimer(settings), date(2025, 3, 10))
    assert kept is not None and kept.aantallen == {"verwerking-zonder-betrokkene": 0}
    gone = await voer_uit(database, "notificaties", opruimer(settings), date(2025, 3, 11))
    assert gone is not None and gone.aantallen == {"verwerking-zonder-betrokkene": 1}
    assert await execute(database, "SELECT 1 FROM verwerking") == []


async def test_inzage_export_of_the_stored_events_naming_a_person(
    client: httpx.AsyncClient, tokens: TokenFactory, database: Database
) -> None:
    inburgeraar_id = uuid.uuid4()
    for gemeente, subject in (("0363", inburgeraar_id), ("0363", uuid.uuid4()), ("0599", inburgeraar_id)):
        event = {"id": str(uuid.uuid4()), "subject": str(subject), "gemeentecode": gemeente, "data": {}}
        await execute(
            database, "INSERT INTO bericht (event_id, event) VALUES (:i, CAST(:e AS jsonb))",
            i=event["id"], e=json.dumps(event),
        )  # fmt: skip
    officer = tokens.headers(*ROLLEN["privacy-officer"])
    response = await client.post("/api/v1/inzage/_export", json={"inburgeraarId": str(inburgeraar_id)}, headers=officer)
    assert response.status_code == 200, response.text
    (bericht,) = {o["soort"]: o["gegevens"] for o in response.json()["onderdelen"]}["bericht"]
    assert bericht["event"]["subject"] == str(inburgeraar_id)
    assert bericht["event"]["gemeentecode"] == "0363"
    abonnee = tokens.headers(*ROLLEN["abonnee"])
    assert (
        await client.post("/api/v1/inzage/_export", json={"inburgeraarId": str(inburgeraar_id)}, headers=abonnee)
    ).status_code == 403
