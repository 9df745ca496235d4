"""`Idempotency-Key` for writes that clients retry (a provider's system at night, a flaky network).

The key is claimed in the request's own transaction, and the answer is stored in that same
transaction (by the request's closing statement, with its events and processing records): either both
the effect and the stored answer exist, or neither. Same key and same body replays the first answer;
same key with another body is a 422. A concurrent retry waits on the key's row lock and then replays.
A replay carries `Idempotent-Replayed: true`; the contract shows that header on every success of every operation
that takes the key, wherever the route declares it (the kit's OpenAPI shaping looks at the header parameter).

A stored answer is kept for the retention period (`idempotency_retention_hours`), then the outbox relay's clean-up
deletes it: a client retries within minutes or hours, not weeks, and a key reused after that is a new request.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Protocol, TypeVar

from fastapi import Depends, Header, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy import DateTime, Index, Integer, String, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from inburgering_kit.db import Database, KitBase, Positional
from inburgering_kit.problems import Conflict, Unprocessable


class RequestContext(Protocol):
    """What an idempotent write needs of `inburgering_kit.context.RequestContext`: named by its shape rather than
    imported, so the context (which imports the outbox, whose relay cleans up this module's keys) and this module
    do not import each other."""

    @property
    def session(self) -> AsyncSession: ...

    @property
    def idempotency_owner(self) -> str: ...

    def store_answer(self, client_id: str, key: str, status_code: int, body_json: str) -> None: ...


REPLAY_HEADER = "Idempotent-Replayed"

T = TypeVar("T")


class IdempotencyKey(KitBase):
    __tablename__ = "idempotency_key"

    client_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[Any] = mapped_column(JSONB, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    # For the retention's clean-up. A btree, not BRIN: BRIN would cost nothing per write, but once the clean-up has
    # freed pages new keys land in them, every block range then spans old and new, and each round would read the
    # whole table. An entry at the right edge of a btree (the time only grows) is the cheapest kind of index insert.
    __table_args__ = (Index("ix_idempotency_key_created_at", "created_at"),)


# A bounded batch per statement, each its own transaction: no lock outlives its batch. The inner select goes
# through the index on created_at (the relay plans each statement for its own parameters, `relay_database`);
# SKIP LOCKED lets another relay's clean-up of the same rows go ahead without waiting.
DELETE_EXPIRED_KEYS = (
    "DELETE FROM idempotency_key WHERE ctid = ANY(ARRAY("
    "SELECT ctid FROM idempotency_key WHERE created_at < now() - make_interval(hours => $1) LIMIT $2 "
    "FOR UPDATE SKIP LOCKED))"
)


async def delete_expired_keys(database: Database, retention_hours: int, batch_size: int = 5000) -> int:
    """Delete the stored answers older than the retention, a batch at a time; returns how many (none when the
    retention is 0: kept for ever)."""
    deleted = 0
    if retention_hours <= 0:
        return deleted
    while True:
        async with database.driver_connection() as conn:
            status = await conn.execute(DELETE_EXPIRED_KEYS, retention_hours, batch_size)
        batch = int(status.rsplit(" ", 1)[-1])
        deleted += batch
        if batch < batch_size:
            return deleted


def _is_json(value: Any) -> bool:
    """Already plain JSON (a handler that serialised its answer once, for the response and the replay)."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_json(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_is_json(v) for v in value)
    return value is None or isinstance(value, str | int | float | bool)


# A concurrent request with the same key waits here (on the key's unique index) until the first one ends.
CLAIM_CTE = (
    "idempotency_claim AS (INSERT INTO idempotency_key (client_id, key, request_hash) VALUES (:i_c, :i_k, :i_h) "
    "ON CONFLICT DO NOTHING RETURNING key)"
)
_CLAIM = text(f"WITH {CLAIM_CTE} SELECT key FROM idempotency_claim")  # noqa: S608 - fixed text


@dataclass
class IdempotencyClaim:
    """The parameters of `CLAIM_CTE`; `won` is set by whoever ran the statement that carried it."""

    params: dict[str, str]
    won: bool | None = None


@dataclass(frozen=True)
class StoredAnswer:
    """An answer as the client gets it, without a web framework: the status and the JSON text (as stored for
    replays); `replayed` when it is the stored answer of an earlier request with the same key. The API layer sends
    it (`as_response`)."""

    status_code: int
    body: str
    replayed: bool = False


@dataclass(frozen=True)
class KeyedRequest:
    """A request's Idempotency-Key for a use case: whose key, the key, and the request's hash. What a use case needs
    to claim the key in its own statements and to store or replay the answer, with no request object in sight."""

    owner: str
    key: str
    request_hash: str

    def claim(self) -> IdempotencyClaim:
        """The claim as a CTE (see `CLAIM_CTE` and `Idempotency.claim`); `settle` says afterwards what it decided."""
        return IdempotencyClaim({"i_c": self.owner, "i_k": self.key, "i_h": self.request_hash})

    async def settle(self, ctx: RequestContext, claim: IdempotencyClaim) -> StoredAnswer | None:
        """After the statement that carried `claim`: None when it won (go on, then `store`), else the replay."""
        if claim.won is None:
            raise RuntimeError("The statement that carries the Idempotency-Key claim has not run.")
        if claim.won:
            return None
        return await read_stored_answer(ctx.session, self.owner, self.key, self.request_hash)

    def store(self, ctx: RequestContext, status_code: int, body: Any) -> StoredAnswer:
        """Keep the answer of a won claim for replays, written by the request's closing statement in the same
        transaction as the effect (`RequestContext.flush`); the answer to send."""
        tekst = _json_text(body)
        ctx.store_answer(self.owner, self.key, status_code, tekst)
        return StoredAnswer(status_code, tekst)

    def replay_of(self, stored_hash: str, status_code: int, response_body: Any) -> StoredAnswer:
        """The stored answer found for this key: replayed for the same request, else a 422."""
        return _replay(stored_hash, self.request_hash, status_code, response_body)

    def claim_with_answer(self, p: Positional, status_code: int, body: Any) -> tuple[str, StoredAnswer]:
        """A CTE body that claims the key with its answer at once, returning a row only when the key was free, and
        the answer to send when it was (serialised once, for both). The caller's statement must write nothing
        unless the claim returned a row, and must fail as a whole when the key was claimed but its own change could
        not be made (the change and the stored answer exist together or not at all)."""
        tekst = _json_text(body)
        return (
            "INSERT INTO idempotency_key (client_id, key, request_hash, status_code, response_body) VALUES ("  # noqa: S608 - placeholders only
            f"{p(self.owner)}, {p(self.key)}, {p(self.request_hash)}, {p(status_code)}, {p(tekst, 'jsonb')}) "
            "ON CONFLICT DO NOTHING RETURNING 1"
        ), StoredAnswer(status_code, tekst)


def as_response(answer: StoredAnswer) -> Response:
    """What the API layer sends for a use case's answer: exactly the stored text, marked when it is a replay."""
    return Response(
        answer.body,
        status_code=answer.status_code,
        media_type="application/json",
        headers={REPLAY_HEADER: "true"} if answer.replayed else None,
    )


class IdempotencyKeyReused(Unprocessable):
    code = "idempotency-key-hergebruikt"
    title = "Deze Idempotency-Key is al gebruikt voor een ander verzoek."


class IdempotencyKeyVerlopen(Conflict):
    code = "idempotency-key-verlopen"
    title = "De uitkomst bij deze Idempotency-Key is zojuist na haar bewaartermijn verwijderd."


class Idempotency:
    """Per request: `await idem.run(ctx, body, status, action)`, or `replay` first and `store` last (or `claim`,
    carried by the service's first statement, and `settle`)."""

    def __init__(self, key: str | None, request: Request) -> None:
        self.key = key
        self.request = request
        self._claimed: tuple[str, str] | None = None

    def _hash(self, body: BaseModel | None) -> str:
        payload = json.dumps(body.model_dump(mode="json", by_alias=True) if body is not None else None, sort_keys=True)
        target = f"{self.request.method} {self.request.scope['path']}"
        return hashlib.sha256(f"{target}\n{payload}".encode()).hexdigest()

    def claim(self, ctx: RequestContext, body: BaseModel | None) -> IdempotencyClaim | None:
        """The claim of this key as a CTE named `idempotency_claim` (see `CLAIM_CTE`) for a service to put in front
        of the first statement of its hot path, saving the claim's own round trip; `settle` says afterwards what the
        claim decided. The service's statement must touch nothing (no row lock either) unless the claim won, so a
        concurrent retry still waits on the key before anything else."""
        if self.key is None:
            return None
        return IdempotencyClaim({"i_c": ctx.idempotency_owner, "i_k": self.key, "i_h": self._hash(body)})

    async def settle(self, ctx: RequestContext, claim: IdempotencyClaim | None) -> JSONResponse | None:
        """After the statement that carried `claim`: None when it won (go on, then `store`), else the replay."""
        if claim is None:
            return None
        if claim.won is None:
            raise RuntimeError("The statement that carries the Idempotency-Key claim has not run.")
        client_id, key, request_hash = claim.params["i_c"], claim.params["i_k"], claim.params["i_h"]
        if claim.won:
            self._claimed = (client_id, key)
            return None
        return await stored_answer(ctx.session, client_id, key, request_hash)

    async def replay(self, ctx: RequestContext, body: BaseModel | None) -> JSONResponse | None:
        claim = self.claim(ctx, body)
        if claim is not None:
            claim.won = (await ctx.session.execute(_CLAIM, claim.params)).first() is not None
        return await self.settle(ctx, claim)

    def keyed(self, ctx: RequestContext, body: BaseModel | None) -> KeyedRequest:
        """This request's key for a use case that claims, stores and replays it itself (a route that requires
        the header: `VereisteIdempotency`)."""
        assert self.key is not None, "the route requires an Idempotency-Key"
        return KeyedRequest(ctx.idempotency_owner, self.key, self._hash(body))

    async def store(self, ctx: RequestContext, status_code: int, response: Any) -> None:
        """Keep the answer for replays: written by the request's closing statement (`RequestContext.flush`), in
        the same transaction as the effect."""
        if self._claimed is None:
            return
        ctx.store_answer(self._claimed[0], self._claimed[1], status_code, _json_text(response))

    async def run(
        self, ctx: RequestContext, body: BaseModel | None, status_code: int, action: Callable[[], Awaitable[T]]
    ) -> T | JSONResponse:
        """Replay the stored answer, or perform `action` and store its answer in the same transaction."""
        replay = await self.replay(ctx, body)
        if replay is not None:
            return replay
        result = await action()
        await self.store(ctx, status_code, result)
        return result


async def stored_answer(session: AsyncSession, client_id: str, key: str, request_hash: str) -> JSONResponse:
    """The answer stored for a key whose claim was lost: replayed for the same request, a 422 for another one."""
    answer = await read_stored_answer(session, client_id, key, request_hash)
    return JSONResponse(json.loads(answer.body), status_code=answer.status_code, headers={REPLAY_HEADER: "true"})


async def read_stored_answer(session: AsyncSession, client_id: str, key: str, request_hash: str) -> StoredAnswer:
    """`stored_answer` without the web framework."""
    row = (
        await session.execute(
            text(
                "SELECT request_hash, status_code, response_body FROM idempotency_key WHERE client_id = :c AND key = :k"
            ),
            {"c": client_id, "k": key},
        )
    ).one_or_none()
    if row is None:
        # Taken when the claim was made, gone now: the retention's clean-up deleted it in between.
        raise IdempotencyKeyVerlopen(
            "Stuur het verzoek opnieuw: het wordt dan als nieuw verzoek verwerkt.", headers={"Retry-After": "1"}
        )
    return _replay(row.request_hash, request_hash, row.status_code, row.response_body)


def _json_text(response: Any) -> str:
    plain = response if _is_json(response) else jsonable_encoder(response, by_alias=True)
    # As Starlette's JSONResponse writes it: the stored text can be sent as it is.
    return json.dumps(plain, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _replay(stored_hash: str, request_hash: str, status_code: int, response_body: Any) -> StoredAnswer:
    if stored_hash != request_hash:
        raise IdempotencyKeyReused(
            "Dezelfde Idempotency-Key met een andere inhoud: gebruik een nieuwe sleutel voor een nieuw verzoek."
        )
    # As the response renders it: JSONB keeps its own key order, so this is the text replays have always sent.
    return StoredAnswer(status_code, _json_text(response_body), replayed=True)


async def idempotency_dependency(
    request: Request,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            pattern=r"^[A-Za-z0-9\-_.:]{8,200}$",
            description="Unieke sleutel per bedoeld verzoek; een herhaling met dezelfde sleutel en inhoud "
            "geeft het eerste antwoord terug.",
        ),
    ] = None,
) -> Idempotency:
    return Idempotency(idempotency_key, request)


IdempotencyDep = Annotated[Idempotency, Depends(idempotency_dependency)]
