"""What a use case needs from the request: the transaction, the caller, its tenant, the outbox and the
processing log — one dependency, so every route gets authentication, tenancy and auditing the same way.

Events, processing records and the answer to an `Idempotency-Key` of a request are collected while it runs
and written together, in one statement, when the handler has returned: in the same transaction as the
change, committed or rolled back with it, at the cost of one round trip instead of one per row.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

import asyncpg
from fastapi import Depends, Request
from sqlalchemy import TextClause, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from inburgering_kit.audit import VERWERKING_COLUMNS, Actie, Verwerkingsactiviteit, Verwerkingslog
from inburgering_kit.auth import Principal, require_scopes, require_tenant
from inburgering_kit.db import Database, Positional, driver_connection, get_database
from inburgering_kit.events import CloudEvent, EventData
from inburgering_kit.outbox import EventPublisher, outbox_row

_OUTBOX_COLUMNS = (("id", "uuid"), ("subject", "text"), ("event", "jsonb"))
_VERWERKING_TYPES = {"id": "uuid"}


def _unnest(table: str, columns: Sequence[tuple[str, str]], arrays: Sequence[str], extra: str = "") -> str:
    names = ", ".join(name for name, _ in columns)
    return f"INSERT INTO {table} ({names}{', at' if extra else ''}) SELECT *{extra} FROM unnest({', '.join(arrays)})"  # noqa: S608 - fixed names


def _named(columns: Sequence[tuple[str, str]], prefix: str) -> list[str]:
    return [f"CAST(:{prefix}{name} AS {kind}[])" for name, kind in columns]


_VERWERKING = [(c, _VERWERKING_TYPES.get(c, "text")) for c in VERWERKING_COLUMNS]
_OUTBOX_SQL = _unnest("outbox", _OUTBOX_COLUMNS, _named(_OUTBOX_COLUMNS, "o_"))
_VERWERKING_SQL = _unnest("verwerking", _VERWERKING, _named(_VERWERKING, "v_"), extra=", now()")
_ANSWER_SQL = (
    "UPDATE idempotency_key SET status_code = :i_s, response_body = CAST(:i_b AS jsonb) "
    "WHERE client_id = :i_c AND key = :i_k"
)


def _combined(parts: Sequence[str]) -> TextClause:
    """One statement of several writes: all but the last as data-modifying CTEs. The outbox trigger notifies the
    relay once per statement, however many rows it holds."""
    *first, last = parts
    ctes = ", ".join(f"w{n} AS ({part})" for n, part in enumerate(first))
    return text(f"WITH {ctes} {last}" if ctes else last)


# Per combination of (events, processing records, an Idempotency-Key answer): prepared once.
_FLUSH = {
    key: _combined(
        [sql for present, sql in zip(key, (_OUTBOX_SQL, _VERWERKING_SQL, _ANSWER_SQL), strict=True) if present]
    )
    for key in itertools.product((False, True), repeat=3)
    if any(key)
}


def _columns(rows: list[dict[str, Any]], names: Sequence[tuple[str, str]], prefix: str) -> dict[str, list[Any]]:
    return {f"{prefix}{name}": [row[name] for row in rows] for name, _ in names}


@dataclass
class RequestContext:
    session: AsyncSession
    principal: Principal
    gemeente: str
    publisher: EventPublisher
    log: Verwerkingslog
    api_prefix: str
    _events: list[dict[str, Any]] = field(default_factory=list)
    _records: list[dict[str, Any]] = field(default_factory=list)
    _answer: dict[str, Any] | None = None

    @property
    def idempotency_owner(self) -> str:
        """Whose Idempotency-Key it is: the client *within the gemeente it acts for*. One client (COA, DUO, a
        vendor hosting many gemeenten) holds tokens for several gemeenten; keyed by client alone, a replay
        would hand one gemeente's stored answer to another."""
        return f"{self.gemeente}:{self.principal.client_id}"

    async def emit(self, data: EventData, *, subject: uuid.UUID, resource_path: str | None) -> CloudEvent:
        event = self.publisher.build(
            data,
            subject=subject,
            resource_path=f"{self.api_prefix}{resource_path}" if resource_path else None,
            gemeentecode=self.gemeente,
        )
        self._events.append(outbox_row(event))
        return event

    async def verwerk(
        self,
        activiteit: Verwerkingsactiviteit,
        actie: Actie,
        *,
        object_type: str,
        object_id: uuid.UUID | str | None,
        betrokkene: str | None,
    ) -> None:
        await self.verwerk_alle(activiteit, actie, object_type=object_type, subjects=[(object_id, betrokkene)])

    async def verwerk_alle(
        self,
        activiteit: Verwerkingsactiviteit,
        actie: Actie,
        *,
        object_type: str,
        subjects: Sequence[tuple[uuid.UUID | str | None, str | None]],
    ) -> None:
        self._records.extend(
            self.log.rows(self.principal, activiteit, actie, object_type=object_type, subjects=subjects)
        )

    def own_connection(self) -> AbstractAsyncContextManager[asyncpg.Connection]:
        """A connection of the pool outside the request's transaction, asyncpg itself: for a hot path that reads in
        one statement and writes in one, each committing on its own (no BEGIN and COMMIT round trips, no ORM). The
        write then carries what the request collected: see `writes`."""
        engine = self.session.bind
        assert isinstance(engine, AsyncEngine)
        return driver_connection(engine)

    def writes(self, p: Positional, guard: str) -> list[str]:
        """The events and processing records collected so far, as data-modifying CTEs for the caller's one
        statement on `own_connection`: each writes only if CTE `guard` returned a row. They are handed over:
        `flush` no longer writes them."""
        events, records = self._events, self._records
        self._events, self._records = [], []
        parts = []
        for table, rows, columns, extra in (
            ("outbox", events, _OUTBOX_COLUMNS, ""),
            ("verwerking", records, _VERWERKING, ", now()"),
        ):
            if rows:
                arrays = [p([row[name] for row in rows], f"{kind}[]") for name, kind in columns]
                parts.append(f"{_unnest(table, columns, arrays, extra)} WHERE EXISTS (SELECT 1 FROM {guard})")  # noqa: S608 - fixed names
        return parts

    def store_answer(self, client_id: str, key: str, status_code: int, body_json: str) -> None:
        """The answer of a claimed Idempotency-Key, written with the request's events and records (see `flush`)."""
        self._answer = {"i_c": client_id, "i_k": key, "i_s": status_code, "i_b": body_json}

    async def flush(self) -> None:
        """Write what the request collected, in one statement; called once the handler has returned, before the
        commit."""
        events, records, answer = self._events, self._records, self._answer
        self._events, self._records, self._answer = [], [], None
        if not (events or records or answer):
            return
        params: dict[str, Any] = {}
        if events:
            params |= _columns(events, _OUTBOX_COLUMNS, "o_")
        if records:
            params |= _columns(records, _VERWERKING, "v_")
        if answer:
            params |= answer
        await self.session.execute(_FLUSH[bool(events), bool(records), bool(answer)], params)


class AppWithState(Protocol):
    """An application as use cases that run outside a request see it: only its state (database, publisher,
    processing log, API prefix), so the service layer needs no web framework to be handed one."""

    @property
    def state(self) -> Any: ...


@dataclass(frozen=True)
class ContextSource:
    """What a context takes from its service rather than from its caller: the event publisher, the processing log
    and the API prefix of resource paths (the app's state holds them)."""

    publisher: EventPublisher
    log: Verwerkingslog
    api_prefix: str

    @classmethod
    def of(cls, state: Any) -> ContextSource:
        return cls(state.publisher, state.verwerkingslog, state.api_prefix)

    def context(self, session: AsyncSession, principal: Principal, gemeente: str) -> RequestContext:
        return RequestContext(
            session=session,
            principal=principal,
            gemeente=gemeente,
            publisher=self.publisher,
            log=self.log,
            api_prefix=self.api_prefix,
        )


@asynccontextmanager
async def work_in(
    session: AsyncSession, source: ContextSource, *, principal: Principal, gemeente: str
) -> AsyncIterator[RequestContext]:
    """Background work (a consumer's handler, a job) as a use case sees a request, in `session`'s transaction: what
    it emits and records is written when the block ends without error; whoever owns the session commits."""
    ctx = source.context(session, principal, gemeente)
    yield ctx
    await ctx.flush()


@asynccontextmanager
async def unit_of_work(
    database: Database, source: ContextSource, *, principal: Principal, gemeente: str
) -> AsyncIterator[RequestContext]:
    """Background work in a transaction of its own, committed with what it emitted and recorded when the block ends
    without error, rolled back otherwise."""
    async with database.unit_of_work() as uow:
        async with work_in(uow.session, source, principal=principal, gemeente=gemeente) as ctx:
            yield ctx
        await uow.commit()


def _build(request: Request, session: AsyncSession, principal: Principal) -> RequestContext:
    return ContextSource.of(request.app.state).context(session, principal, require_tenant(principal))


def _context_dependency(checker: Callable[..., Any]) -> Callable[..., AsyncIterator[RequestContext]]:
    async def dependency(request: Request, principal: Principal = Depends(checker)) -> AsyncIterator[RequestContext]:
        # The request's one transaction (see `db.session_dependency`), opened here rather than by a separate
        # dependency: one generator per request instead of two.
        async with get_database(request).sessionmaker() as session:
            ctx = _build(request, session, principal)
            try:
                yield ctx
                # Reached only when the handler returned: a failed request writes no events and no records.
                await ctx.flush()
            except BaseException:
                await session.rollback()
                raise
            else:
                await session.commit()

    return dependency


def context(*scopes: str) -> Callable[..., AsyncIterator[RequestContext]]:
    """Dependency (use with `scope="function"`): the caller must hold every one of `scopes`."""
    return _context_dependency(require_scopes(*scopes))
