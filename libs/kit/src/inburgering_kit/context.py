"""What a use case needs from the request: the transaction, the caller, its tenant, the outbox and the
processing log — one dependency, so every route gets authentication, tenancy and auditing the same way."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from inburgering_kit.audit import Actie, Verwerkingsactiviteit, Verwerkingslog
from inburgering_kit.auth import Principal, require_any_scope, require_scopes, require_tenant
from inburgering_kit.db import Session
from inburgering_kit.events import CloudEvent, EventData
from inburgering_kit.outbox import EventPublisher


@dataclass
class RequestContext:
    session: AsyncSession
    principal: Principal
    gemeente: str
    publisher: EventPublisher
    log: Verwerkingslog
    api_prefix: str

    @property
    def idempotency_owner(self) -> str:
        """Whose Idempotency-Key it is: the client *within the gemeente it acts for*. One client (COA, DUO, a
        vendor hosting many gemeenten) holds tokens for several gemeenten; keyed by client alone, a replay
        would hand one gemeente's stored answer to another."""
        return f"{self.gemeente}:{self.principal.client_id}"

    async def emit(self, data: EventData, *, subject: uuid.UUID, resource_path: str | None) -> CloudEvent:
        return await self.publisher.publish(
            self.session,
            data,
            subject=subject,
            resource_path=f"{self.api_prefix}{resource_path}" if resource_path else None,
            gemeentecode=self.gemeente,
        )

    async def verwerk(
        self,
        activiteit: Verwerkingsactiviteit,
        actie: Actie,
        *,
        object_type: str,
        object_id: uuid.UUID | str | None,
        betrokkene: str | None,
    ) -> None:
        await self.log.record(
            self.session,
            self.principal,
            activiteit,
            actie,
            object_type=object_type,
            object_id=object_id,
            betrokkene=betrokkene,
        )


def _build(request: Request, session: AsyncSession, principal: Principal) -> RequestContext:
    return RequestContext(
        session=session,
        principal=principal,
        gemeente=require_tenant(principal),
        publisher=request.app.state.publisher,
        log=request.app.state.verwerkingslog,
        api_prefix=request.app.state.api_prefix,
    )


def context(*scopes: str) -> Callable[..., Coroutine[Any, Any, RequestContext]]:
    """Dependency: the caller must hold every one of `scopes`."""
    checker = require_scopes(*scopes)

    async def dependency(request: Request, session: Session, principal: Principal = Depends(checker)) -> RequestContext:
        return _build(request, session, principal)

    return dependency


def context_any(*scopes: str) -> Callable[..., Coroutine[Any, Any, RequestContext]]:
    """Dependency: the caller must hold at least one of `scopes`."""
    checker = require_any_scope(*scopes)

    async def dependency(request: Request, session: Session, principal: Principal = Depends(checker)) -> RequestContext:
        return _build(request, session, principal)

    return dependency
