"""Bulk exports of one gemeente and one period as NDJSON, streamed (the CBS delivery, Wi art. 35 lid 4): one line per
inburgeraar, ordered by its id, read in keyset batches on one read-only snapshot, so an export of 100,000 persons
never holds more than one batch in memory and every line reflects the same moment.

The ordering is the one every exporting context shares: PostgreSQL orders a uuid by its bytes, which is the order of
its lowercase hex text, so the consumer merges the contexts' streams by comparing the id strings.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import date
from typing import Annotated

import asyncpg
from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from inburgering_kit.audit import Actie, Verwerkingsactiviteit
from inburgering_kit.context import RequestContext, context
from inburgering_kit.problems import Forbidden, Unprocessable, invalid

NDJSON = "application/x-ndjson"
BATCH = 2000
# A period longer than a year is no delivery period (CBS asks per year or quarter); it also bounds the work.
MAX_DAGEN = 366

# (inburgeraar id, JSON line) per person after `na` (None: from the start), at most `limit`, ordered by id.
Batch = Callable[[asyncpg.Connection, uuid.UUID | None, int], Awaitable[list[tuple[uuid.UUID, str]]]]
Telling = Callable[[asyncpg.Connection], Awaitable[int]]
# A connection of the service's pool outside any request transaction (`RequestContext.own_connection`).
Verbinding = Callable[[], AbstractAsyncContextManager[asyncpg.Connection]]


@dataclass(frozen=True)
class Exportperiode:
    gemeente: str
    van: date
    tot: date

    @property
    def kenmerk(self) -> str:
        """How the processing log names the export: the gemeente and the half-open period."""
        return f"{self.gemeente}:{self.van.isoformat()}/{self.tot.isoformat()}"


def exportperiode(token_gemeente: str, gemeentecode: str, van: date, tot: date) -> Exportperiode:
    """The period asked for, checked: `tot` exclusive, after `van`, at most a year; only the token's gemeente."""
    fouten = []
    if tot <= van:
        fouten.append(invalid("tot", "ligt niet na van", "periode-ongeldig"))
    elif (tot - van).days > MAX_DAGEN:
        fouten.append(invalid("tot", f"de periode is langer dan {MAX_DAGEN} dagen", "periode-te-lang"))
    if fouten:
        raise Unprocessable("De periode is ongeldig", invalid_params=fouten)
    if gemeentecode != token_gemeente:
        raise Forbidden("Dit token exporteert alleen de eigen gemeente")
    return Exportperiode(gemeentecode, van, tot)


async def aantal(verbinding: Verbinding, telling: Telling) -> int:
    async with verbinding() as conn:
        return await telling(conn)


# Called with a connection outside the snapshot and the ids of a batch, before that batch is sent.
Vastlegging = Callable[[asyncpg.Connection, list[uuid.UUID]], Awaitable[None]]


async def regels(
    verbinding: Verbinding, batch: Batch, *, grootte: int = BATCH, vastleggen: Vastlegging | None = None
) -> AsyncIterator[bytes]:
    """The lines of every batch, one chunk per batch, from one REPEATABLE READ snapshot (read-only) on a connection
    of its own: the request's transaction is over before a streamed body is sent. `vastleggen` writes what a batch
    processed on a second connection, committed before the batch leaves: a client that hangs up halfway leaves the
    records of what it was sent, and the snapshot stays read-only."""
    async with verbinding() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        na: uuid.UUID | None = None
        while True:
            rows = await batch(conn, na, grootte)
            if not rows:
                return
            if vastleggen is not None:
                async with verbinding() as schrijf:
                    await vastleggen(schrijf, [i for i, _ in rows])
            yield "".join(f"{line}\n" for _, line in rows).encode()
            if len(rows) < grootte:
                return
            na = rows[-1][0]


# --- The route every exporting context offers ------------------------------------------------------------------------

SCOPE_CBS_EXPORT = "cbs:export"
CBS_LEVERING = Verwerkingsactiviteit(
    "verstrekken gegevens voor de levering aan het CBS",
    "Wi art. 35 lid 4 (gegevenslevering door gemeenten aan het CBS, voor statistiek)",
)

CbsExporteur = Annotated[RequestContext, Depends(context(SCOPE_CBS_EXPORT), scope="function")]

# What a context hands the route: the number of persons and how to read them in batches, for the checked period.
Exporteur = Callable[[RequestContext, Exportperiode], Awaitable[tuple[int, Batch]]]


def vastlegging(ctx: RequestContext, periode: Exportperiode) -> Vastlegging:
    """One processing record per person exported, under the person's betrokkene pseudonym, so the privacy officer's
    search for a person finds the delivery to CBS; one statement per batch."""

    async def vastleggen(conn: asyncpg.Connection, ids: list[uuid.UUID]) -> None:
        await ctx.log.record_many_on(
            conn,
            ctx.principal,
            CBS_LEVERING,
            Actie.LEZEN,
            object_type="cbs-export",
            subjects=[(periode.kenmerk, ctx.log.betrokkene_van(i)) for i in ids],
        )

    return vastleggen


def cbs_export_router(exporteer: Exporteur, beschrijving: str) -> APIRouter:
    """`GET /cbs-export?gemeentecode=&van=&tot=`: this context's part of the CBS delivery, for the gemeente's chain
    exchange only (scope `cbs:export`), logged once as an export and once per person exported, with its legal ground."""
    router = APIRouter(tags=["CBS"])

    @router.get(
        "/cbs-export",
        operation_id="cbs_export",
        summary="Het deel van deze context in de levering aan het CBS (Wi art. 35 lid 4), als NDJSON-stroom",
        description=beschrijving,
        response_class=StreamingResponse,
        # A period that is no period: 422 naming the field, as for a body.
        openapi_extra={"x-problems": ["422"]},
        responses={
            200: {
                "description": "Eén regel JSON per inburgeraar, op `inburgeraarId` geordend.",
                "content": {NDJSON: {"schema": {"type": "string"}}},
                "headers": {
                    "X-Total-Count": {"description": "Aantal regels in de stroom.", "schema": {"type": "integer"}}
                },
            }
        },
    )
    async def cbs_export(
        ctx: CbsExporteur,
        gemeentecode: Annotated[str, Query(pattern=r"^[0-9]{4}$", description="De eigen gemeente.")],
        van: Annotated[date, Query(description="Begin van de periode (inclusief).")],
        tot: Annotated[date, Query(description="Einde van de periode (exclusief): de peildatum van de stand.")],
    ) -> StreamingResponse:
        periode = exportperiode(ctx.gemeente, gemeentecode, van, tot)
        totaal, batch = await exporteer(ctx, periode)
        # The export as such (even of no one), beside the record per person the stream writes.
        await ctx.verwerk(
            CBS_LEVERING, Actie.LEZEN, object_type="cbs-export", object_id=periode.kenmerk, betrokkene=None
        )
        stroom = regels(ctx.own_connection, batch, vastleggen=vastlegging(ctx, periode))
        return StreamingResponse(stroom, media_type=NDJSON, headers={"X-Total-Count": str(totaal)})

    return router
