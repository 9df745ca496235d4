"""Voortgangsgesprekken under a PIP: plan one, record it as held or the inburgeraar as not appearing, list them."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response, status

from inburgering_kit.context import RequestContext, context
from pip_api import scopes
from pip_api.api.schemas import (
    VoortgangsgesprekCreate,
    VoortgangsgesprekNietVerschenen,
    VoortgangsgesprekRead,
    VoortgangsgesprekVastleggen,
)
from pip_api.services import voortgang as use_cases

router = APIRouter(prefix="/pips/{pipId:uuid}/voortgangsgesprekken", tags=["Voortgangsgesprekken"])

Lezen = Annotated[RequestContext, Depends(context(scopes.PIP_LEZEN), scope="function")]
Schrijven = Annotated[RequestContext, Depends(context(scopes.PIP_SCHRIJVEN), scope="function")]
PipId = Annotated[uuid.UUID, Path(alias="pipId", description="Id van het PIP.")]
GesprekId = Annotated[uuid.UUID, Path(alias="gesprekId", description="Id van het voortgangsgesprek.")]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    operation_id="voortgangsgesprek_create",
    summary="Een voortgangsgesprek plannen (of een gehouden gesprek vastleggen)",
    responses={201: {"headers": {"Location": {"description": "URL van het gesprek.", "schema": {"type": "string"}}}}},
)
async def plan(
    pip_id: PipId, body: VoortgangsgesprekCreate, ctx: Schrijven, response: Response
) -> VoortgangsgesprekRead:
    gesprek = await use_cases.plan(
        ctx,
        pip_id,
        gepland=body.gepland_datum,
        gehouden=body.gehouden_datum,
        uitkomst=body.uitkomst,
        afspraken=list(body.afspraken),
    )
    response.headers["Location"] = f"{ctx.api_prefix}{use_cases.pad(pip_id, gesprek.id)}"
    return VoortgangsgesprekRead.van(gesprek)


@router.get("", operation_id="voortgangsgesprek_list", summary="De voortgangsgesprekken van het PIP")
async def lijst(pip_id: PipId, ctx: Lezen) -> list[VoortgangsgesprekRead]:
    return [VoortgangsgesprekRead.van(g) for g in await use_cases.lijst(ctx, pip_id)]


@router.post(
    "/{gesprekId:uuid}/_vastleggen",
    operation_id="voortgangsgesprek_vastleggen",
    summary="Een gepland gesprek vastleggen als gehouden, met uitkomst en afspraken",
)
async def leg_vast(
    pip_id: PipId, gesprek_id: GesprekId, body: VoortgangsgesprekVastleggen, ctx: Schrijven
) -> VoortgangsgesprekRead:
    gesprek = await use_cases.leg_vast(
        ctx, pip_id, gesprek_id, gehouden=body.gehouden_datum, uitkomst=body.uitkomst, afspraken=list(body.afspraken)
    )
    return VoortgangsgesprekRead.van(gesprek)


@router.post(
    "/{gesprekId:uuid}/niet-verschenen",
    operation_id="voortgangsgesprek_niet_verschenen",
    summary="Vastleggen dat de inburgeraar niet verscheen op een gepland gesprek (eenmaal; herhalen verandert niets)",
)
async def niet_verschenen(
    pip_id: PipId, gesprek_id: GesprekId, body: VoortgangsgesprekNietVerschenen, ctx: Schrijven
) -> VoortgangsgesprekRead:
    return VoortgangsgesprekRead.van(await use_cases.niet_verschenen(ctx, pip_id, gesprek_id, reden=body.reden))
