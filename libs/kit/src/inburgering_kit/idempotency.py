"""`Idempotency-Key` for writes that clients retry (a provider's system at night, a flaky network).

The key is claimed in the request's own transaction, and the answer is stored in that same
transaction (by the request's closing statement, with its events and processing records): either both
the effect and the stored answer exist, or neither. Same key and same body replays the first answer;
same key with another body is a 422. A concurrent retry waits on the key's row lock and then replays.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import DateTime, Integer, String, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from inburgering_kit.context import RequestContext
from inburgering_kit.db import KitBase
from inburgering_kit.problems import Unprocessable

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


def _is_json(value: Any) -> bool:
    """Already plain JSON (a handler that serialised its answer once, for the response and the replay)."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_json(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_is_json(v) for v in value)
    return value is None or isinstance(value, str | int | float | bool)


class IdempotencyKeyReused(Unprocessable):
    code = "idempotency-key-hergebruikt"
    title = "Deze Idempotency-Key is al gebruikt voor een ander verzoek."


class Idempotency:
    """Per request: `await idem.run(ctx, body, status, action)`, or `replay` first and `store` last."""

    def __init__(self, key: str | None, request: Request) -> None:
        self.key = key
        self.request = request
        self._claimed: tuple[str, str] | None = None

    def _hash(self, body: BaseModel | None) -> str:
        payload = json.dumps(body.model_dump(mode="json", by_alias=True) if body is not None else None, sort_keys=True)
        target = f"{self.request.method} {self.request.scope['path']}"
        return hashlib.sha256(f"{target}\n{payload}".encode()).hexdigest()

    async def replay(self, ctx: RequestContext, body: BaseModel | None) -> JSONResponse | None:
        if self.key is None:
            return None
        session, client_id = ctx.session, ctx.idempotency_owner
        request_hash = self._hash(body)
        claimed = (
            await session.execute(
                text(
                    "INSERT INTO idempotency_key (client_id, key, request_hash) VALUES (:c, :k, :h) "
                    "ON CONFLICT DO NOTHING RETURNING key"
                ),
                {"c": client_id, "k": self.key, "h": request_hash},
            )
        ).first()
        if claimed is not None:
            self._claimed = (client_id, self.key)
            return None
        row = (
            await session.execute(
                text(
                    "SELECT request_hash, status_code, response_body FROM idempotency_key "
                    "WHERE client_id = :c AND key = :k"
                ),
                {"c": client_id, "k": self.key},
            )
        ).one()
        if row.request_hash != request_hash:
            raise IdempotencyKeyReused(
                "Dezelfde Idempotency-Key met een andere inhoud: gebruik een nieuwe sleutel voor een nieuw verzoek."
            )
        return JSONResponse(row.response_body, status_code=row.status_code, headers={REPLAY_HEADER: "true"})

    async def store(self, ctx: RequestContext, status_code: int, response: Any) -> None:
        """Keep the answer for replays: written by the request's closing statement (`RequestContext.flush`), in
        the same transaction as the effect."""
        if self._claimed is None:
            return
        body = json.dumps(response if _is_json(response) else jsonable_encoder(response, by_alias=True))
        ctx.store_answer(self._claimed[0], self._claimed[1], status_code, body)

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
