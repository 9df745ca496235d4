"""Local monitoring: the plan context's aggregates for the gemeente of the token, as JSON or CSV."""

from __future__ import annotations

from fastapi import Request

from inburgering_kit.context import RequestContext
from inburgering_kit.monitoring import Monitoring, Periode, monitoring_router
from pip_api.services import monitoring as use_cases


async def _bereken(ctx: RequestContext, p: Periode, request: Request) -> Monitoring:
    return await use_cases.monitoring(ctx, p)


router = monitoring_router(
    "pip",
    "Monitoring: routemix, routewissels, uitstroom en termijnsignalen; kleine cellen onderdrukt",
    _bereken,
)
