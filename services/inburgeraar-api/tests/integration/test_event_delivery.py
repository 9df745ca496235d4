"""The outbox relay's retention of Idempotency-Key answers, seen through this API: a retry within it replays the
first answer, one after it is a new request. The relay's delivery guarantees (killed mid-publish, NATS down, two
relays at once) are the kit's and tested there, on the kit's own tables (libs/kit/tests/integration/
test_event_delivery.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import text

from inburgeraar_api import scopes
from inburgeraar_api.settings import Settings
from inburgering_kit.db import Database
from inburgering_kit.outbox import OutboxRelay, relay_database
from inburgering_kit.testing.plugin import TokenFactory


async def scalar(database: Database, sql: str) -> int:
    async with database.engine.connect() as conn:
        return int((await conn.execute(text(sql))).scalar_one())


@pytest.fixture
async def relay_db(settings: Settings) -> AsyncIterator[Database]:
    database = relay_database(settings.database_url)
    yield database
    await database.dispose()


class TestIdempotencyRetention:
    """The kit's own tests of the retention are in libs/kit/tests; this one is a retry through this API."""

    async def test_a_retry_within_the_retention_replays_and_one_after_it_is_a_new_request(
        self,
        client: httpx.AsyncClient,
        tokens: TokenFactory,
        database: Database,
        relay_db: Database,
        settings: Settings,
    ) -> None:
        body = {"doelgroep": "gezinsmigrant", "datumInschrijvingBrp": "2026-01-15"}
        binnen = {**tokens.headers(scopes.INBURGERAAR_SCHRIJVEN), "Idempotency-Key": "bewaard-binnen-termijn"}
        buiten = {**tokens.headers(scopes.INBURGERAAR_SCHRIJVEN), "Idempotency-Key": "bewaard-buiten-termijn"}
        first = await client.post("/api/v1/inburgeraars", json=body, headers=binnen)
        expired = await client.post("/api/v1/inburgeraars", json=body, headers=buiten)
        assert first.status_code == expired.status_code == 201
        async with database.engine.begin() as conn:
            await conn.execute(
                text(
                    "UPDATE idempotency_key SET created_at = now() - CASE key "
                    "WHEN 'bewaard-binnen-termijn' THEN interval '167 hours' ELSE interval '169 hours' END"
                )
            )

        relay = OutboxRelay(relay_db, settings.nats_url, stream=settings.stream_name)
        assert await relay.delete_expired_keys() == 1

        replay = await client.post("/api/v1/inburgeraars", json=body, headers=binnen)
        assert replay.status_code == 201
        assert replay.headers["Idempotent-Replayed"] == "true"
        assert replay.json() == first.json()
        again = await client.post("/api/v1/inburgeraars", json=body, headers=buiten)
        assert again.status_code == 201
        assert "Idempotent-Replayed" not in again.headers
        assert again.json()["id"] != expired.json()["id"]
        assert await scalar(database, "SELECT count(*) FROM inburgeraar") == 3
