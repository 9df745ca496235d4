"""The fixtures every service's suite needs, made by one factory: its migrated database, its settings for the
session's servers, its app with the lifespan run, the app's database and an HTTP client on the app.

A service's `tests/conftest.py`:

    database_url, settings, app, database, client = service_fixtures(
        create_app, Settings, database="test_pip_api", migrations=MIGRATIONS
    )

pytest finds the fixtures by the names they were made with, whatever the module calls them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import httpx
import pytest
from fastapi import FastAPI

from inburgering_kit.auth import AuthSettings
from inburgering_kit.db import Database
from inburgering_kit.settings import ServiceSettings
from inburgering_kit.testing.infra import Infra
from inburgering_kit.testing.plugin import TEST_AUDIENCE, TEST_ISSUER, TokenFactory, truncate_all

S = TypeVar("S", bound=ServiceSettings)

# One stream for the whole test session: JetStream refuses two streams over `nl.inburgering.>`.
TEST_STREAM = "INBURGERING_TEST"


class ServiceFixtures(NamedTuple):
    database_url: Any
    settings: Any
    app: Any
    database: Any
    client: Any


def service_fixtures(
    create_app: Callable[[S], FastAPI],
    settings_class: type[S],
    *,
    database: str,
    migrations: Path,
    overrides: Callable[[pytest.TempPathFactory], Mapping[str, Any]] | None = None,
) -> ServiceFixtures:
    """Session fixtures `database_url`, `settings`, `app`, `database` and the per-test `client`. The settings
    leave the relay off (the tests that need it start it, so they control when it runs and when it dies);
    `overrides` adds or replaces fields, from a function so it can make folders or keys per session."""

    @pytest.fixture(scope="session", name="database_url")
    def database_url_fixture(infra: Infra) -> str:
        return infra.migrated_database(database, migrations)

    @pytest.fixture(scope="session", name="settings")
    def settings_fixture(
        database_url: str, infra: Infra, tokens: TokenFactory, tmp_path_factory: pytest.TempPathFactory
    ) -> S:
        fields: dict[str, Any] = {
            "environment": "test",
            "database_url": database_url,
            "nats_url": infra.nats_url,
            "public_base_url": "http://test",
            "auth": AuthSettings(issuers=[TEST_ISSUER], audience=TEST_AUDIENCE, public_key_file=tokens.public_key),
            "run_relay": False,
            # Tests write and then read the figures at once: no reuse of an earlier answer.
            "monitoring_max_leeftijd_s": 0,
            "stream_name": TEST_STREAM,
        }
        if overrides is not None:
            fields |= overrides(tmp_path_factory)
        return settings_class(**fields)

    @pytest.fixture(scope="session", name="app")
    async def app_fixture(settings: S) -> AsyncIterator[FastAPI]:
        application = create_app(settings)
        async with application.router.lifespan_context(application):
            yield application

    @pytest.fixture(scope="session", name="database")
    def database_fixture(app: FastAPI) -> Database:
        db: Database = app.state.database
        return db

    @pytest.fixture(name="client")
    async def client_fixture(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
            yield c

    return ServiceFixtures(database_url_fixture, settings_fixture, app_fixture, database_fixture, client_fixture)


def isolation(settle: Callable[[Database], Awaitable[None]] | None = None) -> Any:
    """An autouse fixture that empties the service's tables after each test: requests, relays and consumers commit
    for real, so tests clean up after themselves. `settle` first waits for what a background worker still does
    with a test's rows, so the truncation does not race it."""

    @pytest.fixture(autouse=True, name="_isolated")
    async def isolated(database: Database) -> AsyncIterator[None]:
        yield
        if settle is not None:
            await settle(database)
        await truncate_all(database)

    return isolated


class Running:
    """An application with its lifespan entered (relay and consumers running) and a client to it."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self._stack = AsyncExitStack()
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")

    async def start(self) -> Running:
        await self._stack.enter_async_context(self.app.router.lifespan_context(self.app))
        await self._stack.enter_async_context(self.client)
        return self

    async def stop(self) -> None:
        await self._stack.aclose()
