"""Every service's migrations build exactly what its models (and the kit's tables) describe, and can be
undone and redone: `create_all` is never what builds a database, so this is where drift would show."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from inburgering_kit.db import asyncpg_url, kit_metadata
from inburgering_kit.migrations import KIT_TABLE_MODULES, downgrade, upgrade
from inburgering_kit.registry import ServiceEntry, load_services
from inburgering_kit.testing.infra import Infra

ROOT = Path(__file__).resolve().parents[1]
assert KIT_TABLE_MODULES  # imported for the kit's table definitions


def _differences(url: str, service: ServiceEntry) -> list[Any]:
    metadata = [service.module("models").Base.metadata, kit_metadata]

    def compare(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))  # type: ignore[arg-type]

    async def run() -> list[Any]:
        engine = create_async_engine(asyncpg_url(url), poolclass=pool.NullPool)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(compare)
        finally:
            await engine.dispose()

    return asyncio.run(run())


@pytest.mark.parametrize("service", [s for s in load_services(ROOT) if s.owns_data], ids=lambda s: s.name)
class TestMigrations:
    def test_migrations_match_the_models_and_round_trip(self, service: ServiceEntry, infra: Infra) -> None:
        url = infra.migrated_database(f"migrations_{service.database}", service.migrations)
        assert _differences(url, service) == []
        downgrade(service.migrations, url)
        upgrade(service.migrations, url)
        assert _differences(url, service) == []
