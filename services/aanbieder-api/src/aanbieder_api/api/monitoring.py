"""Local monitoring: the provider context's aggregates for the gemeente of the token, as JSON or CSV."""

from __future__ import annotations

from fastapi import Request

from aanbieder_api.api.deps import get_settings
from aanbieder_api.services import monitoring as use_cases
from inburgering_kit.context import RequestContext
from inburgering_kit.monitoring import Monitoring, Periode, monitoring_router


async def _bereken(ctx: RequestContext, p: Periode, request: Request) -> Monitoring:
    return await use_cases.monitoring(ctx, get_settings(request), p)


router = monitoring_router(
    "aanbieder",
    "Monitoring: prestaties per aanbieder en eindresultaten per onderdeel; kleine cellen onderdrukt",
    _bereken,
)
