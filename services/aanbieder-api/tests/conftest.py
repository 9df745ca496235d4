from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from aanbieder_api.main import create_app
from aanbieder_api.settings import Settings
from inburgering_kit.auth import AuthSettings
from inburgering_kit.db import Database
from inburgering_kit.testing.infra import Infra
from inburgering_kit.testing.plugin import TEST_AUDIENCE, TEST_ISSUER, TokenFactory

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


@pytest.fixture(scope="session")
def database_url(infra: Infra) -> str:
    return infra.migrated_database("test_aanbieder_api", MIGRATIONS)


@pytest.fixture(scope="session")
def settings(
    database_url: str, infra: Infra, tokens: TokenFactory, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        nats_url=infra.nats_url,
        public_base_url="http://test",
        auth=AuthSettings(issuers=[TEST_ISSUER], audience=TEST_AUDIENCE, public_key_file=tokens.public_key),
        # The relay is started by the tests that need it; the PIP projection and the upload worker run with the app.
        run_relay=False,
        # One stream for the whole test session: JetStream refuses two streams over `nl.inburgering.>`.
        stream_name="INBURGERING_TEST",
        upload_dir=tmp_path_factory.mktemp("aanleveringen"),
        upload_poll_seconden=0.5,
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
