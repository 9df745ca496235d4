"""The delivery worker and its consumer on a PostgreSQL of their own, which is stopped and started again under
them: they carry on by themselves (no process restarted, no event lost), and deliver what was published while
the database was away."""

from __future__ import annotations

import asyncio
import json
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from inburgering_kit.db import Database, database_url_for, ensure_database
from inburgering_kit.embedded import EmbeddedPostgres, free_port
from inburgering_kit.migrations import upgrade
from inburgering_kit.testing.waiting import eventually
from notificaties.crypto import SecretBox, nieuw_geheim
from notificaties.settings import Settings

from .conftest import Bezorging, Ontvanger, Publisher

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
GEMEENTE = "0998"  # no other test's events are for it: the new durable consumer reads the whole stream


@pytest.fixture
async def own_postgres() -> AsyncIterator[EmbeddedPostgres]:
    # Like the session's server (not under pytest's tmp_path, which PostgreSQL's own account may not enter).
    workdir = Path(tempfile.mkdtemp(prefix="inburgering-test-"))
    server = EmbeddedPostgres(workdir / "pg", free_port(), fast=True)
    await asyncio.to_thread(server.start)
    try:
        yield server
    finally:
        await asyncio.to_thread(server.stop)
        shutil.rmtree(workdir, ignore_errors=True)


async def count(database: Database, sql: str) -> int:
    async with database.engine.connect() as conn:
        return int((await conn.execute(text(sql))).scalar_one())


async def test_delivery_carries_on_after_a_database_restart(
    own_postgres: EmbeddedPostgres, settings: Settings, ontvanger: Ontvanger, publish: Publisher
) -> None:
    await ensure_database(own_postgres.url, "notificaties")
    url = database_url_for(own_postgres.url, "notificaties")
    await asyncio.to_thread(upgrade, MIGRATIONS, url)
    database = Database(url, pool_size=5)
    own = settings.model_copy(update={"database_url": url, "consumer_durable": f"herstart-{uuid.uuid4().hex[:8]}"})
    secret_box = SecretBox(own.encryption_key.get_secret_value())
    async with database.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO abonnement (id, gemeente_code, client_id, callback_url, geheim_versleuteld, formaat, "
                "status) VALUES (gen_random_uuid(), :g, 'test', :url, :geheim, 'cloudevents', 'actief')"
            ),
            {"g": GEMEENTE, "url": ontvanger.hook("herstart"), "geheim": secret_box.encrypt(nieuw_geheim())},
        )
    bezorging = Bezorging(database, own)
    await bezorging.start()
    try:
        before = [await publish(gemeente=GEMEENTE) for _ in range(5)]
        await eventually(lambda: len(ontvanger.van("herstart")) == 5, within=20, what="before the restart")

        await asyncio.to_thread(own_postgres.stop)
        during = [await publish(gemeente=GEMEENTE) for _ in range(5)]
        await asyncio.sleep(2.0)  # every loop meets the database gone: claims, reads, the consumer's batches
        await asyncio.to_thread(own_postgres.start)
        after = [await publish(gemeente=GEMEENTE) for _ in range(5)]

        expected = {e["id"] for e in before + during + after}
        await eventually(
            lambda: expected <= {json.loads(r.body)["id"] for r in ontvanger.van("herstart")},
            within=60,
            what="everything, without restarting anything",
        )

        async def settled() -> bool:
            return await count(database, "SELECT count(*) FROM aflevering WHERE status = 'afgeleverd'") == 15

        await eventually(settled, within=30, what="every delivery recorded")
    finally:
        await bezorging.stop()
        await database.dispose()
