"""The kit on a database of its own tables only, with the session's NATS."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from inburgering_kit.db import Database
from inburgering_kit.testing.infra import Infra
from inburgering_kit.testing.service import TEST_STREAM, isolation

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class KitSettings:
    """The two settings the relay's tests pass on."""

    def __init__(self, database_url: str, nats_url: str) -> None:
        self.database_url = database_url
        self.nats_url = nats_url
        self.stream_name = TEST_STREAM


@pytest.fixture(scope="session")
def settings(infra: Infra) -> KitSettings:
    return KitSettings(infra.migrated_database("test_kit", MIGRATIONS), infra.nats_url)


@pytest.fixture(scope="session")
async def database(settings: KitSettings) -> AsyncIterator[Database]:
    db = Database(settings.database_url, pool_size=5)
    yield db
    await db.dispose()


_isolated = isolation()
