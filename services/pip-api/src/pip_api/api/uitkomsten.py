"""The gemeente's judgement on a MAP or PVT part not achieved: reasons and verwijtbaarheid (for DUO, items i and j)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response, status

from inburgering_kit.context import RequestContext, context
from pip_api import scopes
from pip_api.api.schemas import OnderdeelUitkomstRead
from pip_api.domain.uitkomst import NietBehaaldBeoordeling
from pip_api.services import uitkomst as use_cases

router = APIRouter(prefix="/pips/{pipId:uuid}/uitkomsten", tags=["Uitkomsten"])

Lezen = Annotated[RequestContext, Depends(context(scopes.PIP_LEZEN), scope="function")]
Schrijven = Annotated[RequestContext, Depends(context(scopes.PIP_SCHRIJVEN), scope="function")]
PipId = Annotated[uuid.UUID, Path(alias="pipId", description="Id van het PIP.")]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    operation_id="onderdeel_uitkomst_create",
    summary="Vastleggen waarom de MAP of het PVT niet is behaald en of dat verwijtbaar is",
    responses={201: {"headers": {"Location": {"description": "URL van de uitkomst.", "schema": {"type": "string"}}}}},
)
async def beoordeel(
    pip_id: PipId, body: NietBehaaldBeoordeling, ctx: Schrijven, response: Response
) -> OnderdeelUitkomstRead:
    uitkomst = await use_cases.beoordeel(ctx, pip_id, body)
    response.headers["Location"] = f"{ctx.api_prefix}{use_cases.pad(pip_id, uitkomst.id)}"
    return OnderdeelUitkomstRead.van(uitkomst)


@router.get("", operation_id="onderdeel_uitkomst_list", summary="De beoordeelde uitkomsten van MAP en PVT")
async def lijst(pip_id: PipId, ctx: Lezen) -> list[OnderdeelUitkomstRead]:
    return [OnderdeelUitkomstRead.van(u) for u in await use_cases.lijst(ctx, pip_id)]
