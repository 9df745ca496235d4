"""The aanbieder's side: its own opdrachten (what changed since it last looked) and its reports, in real time.

A token for these operations carries scope `voortgang:melden`, the gemeente and the `aanbieder_id`, and comes
from a client the gemeente registered for that aanbieder. Another aanbieder's opdracht is a 404.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Path, Query, Response, status

from aanbieder_api.api.deps import VereisteIdempotency, VoortgangMelden
from aanbieder_api.api.schemas import MeldingRead, OpdrachtVersieRead, ToegewezenOpdrachtRead
from aanbieder_api.domain.enums import OpdrachtStatus
from aanbieder_api.domain.melding import Melding
from aanbieder_api.domain.ontvangst import MeldingOntvangen
from aanbieder_api.services import opdrachten, voortgang
from aanbieder_api.services.toegang import Aanbiederidentiteit
from inburgering_kit.idempotency import as_response
from inburgering_kit.pagination import Page, Paging
from inburgering_kit.types import Tijdstip

router = APIRouter(prefix="/toegewezen-opdrachten", tags=["Voor aanbieders"])

OpdrachtId = Annotated[uuid.UUID, Path(alias="opdrachtId", description="Id van de opdracht.")]


@router.get(
    "",
    operation_id="toegewezen_opdracht_list",
    summary="Mijn opdrachten; met `gewijzigdSinds` alleen wat sindsdien veranderde (oudste wijziging eerst)",
)
async def lijst(
    ctx: VoortgangMelden,
    paging: Paging,
    gewijzigd_sinds: Annotated[
        Tijdstip | None,
        Query(alias="gewijzigdSinds", description="De `gewijzigdOp` van de laatst geziene opdracht."),
    ] = None,
    status_: Annotated[OpdrachtStatus | None, Query(alias="status")] = None,
) -> Page[ToegewezenOpdrachtRead]:
    wie = Aanbiederidentiteit.uit_token(ctx.principal)
    rows, total = await opdrachten.lijst_voor_aanbieder(
        ctx, wie, paging, gewijzigd_sinds=gewijzigd_sinds, status=status_.value if status_ else None
    )
    return Page[ToegewezenOpdrachtRead].of([ToegewezenOpdrachtRead.van(r) for r in rows], total, paging)


@router.get("/{opdrachtId:uuid}", operation_id="toegewezen_opdracht_read", summary="Eén opdracht met zijn stand")
async def lees(opdracht_id: OpdrachtId, ctx: VoortgangMelden) -> ToegewezenOpdrachtRead:
    wie = Aanbiederidentiteit.uit_token(ctx.principal)
    return ToegewezenOpdrachtRead.van(await opdrachten.voor_aanbieder(ctx, wie, opdracht_id))


@router.get(
    "/{opdrachtId:uuid}/versies",
    operation_id="toegewezen_opdracht_versie_list",
    summary="De versies, oudste eerst, elk met de velden die veranderden",
)
async def versies(opdracht_id: OpdrachtId, ctx: VoortgangMelden, paging: Paging) -> Page[OpdrachtVersieRead]:
    wie = Aanbiederidentiteit.uit_token(ctx.principal)
    rows, total = await opdrachten.versiepagina_voor_aanbieder(ctx, wie, opdracht_id, paging)
    return Page[OpdrachtVersieRead].of([OpdrachtVersieRead.van(v) for v in rows], total, paging)


@router.post(
    "/{opdrachtId:uuid}/meldingen",
    status_code=status.HTTP_201_CREATED,
    operation_id="toegewezen_opdracht_melden",
    summary="Voortgang melden (start, planning, aanwezigheid, resultaten, uren, niveau, routeadvies, toets)",
    response_model=MeldingOntvangen,
    responses={
        200: {
            "description": "Precies deze melding was er al (via welk kanaal ook); er veranderde niets.",
            "model": MeldingOntvangen,
        },
    },
)
async def meld(
    opdracht_id: OpdrachtId,
    body: Annotated[Melding, Body()],
    ctx: VoortgangMelden,
    idem: VereisteIdempotency,
) -> Response:
    wie = Aanbiederidentiteit.uit_token(ctx.principal)
    return as_response(await voortgang.meld_via_api(ctx, wie, opdracht_id, body, idem.keyed(ctx, body)))


@router.get("/{opdrachtId:uuid}/meldingen", operation_id="toegewezen_opdracht_melding_list", summary="Mijn meldingen")
async def meldingen(opdracht_id: OpdrachtId, ctx: VoortgangMelden, paging: Paging) -> Page[MeldingRead]:
    wie = Aanbiederidentiteit.uit_token(ctx.principal)
    rows, total = await voortgang.meldingen_voor_aanbieder(ctx, wie, opdracht_id, paging)
    return Page[MeldingRead].of([MeldingRead.van(r) for r in rows], total, paging)
