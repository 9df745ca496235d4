"""`python -m pip_api dead-letters-count|dead-letters-replay`: the projection's dead letters, counted and replayed
through the kit's entry point; a forged event stays a dead letter on replay."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from sqlalchemy import text

from inburgering_kit.db import Database
from inburgering_kit.events import CloudEvent, source_urn
from inburgering_kit.testing.commands import run_command
from pip_api.services import aanbiedervoortgang
from pip_api.services.projectie import DURABLE
from pip_api.settings import Settings


async def _command(settings: Settings, command: str) -> str:
    return await run_command(
        "pip_api",
        "PIP_API_",
        {
            "ENVIRONMENT": "test",
            "DATABASE_URL": settings.database_url,
            "NATS_URL": settings.nats_url,
            "AUTH__ISSUERS": json.dumps(settings.auth.issuers),
            "AUTH__AUDIENCE": settings.auth.audience,
            "AUTH__PUBLIC_KEY_FILE": str(settings.auth.public_key_file),
            "STREAM_NAME": settings.stream_name,
            "LOG_LEVEL": "ERROR",
        },
        command,
    )


async def test_the_projections_dead_letters_are_counted_and_a_forged_one_stays_on_replay(
    settings: Settings, database: Database
) -> None:
    # one line per consumer: the inburgeraar facts, then provider progress
    leeg = f"{aanbiedervoortgang.DURABLE}: 0 dead letter(s) waiting"
    assert await _command(settings, "dead-letters-count") == f"{DURABLE}: 0 dead letter(s) waiting\n{leeg}"
    forged = CloudEvent(
        id=str(uuid.uuid4()),
        # An inburgeraar event that claims to come from pip-api, not from inburgeraar-api.
        source=source_urn(settings.oin, "pip-api"),
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
                "VALUES (gen_random_uuid(), :c, 1, :s, :e, :m, 'source', 1)"
            ),
            {"c": DURABLE, "s": forged.type, "e": forged.id, "m": forged.model_dump_json()},
        )

    assert await _command(settings, "dead-letters-count") == f"{DURABLE}: 1 dead letter(s) waiting\n{leeg}"
    assert (await _command(settings, "dead-letters-replay")).splitlines()[
        0
    ] == f"{DURABLE}: 0 replayed, 1 still waiting"
    assert await _command(settings, "dead-letters-count") == f"{DURABLE}: 1 dead letter(s) waiting\n{leeg}"
