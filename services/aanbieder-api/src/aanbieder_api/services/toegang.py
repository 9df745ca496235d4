"""Who acts for an aanbieder, and how a use case is run outside an HTTP request (the portal, file batches).

Client registration: the gemeente registers, per aanbieder, the `client_id` of each provider system
(`POST /aanbieders/{id}/api-clients`). The identity provider issues that client tokens with the claims
`client_id`, `gemeente` and `aanbieder_id` (the aanbieder's id in this gemeente) and scope `voortgang:melden`.
A provider operation is accepted only when the client id is registered, not revoked, for exactly that aanbieder
in exactly that gemeente; anything else is a 403 — also a valid token of another aanbieder's client.
The portal signs its own users in and acts for their aanbieder with `client_id=None` (no client to check).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aanbieder_api.repository.aanbieders import AanbiederRepository
from inburgering_kit.auth import Principal
from inburgering_kit.context import AppWithState, ContextSource, RequestContext, unit_of_work
from inburgering_kit.db import Database
from inburgering_kit.problems import Forbidden


@dataclass(frozen=True)
class Aanbiederidentiteit:
    """The caller on the provider side: its gemeente, its aanbieder and (API only) its registered client."""

    gemeente: str
    aanbieder_id: uuid.UUID
    client_id: str | None

    @classmethod
    def uit_token(cls, principal: Principal) -> Aanbiederidentiteit:
        if principal.gemeente_code is None:
            raise Forbidden("token zonder gemeente")
        if principal.aanbieder_id is None:
            raise Forbidden("token zonder aanbieder_id: alleen aanbieders melden voortgang")
        try:
            aanbieder_id = uuid.UUID(principal.aanbieder_id)
        except ValueError:
            raise Forbidden("aanbieder_id in het token is geen id van een aanbieder") from None
        return cls(principal.gemeente_code, aanbieder_id, principal.client_id)


class ClientNietGeregistreerd(Forbidden):
    code = "client-niet-geregistreerd"
    title = "Deze client is niet (meer) geregistreerd voor deze aanbieder."


async def controleer_client(ctx: RequestContext, wie: Aanbiederidentiteit) -> None:
    if wie.client_id is None:
        return
    if not await AanbiederRepository(ctx.session, wie.gemeente).client_geldig(wie.client_id, wie.aanbieder_id):
        raise ClientNietGeregistreerd(
            f"Client {wie.client_id} is bij deze gemeente niet geregistreerd voor aanbieder {wie.aanbieder_id}; "
            "de gemeente registreert clients via POST /aanbieders/{aanbiederId}/api-clients"
        )


@asynccontextmanager
async def werkcontext(app: AppWithState, principal: Principal) -> AsyncIterator[RequestContext]:
    """A use case's transaction outside a request, committed when the block ends without error (the portal's
    form posts, file batches). Events and processing records are written with the change, as in a request."""
    if principal.gemeente_code is None:
        raise Forbidden("geen gemeente")
    database: Database = app.state.database
    async with unit_of_work(
        database, ContextSource.of(app.state), principal=principal, gemeente=principal.gemeente_code
    ) as ctx:
        yield ctx
