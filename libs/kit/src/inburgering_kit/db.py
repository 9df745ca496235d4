"""Async PostgreSQL access: one engine per service, one transaction owner per request or handler.

HTTP requests get their session from `session_dependency`, which commits once when the handler
returned and rolls back otherwise. Consumers and jobs use `Database.unit_of_work()`, which rolls back
unless `commit()` was called. Services and repositories only ever `flush()`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Annotated, Any, Generic, TypeVar

import asyncpg
from fastapi import Depends, Request
from sqlalchemy import MetaData, event, text
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase

logger = logging.getLogger(__name__)

# How long opening a connection may take: asyncpg's own default (60 s) would hold a request that long when the
# server does not answer at all (a failover in progress).
CONNECT_TIMEOUT_S = 10.0

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
            connect_args={"timeout": CONNECT_TIMEOUT_S}
            | ({"server_settings": server_settings} if server_settings else {}),
        )
        _watch_connections(self.engine)
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


async def for_aggregates(session: AsyncSession) -> None:
    """Prepare the session's transaction for grouped reads over all of a gemeente's rows (the monitoring).

    A plan per execution: asyncpg prepares every statement, and after five executions PostgreSQL may keep a generic
    plan, costed without the gemeente and the period; for these statements that plan joins and groups row by row, far
    slower than the plan for the values at hand, whose planning is small beside the reading (figures in
    bench/results/monitoring-latest.md). More memory per sort and hash: grouping a gemeente's opdrachten per
    (aanbieder, person) spilled to disk at the default. Both for this transaction only (`SET LOCAL`)."""
    await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    await session.execute(text("SET LOCAL work_mem = '32MB'"))


T = TypeVar("T")
R = TypeVar("R")


class Aggregaten(Generic[R]):
    """The grouped reads of one monitoring computation side by side, each on a session of its own (prepared by
    `for_aggregates`) with the repository `repository` makes for it, at most `tegelijk` at a time: each statement
    keeps one PostgreSQL backend busy on one core, so with cores to spare the answer waits for the longest reads
    instead of their sum. Each read sees its own snapshot: figures of different tables may be a moment apart, as
    figures that are reused for a while already are. Without an engine behind the session (one made by hand) the
    reads run one after the other on it."""

    def __init__(self, session: AsyncSession, repository: Callable[[AsyncSession], R], tegelijk: int = 2) -> None:
        self._session = session
        self._repository = repository
        self._engine = session.bind if isinstance(session.bind, AsyncEngine) else None
        self._ruimte = asyncio.Semaphore(tegelijk if self._engine is not None else 1)

    async def lees(self, lezen: Callable[[R], Awaitable[T]]) -> T:
        async with self._ruimte:
            if self._engine is None:
                await for_aggregates(self._session)
                return await lezen(self._repository(self._session))
            async with AsyncSession(self._engine) as session:
                await for_aggregates(session)
                return await lezen(self._repository(session))


@asynccontextmanager
async def driver_connection(engine: AsyncEngine) -> AsyncIterator[asyncpg.Connection]:
    """A connection of the engine's pool as asyncpg itself, outside any ORM session: for hot paths where the ORM's
    own work per statement is a measurable share. Back to the pool when the block ends."""
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()
        driver: asyncpg.Connection = raw.driver_connection
        try:
            yield driver
        except BaseException:
            # asyncpg's own errors never pass SQLAlchemy's execute path, which is what invalidates a connection
            # that broke: without this the pool would hand the dead connection out again, for ever.
            if driver.is_closed():
                await conn.invalidate()
            raise


def _watch_connections(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "checkout")
    def discard_closed(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        # A pre-ping without the round trip: a server that restarted (or ended the backend) closed the socket, and
        # asyncpg noticed while the connection sat in the pool. The pool then opens a fresh one instead, so the
        # first request after a restart succeeds. A connection that died without a word is caught on first use.
        if dbapi_connection.driver_connection.is_closed():
            raise DisconnectionError("connection closed while in the pool")

    @event.listens_for(engine.sync_engine, "connect")
    def connected(dbapi_connection: Any, record: Any) -> None:
        availability.restored()


# SQLSTATEs of a server that is away or going away: connection exceptions (class 08), admin/crash shutdown, and
# "cannot connect now" while it starts or stops.
_UNAVAILABLE_STATES = ("08", "57P01", "57P02", "57P03")


def database_unavailable(exc: BaseException) -> bool:
    """Whether `exc` says the database cannot be reached (rather than that a statement was wrong)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, DBAPIError) and current.connection_invalidated:
            return True
        state = getattr(current, "sqlstate", None)
        if isinstance(state, str) and state.startswith(_UNAVAILABLE_STATES):
            return True
        if isinstance(current, asyncpg.ConnectionDoesNotExistError):
            return True
        if isinstance(current, asyncpg.InterfaceError) and "connection is closed" in str(current):
            return True
        if isinstance(current, OSError) and _raised_in_driver(current):
            # Refused, reset, unreachable, or a connect that timed out: asyncpg's socket, not a file of ours.
            return True
        current = getattr(current, "orig", None) or current.__cause__ or current.__context__
    return False


def _raised_in_driver(exc: BaseException) -> bool:
    tb = exc.__traceback__
    while tb is not None:
        if "asyncpg" in tb.tb_frame.f_code.co_filename or "sqlalchemy" in tb.tb_frame.f_code.co_filename:
            return True
        tb = tb.tb_next
    return False


class Availability:
    """Whether the process currently sees the database as away: an outage is logged once when the first request
    fails on it and once when a new connection succeeds again, not a traceback per request."""

    def __init__(self) -> None:
        self.lost_at: float | None = None

    def lost(self, exc: BaseException) -> None:
        if self.lost_at is None:
            self.lost_at = time.monotonic()
            logger.warning("database unreachable (%s); answering 503 until it is back", type(exc).__name__)

    def restored(self) -> None:
        if self.lost_at is not None:
            logger.warning("database reachable again after %.1fs", time.monotonic() - self.lost_at)
            self.lost_at = None


availability = Availability()


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
