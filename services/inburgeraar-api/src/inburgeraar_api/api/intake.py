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
from inburgeraar_api.domain.enums import Onderwerp, OproepUitkomst
from inburgeraar_api.models import Intakegesprek, Oproep
from inburgeraar_api.services import intake
from inburgering_kit.context import RequestContext, context
from inburgering_kit.idempotency import IdempotencyDep

router = APIRouter(prefix="/inburgeraars/{inburgeraarId:uuid}/brede-intake", tags=["Brede intake"])

Lezen = Annotated[RequestContext, Depends(context(scopes.INTAKE_LEZEN), scope="function")]
Schrijven = Annotated[RequestContext, Depends(context(scopes.INTAKE_SCHRIJVEN), scope="function")]
OproepId = Annotated[uuid.UUID, Path(alias="oproepId", description="Id van de oproep.")]


def _oproep(record: Oproep) -> OproepRead:
    return OproepRead(
        id=record.id,
        volgnummer=record.volgnummer,
        verzonden_datum=record.verzonden_datum,
        afspraak_op=record.afspraak_at,
        uitkomst=OproepUitkomst(record.uitkomst) if record.uitkomst else None,
        toelichting=record.toelichting,
    )


def _gesprek(record: Intakegesprek) -> IntakegesprekRead:
    return IntakegesprekRead(id=record.id, **record.gegevens)


def _brede_intake(stand: intake.Stand) -> BredeIntakeRead:
    return BredeIntakeRead(
        status=stand.status,
        afgerond_datum=stand.afgerond_datum,
        afgerond_bij_afwezigheid=stand.afgerond_bij_afwezigheid,
        volgende_stap=stand.volgende_stap,
        oproepen=[_oproep(o) for o in stand.oproepen],
        gesprekken=[_gesprek(g) for g in stand.gesprekken],
        resultaten=stand.resultaten,
        leerbaarheidstoets=stand.leerbaarheidstoets,
        achtergrond=Achtergrond.model_validate(stand.achtergrond) if stand.achtergrond else None,
    )


@router.get("", operation_id="brede_intake_read", summary="De brede intake: oproepen, gesprekken, resultaten, stand")
async def lees(inburgeraar_id: InburgeraarId, ctx: Lezen) -> BredeIntakeRead:
    return _brede_intake(await intake.lees(ctx, inburgeraar_id))


@router.post(
    "/oproepen",
    status_code=status.HTTP_201_CREATED,
    operation_id="oproep_create",
    summary="De inburgeraar oproepen voor de brede intake",
)
async def roep_op(
    inburgeraar_id: InburgeraarId, body: OproepCreate, ctx: Schrijven, idem: IdempotencyDep
) -> OproepRead:
    async def roep() -> OproepRead:
        return _oproep(await intake.roep_op(ctx, inburgeraar_id, body.verzonden_datum, body.afspraak_op))

    return await idem.run(ctx, body, 201, roep)  # type: ignore[return-value]


@router.put(
    "/oproepen/{oproepId:uuid}/uitkomst",
    operation_id="oproep_uitkomst_put",
    summary="De uitkomst van een oproep vastleggen: verschenen, niet verschenen, onvoldoende meegewerkt",
)
async def uitkomst(
    inburgeraar_id: InburgeraarId, oproep_id: OproepId, body: OproepUitkomstCreate, ctx: Schrijven
) -> OproepRead:
    return _oproep(await intake.leg_uitkomst_vast(ctx, inburgeraar_id, oproep_id, body.uitkomst, body.toelichting))


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
    async def leg_vast() -> IntakegesprekRead:
        return _gesprek(await intake.leg_gesprek_vast(ctx, inburgeraar_id, body.datum, body.model_dump(mode="json")))

    return await idem.run(ctx, body, 201, leg_vast)  # type: ignore[return-value]


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
    return _brede_intake(await intake.leg_resultaat_vast(ctx, inburgeraar_id, onderwerp, body))


@router.put(
    "/leerbaarheidstoets",
    operation_id="leerbaarheidstoets_put",
    summary="De uitslag van de leerbaarheidstoets vastleggen",
)
async def leerbaarheidstoets(
    inburgeraar_id: InburgeraarId, body: Leerbaarheidstoets, ctx: Schrijven, _: GeenMedischeGegevens
) -> BredeIntakeRead:
    return _brede_intake(await intake.leg_leerbaarheidstoets_vast(ctx, inburgeraar_id, body))


@router.put(
    "/achtergrond",
    operation_id="intake_achtergrond_put",
    summary="Opleiding, diplomawaardering, werkervaring, taalniveau, alfabetisme en VVE vastleggen",
)
async def achtergrond(
    inburgeraar_id: InburgeraarId, body: Achtergrond, ctx: Schrijven, _: GeenMedischeGegevens
) -> BredeIntakeRead:
    return _brede_intake(await intake.leg_achtergrond_vast(ctx, inburgeraar_id, body.model_dump(mode="json")))


@router.post(
    "/_afronden",
    operation_id="brede_intake_afronden",
    summary="De brede intake afronden, of na drie oproepen zonder verschijnen afronden bij afwezigheid",
)
async def afronden(inburgeraar_id: InburgeraarId, body: AfrondenCreate, ctx: Schrijven) -> BredeIntakeRead:
    return _brede_intake(await intake.rond_af(ctx, inburgeraar_id, body.datum, body.bij_afwezigheid))
