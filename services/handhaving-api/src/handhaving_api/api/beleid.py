"""Verordening versions, Participatiewet maatregelen, DUO's boetes and the overview per person."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from handhaving_api.api.deps import (
    DuoSchrijven,
    InburgeraarId,
    Lezen,
    MaatregelenLezen,
    MaatregelenSchrijven,
    VerordeningSchrijven,
    location,
)
from handhaving_api.api.schemas import (
    DuoBoeteCreate,
    DuoBoeteRead,
    MaatregelCreate,
    MaatregelRead,
    OverzichtRead,
    VerordeningCreate,
    VerordeningRead,
)
from handhaving_api.services import beleid as use_cases
from handhaving_api.services import boetes
from inburgering_kit.idempotency import IdempotencyDep
from inburgering_kit.pagination import Page, Paging

router = APIRouter(tags=["Beleid en uitwisseling"])


@router.post(
    "/verordeningen",
    status_code=status.HTTP_201_CREATED,
    operation_id="verordening_create",
    summary="Een nieuwe versie van de boeteladder van de gemeente vastleggen",
    description="Trapsgewijs en nooit boven de wettelijke maxima (€ 250 brede intake, € 800 PIP); een versie met "
    "dezelfde ingangsdatum wordt niet vervangen.",
    responses=location("URL van de verordeningen."),
    openapi_extra={"x-problems": ["409", "422"]},
)
async def leg_vast(body: VerordeningCreate, ctx: VerordeningSchrijven, response: Response) -> VerordeningRead:
    versie = await use_cases.leg_verordening_vast(ctx, body.ingangsdatum, body.brede_intake, body.pip)
    response.headers["Location"] = f"{ctx.api_prefix}/verordeningen"
    return VerordeningRead.van(versie)


@router.get("/verordeningen", operation_id="verordening_list", summary="Alle versies van de boeteladder")
async def verordeningen(ctx: Lezen) -> list[VerordeningRead]:
    return [VerordeningRead.van(v) for v in await use_cases.verordeningen(ctx)]


@router.post(
    "/participatiewet-maatregelen",
    status_code=status.HTTP_201_CREATED,
    operation_id="participatiewet_maatregel_create",
    summary="Een maatregel onder de Participatiewet registreren (sluit een boete uit, Wi art. 27)",
    responses=location("URL van de maatregelen van de persoon."),
    openapi_extra={"x-problems": ["422"]},
)
async def registreer_maatregel(
    body: MaatregelCreate, ctx: MaatregelenSchrijven, idem: IdempotencyDep, response: Response
) -> MaatregelRead:
    if (replay := await idem.replay(ctx, body)) is not None:
        return replay  # type: ignore[return-value]
    maatregel = await use_cases.registreer_maatregel(
        ctx,
        inburgeraar_id=body.inburgeraar_id,
        periode_van=body.periode_van,
        periode_tot=body.periode_tot,
        gedraging_referentie=body.gedraging_referentie,
        overtreding_id=body.overtreding_id,
        besluit_datum=body.besluit_datum,
    )
    result = MaatregelRead.van(maatregel)
    response.headers["Location"] = f"{ctx.api_prefix}/participatiewet-maatregelen?inburgeraarId={body.inburgeraar_id}"
    await idem.store(ctx, 201, result)
    return result


@router.get(
    "/participatiewet-maatregelen",
    operation_id="participatiewet_maatregel_list",
    summary="Participatiewet-maatregelen, gefilterd en gepagineerd",
)
async def maatregelen(
    ctx: MaatregelenLezen,
    paging: Paging,
    inburgeraar_id: Annotated[uuid.UUID | None, Query(alias="inburgeraarId")] = None,
) -> Page[MaatregelRead]:
    rows, total = await use_cases.maatregelen(ctx, paging, inburgeraar_id)
    return Page[MaatregelRead].of([MaatregelRead.van(r) for r in rows], total, paging)


@router.post(
    "/duo-boetes",
    status_code=status.HTTP_201_CREATED,
    operation_id="duo_boete_create",
    summary="Een boete van DUO aanleveren (eenmaal per kenmerk)",
    responses=location("URL van het boeteoverzicht van de persoon."),
)
async def ontvang_duo_boete(
    body: DuoBoeteCreate, ctx: DuoSchrijven, idem: IdempotencyDep, response: Response
) -> DuoBoeteRead:
    if (replay := await idem.replay(ctx, body)) is not None:
        return replay  # type: ignore[return-value]
    boete = await use_cases.ontvang_duo_boete(
        ctx,
        inburgeraar_id=body.inburgeraar_id,
        kenmerk=body.kenmerk,
        besluit_datum=body.besluit_datum,
        bedrag=body.bedrag,
        reden=body.reden,
    )
    result = DuoBoeteRead.van(boete)
    response.headers["Location"] = f"{ctx.api_prefix}/boeteoverzichten/{body.inburgeraar_id}"
    await idem.store(ctx, 201, result)
    return result


@router.get(
    "/boeteoverzichten/{inburgeraarId:uuid}",
    operation_id="boeteoverzicht_read",
    summary="Alle boetes van een persoon: opgelegd, betaald en openstaand, de ruimte onder het plafond, DUO ernaast",
)
async def overzicht(inburgeraar_id: InburgeraarId, ctx: Lezen) -> OverzichtRead:
    return OverzichtRead.van(await boetes.overzicht(ctx, inburgeraar_id))
