"""Overtredingen (candidates, from events or by hand) and the steps of the Awb procedure on them."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response, status
from fastapi.responses import HTMLResponse

from handhaving_api.api import brieven
from handhaving_api.api.deps import Lezen, OvertredingId, Schrijven, location
from handhaving_api.api.schemas import (
    Afwijzen,
    Afzien,
    Beboeten,
    BoeteRead,
    OvertredingCreate,
    OvertredingRead,
    ProcedurestapRead,
    Voornemen,
    Waarschuwen,
    Zienswijze,
)
from handhaving_api.domain.enums import Handeling, Overtredingsoort, Procedurestatus
from handhaving_api.repository import Overtredingfilter
from handhaving_api.services import overtredingen as use_cases
from handhaving_api.settings import Settings
from inburgering_kit.idempotency import IdempotencyDep
from inburgering_kit.pagination import Page, Paging
from inburgering_kit.strict import Datum

router = APIRouter(prefix="/overtredingen", tags=["Overtredingen"])
_WEIGERING = {"x-problems": ["422"]}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    operation_id="overtreding_create",
    summary="Een kandidaat-overtreding met de hand registreren",
    responses=location("URL van de overtreding."),
    openapi_extra=_WEIGERING,
)
async def registreer(
    body: OvertredingCreate, ctx: Schrijven, idem: IdempotencyDep, response: Response
) -> OvertredingRead:
    if (replay := await idem.replay(ctx, body)) is not None:
        return replay  # type: ignore[return-value]
    overtreding = await use_cases.registreer(
        ctx,
        use_cases.NieuweOvertreding(
            inburgeraar_id=body.inburgeraar_id,
            soort=body.soort,
            gedraging_van=body.gedraging_van,
            gedraging_tot=body.gedraging_tot or body.gedraging_van,
            omschrijving=body.omschrijving,
            pip_id=body.pip_id,
            klantregisseur=body.klantregisseur,
        ),
    )
    result = OvertredingRead.van(overtreding)
    response.headers["Location"] = f"{ctx.api_prefix}{use_cases.pad(result.id)}"
    await idem.store(ctx, 201, result)
    return result


@router.get(
    "",
    operation_id="overtreding_list",
    summary="Overtredingen van de gemeente, gefilterd en gepagineerd",
    description="De werklijsten, per gemeente of per klantregisseur (`klantregisseur`): de open kandidaten "
    "(`status=kandidaat`) en de voornemens waarvan de zienswijzetermijn verloopt (`status=voorgenomen` met "
    "`zienswijzeTermijnTot`).",
)
async def lijst(
    ctx: Lezen,
    paging: Paging,
    inburgeraar_id: Annotated[uuid.UUID | None, Query(alias="inburgeraarId")] = None,
    status_: Annotated[Procedurestatus | None, Query(alias="status")] = None,
    soort: Annotated[Overtredingsoort | None, Query()] = None,
    klantregisseur: Annotated[
        str | None, Query(min_length=1, max_length=200, description="Alleen de overtredingen van deze klantregisseur.")
    ] = None,
    zienswijze_termijn_tot: Annotated[
        Datum | None,
        Query(
            alias="zienswijzeTermijnTot",
            description="Alleen voornemens waarvan de zienswijzetermijn uiterlijk op deze dag eindigt.",
        ),
    ] = None,
) -> Page[OvertredingRead]:
    filter_ = Overtredingfilter(
        inburgeraar_id=inburgeraar_id,
        status=status_.value if status_ else None,
        soort=soort.value if soort else None,
        klantregisseur=klantregisseur,
        zienswijze_uiterlijk=zienswijze_termijn_tot,
    )
    rows, total = await use_cases.lijst(ctx, paging, filter_)
    return Page[OvertredingRead].of([OvertredingRead.van(r) for r in rows], total, paging)


@router.get("/{overtredingId:uuid}", operation_id="overtreding_read", summary="Eén overtreding met haar procedure")
async def lees(overtreding_id: OvertredingId, ctx: Lezen) -> OvertredingRead:
    return OvertredingRead.van(await use_cases.raadpleeg(ctx, overtreding_id))


@router.get(
    "/{overtredingId:uuid}/stappen", operation_id="procedurestap_list", summary="De gezette stappen van de procedure"
)
async def stappen(overtreding_id: OvertredingId, ctx: Lezen) -> list[ProcedurestapRead]:
    return [ProcedurestapRead.van(s) for s in await use_cases.stappen(ctx, overtreding_id)]


@router.post(
    "/{overtredingId:uuid}/_afwijzen",
    operation_id="overtreding_afwijzen",
    summary="De kandidaat afwijzen, met reden",
    openapi_extra=_WEIGERING,
)
async def wijs_af(overtreding_id: OvertredingId, body: Afwijzen, ctx: Schrijven) -> OvertredingRead:
    return OvertredingRead.van(await use_cases.wijs_af(ctx, overtreding_id, datum=body.datum, reden=body.reden))


@router.post(
    "/{overtredingId:uuid}/_waarschuwen",
    operation_id="overtreding_waarschuwen",
    summary="Een waarschuwing geven",
    openapi_extra=_WEIGERING,
)
async def waarschuw(overtreding_id: OvertredingId, body: Waarschuwen, ctx: Schrijven) -> OvertredingRead:
    return OvertredingRead.van(await use_cases.waarschuw(ctx, overtreding_id, datum=body.datum, reden=body.reden))


@router.post(
    "/{overtredingId:uuid}/_voornemen",
    operation_id="overtreding_voornemen",
    summary="Het voornemen tot een boete, met het berekende bedrag en de zienswijzetermijn",
    openapi_extra=_WEIGERING,
)
async def neem_voor(
    request: Request, overtreding_id: OvertredingId, body: Voornemen, ctx: Schrijven
) -> OvertredingRead:
    settings: Settings = request.app.state.settings
    overtreding = await use_cases.neem_voor(
        ctx,
        overtreding_id,
        datum=body.datum,
        termijn_dagen=body.zienswijzetermijn_dagen or settings.zienswijzetermijn_dagen,
        reden=body.reden,
    )
    return OvertredingRead.van(overtreding)


@router.post(
    "/{overtredingId:uuid}/_zienswijze",
    operation_id="overtreding_zienswijze",
    summary="De zienswijze op het voornemen vastleggen",
    openapi_extra=_WEIGERING,
)
async def zienswijze(overtreding_id: OvertredingId, body: Zienswijze, ctx: Schrijven) -> OvertredingRead:
    return OvertredingRead.van(
        await use_cases.ontvang_zienswijze(ctx, overtreding_id, datum=body.datum, samenvatting=body.samenvatting)
    )


@router.post(
    "/{overtredingId:uuid}/_afzien",
    operation_id="overtreding_afzien",
    summary="Afzien van de boete na het voornemen, met reden",
    openapi_extra=_WEIGERING,
)
async def zie_af(overtreding_id: OvertredingId, body: Afzien, ctx: Schrijven) -> OvertredingRead:
    return OvertredingRead.van(await use_cases.zie_af(ctx, overtreding_id, datum=body.datum, reden=body.reden))


@router.post(
    "/{overtredingId:uuid}/_beboeten",
    status_code=status.HTTP_201_CREATED,
    operation_id="overtreding_beboeten",
    summary="Het boetebesluit nemen",
    description="Het bedrag is het voorstel, of lager met een reden (maatwerk); het plafond van € 2.400 voor het PIP "
    "wordt per persoon onder een slot bewaakt.",
    responses=location("URL van de boete."),
    openapi_extra=_WEIGERING,
)
async def beboet(
    overtreding_id: OvertredingId, body: Beboeten, ctx: Schrijven, idem: IdempotencyDep, response: Response
) -> BoeteRead:
    if (replay := await idem.replay(ctx, body)) is not None:
        return replay  # type: ignore[return-value]
    boete = await use_cases.beboet(
        ctx,
        overtreding_id,
        use_cases.Besluit(
            datum=body.datum,
            verzenddatum=body.verzenddatum,
            bedrag=body.bedrag,
            maatwerk_reden=body.maatwerk_reden,
            nieuwe_verschijndatum=body.nieuwe_verschijndatum,
            reden=body.reden,
        ),
    )
    result = BoeteRead.van(boete)
    response.headers["Location"] = f"{ctx.api_prefix}/boetes/{boete.id}"
    await idem.store(ctx, 201, result)
    return result


class Briefsoort(StrEnum):
    WAARSCHUWING = "waarschuwing"
    VOORNEMEN = "voornemen"


_STAP = {Briefsoort.WAARSCHUWING: Handeling.WAARSCHUWEN, Briefsoort.VOORNEMEN: Handeling.VOORNEMEN}


@router.get(
    "/{overtredingId:uuid}/brief",
    operation_id="overtreding_brief",
    summary="De waarschuwing of het voornemen als HTML- of PDF-brief, om aan de inburgeraar te sturen (zonder BSN)",
    response_class=HTMLResponse,
    responses=brieven.RESPONSES,
    # A step not taken has no letter: `brief-bestaat-niet`.
    openapi_extra={"x-problems": ["409"]},
)
async def brief(
    request: Request,
    overtreding_id: OvertredingId,
    ctx: Lezen,
    soort: Annotated[Briefsoort, Query(description="Welke brief: de waarschuwing of het voornemen.")],
    accept: Annotated[str | None, Header(description="`application/pdf` voor PDF; anders HTML.")] = None,
) -> Response:
    overtreding, stap = await use_cases.brief(ctx, overtreding_id, _STAP[soort])
    settings: Settings = request.app.state.settings
    afzender = settings.gemeenten.get(overtreding.gemeente_code)
    render = brieven.waarschuwing if soort is Briefsoort.WAARSCHUWING else brieven.voornemen
    return await brieven.antwoord(render(overtreding, stap, afzender), accept, f"{soort.value}-{overtreding.id}")
