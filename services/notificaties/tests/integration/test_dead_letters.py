"""The consumer's dead letters (events it could not queue deliveries for) are counted on `/metrics` and by
`python -m notificaties dead-letters-count`, and queued again by `dead-letters-replay`."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import httpx
from sqlalchemy import text

from inburgering_kit.db import Database
from inburgering_kit.events import CloudEvent, source_urn
from inburgering_kit.testing.commands import run_command
from notificaties.settings import Settings


async def _command(settings: Settings, command: str) -> str:
    return await run_command(
        "notificaties",
        "NOTIFICATIES_",
        {
            "ENVIRONMENT": "test",
            "DATABASE_URL": settings.database_url,
            "NATS_URL": settings.nats_url,
            "STREAM_NAME": settings.stream_name,
            "CONSUMER_DURABLE": settings.consumer_durable,
            "ENCRYPTION_KEY": settings.encryption_key.get_secret_value(),
            "AUTH__ISSUERS": json.dumps(settings.auth.issuers),
            "AUTH__AUDIENCE": settings.auth.audience,
            "AUTH__PUBLIC_KEY_FILE": str(settings.auth.public_key_file),
            "LOG_LEVEL": "WARNING",
        },
        command,
    )


def _gauge(body: str, consumer: str) -> str:
    prefix = f'notificaties_dead_letters{{consumer="{consumer}"}} '
    return next(line.removeprefix(prefix) for line in body.splitlines() if line.startswith(prefix))


async def test_a_dead_letter_is_counted_on_metrics_and_by_the_command_and_replayed(
    settings: Settings, database: Database, client: httpx.AsyncClient
) -> None:
    consumer = settings.consumer_durable
    assert _gauge((await client.get("/metrics")).text, consumer) == "0"
    event = CloudEvent(
        id=str(uuid.uuid4()),
        source=source_urn("00000001002564440000", "inburgeraar-api"),
        type="nl.inburgering.inburgeraar.inburgeraar-geregistreerd",
        time=datetime.now(UTC),
        subject=str(uuid.uuid4()),
        gemeentecode="0363",
        data={},
    )
    async with database.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO dead_letter (id, consumer, stream_seq, subject, event_id, message, reason, attempts) "
                "VALUES (gen_random_uuid(), :c, 1, :s, :e, :m, 'database away', 8)"
            ),
            {"c": consumer, "s": event.type, "e": event.id, "m": event.model_dump_json()},
        )

    assert _gauge((await client.get("/metrics")).text, consumer) == "1"
    assert await _command(settings, "dead-letters-count") == f"{consumer}: 1 dead letter(s) waiting"
    assert await _command(settings, "dead-letters-replay") == f"{consumer}: 1 replayed, 0 still waiting"
    assert await _command(settings, "dead-letters-count") == f"{consumer}: 0 dead letter(s) waiting"
    assert _gauge((await client.get("/metrics")).text, consumer) == "0"
    async with database.engine.connect() as conn:
        applied = await conn.execute(
            text("SELECT count(*) FROM inbox WHERE consumer = :c AND event_id = :e"), {"c": consumer, "e": event.id}
        )
        assert applied.scalar_one() == 1
