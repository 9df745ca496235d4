"""pytest plugin (loaded from the root configuration): session-wide real infrastructure and helpers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from inburgering_kit.auth import generate_dev_keypair, mint_token
from inburgering_kit.db import Database
from inburgering_kit.embedded import EmbeddedNats, free_port
from inburgering_kit.nats_access import NatsAccess
from inburgering_kit.testing.browser import chromium
from inburgering_kit.testing.infra import Infra

if TYPE_CHECKING:
    from playwright.async_api import Browser

TEST_ISSUER = "https://tokens.test.inburgering.example"
TEST_AUDIENCE = "inburgering-test"


@pytest.fixture(scope="session")
def infra() -> Iterator[Infra]:
    started = Infra.start()
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    """One headless Chromium for the session; tests open their own contexts (cookies, storage) in it."""
    async with chromium() as started:
        yield started


class TokenFactory:
    def __init__(self, directory: Path) -> None:
        self.private_key, self.public_key = generate_dev_keypair(directory)
        self._pem = self.private_key.read_bytes()

    def __call__(
        self,
        *scopes: str,
        gemeente: str | None = "0363",
        client_id: str = "test-client",
        user: str | None = "tester",
        aanbieder_id: str | None = None,
        ttl_seconds: int = 3600,
    ) -> str:
        return mint_token(
            self._pem,
            issuer=TEST_ISSUER,
            audience=TEST_AUDIENCE,
            client_id=client_id,
            scopes=scopes,
            gemeente_code=gemeente,
            aanbieder_id=aanbieder_id,
            user=user,
            ttl_seconds=ttl_seconds,
        )

    def headers(self, *scopes: str, **kwargs: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self(*scopes, **kwargs)}"}  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def nats_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A NATS of one test module's own, with the production users: a cross-service test's streams and consumers never
    meet another module's events (started only where a test asks for it)."""
    server = EmbeddedNats(tmp_path_factory.mktemp("flow-nats"), free_port(), access=NatsAccess.generate())
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def tokens(tmp_path_factory: pytest.TempPathFactory) -> TokenFactory:
    return TokenFactory(tmp_path_factory.mktemp("keys"))


async def truncate_all(database: Database) -> None:
    """Isolation between tests that commit for real (relays, consumers, HTTP requests). A consumer of the session's
    app may hold a row lock on one of the tables while it waits for another; PostgreSQL then breaks the deadlock by
    cancelling one side, and when that side is the truncation it is simply tried again."""
    for attempt in range(10):
        try:
            await _truncate_once(database)
            return
        except DBAPIError as error:
            if getattr(error.orig, "sqlstate", None) != DEADLOCK_DETECTED or attempt == 9:
                raise
            await asyncio.sleep(0.05 * (attempt + 1))


DEADLOCK_DETECTED = "40P01"


async def _truncate_once(database: Database) -> None:
    async with database.engine.begin() as conn:
        tables = (
            (
                await conn.execute(
                    text(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
                    )
                )
            )
            .scalars()
            .all()
        )
        if tables:
            await conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE"))
