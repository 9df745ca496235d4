"""Local monitoring: the person context's aggregates for the gemeente of the token, as JSON or CSV."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from inburgeraar_api.services import monitoring as use_cases
from inburgering_kit.context import RequestContext, context
from inburgering_kit.monitoring import (
    OPENAPI_EXTRA,
    SCOPE_MONITORING,
    Monitoring,
    Periode,
    antwoord,
    openapi_antwoorden,
    periode,
)

router = APIRouter(prefix="/monitoring", tags=["Monitoring"])

Lezen = Annotated[RequestContext, Depends(context(SCOPE_MONITORING), scope="function")]


@router.get(
    "",
    operation_id="monitoring_read",
    summary="Monitoring: instroom per doelgroep, einde plicht en examenresultaten; kleine cellen onderdrukt",
    response_model=Monitoring,
    responses=openapi_antwoorden(),
    openapi_extra=OPENAPI_EXTRA,
)
async def lees(request: Request, ctx: Lezen, p: Annotated[Periode, Depends(periode)]) -> Response:
    uitkomst = await use_cases.monitoring(ctx, p)
    return antwoord(request, uitkomst, f"monitoring-inburgeraar-{ctx.gemeente}-{p.van}-{p.tot}")
