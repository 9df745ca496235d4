"""The brede intake of one inburgeraar."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, status

from inburgeraar_api import scopes
from inburgeraar_api.api.deps import GeenMedischeGegevens
from inburgeraar_api.api.params import InburgeraarId
from inburgeraar_api.api.schemas import (
    Achtergrond,
    AfrondenCreate,
    BredeIntakeRead,
    IntakegesprekCreate,
    IntakegesprekRead,
    OproepCreate,
    OproepRead,
    OproepUitkomstCreate,
)
from inburgeraar_api.domain.brede_intake import IntakeResultaat, Leerbaarheidstoets
from inburgeraar_api.domain.enums import Onderwerp
from inburgeraar_api.services import intake
from inburgering_kit.context import RequestContext, context
from inburgering_kit.idempotency import IdempotencyDep

router = APIRouter(prefix="/inburgeraars/{inburgeraarId:uuid}/brede-intake", tags=["Brede intake"])

Lezen = Annotated[RequestContext, Depends(context(scopes.INTAKE_LEZEN), scope="function")]
Schrijven = Annotated[RequestContext, Depends(context(scopes.INTAKE_SCHRIJVEN), scope="function")]
OproepId = Annotated[uuid.UUID, Path(alias="oproepId", description="Id van de oproep.")]


@router.get("", operation_id="brede_intake_read", summary="De brede intake: oproepen, gesprekken, resultaten, stand")
async def lees(inburgeraar_id: InburgeraarId, ctx: Lezen) -> BredeIntakeRead:
    return await intake.lees(ctx, inburgeraar_id)


@router.post(
    "/oproepen",
    status_code=status.HTTP_201_CREATED,
    operation_id="oproep_create",
    summary="De inburgeraar oproepen voor de brede intake",
)
async def roep_op(
    inburgeraar_id: InburgeraarId, body: OproepCreate, ctx: Schrijven, idem: IdempotencyDep
) -> OproepRead:
    return await idem.run(
        ctx,
        body,
        201,  # type: ignore[return-value]
        lambda: intake.roep_op(ctx, inburgeraar_id, body),
    )


@router.put(
    "/oproepen/{oproepId:uuid}/uitkomst",
    operation_id="oproep_uitkomst_put",
    summary="De uitkomst van een oproep vastleggen: verschenen, niet verschenen, onvoldoende meegewerkt",
)
async def uitkomst(
    inburgeraar_id: InburgeraarId, oproep_id: OproepId, body: OproepUitkomstCreate, ctx: Schrijven
) -> OproepRead:
    return await intake.leg_uitkomst_vast(ctx, inburgeraar_id, oproep_id, body)


@router.post(
    "/gesprekken",
    status_code=status.HTTP_201_CREATED,
    operation_id="intakegesprek_create",
    summary="Een intakegesprek vastleggen",
)
async def gesprek(
    inburgeraar_id: InburgeraarId,
    body: IntakegesprekCreate,
    ctx: Schrijven,
    idem: IdempotencyDep,
    _: GeenMedischeGegevens,
) -> IntakegesprekRead:
    return await idem.run(
        ctx,
        body,
        201,  # type: ignore[return-value]
        lambda: intake.leg_gesprek_vast(ctx, inburgeraar_id, body),
    )


@router.put(
    "/resultaten/{onderwerp}",
    operation_id="intake_resultaat_put",
    summary="Het resultaat voor één onderwerp vastleggen (gezondheid: alleen omstandigheden, geen diagnose)",
)
async def resultaat(
    inburgeraar_id: InburgeraarId,
    onderwerp: Onderwerp,
    body: Annotated[IntakeResultaat, Body()],
    ctx: Schrijven,
    _: GeenMedischeGegevens,
) -> BredeIntakeRead:
    return await intake.leg_resultaat_vast(ctx, inburgeraar_id, onderwerp, body)


@router.put(
    "/leerbaarheidstoets",
    operation_id="leerbaarheidstoets_put",
    summary="De uitslag van de leerbaarheidstoets vastleggen",
)
async def leerbaarheidstoets(
    inburgeraar_id: InburgeraarId, body: Leerbaarheidstoets, ctx: Schrijven, _: GeenMedischeGegevens
) -> BredeIntakeRead:
    return await intake.leg_leerbaarheidstoets_vast(ctx, inburgeraar_id, body)


@router.put(
    "/achtergrond",
    operation_id="intake_achtergrond_put",
    summary="Opleiding, diplomawaardering, werkervaring, taalniveau, alfabetisme en VVE vastleggen",
)
async def achtergrond(
    inburgeraar_id: InburgeraarId, body: Achtergrond, ctx: Schrijven, _: GeenMedischeGegevens
) -> BredeIntakeRead:
    return await intake.leg_achtergrond_vast(ctx, inburgeraar_id, body)


@router.post(
    "/_afronden",
    operation_id="brede_intake_afronden",
    summary="De brede intake afronden, of na drie oproepen zonder verschijnen afronden bij afwezigheid",
)
async def afronden(inburgeraar_id: InburgeraarId, body: AfrondenCreate, ctx: Schrijven) -> BredeIntakeRead:
    return await intake.rond_af(ctx, inburgeraar_id, body)
