from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet
from fastapi import FastAPI

from inburgering_kit.auth import AuthSettings
from inburgering_kit.db import Database
from inburgering_kit.testing.infra import Infra
from inburgering_kit.testing.plugin import TEST_AUDIENCE, TEST_ISSUER, TokenFactory
from notificaties.main import create_app
from notificaties.settings import Settings

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


@pytest.fixture(scope="session")
def database_url(infra: Infra) -> str:
    return infra.migrated_database("test_notificaties", MIGRATIONS)


@pytest.fixture(scope="session")
def settings(database_url: str, infra: Infra, tokens: TokenFactory) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        nats_url=infra.nats_url,
        public_base_url="http://test",
        auth=AuthSettings(issuers=[TEST_ISSUER], audience=TEST_AUDIENCE, public_key_file=tokens.public_key),
        run_relay=False,
        # Delivery is started by the tests that need it, so they control when it runs and when it stops.
        run_delivery=False,
        # The receivers in these tests listen on loopback over plain HTTP.
        allow_http=True,
        allow_private_addresses=True,
        encryption_key=Fernet.generate_key().decode(),
        stream_name="INBURGERING_TEST",
        consumer_durable="test-notificaties",
        max_attempts=3,
        backoff_base_seconds=0.05,
        backoff_max_seconds=0.2,
        delivery_timeout_seconds=1.0,
        poll_interval_seconds=0.05,
    )


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="session")
def database(app: FastAPI) -> Database:
    db: Database = app.state.database
    return db


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
        yield c
