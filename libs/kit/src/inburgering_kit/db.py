"""Async PostgreSQL access: one engine per service, one transaction owner per request or handler.

HTTP requests get their session from `session_dependency`, which commits once when the handler
returned and rolls back otherwise. Consumers and jobs use `Database.unit_of_work()`, which rolls back
unless `commit()` was called. Services and repositories only ever `flush()`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Annotated, Any

import asyncpg
from fastapi import Depends, Request
from sqlalchemy import MetaData, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def make_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING_CONVENTION)


# The tables of the kit itself (outbox, inbox, processing log, idempotency keys). Every service's
# migrations create them next to its own tables: Alembic targets both metadata objects.
kit_metadata = make_metadata()


class KitBase(DeclarativeBase):
    metadata = kit_metadata


def asyncpg_url(url: str) -> str:
    """SQLAlchemy URL for asyncpg from a plain `postgresql://` URL."""
    for prefix in ("postgresql+asyncpg://", "postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    raise ValueError("database_url must be a postgresql:// URL")


def plain_url(url: str) -> str:
    """libpq-style URL (for asyncpg.connect and LISTEN connections) from any of our URL spellings."""
    return "postgresql://" + asyncpg_url(url)[len("postgresql+asyncpg://") :]


class Positional:
    """The parameters of a statement written for asyncpg itself (`$1`, `$2`, ...), collected while its text is
    built: `p(value)` or `p(value, "uuid[]")` writes the placeholder and keeps the value in `p.values`."""

    def __init__(self) -> None:
        self.values: list[Any] = []

    def __call__(self, value: Any, cast: str | None = None) -> str:
        self.values.append(value)
        return f"CAST(${len(self.values)} AS {cast})" if cast else f"${len(self.values)}"


class UnitOfWork:
    """A transaction that rolls back unless committed (cosmicpython's unit of work)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._committed = False

    async def commit(self) -> None:
        await self.session.commit()
        self._committed = True


class Database:
    def __init__(
        self, url: str, *, pool_size: int = 20, echo: bool = False, server_settings: dict[str, str] | None = None
    ) -> None:
        self.url = url
        # A fixed pool: overflow connections are opened and closed per burst, and each one costs PostgreSQL a
        # new backend process. Under more concurrency, requests wait for a connection instead.
        self.engine: AsyncEngine = create_async_engine(
            asyncpg_url(url),
            pool_size=pool_size,
            max_overflow=0,
            pool_timeout=30,
            echo=echo,
            connect_args={"server_settings": server_settings} if server_settings else {},
        )
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False, autoflush=False)

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[UnitOfWork]:
        async with self.sessionmaker() as session:
            uow = UnitOfWork(session)
            try:
                yield uow
            finally:
                if not uow._committed:
                    await session.rollback()

    def driver_connection(self) -> AbstractAsyncContextManager[asyncpg.Connection]:
        return driver_connection(self.engine)

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()


@asynccontextmanager
async def driver_connection(engine: AsyncEngine) -> AsyncIterator[asyncpg.Connection]:
    """A connection of the engine's pool as asyncpg itself, outside any ORM session: for hot paths where the ORM's
    own work per statement is a measurable share. Back to the pool when the block ends."""
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()
        yield raw.driver_connection


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


async def session_dependency(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's one transaction: committed after the handler returned, before the response is sent."""
    database = get_database(request)
    async with database.sessionmaker() as session:
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        else:
            await session.commit()


# scope="function": the commit runs when the handler returns, before the response is sent, so a failed
# commit is a 500 and never a 2xx for a change that was not stored.
Session = Annotated[AsyncSession, Depends(session_dependency, scope="function")]


async def ensure_database(server_url: str, name: str) -> None:
    """Create database `name` on the server if it does not exist (embedded or external server)."""
    conn = await asyncpg.connect(plain_url(server_url))
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            # Identifiers cannot be bound parameters; `name` comes from our own service registry.
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


def database_url_for(server_url: str, name: str) -> str:
    """The URL of database `name` on the server that `server_url` points at."""
    base, _, query = server_url.partition("?")
    scheme, _, rest = base.partition("://")
    host = rest.split("/", 1)[0]
    return f"{scheme}://{host}/{name}" + (f"?{query}" if query else "")
