"""Local monitoring: the enforcement context's aggregates for the gemeente of the token, as JSON or CSV."""

from __future__ import annotations

from fastapi import Request

from handhaving_api.services import monitoring as use_cases
from inburgering_kit.context import RequestContext
from inburgering_kit.monitoring import Monitoring, Periode, monitoring_router


async def _bereken(ctx: RequestContext, p: Periode, request: Request) -> Monitoring:
    return await use_cases.monitoring(ctx, p)


router = monitoring_router(
    "handhaving",
    "Monitoring: handhavingsstappen, boetebesluiten en boetebedragen; kleine cellen onderdrukt",
    _bereken,
)
