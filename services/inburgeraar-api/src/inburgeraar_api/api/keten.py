"""For the gemeente's chain exchange: the BSN of one person, which it puts on a report to DUO at the moment it sends
(Wi art. 35 lid 3) and never keeps. A scope of its own: the exchange sees no contact details, no dossier."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import Field

from inburgeraar_api import scopes
from inburgeraar_api.api.params import InburgeraarId
from inburgeraar_api.domain.enums import InburgeraarStatus
from inburgeraar_api.services import keten
from inburgering_kit.context import RequestContext, context
from inburgering_kit.schemas import ApiModel

router = APIRouter(prefix="/inburgeraars/{inburgeraarId:uuid}", tags=["Ketenuitwisseling"])

BsnLezen = Annotated[RequestContext, Depends(context(scopes.INBURGERAAR_BSN_LEZEN), scope="function")]


class BsnRead(ApiModel):
    bsn: str | None = Field(description="Leeg zolang de inburgeraar op `bsn-ontbreekt` staat.")
    status: InburgeraarStatus


@router.get(
    "/bsn",
    operation_id="inburgeraar_bsn_read",
    summary="Het BSN van één inburgeraar, voor de gegevenslevering aan DUO (alleen de ketenuitwisseling)",
)
async def bsn(inburgeraar_id: InburgeraarId, ctx: BsnLezen) -> BsnRead:
    inburgeraar = await keten.bsn_voor_duo(ctx, inburgeraar_id)
    return BsnRead(bsn=inburgeraar.bsn, status=InburgeraarStatus(inburgeraar.status))
